"""Who works on a goal, and the coverage matrices (graph/coverage.py)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from graph.coverage import coverage_matrix, who
from graph.errors import InvalidInput, NotFound
from graph.importer import import_dataset
from graph.landscape import Landscape, load_landscape
from graph.store import Store, open_store

GAPSVILLE = Path(__file__).resolve().parents[1] / "fixtures" / "gapsville"
DAY = dt.date(2024, 6, 1)


@pytest.fixture(scope="module")
def land() -> Landscape:
    store = open_store("memory:")
    import_dataset(store, GAPSVILLE)
    return load_landscape(store)


def test_who_with_via(land: Landscape) -> None:
    assert who(land, "g-sprache", DAY) == [
        {"id": "mso2", "name": "Afrikanischer Elternverein", "kind": "migrant_organisation",
         "via": [{"type": "direct"}]},
        {"id": "awo", "name": "AWO Testville", "kind": "welfare_association",
         "via": [{"type": "direct"}, {"type": "project", "project": "p-sprachcafe", "role": "lead"}]},
        {"id": "amt", "name": "Integrationsbüro", "kind": "office", "via": [{"type": "direct"}]},
        {"id": "mso1", "name": "Kulturverein Anatolien", "kind": "migrant_organisation",
         "via": [{"type": "project", "project": "p-sprachcafe", "role": "partner"}]},
    ]


def test_who_as_of(land: Landscape) -> None:
    assert [r["id"] for r in who(land, "g-sprache", dt.date(2014, 6, 1))] == ["mso2", "awo", "amt"]
    assert [r["id"] for r in who(land, "g-ausbildung", dt.date(2014, 6, 1))] == ["ihk", "jobcenter"]
    assert who(land, "g-ausbildung", DAY) == []
    assert who(land, "g-leer") == []


def test_who_from_a_store(testville: Store) -> None:
    rows = who(testville, "g-sprache", DAY)
    assert {r["id"] for r in rows} == {"amt", "mso2", "awo", "mso1"}


def test_who_matches_a_walk_over_every_actor(tmp_path: Path) -> None:
    """The per-date index answers every goal and date as walking all actors' goal links does."""
    from benchmarks.generate import generate
    from graph.network import goal_links

    store = open_store("memory:")
    generate(300, tmp_path, seed=7)
    import_dataset(store, tmp_path / "landscape-300")
    land = load_landscape(store)
    for day in (dt.date(2012, 1, 1), DAY, dt.date(2030, 1, 1)):
        links = goal_links(land, day)
        for goal in land.goals:
            walked = sorted(({"id": a, "name": land.actors[a].name, "kind": land.actors[a].kind,
                              "via": goals[goal]} for a, goals in links.items()
                             if goal in goals and a in land.actors),
                            key=lambda r: (r["name"].casefold(), r["id"]))
            assert who(land, goal, day) == walked
    assert any(who(land, goal, DAY) for goal in land.goals)


def test_who_answers_are_the_callers_to_change(land: Landscape) -> None:
    first = who(land, "g-sprache", DAY)
    first[0]["via"].append({"type": "changed"})
    first.clear()
    assert who(land, "g-sprache", DAY)[0]["via"] == [{"type": "direct"}]


def test_who_unknown_goal(land: Landscape) -> None:
    with pytest.raises(NotFound):
        who(land, "g-nope")


def test_goal_by_sector(land: Landscape) -> None:
    m = coverage_matrix(land, "sector", as_of=DAY)
    rows = {r["goal"]: r for r in m["rows"]}
    assert m["columns"][:4] == ["public", "welfare", "civil_society", "migrant"]
    assert rows["g-sprache"]["counts"]["migrant"] == 2 and rows["g-sprache"]["counts"]["public"] == 1
    assert rows["g-sprache"]["actors"] == 4 and rows["g-sprache"]["projects"] == 1
    assert rows["g-eltern"]["counts"]["education"] == 2 and sum(rows["g-eltern"]["counts"].values()) == 2
    assert rows["g-ausbildung"]["actors"] == 0


def test_goal_by_district_and_target_group(land: Landscape) -> None:
    d = {r["goal"]: r["counts"] for r in coverage_matrix(land, "district", as_of=DAY)["rows"]}
    assert d["g-kita"] == {"nord": 2, "sued": 3, "none": 0}  # amt counts in both districts
    t = {r["goal"]: r["counts"] for r in coverage_matrix(land, "target_group", as_of=DAY,
                                                         field="bildung")["rows"]}
    assert set(t) == {"g-sprache", "g-kita", "g-eltern"}
    assert t["g-eltern"] == {"frauen": 0, "gefluechtete": 1, "none": 1}
    with pytest.raises(InvalidInput):
        coverage_matrix(land, "colour")
