"""The monitoring report (graph/report.py): sections, content, no external assets, CLI."""

from __future__ import annotations

import datetime as dt
import re
from html import escape
from pathlib import Path

import pytest
from typer.testing import CliRunner

from graph.cli import app
from graph.errors import InvalidInput
from graph.gaps import find_gaps
from graph.importer import FIXTURE, import_dataset
from graph.landscape import Landscape, load_landscape
from graph.report import TOP_GAPS, build_report
from graph.store import OxigraphStore, open_store
from tests.graph import test_maps as helpers  # a module: its tests are not collected here

ON = dt.date(2024, 1, 1)


@pytest.fixture(scope="module")
def land() -> Landscape:
    store = open_store("memory:")
    import_dataset(store, FIXTURE)
    return load_landscape(store)


@pytest.fixture(scope="module")
def page(land: Landscape) -> str:
    return build_report(land, as_of=ON, since=dt.date(2014, 1, 1))


def section(page: str, ident: str) -> str:
    match = re.search(rf'<section[^>]* id="{ident}">(.*?)</section>', page, re.S)
    assert match, ident
    return match.group(1)


def test_report_has_every_section(page: str) -> None:
    for ident in ("field-arbeit", "field-bildung", "gaps", "network", "coverage", "change"):
        assert section(page, ident)
    assert page.index('id="field-arbeit"') < page.index('id="field-bildung"')  # by label
    assert "<h1>Monitoringbericht Integration: testville</h1>" in page


def test_fields_list_goals_actors_and_recommendations_by_horizon(page: str) -> None:
    bildung = section(page, "field-bildung")
    assert "Deutschkenntnisse verbessern" in bildung and "AWO Testville" in bildung and "Sprachcafé" in bildung
    assert "kurzfristig" in bildung and "umgesetzt" in bildung
    arbeit = section(page, "field-arbeit")
    assert "langfristig" in arbeit and "offen" in arbeit and "kein Projekt" in arbeit
    assert "Beratung zur Anerkennung" in arbeit
    assert '<span class="warn">niemand</span>' in arbeit  # g-leer: nobody works on it


def test_gaps_are_the_best_gaps_with_their_explanations(land: Landscape, page: str) -> None:
    gaps = section(page, "gaps")
    best = find_gaps(land, as_of=ON, limit=TOP_GAPS)
    assert gaps.count("<tr>") == len(best) + 1
    for g in best:
        assert escape(g["explanation"]) in gaps


def test_figures_are_inline_svg(page: str) -> None:
    assert "<svg" in section(page, "network") and "<svg" in section(page, "coverage")
    assert "<?xml" not in page and "<img" not in page


def test_change_since_a_date(land: Landscape, page: str) -> None:
    change = section(page, "change")
    assert "Vom 2014-01-01 bis 2024-01-01" in change
    assert "Industrie- und Handelskammer, Jobcenter Testville (project)" in change  # the lapsed project tie
    assert "--since" in section(build_report(land, as_of=ON), "change")


def test_no_external_assets(page: str) -> None:
    assert helpers.external_refs(page) == []
    assert all(ref.startswith(("#", "data:")) for ref in re.findall(r'href="([^"]*)"', page))


def test_english_and_bad_input(land: Landscape) -> None:
    page = build_report(land, as_of=ON, lang="en")
    assert "Recommendations by horizon" in page and '<html lang="en">' in page
    assert "Improve German skills" in page
    with pytest.raises(InvalidInput, match="after"):
        build_report(land, as_of=ON, since=dt.date(2025, 1, 1))
    with pytest.raises(InvalidInput, match="language"):
        build_report(land, lang="fr")


def test_cli_report(tmp_path: Path) -> None:
    store = OxigraphStore(tmp_path / "store")
    import_dataset(store, FIXTURE)
    store.close()
    spec = f"oxigraph:{tmp_path / 'store'}"
    out = tmp_path / "report.html"
    result = CliRunner().invoke(app, ["--store", spec, "report", "--out", str(out), "--as-of", "2024-01-01",
                                      "--since", "2014", "--lang", "en"])
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert "From 2014-01-01 to 2024-01-01" in text and helpers.external_refs(text) == []
    bad = CliRunner().invoke(app, ["--store", spec, "report", "--out", str(out), "--since", "2999-01-01"])
    assert bad.exit_code == 1 and "after the reference date" in bad.output
