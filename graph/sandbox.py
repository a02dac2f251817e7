"""Running untrusted SPARQL where it can be stopped: a small pool of killable worker processes.

Why: neither pyoxigraph nor rdflib can cancel a running query from Python
(oxigraph issue #1926), so a time limit must be enforced *outside* the
engine. And a public query must never see personal data or reach the network.

Design (the worker half lives in :mod:`graph.query_worker`):

* The pool holds ``workers`` processes, each a fresh interpreter that imports
  only :mod:`graph.query_worker`, so no locks or store handles are inherited
  and a worker starts in about half a second. (``multiprocessing``'s *spawn*
  also imports the parent's main module in every worker: for a server script
  that imports the web app that was 2.2 s and 90 MB more per worker.) The
  parent talks to a worker over a socket pair wrapped in a
  :class:`multiprocessing.connection.Connection`. A worker ends itself when the
  server process is gone, even one killed outright in the middle of a query.
  Each loads a **snapshot of the public graphs** (N-Quads written by the parent
  from ``Store.public_graphs()``) into its own in-memory Oxigraph store.
  Private graphs are never written to the snapshot, so no query, ``GRAPH ?g``
  included, can reach them; and the worker never opens the on-disk store, so
  it cannot collide with the server's writer lock.
* A worker first tries to move itself into fresh user and network namespaces
  (``unshare(CLONE_NEWUSER | CLONE_NEWNET)``): it then has no network at all,
  the only control that also covers Oxigraph's own HTTP client. The guard
  (:mod:`graph.guard`) runs inside the worker, so even parsing is under the
  deadline.
* A request takes an idle worker, or queues for one. Free workers go to the
  queued requests in arrival order (a hand-off, not a free-for-all), so a
  client that sends its next query the instant its last one was cut waits
  behind the others instead of overtaking them. The wait is capped at
  ``queue_timeout`` (default twice ``timeout``), separate from and longer
  than the time limit: a worker that is being replaced after a cut is a short
  delay, not a reason to turn requests away. Only a request that waited the
  whole ``queue_timeout`` fails with :class:`Busy`.
* The query then gets ``timeout`` seconds to answer. On the deadline its
  worker is killed (SIGKILL) and the caller gets
  :class:`~graph.errors.QueryTimeout` naming the limit. The other workers keep
  serving meanwhile.
* A query still running at half its limit will probably be cut, so its
  successor is started then (a *head start*): the pool is whole again at the
  cut instead of a worker start later. At most one such spare exists; if the
  query finishes after all, one worker is retired, so the pool never holds more
  than ``workers + 1`` processes (plus ones being killed).
* A worker that dies or fails to start is replaced (failed starts are retried
  with a growing pause), so the pool cannot shrink for good.
* Results are capped at ``max_rows`` rows (or triples); the answer says
  whether it was truncated.
* After a write, :meth:`QuerySandbox.refresh` writes a new snapshot; idle
  workers are replaced at once, busy ones when they finish.

Overhead (measured, see ``docs/api.md``): a pipe round trip and the guard's
parse, about a millisecond for small queries; starting a worker costs about
half a second plus the load of the snapshot.

Examples:
    >>> from graph.store import open_store
    >>> with QuerySandbox(open_store("memory:"), workers=1, timeout=30) as box:
    ...     box.run("ASK {}").body
    b'{"head":{},"boolean":true}'
"""

from __future__ import annotations

import atexit
import contextlib
import json
import logging
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from .errors import IntegraphError, QueryRejected, QueryTimeout, StoreError
from .query_worker import NotAcceptable, QueryAnswer

log = logging.getLogger(__name__)

_READY_TIMEOUT = 300.0
#: What a worker process runs: the parent's import path, then :func:`graph.query_worker.main`.
_BOOT = ("import json, sys; sys.path[:] = json.loads(sys.argv[1]); "
         "from graph.query_worker import main; main(sys.argv[2:])")
