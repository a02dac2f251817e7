"""The query sandbox: killable workers, the time limit, busy answers, snapshots, no network."""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest

import graph.sandbox
from graph.errors import QueryRejected, QueryTimeout
from graph.importer import FIXTURE, import_dataset
from graph.query_worker import isolate_network
from graph.sandbox import Busy, QuerySandbox, _Worker
from graph.store import Store, open_store
from tests.api.listener import recording_listener

RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o }"
EMAIL = "erika.mustermann@example.org"


@pytest.fixture(scope="module")
def store() -> Store:
    s = open_store("memory:")
    import_dataset(s, FIXTURE)
    return s


def count(box: QuerySandbox, query: str = "SELECT (COUNT(*) AS ?n) { ?a ig:kind ?k }") -> int:
    import json

    return int(json.loads(box.run(query).body)["results"]["bindings"][0]["n"]["value"])


def test_timeout_kills_the_worker_and_a_new_one_answers(store: Store) -> None:
    with QuerySandbox(store, workers=1, timeout=1.0) as box:
        box.wait_ready()
        (first,) = [w.process.pid for w in box._all]
        t0 = time.monotonic()
        with pytest.raises(QueryTimeout, match="query_timeout = 1 s"):
            box.run(RUNAWAY)
        assert time.monotonic() - t0 < 5
        box.timeout = 30
        assert count(box) == 12
        assert [w.process.pid for w in box._all] != [first]


def test_busy_when_every_worker_is_occupied(store: Store) -> None:
    # a queue wait shorter than the head start (0.75 s), so no successor can come to the rescue
    with QuerySandbox(store, workers=1, timeout=1.5, queue_timeout=0.3) as box:
        box.wait_ready()
        errors: list[Exception] = []

        def runaway() -> None:
            try:
                box.run(RUNAWAY)
            except QueryTimeout as exc:
                errors.append(exc)

        thread = threading.Thread(target=runaway)
        thread.start()
        time.sleep(0.2)
        t0 = time.monotonic()
        with pytest.raises(Busy, match=r"queue_timeout = 0.3 s \(query_workers = 1\)"):
            box.run("ASK {}")
        assert 0.3 <= time.monotonic() - t0 < 1.2
        thread.join()
        assert len(errors) == 1


def test_snapshot_holds_public_graphs_only(store: Store) -> None:
    assert any(g.endswith("/graph/private") for g in store.named_graphs())
    with QuerySandbox(store, workers=1, timeout=30) as box:
        assert box._snapshot is not None
        text = box._snapshot.read_text(encoding="utf-8")
        assert "/graph/private" not in text and EMAIL not in text
        assert "Integrationsbüro" in text


def test_refresh_shows_new_data(tmp_path: Any) -> None:
    s = open_store(f"oxigraph:{tmp_path / 'store'}")
    import_dataset(s, FIXTURE)
    with QuerySandbox(s, workers=1, timeout=30) as box:
        assert count(box) == 12
        extra = "https://example.org/extra/graph"
        s.replace_graphs({extra: [ox.Triple(ox.NamedNode("https://example.org/a"),
                                            ox.NamedNode("https://w3id.org/integraph/ns#kind"),
                                            ox.Literal("office"))]})
        assert count(box) == 12
        box.refresh()
        assert count(box) == 13
    s.close()


def test_errors_of_the_engine_are_rejections(store: Store) -> None:
    with QuerySandbox(store, workers=1, timeout=30) as box:
        with pytest.raises(QueryRejected, match="SPARQL syntax error"):
            box.run("SELECT ?x WHERE {")
        assert box.run("ASK { ?s ig:kind 'office' }").body == b'{"head":{},"boolean":true}'


def _probe(url: str, isolate: bool, out: Any) -> None:
    """In a fresh process: optionally isolate, then let pyoxigraph itself call SERVICE."""
    isolated = isolate_network() if isolate else False
    try:
        list(ox.Store().query(f"SELECT * WHERE {{ SERVICE <{url}/probe> {{ ?s ?p ?o }} }}"))
        out.put((isolated, "answered"))
    except Exception as exc:
        out.put((isolated, f"failed: {exc}"))


