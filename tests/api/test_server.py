"""A real ``integraph serve`` on a free loopback port, driven by SPARQLWrapper, rdflib's SPARQLStore
and the CLI in a second process (the planner's second terminal)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import CSV, JSON, N3, POST, RDFXML, TURTLE, XML, SPARQLWrapper

from api import tokens
from graph.importer import FIXTURE, import_dataset
from graph.store import open_store
from tests.api.conftest import BASE, EMAIL

pytestmark = pytest.mark.server
INTEGRAPH = str(Path(sys.executable).with_name("integraph"))
SKOS_LABEL = URIRef("http://www.w3.org/2004/02/skos/core#prefLabel")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


EDITOR = tokens.new_token("steward", "editor")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """``(base_url, store_spec)`` of a running server over an on-disk Testville store."""
    folder = tmp_path_factory.mktemp("served")
    spec = f"oxigraph:{folder / 'store'}"
    tokens.save(folder / "tokens.json", [EDITOR[0]])
    store = open_store(spec)
    import_dataset(store, FIXTURE)
    store.close()
    port = free_port()
    env = {**os.environ, "INTEGRAPH_QUERY_WORKERS": "2", "INTEGRAPH_TOKENS_FILE": str(folder / "tokens.json")}
    proc = subprocess.Popen([INTEGRAPH, "--store", spec, "serve", "--host", "127.0.0.1", "--port", str(port)],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{url}/api/goals", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(proc.stdout.read().decode() if proc.stdout else "server did not start")
            time.sleep(0.2)
        yield url, spec
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def wrapper(url: str, query: str, fmt: str, method: str | None = None) -> object:
    sw = SPARQLWrapper(f"{url}/sparql")
    sw.setQuery(query)
    sw.setReturnFormat(fmt)
    if method:
        sw.setMethod(method)
    return sw.query().convert()


ACTORS = "SELECT ?id WHERE { ?a ig:kind ?k ; dct:identifier ?id } ORDER BY ?id"


def test_sparqlwrapper_select_ask_construct(server: tuple[str, str]) -> None:
    url, _ = server
    rows = wrapper(url, ACTORS, JSON)["results"]["bindings"]  # type: ignore[index]
    ids = [r["id"]["value"] for r in rows]
    assert len(ids) == 12 and ids == sorted(ids)
    posted = wrapper(url, ACTORS, JSON, POST)["results"]["bindings"]  # type: ignore[index]
    assert [r["id"]["value"] for r in posted] == ids
    xml = wrapper(url, ACTORS, XML)
    assert len(xml.getElementsByTagName("result")) == 12  # type: ignore[attr-defined]
    csv_text = wrapper(url, ACTORS, CSV)
    assert csv_text.decode().splitlines()[1:] == ids  # type: ignore[attr-defined]
    assert wrapper(url, "ASK { ?a ig:kind 'migrant_organisation' }", JSON)["boolean"] is True  # type: ignore[index]
    construct = f"CONSTRUCT {{ ?a skos:prefLabel ?n }} WHERE {{ <{BASE}/actor/amt> org:subOrganizationOf ?a . " \
                "?a skos:prefLabel ?n }"
    for fmt in (TURTLE, RDFXML, N3):
        g = wrapper(url, construct, fmt)
        if not isinstance(g, Graph):
            g = Graph().parse(data=g, format="turtle")
        assert set(g.objects(None, SKOS_LABEL)) == {Literal("Stadt Testville", lang="de")}


def test_sparqlstore_reads_the_graph(server: tuple[str, str]) -> None:
    url, _ = server
    g = Graph(store=SPARQLStore(f"{url}/sparql", returnFormat="json"))
    rows = list(g.query("PREFIX ig: <https://w3id.org/integraph/ns#> SELECT ?k WHERE { ?a ig:kind ?k }"))
    assert len(rows) == 12
    labels = set(g.objects(URIRef(f"{BASE}/actor/amt"), SKOS_LABEL))
    assert labels == {Literal("Integrationsbüro", lang="de")}
    assert (URIRef(f"{BASE}/actor/amt"), None, None) in g
    everything = g.query("SELECT ?o WHERE { ?s ?p ?o }")
    assert EMAIL not in {str(r[0]) for r in everything}  # type: ignore[index]


def test_rest_over_http(server: tuple[str, str]) -> None:
    url, _ = server
    r = httpx.get(f"{url}/api/actors", params={"kind": "migrant_organisation"})
    assert {a["id"] for a in r.json()["items"]} == {"mso1", "mso2"}
    assert httpx.get(f"{url}/api/actors/nobody").status_code == 404


def run_cli(spec: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([INTEGRAPH, "--store", spec, *args], capture_output=True, text=True, timeout=120)


def test_cli_reads_while_the_server_holds_the_store(server: tuple[str, str]) -> None:
    """The server holds the embedded store read-write; read-only CLI commands still work on it."""
    _, spec = server
    stats = run_cli(spec, "stats", "--format", "json")
    assert stats.returncode == 0, stats.stderr
    counts = json.loads(stats.stdout)["datasets"]["testville"]
    assert counts["triples"] > 0
    q = run_cli(spec, "query", "SELECT (COUNT(*) AS ?n) { ?a ig:kind ?k }", "--format", "csv")
    assert q.returncode == 0 and q.stdout.splitlines()[1] == "12", q.stderr


def test_cli_writer_is_refused_while_the_server_runs(server: tuple[str, str]) -> None:
    _, spec = server
    r = run_cli(spec, "import", str(FIXTURE))
    assert r.returncode == 1
    assert "in use" in r.stderr and "Traceback" not in r.stderr


def test_cli_sees_an_import_made_through_the_server(server: tuple[str, str], tmp_path: Path) -> None:
    """Written by the server, read by a CLI process that opens the store afterwards."""
    from tests.api.test_import import changed_fixture, zipped

    url, spec = server
    r = httpx.post(f"{url}/api/import", files={"file": ("t.zip", zipped(changed_fixture(tmp_path)))},
                   headers={"authorization": f"Bearer {EDITOR[1]}"}, timeout=120)
    assert r.status_code == 200, r.text
    q = run_cli(spec, "query", "SELECT (COUNT(*) AS ?n) { ?a ig:kind ?k }", "--format", "csv")
    assert q.returncode == 0 and q.stdout.splitlines()[1] == "13", q.stderr
    assert wrapper(url, "ASK { ?a dct:identifier 'neu' }", JSON)["boolean"] is True  # type: ignore[index]
