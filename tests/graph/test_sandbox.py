"""The query sandbox: killable workers, the time limit, busy answers, snapshots, no network."""

from __future__ import annotations

import multiprocessing
import threading
import time
from typing import Any

import pyoxigraph as ox
import pytest

from graph.errors import QueryRejected, QueryTimeout
from graph.importer import FIXTURE, import_dataset
from graph.query_worker import isolate_network
from graph.sandbox import Busy, QuerySandbox
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
    with QuerySandbox(store, workers=1, timeout=1.5) as box:
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
        with pytest.raises(Busy, match="query_workers"):
            box.run("ASK {}")
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
