"""``/api/goals/{id}/actors``, ``/api/gaps`` and ``/api/network`` give the CLI's answers."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from graph.importer import FIXTURE, import_dataset
from graph.settings import Settings
from graph.store import open_store

INTEGRAPH = str(Path(sys.executable).with_name("integraph"))


@pytest.fixture(scope="module")
def disk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, TestClient]]:
    """The CLI and the app over the same on-disk Testville store."""
    spec = f"oxigraph:{tmp_path_factory.mktemp('analysis') / 'store'}"
    store = open_store(spec)
    import_dataset(store, FIXTURE)
    with TestClient(create_app(Settings(store=spec, query_workers=1), store=store)) as c:
        yield spec, c
    store.close()


def cli_json(spec: str, *args: str) -> object:
    r = subprocess.run([INTEGRAPH, "--store", spec, *args, "--format", "json"], capture_output=True,
                       text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def test_who_and_gaps_match_the_cli(disk: tuple[str, TestClient]) -> None:
    spec, c = disk
    for as_of in ("2017", "2024-06-30"):
        api_who = c.get("/api/goals/g-sprache/actors", params={"as_of": as_of}).json()
        assert api_who == cli_json(spec, "who", "g-sprache", "--as-of", as_of)
        api_gaps = c.get("/api/gaps", params={"as_of": as_of, "limit": 50}).json()
        assert api_gaps == cli_json(spec, "gaps", "--as-of", as_of, "--limit", "50")
        every = c.get("/api/gaps", params={"as_of": as_of})  # streamed, one gap per line
        assert every.headers["content-type"] == "application/json"
        assert every.json() == cli_json(spec, "gaps", "--as-of", as_of)
        # the same gaps through the other path (one JSONResponse of the list, cached)
        assert every.json() == c.get("/api/gaps", params={"as_of": as_of, "limit": 1000}).json()
        assert any(g["kind"] == "unlinked_peers" for g in every.json())
    kind = c.get("/api/gaps", params={"kind": "isolated_actor", "field": "bildung", "as_of": "2020"}).json()
    assert kind == cli_json(spec, "gaps", "--kind", "isolated_actor", "--field", "bildung", "--as-of", "2020")
    assert kind and {g["kind"] for g in kind} == {"isolated_actor"}


def test_who_shape(client: TestClient) -> None:
    rows = client.get("/api/goals/g-sprache/actors", params={"as_of": "2020-01-01"}).json()
    by_id = {r["id"]: r for r in rows}
    assert set(by_id) == {"amt", "mso2", "awo", "mso1"}
    assert by_id["amt"]["via"] == [{"type": "direct"}]
    assert by_id["awo"]["via"] == [{"type": "project", "project": "p-sprachcafe", "role": "lead"}]
    assert client.get("/api/goals/g-leer/actors").json() == []


def test_network_nodes_and_links(client: TestClient) -> None:
    net = client.get("/api/network", params={"as_of": "2020-01-01"}).json()
    ids = {n["id"] for n in net["nodes"]}
    assert {"amt", "awo", "stadt", "mso1"} <= ids
    pairs = {frozenset((link["source"], link["target"])) for link in net["links"]}
    assert frozenset(("amt", "awo")) in pairs and frozenset(("stadt", "amt")) in pairs
    assert all(link["source"] in ids and link["target"] in ids for link in net["links"])
    field = client.get("/api/network", params={"field": "arbeit", "as_of": "2020-01-01"}).json()
    assert {n["id"] for n in field["nodes"]} < ids and field["field"] == "arbeit"
    goal = client.get("/api/network", params={"goal": "g-sprache", "as_of": "2020-01-01"}).json()
    assert {n["id"] for n in goal["nodes"]} == {"amt", "mso2", "awo", "mso1"}


@pytest.mark.parametrize(("path", "params", "status"), [
    ("/api/goals/g-nothing/actors", {}, 404),
    ("/api/goals/g-sprache/actors", {"as_of": "yesterday"}, 422),
    ("/api/goals/g-sprache/actors", {"as_of": "2020-13-45"}, 422),
    ("/api/gaps", {"kind": "boredom"}, 422),
    ("/api/gaps", {"field": "nothing"}, 404),
    ("/api/gaps", {"limit": -1}, 422),
    ("/api/gaps", {"lang": "fr"}, 422),
    ("/api/network", {"field": "nothing"}, 404),
    ("/api/network", {"goal": "nothing"}, 404),
    ("/api/network", {"goal": "x\" } #"}, 422),
])
def test_analysis_errors(client: TestClient, path: str, params: dict[str, object], status: int) -> None:
    r = client.get(path, params=params)
    assert r.status_code == status
    assert r.json()["message"]


def test_gaps_limit_and_language(client: TestClient) -> None:
    assert len(client.get("/api/gaps", params={"limit": 3}).json()) == 3
    assert client.get("/api/gaps", params={"limit": 0}).json() == []
    de = client.get("/api/gaps", params={"limit": 1, "as_of": "2020"}).json()[0]["explanation"]
    en = client.get("/api/gaps", params={"limit": 1, "as_of": "2020", "lang": "en"}).json()[0]["explanation"]
    assert de != en


def test_concurrent_gap_requests_compute_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """At state scale gaps take seconds: 8 clients asking at once must not compute them 8 times."""
    import threading
    import time

    import api.routes.analysis as analysis

    calls = []
    real = analysis.find_gaps

    def slow_find_gaps(*args: object, **kwargs: object) -> object:
        calls.append(kwargs)
        time.sleep(0.3)  # long enough that every request arrives while the first computes
        return real(*args, **kwargs)

    monkeypatch.setattr(analysis, "find_gaps", slow_find_gaps)
    store = open_store("memory:")
    import_dataset(store, FIXTURE)
    with TestClient(create_app(Settings(store="memory:", query_workers=1), store=store)) as c:
        answers: list[object] = []
        threads = [threading.Thread(target=lambda: answers.append(
            c.get("/api/gaps", params={"limit": 5, "as_of": "2020"}).json())) for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert len(calls) == 1 and len(answers) == 8
        assert all(a == answers[0] for a in answers) and len(answers[0]) == 5  # type: ignore[arg-type]
        # other parameters are other answers; no limit is never cached
        c.get("/api/gaps", params={"limit": 5, "as_of": "2020", "lang": "en"})
        c.get("/api/gaps", params={"as_of": "2020"})
        c.get("/api/gaps", params={"as_of": "2020"})
        assert len(calls) == 4
        # a write replaces the landscape, and its cached answers with it
        c.app.state.generation += 1  # type: ignore[attr-defined]
        c.get("/api/gaps", params={"limit": 5, "as_of": "2020"})
        assert len(calls) == 5


def test_too_many_gaps_to_list(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every pair cannot be listed: the API says so (400), the pages show the best and say so."""
    from api.routes import page_data
    from graph import gaps
    from tests.api.conftest import make_client

    monkeypatch.setattr(gaps, "MAX_PAIRS", 2)
    monkeypatch.setattr(page_data, "PAGE_GAPS_MAX", 3)
    with make_client() as c:
        r = c.get("/api/gaps")
        assert r.status_code == 400 and r.json()["error"] == "too_many", r.text
        assert "limit" in r.json()["message"]
        assert len(c.get("/api/gaps", params={"limit": 3}).json()) == 3
        page = c.get("/gaps", params={"lang": "en"}, headers={"accept": "text/html"})
        assert page.status_code == 200 and "Too many gaps to list them all: among the best 3" in page.text
        for path in ("/goals/g-sprache", "/actors/amt", "/map/frame?goal=g-sprache&gaps=1", "/map/frame?actor=amt",
                     "/map?gaps=1"):
            r = c.get(path, headers={"accept": "text/html"})
            assert r.status_code == 200 and r.headers["content-type"].startswith("text/html"), (path, r.text[:300])
