"""GraphML and GEXF exports read back with networkx: the cooperation network, attributes, timeline."""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
from collections.abc import Iterator
from xml.etree import ElementTree

import networkx as nx
import pytest

from graph.export import export
from graph.export_network import NODE_DOCS
from graph.importer import FIXTURE, import_dataset
from graph.landscape import load_landscape
from graph.network import all_ties, cooperation_network, network_actors
from graph.store import Store, open_store


@pytest.fixture(scope="module")
def store() -> Iterator[Store]:
    s = open_store("memory:")
    import_dataset(s, FIXTURE)
    yield s
    s.close()


def read(store: Store, fmt: str, **kw: object) -> nx.Graph:
    buf = io.BytesIO()
    export(store, fmt, buf, **kw)  # type: ignore[arg-type]
    buf.seek(0)
    return nx.read_graphml(buf) if fmt == "graphml" else nx.read_gexf(buf)


def fixture_row(table: str, key: str, value: str) -> dict[str, str]:
    with (FIXTURE / f"{table}.csv").open(encoding="utf-8") as fh:
        return next(r for r in csv.DictReader(fh) if r[key] == value)


def test_graphml_is_the_cooperation_network(store: Store) -> None:
    g = read(store, "graphml")
    expected = cooperation_network(load_landscape(store))
    assert set(g.nodes) == set(expected.nodes) and len(g) > 5
    assert {frozenset(e) for e in g.edges} == {frozenset(e) for e in expected.edges}
    for n, data in expected.nodes(data=True):
        got = g.nodes[n]
        assert got["label"] == got["name"] == data["name"]
        assert (got["kind"], got["sector"]) == (data["kind"], data["sector"])
        assert got["districts"] == "|".join(data["districts"])
        assert got["goals"] == "|".join(data["goals"])
        assert got["degree"] == expected.degree(n)
        assert set(NODE_DOCS) - {"id", "constraint"} <= set(got), n
    for a, b, data in expected.edges(data=True):
        assert g.edges[a, b]["kinds"] == "|".join(data["kinds"])
        assert g.edges[a, b]["sources"] == "|".join(data["sources"])


def test_graphml_key_ids_are_unique(store: Store) -> None:
    """Nodes and edges share attribute names (groups): their GraphML keys must still differ."""
    buf = io.BytesIO()
    export(store, "graphml", buf)
    keys = ElementTree.fromstring(buf.getvalue()).findall("{http://graphml.graphdrawing.org/xmlns}key")
    ids = [k.get("id") for k in keys]
    assert len(ids) > 20 and len(ids) == len(set(ids))
    assert {(k.get("for"), k.get("attr.name")) for k in keys} >= {("node", "groups"), ("edge", "groups")}


def test_graphml_as_of_and_field(store: Store) -> None:
    row = fixture_row("projects", "id", "p-ausbildung")
    during = read(store, "graphml", as_of="2014-06-01")
    assert during.has_edge(row["lead"], row["partners"])
    assert during.edges[row["lead"], row["partners"]]["projects"] == row["id"]
    assert not read(store, "graphml").has_edge(row["lead"], row["partners"])  # ended 2016
    field = fixture_row("goals", "id", "g-ausbildung")["action_field"]
    one_field = read(store, "graphml", as_of="2014-06-01", field=field)
    assert 0 < len(one_field) < len(during)
    assert all(field in data["fields"].split("|") for _, data in one_field.nodes(data=True))


def test_gexf_has_every_tie_with_spells(store: Store) -> None:
    g = read(store, "gexf")
    land = load_landscape(store)
    nodes = network_actors(land)
    assert set(g.nodes) == nodes
    ever = {frozenset(pair) for pair in all_ties(land) if set(pair) <= nodes}
    assert {frozenset(e) for e in g.edges} == ever
    now = cooperation_network(land)
    for a, b, data in g.edges(data=True):
        assert data["active"] == now.has_edge(a, b)
    row = fixture_row("projects", "id", "p-ausbildung")
    ended = g.edges[row["lead"], row["partners"]]
    assert ended["active"] is False
    assert ended["spells"] == [(row["start"], row["end"])]
    assert g.graph["mode"] == "dynamic"
    assert g.nodes["amt"]["label"] == fixture_row("actors", "id", "amt")["name"]


def test_gexf_spells_follow_the_reference_date(store: Store) -> None:
    g = read(store, "gexf", as_of="2014-06-01")
    row = fixture_row("projects", "id", "p-ausbildung")
    assert g.edges[row["lead"], row["partners"]]["active"] is True
    for _, _, data in g.edges(data=True):
        spells = [tuple(None if v in (None, "None") else dt.date.fromisoformat(v) for v in spell)
                  for spell in data.get("spells", [])]
        for start, end in spells:
            assert start is None or end is None or start <= end
        # Gephi rejects overlapping intervals: the spells of an edge are disjoint
        for (_, end), (start, _) in itertools.pairwise(spells):
            assert end is not None and start is not None and end < start
