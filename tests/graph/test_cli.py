"""The command line, run as a user would (SPEC §5)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from typer.testing import CliRunner

from graph.cli import app

runner = CliRunner()


def cli(store: Path, *args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, ["--store", f"oxigraph:{store}", *args])


def test_import_stats_query(tmp_path: Path, fixture_path: Path) -> None:
    store = tmp_path / "store"
    result = cli(store, "import", str(fixture_path))
    assert result.exit_code == 0, result.output
    assert "testville imported" in result.output
    stats = json.loads(cli(store, "stats", "--format", "json").output)
    assert stats["datasets"]["testville"]["counts"]["Actor"] == 12
    assert stats["datasets"]["testville"]["counts"]["Project"] == 2
    q = "SELECT ?n WHERE { ?a dct:identifier 'mso1' ; skos:prefLabel ?n }"
    out = json.loads(cli(store, "query", q, "--format", "json").output)
    assert out["head"]["vars"] == ["n"]
    assert out["results"]["bindings"] == [
        {"n": {"type": "literal", "value": "Kulturverein Anatolien", "xml:lang": "de"}}]
    csv_out = cli(store, "query", q, "--format", "csv").output
    assert csv_out.splitlines() == ["n", "Kulturverein Anatolien"]
    table = cli(store, "query", q).output
    assert "Kulturverein Anatolien" in table and "1 row(s)" in table
    agent = "SELECT ?n WHERE { ?a a prov:Activity ; prov:wasAssociatedWith/rdfs:label ?n }"
    assert cli(store, "query", agent, "--format", "csv").output.splitlines() == ["n", "integraph-cli"]


def test_query_from_file_and_construct_as_jsonld(tmp_path: Path, fixture_path: Path) -> None:
    store = tmp_path / "store"
    cli(store, "import", str(fixture_path))
    rq = tmp_path / "q.rq"
    rq.write_text("CONSTRUCT { ?a skos:prefLabel ?n } WHERE { ?a dct:identifier 'awo' ; skos:prefLabel ?n }")
    result = cli(store, "query", str(rq), "--format", "json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    assert "AWO Testville" in json.dumps(doc, ensure_ascii=False)


def test_query_syntax_error_is_clean(tmp_path: Path) -> None:
    result = cli(tmp_path / "store", "query", "SELECT * WHERE {")
    assert result.exit_code == 1
    assert "syntax error" in result.output
    assert "Traceback" not in result.output


def test_invalid_import_exits_1_with_report(tmp_path: Path, fixture_path: Path) -> None:
    d = tmp_path / "d"
    shutil.copytree(fixture_path, d)
    with (d / "actors.csv").open("a") as f:
        f.write("neu,Neu,club,,,,,,s1\n")
    store = tmp_path / "store"
    result = cli(store, "import", str(d), "--format", "json")
    assert result.exit_code == 1
    report = json.loads(result.output)
    assert [(p["file"], p["row"], p["column"], p["value"]) for p in report["problems"]
            if p["severity"] == "error"] == [("actors.csv", 14, "kind", "club")]
    assert json.loads(cli(store, "stats", "--format", "json").output) == {"datasets": {}}


def test_validate_and_dry_run(tmp_path: Path, fixture_path: Path) -> None:
    assert "valid:" in cli(tmp_path / "s", "validate", str(fixture_path)).output
    result = cli(tmp_path / "s", "import", str(fixture_path), "--dry-run")
    assert result.exit_code == 0 and "would change" in result.output
    assert json.loads(cli(tmp_path / "s", "stats", "--format", "json").output) == {"datasets": {}}


def test_store_from_environment(tmp_path: Path, fixture_path: Path) -> None:
    env = {"INTEGRAPH_STORE": f"oxigraph:{tmp_path / 'envstore'}"}
    assert runner.invoke(app, ["import", str(fixture_path)], env=env).exit_code == 0
    assert (tmp_path / "envstore" / "CURRENT").exists()
