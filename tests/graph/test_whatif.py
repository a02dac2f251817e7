"""What-if: remove an actor, add a tie, end a project (graph/whatif.py)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from graph.importer import import_dataset
from graph.landscape import Landscape, load_landscape
from graph.store import open_store
from graph.whatif import what_if

GAPSVILLE = Path(__file__).resolve().parents[1] / "fixtures" / "gapsville"
DAY = dt.date(2024, 6, 1)


@pytest.fixture(scope="module")
def land() -> Landscape:
    store = open_store("memory:")
    import_dataset(store, GAPSVILLE)
    return load_landscape(store)


def kinds_actors(gaps: list[dict]) -> list[tuple[str, list[str]]]:
    return [(g["kind"], g["actors"]) for g in gaps]


def test_without_the_broker(land: Landscape) -> None:
    r = what_if(land, without=["amt"], as_of=DAY)
    assert r["newly_isolated"] == ["stadt"]
    assert r["components"] == {"before": 7, "after": 8}
    # awo – mso1 – schule – vhs is a path now
    assert r["articulation_points"] == {"before": ["amt", "schule"], "after": ["mso1", "schule"]}
    assert ("broker_dependency", ["amt"]) in kinds_actors(r["gaps_resolved"])
    assert ("isolated_actor", ["stadt"]) in kinds_actors(r["gaps_added"])
    assert r["ties_lost"] == []


def test_end_a_funded_project(land: Landscape) -> None:
    r = what_if(land, end_projects=["p-sprachcafe"], as_of=DAY)
    assert r["ties_lost"] == [["awo", "mso1"]]
    assert kinds_actors(r["gaps_added"]) == [("lapsed_tie", ["awo", "mso1"])]
    # mso1 worked on g-sprache only through the project, so it no longer shares it with mso2
    assert kinds_actors(r["gaps_resolved"]) == [("unlinked_peers", ["mso1", "mso2"])]


def test_add_a_tie(land: Landscape) -> None:
    r = what_if(land, add_ties=[("mso2", "amt")], as_of=DAY)
    assert r["ties_gained"] == [["amt", "mso2"]]
    assert kinds_actors(r["gaps_resolved"]) == [("isolated_actor", ["mso2"]),
                                                ("unlinked_peers", ["amt", "mso2"])]
    assert r["betweenness_shifts"][0]["actor"] == "amt" and r["betweenness_shifts"][0]["change"] > 0