#: Share of the time limit after which a query still running gets its successor started: by then it
#: is probably a runaway, and a worker start (a second or more on a loaded host) should not begin
#: only at the cut, when the pool is already a worker short.
_HEAD_START = 0.5
#: Pauses (s) before starting a worker again after a failed start, the last one repeated: a broken
#: snapshot or a full process table must not turn into a loop of spawns.
_RETRY_PAUSES = (0.5, 1.0, 2.0, 5.0, 15.0, 30.0)


class Busy(IntegraphError):
    """Every query worker stayed occupied for the whole queue wait; try again shortly."""


@dataclass(eq=False)
class _Worker:
    process: subprocess.Popen[bytes]
    conn: Connection
    generation: int
    isolated: bool = False

    def alive(self) -> bool:
        return self.process.poll() is None


#: Every worker process not yet killed, of every sandbox: killed when the interpreter exits, so that
#: a worker busy with a runaway query does not outlive the server by the second its watchdog needs
#: (idle ones see their pipe close at once).
_LIVE: set[subprocess.Popen[bytes]] = set()
_LIVE_LOCK = threading.Lock()


@atexit.register
def _kill_live_workers() -> None:
    with _LIVE_LOCK:
        for process in list(_LIVE):
            with contextlib.suppress(OSError):
                process.kill()


@dataclass(eq=False)
class _Ticket:
    """A request queued for a worker: whoever frees one fills in ``worker`` and sets ``filled``.

    Why a hand-off and not a shared queue: with :class:`queue.Queue` a thread that arrives just as
    a worker is put back takes it before the waiter that was woken for it, so waiters can lose
    every race until their deadline while workers are free every few milliseconds, and a client
    that resends its runaway query the moment it was cut overtakes everyone who was waiting.
    """

    filled: threading.Event = field(default_factory=threading.Event)
    worker: _Worker | None = None


