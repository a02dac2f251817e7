"""The security suite of SPEC §8: no outbound requests, no updates, no private data, no injection."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import BASE, EMAIL, make_client
from tests.api.listener import recording_listener

COUNT_ACTORS = "SELECT (COUNT(*) AS ?n) WHERE { ?a ig:kind ?k }"
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o }"


def actor_count(client: TestClient) -> int:
    r = client.get("/sparql", params={"query": COUNT_ACTORS})
    return int(r.json()["results"]["bindings"][0]["n"]["value"])


def ssrf_queries(url: str, secret: Path) -> list[str]:
    return [
        f"SELECT * WHERE {{ SERVICE <{url}/sparql> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ SERVICE SILENT <{url}/sparql> {{ ?s ?p ?o }} }}",
        f"select * where {{ service <{url}/lower> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ \\u0053ERVICE <{url}/escaped> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ \\u0053\\u0045RVICE <{url}/escaped2> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ ?a ig:kind ?k OPTIONAL {{ SERVICE <{url}/nested> {{ ?s ?p ?o }} }} }}",
        f"SELECT * WHERE {{ {{ SELECT ?s WHERE {{ SERVICE <{url}/sub> {{ ?s ?p ?o }} }} }} }}",
        f"SELECT * WHERE {{ BIND(<{url}/var> AS ?u) SERVICE ?u {{ ?s ?p ?o }} }}",
        f"ASK {{ FILTER EXISTS {{ SERVICE <{url}/exists> {{ ?s ?p ?o }} }} }}",
        f"SELECT ?o FROM <{url}/from.nt> WHERE {{ ?s ?p ?o }}",
        f"SELECT ?o FROM NAMED <{url}/named.nt> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
        f"SELECT ?o FROM <{secret.as_uri()}> WHERE {{ ?s ?p ?o }}",
        f"LOAD <{url}/load.nt>",
        f"LOAD <{secret.as_uri()}> INTO GRAPH <{BASE}/graph>",
        "\\u004cOAD <" + url + "/escaped-load.nt>",
        "INSERT DATA { <http://evil.example/s> <http://evil.example/p> 1 }",
        f"DROP GRAPH <{BASE}/graph>",
        "CLEAR ALL",
        f"DELETE WHERE {{ GRAPH <{BASE}/graph> {{ ?s ?p ?o }} }}",
    ]


def test_nothing_reaches_the_network_or_changes_data(client: TestClient, tmp_path: Path) -> None:
    secret = tmp_path / "secret.nt"
    secret.write_text('<http://secret.example/s> <http://secret.example/p> "local-file-marker" .\n')
    before = actor_count(client)
    with recording_listener() as (url, hits):
        for q in ssrf_queries(url, secret):
            for r in (client.get("/sparql", params={"query": q}),
                      client.post("/sparql", data={"query": q}),
                      client.post("/sparql", content=q.encode(),
                                  headers={"content-type": "application/sparql-query"}),
                      client.post("/sparql", data={"update": q}),
                      client.get("/sparql", params={"update": q})):
                assert r.status_code in (400, 403), (q, r.status_code, r.text[:200])
                assert "local-file-marker" not in r.text and "pwned" not in r.text
                assert "Traceback" not in r.text
        for param in ("default-graph-uri", "named-graph-uri"):
            for target in (f"{url}/dataset.nt", secret.as_uri()):
                r = client.get("/sparql", params={"query": "SELECT * { { ?s ?p ?o } UNION "
                                                  "{ GRAPH ?g { ?s ?p ?o } } }", param: target})
                assert r.status_code == 200 and r.json()["results"]["bindings"] == []
        time.sleep(0.2)
        assert hits == []
    assert actor_count(client) == before == 12


def test_escaped_service_gets_the_service_message(client: TestClient) -> None:
    query = "SELECT * { \\u0053ERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"
    r = client.get("/sparql", params={"query": query})
    assert r.status_code == 400 and "SERVICE" in r.json()["message"]


@pytest.mark.parametrize("query", [
    "INSERT DATA { <http://x/s> <http://x/p> 1 }", "CLEAR ALL", "LOAD <http://127.0.0.1:9/x>",
    "CREATE GRAPH <http://x/g>",
])
def test_updates_are_403_read_only(client: TestClient, query: str) -> None:
    r = client.get("/sparql", params={"query": query})
    assert r.status_code == 403 and r.json()["error"] == "read_only"


def test_query_workers_have_no_network(client: TestClient) -> None:
    sandbox = client.app.state.sandbox  # type: ignore[attr-defined]
    sandbox.wait_ready()
    if not sandbox.isolated:
        pytest.skip("user and network namespaces are not available here")
    assert sandbox.isolated


PRIVATE_PROBES = [
    "SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } }",
    "SELECT * WHERE { ?s ?p ?o }",
    "SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }",
    f"SELECT * WHERE {{ GRAPH <{BASE}/graph/private> {{ ?s ?p ?o }} }}",
    "SELECT * WHERE { ?s schema:email ?e }",
    "SELECT * WHERE { ?s cv:contactPoint ?c }",
    'SELECT * WHERE { ?s ?p ?o FILTER(CONTAINS(STR(?o), "mustermann")) }',
    "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }",
    f"DESCRIBE <{BASE}/actor/amt>",
    f"DESCRIBE <{BASE}/actor/amt#contact-1>",
]


@pytest.mark.parametrize("query", PRIVATE_PROBES)
def test_private_graph_is_invisible_to_sparql(client: TestClient, query: str) -> None:
    for params in ({}, {"default-graph-uri": f"{BASE}/graph/private"},
                   {"named-graph-uri": f"{BASE}/graph/private"}):
        for accept in ("application/sparql-results+json", "text/csv", "application/n-triples"):
            r = client.get("/sparql", params={"query": query, **params}, headers={"accept": accept})
            assert r.status_code in (200, 406), r.text[:300]
            assert EMAIL not in r.text and "/graph/private" not in r.text
            assert "Mustermann" not in r.text


def test_private_graph_is_invisible_to_rest(client: TestClient) -> None:
    paths = ["/api/goals", "/api/actors?limit=1000", "/api/actors/amt", "/api/projects",
             "/api/projects/p-sprachcafe", "/sparql", "/openapi.json"]
    for p in paths:
        r = client.get(p)
        assert r.status_code == 200, p
        assert EMAIL not in r.text and "Mustermann" not in r.text, p
    assert client.get("/api/actors", params={"q": "Mustermann"}).json()["total"] == 0


INJECTIONS = [
    'x" } ; DROP ALL ; #', "x\" || true) } #", "\\u0022) || true #", "> } SELECT * { ?s ?p ?o } #",
    "x\n} #", "' OR '1'='1", "amt> ; <x", "%22%29%20%7C%7C%20true", "\u0000", "../../etc/passwd",
    "ig:kind", "?a", "*",
]


@pytest.mark.parametrize("value", INJECTIONS)
def test_injection_strings_in_every_parameter(client: TestClient, value: str) -> None:
    for name in ("kind", "goal", "district", "q"):
        r = client.get("/api/actors", params={name: value})
        assert r.status_code in (200, 422), (name, r.status_code)
        if r.status_code == 200:
            assert r.json()["total"] == 0, (name, value)
    for path in ("/api/actors/", "/api/projects/"):
        r = client.get(path + quote(value, safe=""))
        assert r.status_code in (404, 422), (path, r.status_code)
    r = client.get("/api/projects", params={"limit": value, "offset": value})
    assert r.status_code == 422
    assert actor_count(client) == 12


def test_runaway_query_is_killed_while_others_are_served() -> None:
    with make_client(query_timeout=2.0, query_workers=2) as c:
        c.app.state.sandbox.wait_ready()  # type: ignore[attr-defined]
        outcome: dict[str, object] = {}

        def runaway() -> None:
            t0 = time.monotonic()
            r = c.get("/sparql", params={"query": RUNAWAY})
            outcome.update(status=r.status_code, body=r.json(), seconds=time.monotonic() - t0)

        thread = threading.Thread(target=runaway)
        thread.start()
        time.sleep(0.3)
        served = []
        while thread.is_alive() and len(served) < 5:
            t0 = time.monotonic()
            ok = c.get("/sparql", params={"query": "ASK { ?s ig:kind 'office' }"})
            rest = c.get("/api/goals")
            served.append((ok.status_code, rest.status_code, time.monotonic() - t0, thread.is_alive()))
        thread.join(timeout=30)
        assert served and all(s[0] == 200 and s[1] == 200 for s in served)
        assert any(s[3] for s in served), "no request was served while the runaway query ran"
        assert all(s[2] < 2.0 for s in served)
        assert outcome["status"] == 503
        assert "query_timeout" in outcome["body"]["message"]  # type: ignore[index]
        assert 2.0 <= outcome["seconds"] < 8.0  # type: ignore[operator]
        # the killed worker is replaced: both workers answer again
        answers = [c.get("/sparql", params={"query": "ASK {}"}).status_code for _ in range(4)]
        assert answers == [200] * 4