def test_isolated_worker_cannot_reach_the_network() -> None:
    ctx = multiprocessing.get_context("spawn")
    with recording_listener() as (url, hits):
        results = []
        for isolate in (False, True):
            out = ctx.Queue()
            p = ctx.Process(target=_probe, args=(url, isolate, out))
            p.start()
            results.append(out.get(timeout=60))
            p.join(timeout=10)
        # control: without isolation pyoxigraph does call the listener (so the listener works)
        assert len(hits) == 1 and hits[0].endswith("/probe"), results[0]
        isolated, outcome = results[1]
        if not isolated:
            pytest.skip("user and network namespaces are not available here")
        assert outcome.startswith("failed") and len(hits) == 1


def test_closed_sandbox_starts_again_with_the_same_pool_size(store: Store) -> None:
    box = QuerySandbox(store, workers=2, timeout=30)
    try:
        assert count(box) == 12
        box.close()
        assert not box._all
        assert count(box) == 12
        box.refresh()
        assert count(box) == 12
        box.wait_ready()
        assert len(box._all) == 2
    finally:
        box.close()


def test_a_runaway_client_does_not_starve_the_others(store: Store) -> None:
    """One client resends a runaway query the moment it is cut; three others query all along.

    Before the hand-off queue and the head start, the others got ``Busy`` after every cut: the
    runaway client took the surviving worker while the killed one's successor was starting, and
    waiters lost the race for freed workers to threads that came later.
    """
    with QuerySandbox(store, workers=2, timeout=1.0) as box:
        box.wait_ready()
        stop = time.monotonic() + 6.0
        regular: Counter[str] = Counter()
        slow: Counter[str] = Counter()
        waits: list[float] = []

        def runaway() -> None:
            while time.monotonic() < stop:
                t0 = time.monotonic()
                try:
                    box.run(RUNAWAY)
                    slow["answered"] += 1
                except QueryTimeout:
                    slow["limited" if time.monotonic() - t0 >= 1.0 else "limited early"] += 1
                except Exception as exc:
                    slow[type(exc).__name__] += 1

        def client() -> None:
            while time.monotonic() < stop:
                t0 = time.monotonic()
                try:
                    assert count(box) == 12
                    regular["ok"] += 1
                    waits.append(time.monotonic() - t0)
                except Exception as exc:
                    regular[type(exc).__name__] += 1

        threads = [threading.Thread(target=runaway), *(threading.Thread(target=client) for _ in range(3))]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=30)
        assert set(regular) == {"ok"} and regular["ok"] > 100, (regular, max(waits, default=None))
        assert set(slow) == {"limited"} and slow["limited"] >= 3, slow
        # the pool is whole again and no bigger than asked for: spares and killed workers are gone
        box.wait_ready()
        assert len(box._all) == 2 and all(w.alive() for w in box._all)
        assert box._overdue == 0 and not box._waiting


def test_free_workers_go_to_the_longest_waiting_request(store: Store) -> None:
    with QuerySandbox(store, workers=1, timeout=30) as box:
        box.wait_ready()
        held = box._acquire()
        order: list[str] = []

        def wait(name: str) -> None:
            worker = box._acquire()
            order.append(name)
            time.sleep(0.05)
            box._release(worker)

        first = threading.Thread(target=wait, args=("first",))
        first.start()
        while len(box._waiting) < 1:
            time.sleep(0.01)
        second = threading.Thread(target=wait, args=("second",))
        second.start()
        while len(box._waiting) < 2:
            time.sleep(0.01)
        box._release(held)
        # a request arriving now queues behind both instead of taking the worker in passing
        late = box._acquire()
        order.append("late")
        box._release(late)
        first.join(5)
        second.join(5)
        assert order == ["first", "second", "late"]


def test_a_query_past_half_its_limit_gets_its_successor_started(store: Store) -> None:
    with QuerySandbox(store, workers=1, timeout=2.0) as box:
        box.wait_ready()
        (first,) = box._all
        outcome: list[str] = []

        def runaway() -> None:
            try:
                box.run(RUNAWAY)
            except QueryTimeout:
                outcome.append("limited")

        thread = threading.Thread(target=runaway)
        thread.start()
        time.sleep(1.5)  # past the head start (1 s), before the cut (2 s)
        assert len(box._all) == 2 and first in box._all
        thread.join(10)
        assert outcome == ["limited"]
        box.wait_ready()
        assert len(box._all) == 1 and first not in box._all
        assert count(box) == 12