class QuerySandbox:
    """A pool of killable query workers over a snapshot of a store's public graphs."""

    def __init__(self, store: Any, *, workers: int = 2, timeout: float = 10.0,
                 queue_timeout: float | None = None, max_rows: int = 10_000,
                 isolate_network: bool = True) -> None:
        self.store = store
        self.workers = max(1, workers)
        self.timeout = timeout
        self._queue_timeout = queue_timeout
        self.max_rows = max_rows
        self.isolate_network = isolate_network
        self._lock = threading.RLock()
        self._idle: deque[_Worker] = deque()  # free workers; never non-empty while tickets wait
        self._waiting: deque[_Ticket] = deque()  # queued requests, oldest first
        self._all: set[_Worker] = set()  # every worker started and not yet killed
        self._overdue = 0  # running queries past their head start
        self._failures = 0  # worker starts that failed in a row
        self._generation = 0
        self._dir: Path | None = None
        self._snapshot: Path | None = None

    @property
    def queue_timeout(self) -> float:
        """Seconds a request may wait for a free worker: the given value, else twice ``timeout``.

        Twice the limit covers the worst wait of a request while the pool is not overloaded: a
        worker held by a runaway query until its cut, plus the start of its successor.
        """
        return 2 * self.timeout if self._queue_timeout is None else self._queue_timeout

    # lifecycle -------------------------------------------------------------

    def start(self) -> None:
        """Write the snapshot and start the workers (done on first use otherwise)."""
        with self._lock:
            if self._snapshot is not None:
                return
            self._dir = Path(tempfile.mkdtemp(prefix="integraph-sandbox-"))
            self._write_snapshot()
            self._top_up()

    def refresh(self) -> None:
        """Take a new snapshot after the store changed; workers are replaced."""
        with self._lock:
            if self._snapshot is None:
                return
            old = self._snapshot
            self._write_snapshot()
            old.unlink(missing_ok=True)
            stale = list(self._idle)
            self._idle.clear()
            for w in stale:
                self._kill(w)
            self._top_up()

    def close(self) -> None:
        """Stop every worker and remove the snapshot; a later :meth:`run` starts afresh.

        Requests still queued are woken without a worker and fail with :class:`Busy`.
        """
        with self._lock:
            self._generation += 1  # workers still starting or busy are dropped when they report back
            self._snapshot = None
            for w in list(self._all):
                self._kill(w)
            self._idle.clear()
            for ticket in self._waiting:
                ticket.filled.set()
            self._waiting.clear()
            if self._dir is not None:
                shutil.rmtree(self._dir, ignore_errors=True)
                self._dir = None

    def __enter__(self) -> QuerySandbox:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def wait_ready(self, timeout: float = 60.0) -> None:
        """Block until ``workers`` workers are idle (for tests and start-up)."""
        self.start()
        deadline = time.monotonic() + timeout
        while len(self._idle) < self.workers and time.monotonic() < deadline:
            time.sleep(0.02)

    @property
    def isolated(self) -> bool:
        """Whether the workers run without network access."""
        with self._lock:
            alive = [w for w in self._all if w.alive()]
        return bool(alive) and all(w.isolated for w in alive)

    # internals -------------------------------------------------------------

    def _write_snapshot(self) -> None:
        assert self._dir is not None
        self._generation += 1
        path = self._dir / f"public-{self._generation}.nq"
        quads = (ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(g))
                 for g in self.store.public_graphs() for t in self.store.triples(g))
        try:
            ox.serialize(quads, output=str(path), format=ox.RdfFormat.N_QUADS)
        except OSError as exc:
            raise StoreError(f"cannot write the query snapshot: {exc}") from exc
        self._snapshot = path

    def _spawn(self) -> None:
        if self._snapshot is None:
            return
        try:
            parent, child = socket.socketpair()  # what multiprocessing.Pipe() is on Unix
        except OSError as exc:
            self._retry_later(f"cannot start a query worker: {exc}")
            return
        try:
            # close_fds (the default) keeps other workers' sockets out, so each sees its own EOF
            process = subprocess.Popen(
                [sys.executable, "-c", _BOOT, json.dumps(sys.path), str(child.fileno()),
                 str(self._snapshot), str(self.max_rows), "1" if self.isolate_network else "0"],
                pass_fds=(child.fileno(),), stdin=subprocess.DEVNULL)
        except OSError as exc:
            parent.close()
            self._retry_later(f"cannot start a query worker: {exc}")
            return
        finally:
            child.close()
        with _LIVE_LOCK:
            _LIVE.add(process)
        worker = _Worker(process, Connection(parent.detach()), self._generation)
        self._all.add(worker)
        threading.Thread(target=self._await_ready, args=(worker,), daemon=True).start()

    def _await_ready(self, worker: _Worker) -> None:
        """Put a starting worker into service, or kill it and start another after a pause."""
        try:
            if worker.conn.poll(_READY_TIMEOUT):
                kind, isolated = worker.conn.recv()
                if kind == "ready":
                    worker.isolated = bool(isolated)
                    with self._lock:
                        if worker.generation == self._generation:
                            self._failures = 0
                    self._release(worker)
                    return
        except (EOFError, OSError):
            pass
        self._kill(worker)
        if worker.generation == self._generation:  # else closed or refreshed meanwhile
            self._retry_later(f"a query worker failed to start (exit code {worker.process.returncode})")

    def _retry_later(self, problem: str) -> None:
        """Log a failed worker start and top the pool up again after a pause that grows with each failure."""
        with self._lock:
            self._failures += 1
            pause = _RETRY_PAUSES[min(self._failures, len(_RETRY_PAUSES)) - 1]
            generation = self._generation
        log.error("%s; starting another in %g s", problem, pause)

        def again() -> None:
            if generation == self._generation:
                self._top_up()

        timer = threading.Timer(pause, again)
        timer.daemon = True
        timer.start()

    def _kill(self, worker: _Worker) -> None:
        with self._lock:
            self._all.discard(worker)
        with contextlib.suppress(Exception):
            worker.process.kill()
            worker.process.wait(timeout=5)
        with _LIVE_LOCK:
            _LIVE.discard(worker.process)
        with contextlib.suppress(Exception):
            worker.conn.close()

    def _current(self) -> int:
        """Workers of the current snapshot, starting, idle or busy (call under the lock)."""
        return sum(1 for w in self._all if w.generation == self._generation)

    def _target(self) -> int:
        """How many workers the pool should hold: ``workers``, plus one spare while a query is overdue."""
        return self.workers + min(self._overdue, 1)

    def _top_up(self) -> None:
        """Start workers until the current generation has :meth:`_target` of them."""
        with self._lock:
            for _ in range(self._target() - self._current()):
                self._spawn()

    def _replace(self, worker: _Worker) -> None:
        self._kill(worker)
        self._top_up()

    def _release(self, worker: _Worker) -> None:
        """Hand a free worker to the oldest queued request, else park it; retire it if stale or surplus."""
        with self._lock:
            if (worker in self._all and worker.generation == self._generation
                    and self._current() <= self._target()):
                if self._waiting:
                    ticket = self._waiting.popleft()  # a waiter that gives up removes its own ticket
                    ticket.worker = worker
                    ticket.filled.set()
                else:
                    self._idle.append(worker)
                return
        self._replace(worker)

    def _acquire(self) -> _Worker:
        """A live worker of the current snapshot: an idle one, else the next one freed, in arrival order.

        Raises :class:`Busy` after :attr:`queue_timeout` seconds without one.
        """
        deadline = time.monotonic() + self.queue_timeout
        requeued = False
        while True:
            ticket: _Ticket | None = None
            with self._lock:
                if self._idle:
                    worker: _Worker | None = self._idle.popleft()
                else:
                    worker, ticket = None, _Ticket()
                    # a request handed a dead worker keeps its place at the front
                    (self._waiting.appendleft if requeued else self._waiting.append)(ticket)
            if ticket is not None:
                ticket.filled.wait(max(deadline - time.monotonic(), 0.0))
                with self._lock:
                    worker = ticket.worker
                    if worker is None and ticket.filled.is_set():
                        raise Busy("the query workers were stopped; try again shortly")  # by close()
                    if worker is None:
                        self._waiting.remove(ticket)
                        raise Busy(f"all {self.workers} query workers stayed busy for queue_timeout = "
                                   f"{self.queue_timeout:g} s (query_workers = {self.workers}); "
                                   "try again shortly")
            assert worker is not None
            if worker.generation == self._generation and worker.alive():
                return worker
            self._replace(worker)
            requeued = True

    def _answered(self, worker: _Worker) -> bool:
        """Wait up to the time limit for the worker's answer; start its successor at the head start."""
        head = self.timeout * _HEAD_START
        if worker.conn.poll(head):
            return True
        with self._lock:
            self._overdue += 1
            self._top_up()
        try:
            return worker.conn.poll(max(self.timeout - head, 0.0))
        finally:
            with self._lock:
                self._overdue -= 1

    # the one public operation ----------------------------------------------

    def run(self, query: str, *, result_format: str | None = "json", graph_format: str | None = "turtle",
            default_graphs: Sequence[str] | None = None, named_graphs: Sequence[str] | None = None,
            base_iri: str | None = None) -> QueryAnswer:
        """Run one query under the time limit; formats are names from RESULT_MEDIA / GRAPH_MEDIA.

        Raises :class:`QueryRejected` (bad or forbidden query), :class:`QueryTimeout`,
        :class:`Busy` or :class:`NotAcceptable`.
        """
        self.start()
        worker = self._acquire()
        job = {"query": query, "result_format": result_format, "graph_format": graph_format,
               "base_iri": base_iri,
               "default_graphs": None if default_graphs is None else list(default_graphs),
               "named_graphs": None if named_graphs is None else list(named_graphs)}
        try:
            worker.conn.send(job)
            if not self._answered(worker):
                self._replace(worker)
                raise QueryTimeout(f"the query ran longer than query_timeout = {self.timeout:g} s "
                                   "and was stopped")
            kind, payload = worker.conn.recv()
        except (EOFError, OSError):
            self._replace(worker)
            raise QueryRejected("the query stopped its worker process (out of memory?)") from None
        self._release(worker)
        if kind == "ok":
            return payload  # type: ignore[no-any-return]
        if kind == "not_acceptable":
            raise NotAcceptable(payload)
        if kind == "UpdateRejected":
            from .guard import UpdateRejected

            raise UpdateRejected(payload)
        raise QueryRejected(payload)
