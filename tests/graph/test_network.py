"""Projections of the landscape into networks for a date (graph/network.py)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from graph.importer import import_dataset
from graph.landscape import Actor, Cooperation, Landscape, Membership, Project, load_landscape
from graph.network import actor_goal_graph, actor_group_graph, cooperation_network, network_actors
from graph.store import open_store

GAPSVILLE = Path(__file__).resolve().parents[1] / "fixtures" / "gapsville"
DAY = dt.date(2024, 6, 1)


@pytest.fixture(scope="module")
def land() -> Landscape:
    store = open_store("memory:")
    import_dataset(store, GAPSVILLE)
    return load_landscape(store)


def test_nodes_and_attributes(land: Landscape) -> None:
    g = cooperation_network(land, DAY)
    assert "ak-sprache" not in g and len(g) == 12
    amt = g.nodes["amt"]
    assert {k: amt[k] for k in ("id", "name", "kind", "sector", "districts", "target_groups", "goals",
                                "fields")} == {
        "id": "amt", "name": "Integrationsbüro", "kind": "office", "sector": "public",
        "districts": ["nord", "sued"], "target_groups": ["gefluechtete"], "goals": ["g-kita", "g-sprache"],
        "fields": ["bildung"]}
    assert g.nodes["mso1"]["goals"] == ["g-sprache"]  # through the Sprachcafé project


def test_edges_carry_kinds_periods_sources(land: Landscape) -> None:
    g = cooperation_network(land, DAY)
    assert sorted(sorted(e) for e in g.edges) == [
        ["amt", "awo"], ["amt", "mso1"], ["amt", "schule"], ["amt", "stadt"], ["awo", "mso1"],
        ["mso1", "schule"], ["schule", "vhs"]]
    assert g.edges["amt", "mso1"] == {"kinds": ["working_group"], "start": "2018-01-01", "end": "",
                                      "sources": ["s1", "s2"], "projects": [], "groups": ["ak-sprache"]}
    assert g.edges["awo", "mso1"] == {"kinds": ["project"], "start": "2015-01-01", "end": "2030-12-31",
                                      "sources": ["s2"], "projects": ["p-sprachcafe"], "groups": []}
    assert g.edges["amt", "stadt"]["kinds"] == ["cooperation"] and g.edges["amt", "stadt"]["start"] == ""


def test_as_of(land: Landscape) -> None:
    during = cooperation_network(land, dt.date(2014, 6, 1))
    assert during.has_edge("ihk", "jobcenter") and not during.has_edge("amt", "mso1")
    assert not cooperation_network(land, DAY).has_edge("ihk", "jobcenter")
    assert cooperation_network(land).graph["as_of"] == dt.date.today().isoformat()


def test_field_and_goal_filters(land: Landscape) -> None:
    assert sorted(cooperation_network(land, DAY, field="arbeit")) == ["moschee"]
    assert sorted(cooperation_network(land, dt.date(2014, 6, 1), field="arbeit")) == [
        "ihk", "jobcenter", "moschee"]
    eltern = cooperation_network(land, DAY, goal="g-eltern")
    assert sorted(eltern) == ["schule", "vhs"] and eltern.number_of_edges() == 1


def test_venues_are_not_nodes() -> None:
    actors = {a: Actor(a, a.upper(), k) for a, k in (("x", "office"), ("y", "association"),
                                                      ("wg", "working_group"), ("board", "committee"),
                                                      ("council", "committee"))}
    land = Landscape(actors=actors,
                     memberships=[Membership("m1", "x", "board"), Membership("m2", "y", "board")],
                     cooperations=[Cooperation("c", "council", "x"), Cooperation("c2", "wg", "y")],
                     projects={"p": Project("p", "P", lead="wg", partners=("y",))})
    assert network_actors(land) == {"x", "y", "council"}
    g = cooperation_network(land)
    assert g.edges["x", "y"]["kinds"] == ["working_group"] and g.edges["x", "y"]["groups"] == ["board"]
    assert g.has_edge("council", "x") and g.degree("y") == 1


def test_bipartite_graphs(land: Landscape) -> None:
    ag = actor_goal_graph(land, DAY)
    assert ag.edges["actor/awo", "goal/g-sprache"]["via"] == ["direct", "lead:p-sprachcafe"]
    assert ag.nodes["goal/g-leer"]["bipartite"] == 1 and ag.degree("goal/g-leer") == 0
    wg = actor_group_graph(land, DAY)
    assert sorted(wg.neighbors("group/ak-sprache")) == ["actor/amt", "actor/mso1", "actor/schule"]
    assert wg.edges["actor/amt", "group/ak-sprache"]["role"] == "Vorsitz"
    assert sorted(actor_group_graph(land, dt.date(2015, 1, 1)).neighbors("group/ak-sprache")) == [
        "actor/amt", "actor/schule"]