def test_a_spare_that_was_not_needed_is_retired(store: Store) -> None:
    with QuerySandbox(store, workers=1, timeout=30) as box:
        box.wait_ready()
        with box._lock:  # as if a query had passed its head start and then finished after all
            box._overdue = 1
            box._top_up()
        box.wait_ready()
        deadline = time.monotonic() + 30
        while len(box._idle) < 2 and time.monotonic() < deadline:
            time.sleep(0.02)
        assert len(box._all) == 2
        with box._lock:
            box._overdue = 0
        assert count(box) == 12  # released into a pool of 2 where 1 is asked for: retired
        assert len(box._all) == 1 and count(box) == 12


def test_a_worker_that_dies_is_replaced(store: Store) -> None:
    with QuerySandbox(store, workers=2, timeout=30) as box:
        box.wait_ready()
        victim = next(iter(box._all))
        os.kill(victim.process.pid, signal.SIGKILL)
        victim.process.wait(5)
        assert [count(box) for _ in range(4)] == [12] * 4
        box.wait_ready()
        assert len(box._all) == 2 and victim not in box._all
        assert all(w.alive() for w in box._all)


def test_a_failed_start_is_retried(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(graph.sandbox, "_RETRY_PAUSES", (0.1, 0.2))
    with QuerySandbox(store, workers=1, timeout=30) as box:
        box.wait_ready()
        assert box._snapshot is not None
        snapshot: Path = box._snapshot
        good = snapshot.read_bytes()
        snapshot.write_text("this is not N-Quads\n", encoding="utf-8")
        box._replace(box._acquire())  # its successor cannot load the snapshot
        deadline = time.monotonic() + 30
        while box._failures < 2 and time.monotonic() < deadline:
            time.sleep(0.02)
        assert box._failures >= 2  # failed, paused and tried again
        snapshot.write_bytes(good)
        box.wait_ready()
        assert len(box._idle) == 1 and box._failures == 0
        assert count(box) == 12


def test_a_worker_that_cannot_be_started_is_started_later(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(graph.sandbox, "_RETRY_PAUSES", (0.1, 0.2))
    real = graph.sandbox.subprocess.Popen
    refusals = [OSError(11, "Resource temporarily unavailable")] * 2

    def popen(*args: Any, **kwargs: Any) -> Any:
        if refusals:
            raise refusals.pop()
        return real(*args, **kwargs)

    monkeypatch.setattr(graph.sandbox.subprocess, "Popen", popen)
    with QuerySandbox(store, workers=1, timeout=30) as box:  # the first two starts fail
        assert not box._all
        box.wait_ready(timeout=30)
        assert not refusals and len(box._idle) == 1
        assert count(box) == 12


def test_close_wakes_queued_requests(store: Store) -> None:
    box = QuerySandbox(store, workers=1, timeout=30)
    box.wait_ready()
    held: _Worker = box._acquire()
    outcome: list[str] = []

    def wait() -> None:
        try:
            box._acquire()
        except Busy as exc:
            outcome.append(str(exc))

    thread = threading.Thread(target=wait)
    thread.start()
    while not box._waiting:
        time.sleep(0.01)
    t0 = time.monotonic()
    box.close()
    thread.join(5)
    assert outcome == ["the query workers were stopped; try again shortly"]
    assert time.monotonic() - t0 < 5
    box._release(held)  # a worker of a closed pool is killed, not parked
    assert not box._all and not box._idle


ORPHAN_SCRIPT = """
import sys, threading
from graph.importer import FIXTURE, import_dataset
from graph.sandbox import QuerySandbox
from graph.store import open_store

if __name__ == "__main__":
    store = open_store("memory:")
    import_dataset(store, FIXTURE)
    box = QuerySandbox(store, workers=1, timeout=600)
    box.wait_ready()
    threading.Thread(target=box.run, args=(sys.argv[1],), daemon=True).start()
    print(*[w.process.pid for w in box._all], flush=True)
    threading.Event().wait()
"""


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"  # an orphan's zombie may wait for a reaper that never comes


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs /proc")
def test_a_busy_worker_ends_when_the_server_is_killed(tmp_path: Path) -> None:
    import subprocess
    import sys

    script = tmp_path / "server.py"
    script.write_text(ORPHAN_SCRIPT, encoding="utf-8")
    server = subprocess.Popen([sys.executable, str(script), RUNAWAY], stdout=subprocess.PIPE)
    try:
        assert server.stdout is not None
        (pid,) = [int(p) for p in server.stdout.readline().split()]
        time.sleep(0.5)
        assert _running(pid)  # busy with the runaway query
    finally:
        server.kill()  # no clean-up runs: no close(), no atexit
        server.wait(10)
    deadline = time.monotonic() + 10
    while _running(pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _running(pid), "the worker outlived its server"
