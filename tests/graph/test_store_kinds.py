"""The same analysis and export on every store kind: memory:, oxigraph: and sparql: (SPEC §5)."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import pyoxigraph as ox
import pytest
from typer.testing import CliRunner

from graph.cli import app
from graph.coverage import who
from graph.export import export
from graph.gaps import find_gaps
from graph.importer import FIXTURE, import_dataset
from graph.landscape import load_landscape
from graph.store import OxigraphStore, Store

DAY = dt.date(2024, 6, 1)
IMPORT_TRACES = ("http://www.w3.org/ns/prov#wasGeneratedBy", "http://purl.org/dc/terms/modified")


@pytest.fixture(scope="module")
def reference() -> Store:
    store = OxigraphStore(None)
    import_dataset(store, FIXTURE)
    return store


def test_gaps_and_who_are_the_same_on_every_store(testville: Store, reference: Store) -> None:
    land, ref = load_landscape(testville), load_landscape(reference)
    assert find_gaps(land, as_of=DAY) == find_gaps(ref, as_of=DAY)
    assert who(land, "g-sprache", DAY) == who(ref, "g-sprache", DAY)


def public_triples(store: Store) -> set[str]:
    buf = io.BytesIO()
    export(store, "nt", buf, dataset="testville")
    triples = ox.parse(buf.getvalue(), format=ox.RdfFormat.N_TRIPLES)
    # Blank nodes (the ontology's class unions) get new labels in every store: compare the rest.
    return {str(t) for t in triples if t.predicate.value not in IMPORT_TRACES
            and not isinstance(t.subject, ox.BlankNode) and not isinstance(t.object, ox.BlankNode)
            and "#import-" not in str(t.subject) and "#import-" not in str(t.object)
            and "void#triples" not in str(t.predicate)}


def test_export_is_the_same_on_every_store(testville: Store, reference: Store) -> None:
    assert public_triples(testville) == public_triples(reference)


def test_cli_commands_on_a_sparql_server(sparql_server: str, tmp_path: Path) -> None:
    runner = CliRunner()
    store = ["--store", f"sparql:{sparql_server}"]
    assert runner.invoke(app, [*store, "import", str(FIXTURE)]).exit_code == 0
    stats = json.loads(runner.invoke(app, [*store, "stats", "--format", "json"]).output)
    assert stats["datasets"]["testville"]["counts"]["Actor"] == 12
    rows = json.loads(runner.invoke(app, [*store, "who", "g-sprache", "--as-of", "2024-06-01",
                                          "--format", "json"]).output)
    assert {r["id"] for r in rows} >= {"amt", "awo", "mso1", "mso2"}
    gaps = json.loads(runner.invoke(app, [*store, "gaps", "--as-of", "2024-06-01", "--limit", "3",
                                          "--format", "json"]).output)
    assert len(gaps) == 3 and all(0 <= g["score"] <= 1 for g in gaps)
    out = tmp_path / "map.html"
    assert runner.invoke(app, [*store, "map", "--out", str(out), "--gaps"]).exit_code == 0
    assert out.stat().st_size > 10_000
    ttl = tmp_path / "x.ttl"
    assert runner.invoke(app, [*store, "export", "--format", "turtle", "--out", str(ttl)]).exit_code == 0
    assert "Integrationsbüro" in ttl.read_text(encoding="utf-8")
