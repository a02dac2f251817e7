"""Running untrusted SPARQL where it can be stopped: a small pool of killable worker processes.

Why: neither pyoxigraph nor rdflib can cancel a running query from Python
(oxigraph issue #1926), so a time limit must be enforced *outside* the
engine. And a public query must never see personal data or reach the network.

Design (the worker half lives in :mod:`graph.query_worker`):

* The pool holds ``workers`` processes (``multiprocessing`` *spawn*, so no
  locks or store handles are inherited). Each loads a **snapshot of the public
  graphs** (N-Quads written by the parent from ``Store.public_graphs()``) into
  its own in-memory Oxigraph store. Private graphs are never written to the
  snapshot, so no query, ``GRAPH ?g`` included, can reach them; and the worker
  never opens the on-disk store, so it cannot collide with the server's
  writer lock.
* A worker first tries to move itself into fresh user and network namespaces
  (``unshare(CLONE_NEWUSER | CLONE_NEWNET)``): it then has no network at all,
  the only control that also covers Oxigraph's own HTTP client. The guard
  (:mod:`graph.guard`) runs inside the worker, so even parsing is under the
  deadline.
* A request takes an idle worker (or fails with :class:`Busy` after
  ``timeout`` seconds), sends ``(query, formats, dataset)`` through a pipe and
  waits at most ``timeout`` seconds for the serialised answer. On the deadline
  the worker is killed (SIGKILL) and a fresh one is started in the background;
  the caller gets :class:`~graph.errors.QueryTimeout` naming the limit. The
  other workers keep serving meanwhile.
* Results are capped at ``max_rows`` rows (or triples); the answer says
  whether it was truncated.
* After a write, :meth:`QuerySandbox.refresh` writes a new snapshot; idle
  workers are replaced at once, busy ones when they finish.

Overhead (measured, see ``docs/api.md``): a pipe round trip and the guard's
parse, about a millisecond for small queries; starting a worker costs about a
second plus the load of the snapshot.

Examples:
    >>> from graph.store import open_store
    >>> with QuerySandbox(open_store("memory:"), workers=1, timeout=30) as box:
    ...     box.run("ASK {}").body
    b'{"head":{},"boolean":true}'
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import queue
import shutil
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from .errors import IntegraphError, QueryRejected, QueryTimeout, StoreError
from .query_worker import (
    NotAcceptable,
    QueryAnswer,
    worker_main,
)

log = logging.getLogger(__name__)

_READY_TIMEOUT = 300.0


class Busy(IntegraphError):
    """Every query worker is occupied; try again shortly."""


@dataclass(eq=False)
class _Worker:
    process: Any
    conn: Connection
    generation: int
    isolated: bool = False


class QuerySandbox:
    """A pool of killable query workers over a snapshot of a store's public graphs."""

    def __init__(self, store: Any, *, workers: int = 2, timeout: float = 10.0,
                 max_rows: int = 10_000, isolate_network: bool = True) -> None:
        self.store = store
        self.workers = max(1, workers)
        self.timeout = timeout
        self.max_rows = max_rows
        self.isolate_network = isolate_network
        self._ctx = multiprocessing.get_context("spawn")
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._lock = threading.RLock()
        self._all: set[_Worker] = set()
        self._generation = 0
        self._dir: Path | None = None
        self._snapshot: Path | None = None

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
            while True:
                try:
                    w = self._idle.get_nowait()
                except queue.Empty:
                    break
                self._kill(w)
            self._top_up()

    def close(self) -> None:
        """Stop every worker and remove the snapshot; a later :meth:`run` starts afresh."""
        with self._lock:
            self._generation += 1  # workers still starting or busy are dropped when they report back
            self._snapshot = None
            for w in list(self._all):
                self._kill(w)
            while True:
                try:
                    self._idle.get_nowait()
                except queue.Empty:
                    break
            if self._dir is not None:
                shutil.rmtree(self._dir, ignore_errors=True)
                self._dir = None

    def __enter__(self) -> QuerySandbox:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def wait_ready(self, timeout: float = 60.0) -> None:
        """Block until every worker is idle (for tests and start-up)."""
        self.start()
        deadline = time.monotonic() + timeout
        while self._idle.qsize() < self.workers and time.monotonic() < deadline:
            time.sleep(0.02)

    @property
    def isolated(self) -> bool:
        """Whether the workers run without network access."""
        return bool(self._all) and all(w.isolated for w in self._all if w.process.is_alive())

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
        parent, child = self._ctx.Pipe()
        process = self._ctx.Process(
            target=worker_main, name="integraph-query-worker", daemon=True,
            args=(child, str(self._snapshot), self.max_rows, self.isolate_network))
        process.start()
        child.close()
        worker = _Worker(process, parent, self._generation)
        self._all.add(worker)
        threading.Thread(target=self._await_ready, args=(worker,), daemon=True).start()

    def _await_ready(self, worker: _Worker) -> None:
        try:
            if worker.conn.poll(_READY_TIMEOUT):
                kind, isolated = worker.conn.recv()
                if kind == "ready" and worker.generation == self._generation:
                    worker.isolated = bool(isolated)
                    self._idle.put(worker)
                    return
        except (EOFError, OSError):
            pass
        if worker.generation == self._generation:
            log.error("a query worker failed to start")
        self._kill(worker)

    def _kill(self, worker: _Worker) -> None:
        with contextlib.suppress(Exception):
            worker.process.kill()
            worker.process.join(timeout=5)
        with contextlib.suppress(Exception):
            worker.conn.close()
        self._all.discard(worker)

    def _top_up(self) -> None:
        """Start workers until the current generation has ``workers`` of them."""
        with self._lock:
            current = sum(1 for w in self._all if w.generation == self._generation)
            for _ in range(self.workers - current):
                self._spawn()

    def _replace(self, worker: _Worker) -> None:
        self._kill(worker)
        self._top_up()

    def _release(self, worker: _Worker) -> None:
        if worker.generation != self._generation:
            self._replace(worker)
        else:
            self._idle.put(worker)

    def _acquire(self) -> _Worker:
        deadline = time.monotonic() + self.timeout
        while True:
            remaining = deadline - time.monotonic()
            try:
                worker = self._idle.get(timeout=max(remaining, 0.001))
            except queue.Empty:
                raise Busy(f"all {self.workers} query workers are busy (query_workers = "
                           f"{self.workers}); try again shortly") from None
            if worker.generation == self._generation and worker.process.is_alive():
                return worker
            self._replace(worker)

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
            if not worker.conn.poll(self.timeout):
                self._replace(worker)
                raise QueryTimeout(f"the query ran longer than query_timeout = {self.timeout:g} s "
                                   "and was stopped")
            kind, payload = worker.conn.recv()
        except (EOFError, OSError, BrokenPipeError):
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
