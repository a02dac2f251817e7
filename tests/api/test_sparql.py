"""``/sparql`` results: formats by content negotiation, the row cap and its flag, the size cap."""

from __future__ import annotations

import csv
import io
import json

import pytest
from fastapi.testclient import TestClient
from rdflib import Graph

from tests.api.conftest import make_client

ACTORS = "SELECT ?id ?name WHERE { ?a ig:kind ?k ; dct:identifier ?id ; skos:prefLabel ?name } ORDER BY ?id"
CONSTRUCT = "CONSTRUCT { ?a skos:prefLabel ?n } WHERE { ?a ig:kind ?k ; skos:prefLabel ?n }"


def test_select_json_counts_every_actor(client: TestClient) -> None:
    r = client.get("/sparql", params={"query": ACTORS})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/sparql-results+json")
    doc = r.json()
    assert doc["head"]["vars"] == ["id", "name"]
    assert len(doc["results"]["bindings"]) == 12
    assert r.headers["x-integraph-truncated"] == "false"
    assert "truncated" not in doc


@pytest.mark.parametrize(("accept", "media"), [
    ("application/sparql-results+xml", "application/sparql-results+xml"),
    ("text/csv", "text/csv"),
    ("text/tab-separated-values", "text/tab-separated-values"),
    ("application/json", "application/sparql-results+json"),
    ("text/html;q=0.9, */*;q=0.1", "application/sparql-results+json"),
])
def test_select_formats(client: TestClient, accept: str, media: str) -> None:
    r = client.post("/sparql", data={"query": ACTORS}, headers={"accept": accept})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith(media)
    if media == "text/csv":
        rows = list(csv.reader(io.StringIO(r.text)))
        assert rows[0] == ["id", "name"] and len(rows) == 13
    if media == "text/tab-separated-values":
        assert r.text.splitlines()[0] == "?id\t?name" and len(r.text.splitlines()) == 13


@pytest.mark.parametrize(("accept", "fmt"), [
    ("text/turtle", "turtle"), ("application/n-triples", "nt"),
    ("application/ld+json", "json-ld"), ("application/rdf+xml", "xml"),
])
def test_construct_formats(client: TestClient, accept: str, fmt: str) -> None:
    r = client.post("/sparql", content=CONSTRUCT.encode(),
                    headers={"content-type": "application/sparql-query", "accept": accept})
    assert r.status_code == 200 and r.headers["content-type"].startswith(accept)
    g = Graph().parse(data=r.content, format=fmt)
    assert len(g) == 12


def test_describe_is_rdf(client: TestClient) -> None:
    from tests.api.conftest import BASE

    r = client.get("/sparql", params={"query": f"DESCRIBE <{BASE}/actor/amt>"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/turtle")
    assert "Integrationsbüro" in r.text


def test_unacceptable_format_is_406(client: TestClient) -> None:
    r = client.get("/sparql", params={"query": ACTORS}, headers={"accept": "image/png"})
    assert r.status_code == 406 and r.json()["error"] == "not_acceptable"


def test_syntax_error_is_400_with_parser_message(client: TestClient) -> None:
    r = client.get("/sparql", params={"query": "SELECT ?x WHERE { ?x ?y }"})
    assert r.status_code == 400
    msg = r.json()["message"]
    assert msg.startswith("SPARQL syntax error") and "col" in msg


def test_row_cap_sets_the_truncated_flag() -> None:
    with make_client(max_rows=5, query_workers=1) as c:
        r = c.get("/sparql", params={"query": ACTORS})
        assert r.status_code == 200
        assert r.headers["x-integraph-truncated"] == "true"
        doc = r.json()
        assert doc["truncated"] is True and len(doc["results"]["bindings"]) == 5
        csv_rows = c.get("/sparql", params={"query": ACTORS}, headers={"accept": "text/csv"})
        assert csv_rows.headers["x-integraph-truncated"] == "true" and len(csv_rows.text.splitlines()) == 6
        g = c.get("/sparql", params={"query": CONSTRUCT}, headers={"accept": "application/n-triples"})
        assert g.headers["x-integraph-truncated"] == "true" and len(g.text.splitlines()) == 5
        small = c.get("/sparql", params={"query": "SELECT ?g WHERE { ?g a ig:Goal }"})
        assert small.headers["x-integraph-truncated"] == "false"
        assert len(small.json()["results"]["bindings"]) == 5


def test_body_and_query_size_caps() -> None:
    with make_client(max_body_bytes=2000, query_workers=1) as c:
        padding = "#" + "x" * 3000 + "\nASK {}"
        r = c.post("/sparql", content=padding.encode(), headers={"content-type": "application/sparql-query"})
        assert r.status_code == 413 and "max_body_bytes" in r.json()["message"]
        r = c.post("/sparql", data={"query": padding})
        assert r.status_code == 413
        r = c.get("/sparql", params={"query": padding})
        assert r.status_code == 413
        assert c.get("/sparql", params={"query": "ASK {}"}).json()["boolean"] is True


def test_json_results_are_w3c_shaped_for_every_term_kind(client: TestClient) -> None:
    q = ('SELECT ?iri ?lang ?typed ?plain ?b WHERE { BIND(<http://example.org/x> AS ?iri) '
         'BIND("Süd"@de AS ?lang) BIND(3 AS ?typed) BIND("p" AS ?plain) BIND(BNODE() AS ?b) }')
    row = json.loads(client.get("/sparql", params={"query": q}).content)["results"]["bindings"][0]
    assert row["iri"] == {"type": "uri", "value": "http://example.org/x"}
    assert row["lang"] == {"type": "literal", "value": "Süd", "xml:lang": "de"}
    assert row["typed"]["datatype"] == "http://www.w3.org/2001/XMLSchema#integer"
    assert row["plain"] == {"type": "literal", "value": "p"}
    assert row["b"]["type"] == "bnode"
