"""The W3C SPARQL 1.1 Protocol tests (query and bad-request tests) against ``/sparql``.

The manifest (``/work/shared/conformance`` or ``tests/api/w3c``) is parsed with
rdflib; each ``query_*`` test that needs no loaded test data and every
``bad_*`` test is replayed through the TestClient, checking status class,
result format and ASK boolean. Bodies are sent in the encoding the manifest
names, so ``bad_query_non_utf8`` really sends UTF-16.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from rdflib import Graph, Namespace, URIRef
from rdflib.collection import Collection

MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
CNT = Namespace("http://www.w3.org/2011/content#")
HTS = Namespace("http://www.w3.org/2011/http-statusCodes#")
CANDIDATES = [Path(__file__).parent / "w3c" / "sparql11-protocol-manifest.ttl",
              Path("/work/shared/conformance/sparql11-protocol-manifest.ttl")]
MANIFEST = next((p for p in CANDIDATES if p.exists()), CANDIDATES[0])
#: Query tests that need the W3C test data loaded or client-chosen FROM datasets (not applicable).
NEEDS_DATA = {"query_dataset_default_graphs_get", "query_dataset_default_graphs_post",
              "query_dataset_named_graphs_post", "query_dataset_named_graphs_get",
              "query_dataset_full", "query_multiple_dataset"}
FORMATS = {
    "boolean": ("application/sparql-results+json", "application/sparql-results+xml", "text/csv",
                "text/tab-separated-values"),
    "tabular": ("application/sparql-results+json", "application/sparql-results+xml", "text/csv",
                "text/tab-separated-values"),
    "RDF": ("text/turtle", "application/n-triples", "application/rdf+xml", "application/ld+json"),
}


def load_tests() -> list[tuple[str, list[dict[str, Any]]]]:
    g = Graph().parse(MANIFEST, format="turtle")
    manifest = next(g.subjects(MF.entries, None))
    out = []
    for test in Collection(g, g.value(manifest, MF.entries)):
        name = str(test).rsplit("#", 1)[1]
        if not (name.startswith("query_") or name.startswith("bad_")) or name in NEEDS_DATA:
            continue
        action = g.value(test, MF.action)
        requests = []
        for req in Collection(g, g.value(action, HT.requests)):
            resp = g.value(req, HT.resp)
            body = g.value(req, HT.body)
            headers = {}
            hlist = g.value(req, HT.headers)
            if hlist is not None:
                for h in Collection(g, hlist):
                    headers[str(g.value(h, HT.fieldName))] = str(g.value(h, HT.fieldValue))
            requests.append({
                "method": str(g.value(req, HT.methodName)),
                "path": str(g.value(req, HT.absolutePath)).replace("/sparql/", "/sparql", 1),
                "headers": headers,
                "body": None if body is None else (str(g.value(body, CNT.chars)),
                                                   str(g.value(body, CNT.characterEncoding))),
                "status": {str(s).rsplit("#", 1)[1] for s in g.objects(resp, MF.expectedStatus)},
                "format": None if g.value(resp, MF.expectedFormat) is None
                else str(g.value(resp, MF.expectedFormat)),
                "boolean": None if g.value(resp, MF.expectedBoolean) is None
                else g.value(resp, MF.expectedBoolean).toPython(),
            })
        out.append((name, requests))
    return out


TESTS = load_tests() if MANIFEST.exists() else []


def test_manifest_has_the_required_tests() -> None:
    names = {n for n, _ in TESTS}
    assert {"query_get", "query_post_form", "query_post_direct", "bad_query_non_utf8",
            "bad_query_syntax", "bad_update_get"} <= names
    assert len(names) >= 20


@pytest.mark.parametrize(("name", "requests"), TESTS, ids=[n for n, _ in TESTS])
def test_protocol(client: TestClient, name: str, requests: list[dict[str, Any]]) -> None:
    for req in requests:
        content = None if req["body"] is None else req["body"][0].encode(req["body"][1])
        r = client.request(req["method"], req["path"], headers=req["headers"], content=content)
        status_class = f"StatusCode{r.status_code // 100}xx"
        assert status_class in req["status"], (name, r.status_code, r.text[:300])
        if r.status_code >= 400:
            assert r.json()["message"], name
            continue
        ctype = r.headers["content-type"].split(";")[0]
        if req["format"]:
            assert ctype in FORMATS[req["format"]], (name, ctype)
        if req["boolean"] is not None:
            assert ctype == "application/sparql-results+json"
            assert json.loads(r.content)["boolean"] is req["boolean"]


def test_non_utf8_body_is_refused_even_without_charset(client: TestClient) -> None:
    r = client.post("/sparql", content="ASK { ?s ?p 'ü' }".encode("utf-16"),
                    headers={"content-type": "application/sparql-query"})
    assert r.status_code == 400
    assert "UTF-8" in r.json()["message"]


def test_unknown_dataset_graph_is_empty_not_fetched(client: TestClient) -> None:
    r = client.get("/sparql", params={"query": "ASK { ?s ?p ?o }",
                                      "default-graph-uri": "http://kasei.us/2009/09/sparql/data/data0.rdf"})
    assert r.status_code == 200 and r.json()["boolean"] is False


def test_default_graph_uri_selects_a_hosted_graph(client: TestClient) -> None:
    from tests.api.conftest import BASE

    r = client.get("/sparql", params={"query": "SELECT (COUNT(*) AS ?n) { ?a ig:kind ?k }",
                                      "default-graph-uri": f"{BASE}/graph"})
    assert r.json()["results"]["bindings"][0]["n"]["value"] == "12"


def test_update_media_type_is_refused_as_read_only(client: TestClient) -> None:
    r = client.post("/sparql", content=b"CLEAR ALL", headers={"content-type": "application/sparql-update"})
    assert r.status_code == 403 and r.json()["error"] == "read_only"


def test_service_description(client: TestClient) -> None:
    r = client.get("/sparql", headers={"accept": "text/turtle"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/turtle")
    g = Graph().parse(data=r.text, format="turtle")
    sd = Namespace("http://www.w3.org/ns/sparql-service-description#")
    service = next(g.subjects(None, sd.Service))
    assert (service, sd.supportedLanguage, sd.SPARQL11Query) in g
    names = {str(n) for n in g.objects(None, sd.name)}
    assert any(n.endswith("/graph") for n in names)
    assert not any(n.endswith("/private") for n in names)
    assert "query_timeout" in str(g.value(service, URIRef("http://www.w3.org/2000/01/rdf-schema#comment")))
