"""Loading a landscape snapshot from the store (graph/landscape.py)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyoxigraph as ox
import pytest

from graph.errors import NotFound
from graph.importer import FIXTURE, import_dataset
from graph.landscape import Landscape, load_landscape, parse_date
from graph.namespaces import IG
from graph.store import Store, open_store

GAPSVILLE = Path(__file__).resolve().parents[1] / "fixtures" / "gapsville"


def test_loads_every_table(testville: Store) -> None:
    land = load_landscape(testville, "testville")
    assert land.datasets == ["testville"]
    assert len(land.actors) == 12 and len(land.goals) == 5 and sorted(land.fields) == ["arbeit", "bildung"]
    amt = land.actors["amt"]
    assert (amt.name, amt.kind, amt.sector, amt.parent) == ("Integrationsbüro", "office", "public", "stadt")
    assert amt.districts == ("nord", "sued") and amt.target_groups == ("gefluechtete",)
    assert amt.sources == ("s1", "s2")
    assert land.goals["g-sprache"].field == "bildung"
    assert land.goals["g-sprache"].label("en") == "Improve German skills"
    cafe = land.projects["p-sprachcafe"]
    assert (cafe.lead, cafe.partners, cafe.goals, cafe.funders) == ("awo", ("mso1",), ("g-sprache",),
                                                                    ("prog-wir",))
    assert (cafe.start, cafe.end) == (dt.date(2015, 1, 1), dt.date(2030, 12, 31))
    m = {x.actor: x for x in land.memberships}
    assert m["mso1"].group == "ak-sprache" and m["mso1"].start == dt.date(2018, 1, 1)
    assert m["amt"].role == "Vorsitz"
    coop = {(c.a, c.b): c for c in land.cooperations}
    assert coop[("amt", "awo")].kind == "agreement" and coop[("amt", "awo")].start == dt.date(2014, 1, 1)
    assert coop[("amt", "stadt")].start is None
    rec = land.recommendations["r-sprachcafe"]
    assert (rec.goals, rec.horizon, rec.implemented_by) == (("g-sprache",), "short", ("p-sprachcafe",))
    assert {(g.actor, g.goal) for g in land.actor_goals} == {
        ("amt", "g-sprache"), ("mso2", "g-sprache"), ("schule", "g-kita"), ("moschee", "g-anerkennung"),
        ("verein", "g-kita")}
    assert land.districts == {"nord": "Nord", "sued": "Süd"}


def test_unknown_dataset(testville: Store) -> None:
    with pytest.raises(NotFound):
        load_landscape(testville, "nowhere")


def test_all_datasets_qualify_clashing_ids() -> None:
    store = open_store("memory:")
    import_dataset(store, FIXTURE)
    import_dataset(store, GAPSVILLE)
    land = load_landscape(store)
    assert land.datasets == ["gapsville", "testville"]
    assert "testville:amt" in land.actors and "gapsville:amt" in land.actors
    assert "vhs" in land.actors and land.actors["vhs"].dataset == "gapsville"
    assert land.projects["testville:p-ausbildung"].lead == "testville:jobcenter"
    only = load_landscape(store, "gapsville")
    assert "amt" in only.actors and len(only.actors) == 13


def test_an_undescribed_dataset_graph_still_qualifies_clashing_ids(testville: Store) -> None:
    # a graph written by another tool straight into the store: no dcat:Dataset, no identifier
    base = "https://example.org/elsewhere"
    amt = ox.NamedNode(f"{base}/actor/amt")
    testville.replace_graphs({f"{base}/graph": [
        ox.Triple(amt, ox.NamedNode(str(IG.kind)), ox.Literal("office")),
        ox.Triple(amt, ox.NamedNode("http://www.w3.org/2004/02/skos/core#prefLabel"), ox.Literal("Amt B")),
    ]})
    land = load_landscape(testville)
    names = {a.id: a.name for a in land.actors.values() if a.id.endswith("amt")}
    assert names == {"testville:amt": "Integrationsbüro", f"{base}/graph:amt": "Amt B"}
    assert load_landscape(testville, "testville").actors["amt"].name == "Integrationsbüro"


def test_no_private_data_in_the_landscape(testville: Store) -> None:
    text = repr(load_landscape(testville))
    assert "Mustermann" not in text and "@example.org" not in text


def test_what_if_transforms() -> None:
    store = open_store("memory:")
    import_dataset(store, FIXTURE)
    land = load_landscape(store)
    gone = land.without(["awo"])
    assert "awo" not in gone.actors and gone.projects["p-sprachcafe"].lead == ""
    assert all("awo" not in (c.a, c.b) for c in gone.cooperations)
    tied = land.with_ties([("mso2", "verein")])
    assert tied.cooperations[-1].a == "mso2" and len(tied.cooperations) == len(land.cooperations) + 1
    ended = land.ending(["p-sprachcafe"], dt.date(2024, 1, 1))
    assert ended.projects["p-sprachcafe"].end == dt.date(2023, 12, 31)
    assert land.projects["p-sprachcafe"].end == dt.date(2030, 12, 31)
    with pytest.raises(NotFound):
        land.ending(["p-none"], dt.date(2024, 1, 1))
    assert isinstance(Landscape(), Landscape)


def test_parse_date() -> None:
    assert parse_date("") is None
    assert parse_date("2030", end=True) == dt.date(2030, 12, 31)


def test_paused_gc_restores_the_collector() -> None:
    import gc

    from graph.landscape import paused_gc

    assert gc.isenabled()
    with paused_gc():
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()
    try:
        with paused_gc():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
