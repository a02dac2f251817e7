"""``integraph who``, ``gaps`` and ``diff`` on an on-disk store (graph/commands/analysis.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from graph.cli import app
from graph.commands.analysis import GapKind
from graph.gaps import KINDS
from graph.importer import import_dataset
from graph.store import OxigraphStore

GAPSVILLE = Path(__file__).resolve().parents[1] / "fixtures" / "gapsville"
runner = CliRunner()


@pytest.fixture(scope="module")
def store_spec(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("analysis") / "store"
    store = OxigraphStore(path)
    import_dataset(store, GAPSVILLE)
    store.close()
    return f"oxigraph:{path}"


def invoke(spec: str, *args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["--store", spec, *args])
    return result.exit_code, result.output


def test_who_json(store_spec: str) -> None:
    code, output = invoke(store_spec, "who", "g-sprache", "--as-of", "2024-06-01", "--format", "json")
    assert code == 0, output
    rows = json.loads(output)
    assert [r["id"] for r in rows] == ["mso2", "awo", "amt", "mso1"]
    assert rows[3] == {"id": "mso1", "name": "Kulturverein Anatolien", "kind": "migrant_organisation",
                       "via": [{"type": "project", "project": "p-sprachcafe", "role": "partner"}]}
    code, output = invoke(store_spec, "who", "g-sprache", "--as-of", "2014")
    assert code == 0 and "Integrationsbüro" in output and "Kulturverein" not in output


def test_who_unknown_goal(store_spec: str) -> None:
    code, output = invoke(store_spec, "who", "g-nope")
    assert code == 1 and "g-nope" in output


def test_gaps_json_contract(store_spec: str) -> None:
    code, output = invoke(store_spec, "gaps", "--as-of", "2024-06-01", "--format", "json", "--limit", "3")
    assert code == 0, output
    gaps = json.loads(output)
    assert [(g["kind"], g["actors"] or g["goals"]) for g in gaps] == [
        ("isolated_actor", ["mso2"]), ("uncovered_goal", ["g-ausbildung"]), ("uncovered_goal", ["g-leer"])]
    assert all(set(g) == {"kind", "score", "actors", "goals", "evidence", "explanation"} for g in gaps)


def test_gaps_kind_field_lang(store_spec: str) -> None:
    code, output = invoke(store_spec, "gaps", "--kind", "lapsed_tie", "--field", "arbeit", "--as-of",
                          "2024-06-01", "--format", "json", "--lang", "en")
    assert code == 0, output
    (gap,) = json.loads(output)
    assert gap["actors"] == ["ihk", "jobcenter"] and "cooperated through the project" in gap["explanation"]
    code, output = invoke(store_spec, "gaps", "--kind", "lapsed_tie", "--as-of", "2014-06-01",
                          "--format", "json")
    assert code == 0 and json.loads(output) == []
    code, output = invoke(store_spec, "gaps", "--kind", "bogus")
    assert code == 2


def test_gaps_what_if(store_spec: str) -> None:
    code, output = invoke(store_spec, "gaps", "--kind", "unlinked_peers", "--as-of", "2024-06-01",
                          "--without", "verein", "--add-tie", "amt", "mso2", "--add-tie", "mso2,schule",
                          "--format", "json")
    assert code == 0, output
    assert [g["actors"] for g in json.loads(output)] == [["awo", "mso2"], ["mso1", "mso2"]]
    code, output = invoke(store_spec, "gaps", "--without", "amt", "--as-of", "2024-06-01")
    assert code == 0 and "without amt" in output and "Stadt Testville" in output
    code, output = invoke(store_spec, "gaps", "--add-tie", "amt")
    assert code == 1 and "two actor ids" in output


def test_diff(store_spec: str) -> None:
    code, output = invoke(store_spec, "diff", "--from", "2013-01-01", "--to", "2024-06-01", "--format", "json")
    assert code == 0, output
    change = json.loads(output)
    assert change["newly_isolated"] == ["ihk", "jobcenter"] and len(change["ties_gained"]) == 6
    code, output = invoke(store_spec, "diff", "--from", "2013", "--to", "2024-06-01")
    assert code == 0 and "ihk – jobcenter (project)" in output
    code, output = invoke(store_spec, "diff", "--from", "yesterday")
    assert code == 1


def test_cli_kinds_match_the_library() -> None:
    assert tuple(k.value for k in GapKind) == KINDS


def test_gaps_too_many_to_list_is_a_clear_error(store_spec: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from graph import gaps

    monkeypatch.setattr(gaps, "MAX_PAIRS", 2)
    code, output = invoke(store_spec, "gaps", "--as-of", "2024-06-01")
    message = " ".join(output.split())
    assert code == 1 and "too many to list every unlinked pair" in message and "--limit" in message, output
    code, output = invoke(store_spec, "gaps", "--as-of", "2024-06-01", "--limit", "2", "--format", "json")
    assert code == 0 and len(json.loads(output)) == 2
