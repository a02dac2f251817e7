"""``integraph serve`` on a ``sparql:`` store (issue 9): a real Oxigraph server behind a real uvicorn.

The other server tests serve the embedded store. Here the app reads everything
through the SPARQL 1.1 Protocol of a separate Oxigraph process, including the
snapshot the ``/sparql`` sandbox takes of the public graphs (over the Graph
Store Protocol), so this is the one test of that path end to end. The
reference answers come from the CLI on the same store, as a user would compare.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from graph.importer import FIXTURE, import_dataset
from graph.settings import Settings
from graph.store import open_store
from tests.api.conftest import EMAIL
from tests.servers import free_port, oxigraph_server

pytestmark = pytest.mark.server
INTEGRAPH = str(Path(sys.executable).with_name("integraph"))
GOALS = ["g-sprache", "g-kita", "g-ausbildung", "g-anerkennung"]


@pytest.fixture(scope="module")
def remote(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """``(base_url, store_spec)``: ``integraph serve`` over Testville on a running Oxigraph server."""
    with oxigraph_server(tmp_path_factory.mktemp("oxigraph")) as query_url:
        spec = f"sparql:{query_url}"
        store = open_store(spec, settings=Settings())
        import_dataset(store, FIXTURE)
        store.close()
        port = free_port()
        # the store comes from the environment, as a deployment would set it
        env = {**os.environ, "INTEGRAPH_STORE": spec, "INTEGRAPH_QUERY_WORKERS": "1",
               "INTEGRAPH_QUERY_TIMEOUT": "20"}
        proc = subprocess.Popen([INTEGRAPH, "serve", "--host", "127.0.0.1", "--port", str(port)],
                                env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    if httpx.get(f"{url}/api/goals", timeout=5).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                if proc.poll() is not None or time.monotonic() > deadline:
                    proc.kill()
                    output = proc.stdout.read().decode(errors="replace") if proc.stdout else ""
                    raise RuntimeError(f"integraph serve did not start on {spec}:\n{output[-3000:]}")
                time.sleep(0.2)
            yield url, spec
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
            if proc.stdout:
                proc.stdout.close()


def cli_json(spec: str, *args: str) -> object:
    """The JSON output of one CLI command on ``spec`` (a second process, like a second terminal)."""
    done = subprocess.run([INTEGRAPH, "--store", spec, *args, "--format", "json"], capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_goals_list_every_goal(remote: tuple[str, str]) -> None:
    url, _ = remote
    goals = httpx.get(f"{url}/api/goals", timeout=30).json()
    ids = {g["id"] for g in goals}
    assert set(GOALS) <= ids
    sprache = next(g for g in goals if g["id"] == "g-sprache")
    assert sprache["label"] == "Deutschkenntnisse verbessern"
    assert sprache["actor_count"] > 0


@pytest.mark.parametrize("goal", GOALS)
def test_who_over_http_equals_the_cli(remote: tuple[str, str], goal: str) -> None:
    """The API and ``integraph who`` answer from the same library call on the same remote store."""
    url, spec = remote
    r = httpx.get(f"{url}/api/goals/{goal}/actors", timeout=30)
    assert r.status_code == 200, r.text
    rows = r.json()
    assert rows == cli_json(spec, "who", goal)
    if goal == "g-sprache":  # directly and through projects
        assert len(rows) >= 3
        assert {v["type"] for row in rows for v in row["via"]} == {"direct", "project"}


def test_unknown_goal_is_404(remote: tuple[str, str]) -> None:
    url, _ = remote
    r = httpx.get(f"{url}/api/goals/g-nowhere/actors", timeout=30)
    assert r.status_code == 404 and r.json()["error"] == "not_found"


def test_gaps(remote: tuple[str, str]) -> None:
    url, spec = remote
    r = httpx.get(f"{url}/api/gaps", params={"limit": 5, "lang": "en"}, timeout=60)
    assert r.status_code == 200, r.text
    gaps = r.json()
    assert 0 < len(gaps) <= 5
    assert all(0 <= g["score"] <= 1 and g["explanation"] for g in gaps)
    assert gaps == sorted(gaps, key=lambda g: -g["score"])
    cli = cli_json(spec, "gaps", "--limit", "5", "--lang", "en")
    assert isinstance(cli, list)
    assert [(g["kind"], g["score"]) for g in gaps] == [(g["kind"], g["score"]) for g in cli]


def test_sparql_json_results_and_no_private_data(remote: tuple[str, str]) -> None:
    """``/sparql`` answers from the sandbox's snapshot of the remote public graphs."""
    url, _ = remote
    query = "SELECT ?id WHERE { ?a ig:kind ?k ; dct:identifier ?id } ORDER BY ?id"
    r = httpx.get(f"{url}/sparql", params={"query": query},
                  headers={"Accept": "application/sparql-results+json"}, timeout=60)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("application/sparql-results+json")
    ids = [b["id"]["value"] for b in r.json()["results"]["bindings"]]
    assert len(ids) == 12 and ids == sorted(ids) and "amt" in ids
    everything = httpx.post(f"{url}/sparql", data={"query": "SELECT ?o WHERE { GRAPH ?g { ?s ?p ?o } }"},
                            headers={"Accept": "application/sparql-results+json"}, timeout=60)
    assert everything.status_code == 200, everything.text
    assert EMAIL not in everything.text


def test_pages(remote: tuple[str, str]) -> None:
    url, _ = remote
    for path, text in (("/", "Testville"), ("/goals/g-sprache", "Deutschkenntnisse verbessern"),
                       ("/actors/amt", "Integrationsbüro")):
        r = httpx.get(f"{url}{path}", timeout=60)
        assert r.status_code == 200, (path, r.text[:500])
        assert r.headers["content-type"].startswith("text/html")
        assert text in r.text, path
