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


def test_gexf_written_in_chunks_reads_as_networkx_writes_it(monkeypatch: pytest.MonkeyPatch) -> None:
    """graph/gexf_writer.py against networkx.write_gexf: the same network, read back, across chunks."""
    import graph.gexf_writer as gexf_writer

    g = nx.Graph(name="Testnetz")
    for i in range(7):
        g.add_node(f"a{i}", id=f"p-{i}", name=f"Akteur <{i}> & \"ü\"", degree=float(i) / 3,
                   broker=i % 2 == 0, core=i, sector="welfare" if i % 3 else "public")
    g.add_node("lonely", id="p-lonely", name="Allein", degree=float("nan"), broker=False, core=0, sector="x")
    spells = [("2014-01-01", "2016-12-31"), ("2020-01-01", None)]
    for i in range(6):
        g.add_edge(f"a{i}", f"a{i + 1}", kinds="project", weight=i + 1, spells=spells if i % 2 else [])

    def node(n: str, data: dict) -> dict:
        return {"label": data["name"], **{k: v for k, v in data.items() if k != "name"}}

    def edge(a: str, b: str, data: dict) -> dict:
        out = {k: v for k, v in data.items() if k != "spells"}
        return out | ({"spells": data["spells"]} if data["spells"] else {})

    flat = nx.Graph(mode="dynamic", name="Testnetz")
    flat.add_nodes_from((n, node(n, d)) for n, d in g.nodes(data=True))
    flat.add_edges_from((a, b, edge(a, b, d)) for a, b, d in g.edges(data=True))
    expected = io.BytesIO()
    nx.write_gexf(flat, expected)
    monkeypatch.setattr(gexf_writer, "CHUNK", 3)
    streamed = io.BytesIO()
    gexf_writer.write_gexf(g, streamed, node_data=node, edge_data=edge, mode="dynamic")

    def read(data: bytes) -> nx.Graph:
        return nx.read_gexf(io.BytesIO(data))

    ours, theirs = read(streamed.getvalue()), read(expected.getvalue())
    assert sorted(ours.nodes) == sorted(theirs.nodes) == sorted(f"p-{i}" for i in [*range(7), "lonely"])
    assert {n: {k: str(v) for k, v in d.items()} for n, d in ours.nodes(data=True)} == \
        {n: {k: str(v) for k, v in d.items()} for n, d in theirs.nodes(data=True)}
    assert sorted((tuple(sorted((a, b))), sorted(d.items())) for a, b, d in ours.edges(data=True)) == \
        sorted((tuple(sorted((a, b))), sorted(d.items())) for a, b, d in theirs.edges(data=True))
    root = ElementTree.fromstring(streamed.getvalue())
    graph = root.find("{http://www.gexf.net/1.2draft}graph")
    assert graph is not None and graph.get("mode") == "dynamic" and graph.get("timeformat") == "date"
    assert [c.tag.split("}")[1] for c in graph][-2:] == ["nodes", "edges"]
