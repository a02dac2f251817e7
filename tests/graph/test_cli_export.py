"""``integraph export`` run as a user would (SPEC §5)."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pyoxigraph as ox
import pytest
from typer.testing import CliRunner

from graph.cli import app
from graph.importer import FIXTURE

runner = CliRunner()


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cli-export") / "store"
    result = runner.invoke(app, ["--store", f"oxigraph:{path}", "import", str(FIXTURE)])
    assert result.exit_code == 0, result.output
    return path


def cli(store: Path, *args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, ["--store", f"oxigraph:{store}", "export", *args])


def test_export_turtle_to_a_file(store: Path, tmp_path: Path) -> None:
    out = tmp_path / "sub" / "testville.ttl"
    result = cli(store, "--format", "turtle", "--out", str(out), "--dataset", "testville")
    assert result.exit_code == 0, result.output
    assert f"wrote {out}" in result.output
    parsed = list(ox.parse(out.read_bytes(), format=ox.RdfFormat.TURTLE))
    assert len(parsed) > 500
    assert b"Erika" not in out.read_bytes()


def test_export_gexf_as_of(store: Path, tmp_path: Path) -> None:
    out = tmp_path / "net.gexf"
    result = cli(store, "--format", "gexf", "--out", str(out), "--as-of", "2014-06-01")
    assert result.exit_code == 0, result.output
    assert nx.read_gexf(out).edges["ihk", "jobcenter"]["active"] is True


def test_export_to_stdout(store: Path) -> None:
    result = cli(store, "--format", "nt", "--out", "-")
    assert result.exit_code == 0, result.output
    assert "<https://w3id.org/integraph/id/testville>" in result.stdout
    assert "wrote" not in result.stdout


def test_include_private_warns(store: Path, tmp_path: Path) -> None:
    out = tmp_path / "backup.trig"
    result = cli(store, "--format", "trig", "--out", str(out), "--include-private")
    assert result.exit_code == 0, result.output
    assert "personal data" in result.output
    assert b"erika.mustermann@example.org" in out.read_bytes()


def test_bad_options_are_clean_errors(store: Path, tmp_path: Path) -> None:
    out = tmp_path / "x.ttl"
    unknown = cli(store, "--format", "turtle", "--out", str(out), "--dataset", "nowhere")
    assert unknown.exit_code == 1 and "nowhere" in unknown.output and "Traceback" not in unknown.output
    bad_format = cli(store, "--format", "pdf", "--out", str(out))
    assert bad_format.exit_code == 2
    bad_date = cli(store, "--format", "graphml", "--out", str(out), "--as-of", "soon")
    assert bad_date.exit_code == 1 and "YYYY-MM-DD" in bad_date.output
    assert not out.exists() and not list(tmp_path.iterdir())


def test_help_lists_every_format() -> None:
    result = runner.invoke(app, ["export", "--help"])
    assert result.exit_code == 0
    for fmt in ("turtle", "trig", "jsonld", "nt", "nq", "rdfxml", "graphml", "gexf", "csv", "xlsx"):
        assert fmt in result.output
