"""Every write route of the app needs a token (401 without, 403 for a viewer); ``/sparql`` never writes.

The routes are enumerated from the app itself, so a new POST/PUT/PATCH/DELETE
route added without ``Depends(require(...))`` makes this test fail.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api import tokens
from tests.api.conftest import make_client

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
#: Routes that take write methods but never write: (path, method) → the status every caller gets.
READ_ONLY = {("/sparql", "PUT"): 405, ("/sparql", "PATCH"): 405, ("/sparql", "DELETE"): 405}
#: Checked separately below: a query route that refuses every update.
QUERY_ROUTE = ("/sparql", "POST")


def walk(routes: list[object], prefix: str = "") -> Iterator[tuple[str, set[str]]]:
    """``(path, methods)`` of every route, also inside included routers (FastAPI ≥ 0.165 nests them)."""
    for route in routes:
        original = getattr(route, "original_router", None)
        if original is not None:
            context = getattr(route, "include_context", None)
            yield from walk(original.routes, prefix + getattr(context, "prefix", ""))
        elif hasattr(route, "path"):
            yield prefix + route.path, set(getattr(route, "methods", None) or ())  # type: ignore[attr-defined]


def write_routes(app: FastAPI) -> list[tuple[str, str]]:
    return sorted({(path, m) for path, methods in walk(app.routes) for m in methods & WRITE_METHODS})


def concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "x1", path)


@pytest.fixture(scope="module")
def secured(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, dict[str, str]]]:
    entries, secrets = [], {}
    for role in tokens.ROLES:
        entry, secret = tokens.new_token(f"{role}-user", role)
        entries.append(entry)
        secrets[role] = secret
    path: Path = tmp_path_factory.mktemp("keys") / "tokens.json"
    tokens.save(path, entries)
    with make_client(tokens_file=path, query_workers=1) as c:
        yield c, secrets


def test_the_walk_sees_every_documented_operation(secured: tuple[TestClient, dict[str, str]]) -> None:
    app = secured[0].app
    walked = {(p, m) for p, methods in walk(app.routes) for m in methods}
    documented = {(p, m.upper()) for p, ops in app.openapi()["paths"].items() for m in ops}
    assert documented <= walked, documented - walked
    assert ("/api/import", "POST") in walked and QUERY_ROUTE in walked


def test_every_write_route_needs_a_token_and_a_role(secured: tuple[TestClient, dict[str, str]]) -> None:
    client, secrets = secured
    routes = write_routes(client.app)  # type: ignore[arg-type]
    assert ("/api/import", "POST") in routes
    checked = 0
    for path, method in routes:
        if (path, method) == QUERY_ROUTE:
            continue
        url = concrete(path)
        if (path, method) in READ_ONLY:
            for token in (None, secrets["admin"]):
                headers = {"authorization": f"Bearer {token}"} if token else {}
                r = client.request(method, url, headers=headers)
                assert r.status_code == READ_ONLY[(path, method)], (method, path, r.status_code)
            continue
        r = client.request(method, url)
        assert r.status_code == 401, (method, path, r.status_code, r.text[:200])
        assert r.headers.get("www-authenticate") == "Bearer"
        r = client.request(method, url, headers={"authorization": "Bearer not-a-token"})
        assert r.status_code == 401, (method, path, r.status_code)
        r = client.request(method, url, headers={"authorization": f"Bearer {secrets['viewer']}"})
        assert r.status_code == 403, (method, path, r.status_code, r.text[:200])
        checked += 1
    assert checked >= 1


UPDATE = "INSERT DATA { <http://evil.example/s> <http://evil.example/p> 1 }"


def test_sparql_post_refuses_updates_even_for_admins(secured: tuple[TestClient, dict[str, str]]) -> None:
    client, secrets = secured
    admin = {"authorization": f"Bearer {secrets['admin']}"}
    count = "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"
    before = client.get("/sparql", params={"query": count}).json()
    for r in (client.post("/sparql", data={"update": UPDATE}, headers=admin),
              client.post("/sparql", data={"query": UPDATE}, headers=admin),
              client.post("/sparql", content=UPDATE.encode(),
                          headers={**admin, "content-type": "application/sparql-update"}),
              client.post("/sparql", content=UPDATE.encode(),
                          headers={**admin, "content-type": "application/sparql-query"}),
              client.post("/sparql", params={"update": UPDATE}, data={"query": "ASK {}"}, headers=admin),
              client.get("/sparql", params={"update": UPDATE}, headers=admin)):
        assert 400 <= r.status_code < 500, (r.request.method, r.status_code, r.text[:200])
    assert client.get("/sparql", params={"query": count}).json() == before
    ask = client.get("/sparql", params={"query": "ASK { <http://evil.example/s> ?p ?o }"}).json()
    assert ask["boolean"] is False
