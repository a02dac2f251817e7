"""Every page and API route answers with the security headers of :mod:`api.security`, and never with CORS."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from api.security import HEADERS

HTML = {"accept": "text/html"}
ORIGIN = "https://evil.example"

#: (path, request headers): the pages, the JSON API, SPARQL, exports, static files and errors.
REQUESTS: list[tuple[str, dict[str, str]]] = [
    ("/", HTML), ("/search?q=kita", HTML), ("/goals/g-kita", HTML), ("/map", HTML), ("/map/frame", HTML),
    ("/gaps", HTML), ("/sparql", HTML), ("/no-such-page", HTML),
    ("/api/goals", {}), ("/api/actors", {}), ("/api/projects", {}), ("/api/gaps", {}),
    ("/api/network", {}), ("/api/actors/no-such-actor", {}), ("/api/export", {}),
    ("/sparql?query=ASK%20%7B%7D", {}), ("/sparql?query=SELEC", {}), ("/sparql", {}),
    ("/openapi.json", {}), ("/static/integraph.css", {}), ("/static/sparql.js", {}),
]


def check(r: object) -> None:
    for name, value in HEADERS.items():
        assert r.headers.get(name) == value, (r.request.url, name, r.headers.get(name))  # type: ignore[attr-defined]
    assert "access-control-allow-origin" not in r.headers  # type: ignore[attr-defined]
    assert "access-control-allow-credentials" not in r.headers  # type: ignore[attr-defined]


@pytest.mark.parametrize(("path", "headers"), REQUESTS, ids=[p for p, _ in REQUESTS])
def test_every_response_has_the_security_headers(client: TestClient, path: str, headers: dict[str, str]) -> None:
    r = client.get(path, headers={**headers, "origin": ORIGIN})
    assert r.status_code < 500, (path, r.status_code)
    check(r)


def test_actor_pages_and_writes_have_the_headers(client: TestClient) -> None:
    actor = client.get("/api/actors").json()["items"][0]["id"]
    check(client.get(f"/actors/{actor}", headers=HTML))
    check(client.get(f"/api/actors/{actor}"))
    check(client.post("/sparql", data={"query": "ASK {}"}, headers={"origin": ORIGIN}))
    check(client.post("/api/import", headers={"origin": ORIGIN}))  # 401
    check(client.put("/sparql"))  # 405


def test_no_cors_preflight_is_granted(client: TestClient) -> None:
    for path in ("/sparql", "/api/goals", "/api/import"):
        r = client.options(path, headers={"origin": ORIGIN, "access-control-request-method": "POST",
                                          "access-control-request-headers": "authorization"})
        assert not any(k.lower().startswith("access-control-") for k in r.headers), (path, r.headers)
        assert r.status_code >= 400


def test_csp_names_no_external_source() -> None:
    csp = HEADERS["content-security-policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    assert directives["default-src"] == "'self'"
    assert directives["frame-ancestors"] == "'self'" and directives["base-uri"] == "'none'"
    for name, sources in directives.items():
        for source in sources.split():
            assert source in ("'self'", "'none'", "'unsafe-inline'", "data:", "blob:"), (name, source)
    assert not re.search(r"https?:|\*|//", csp)
    assert "'unsafe-eval'" not in csp
