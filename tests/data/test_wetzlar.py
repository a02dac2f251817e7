"""The real Wetzlar dataset: valid, large enough, and every fact sourced."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from graph.importer import import_dataset, validate_dataset
from graph.store import OxigraphStore, Store

DATA = Path(__file__).resolve().parents[2] / "data" / "wetzlar"
SUBMISSION = "drucksache-1562-13"


def rows(table: str) -> list[dict[str, str]]:
    path = DATA / f"{table}.csv"
    if not path.exists():
        return []
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def wetzlar() -> Store:
    store = OxigraphStore(None)
    import_dataset(store, DATA)
    return store


def test_validates() -> None:
    report = validate_dataset(DATA)
    assert report.dataset == "wetzlar"
    assert [p for p in report.problems if p.severity == "error"] == []


def test_sizes() -> None:
    assert len(rows("actors")) >= 80
    assert len(rows("projects")) + len(rows("programmes")) >= 30
    assert len(rows("cooperations")) >= 40


def test_the_four_arbeitskreise_are_the_action_fields() -> None:
    labels = {r["label_de"] for r in rows("action_fields")}
    assert {
        "Sprache und Bildung im Elementar- und Primarbereich",
        "Berufliche Integration und Wirtschaft",
        "Soziale und kulturelle Integration",
        "Sport und zivilgesellschaftliches Engagement",
    } <= labels


def test_every_row_has_a_source_with_url_or_is_the_submission() -> None:
    sources = {r["id"]: r for r in rows("sources")}
    for sid, src in sources.items():
        assert src["url"].startswith("http") or sid == SUBMISSION, sid
    for table in ("goals", "actors", "programmes", "projects", "actor_goals", "memberships",
                  "cooperations", "recommendations"):
        for i, row in enumerate(rows(table), start=2):
            cited = [s.strip() for s in row.get("source", "").split("|") if s.strip()]
            assert cited, f"{table}.csv:{i} has no source"
            for s in cited:
                assert s in sources, f"{table}.csv:{i} cites unknown source {s}"


def test_no_personal_data() -> None:
    assert not (DATA / "contacts.csv").exists()


def test_every_actor_carries_its_source_in_the_graph(wetzlar: Store) -> None:
    n = wetzlar.select("SELECT (COUNT(?a) AS ?n) WHERE { ?a a/rdfs:subClassOf* ig:Actor }")[0]["n"]
    assert n >= 80
    unsourced = wetzlar.select(
        "SELECT ?a WHERE { ?a a/rdfs:subClassOf* ig:Actor "
        "FILTER NOT EXISTS { ?a prov:wasDerivedFrom/a ig:Source } }")
    assert unsourced == []
    no_url = wetzlar.select(
        "SELECT ?a WHERE { ?a a/rdfs:subClassOf* ig:Actor ; prov:wasDerivedFrom ?s "
        "FILTER NOT EXISTS { ?s schema:url ?u } FILTER NOT EXISTS { ?s dct:identifier ?i } "
        "FILTER(!STRENDS(STR(?s), '/source/drucksache-1562-13')) }")
    assert no_url == []
