"""Network metrics with igraph (graph/metrics.py)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import networkx as nx
import pytest

from graph import metrics
from graph.importer import import_dataset
from graph.landscape import load_landscape
from graph.metrics import articulation_parts, compute_metrics, ei_index, migrant_inclusion
from graph.network import cooperation_network
from graph.store import open_store

GAPSVILLE = Path(__file__).resolve().parents[1] / "fixtures" / "gapsville"


@pytest.fixture(scope="module")
def network() -> nx.Graph:
    store = open_store("memory:")
    import_dataset(store, GAPSVILLE)
    return cooperation_network(load_landscape(store), dt.date(2024, 6, 1))


def test_per_node_metrics(network: nx.Graph) -> None:
    m = compute_metrics(network)
    amt = m["nodes"]["amt"]
    assert amt["degree"] == 4 and amt["core_number"] == 2
    assert set(amt) == {"degree", "betweenness", "pagerank", "eigenvector", "core_number", "community",
                        "constraint"}
    assert amt["betweenness"] == max(n["betweenness"] for n in m["nodes"].values())
    assert m["nodes"]["mso2"]["constraint"] is None and m["nodes"]["mso2"]["degree"] == 0
    assert m["nodes"]["stadt"]["constraint"] == 1.0  # one tie only: fully constrained
    assert m["betweenness_method"] == "exact"
    assert abs(sum(n["pagerank"] for n in m["nodes"].values()) - 1) < 1e-5


def test_graph_level_metrics(network: nx.Graph) -> None:
    m = compute_metrics(network)
    assert m["articulation_points"] == ["amt", "schule"]
    assert m["bridges"] == [["amt", "stadt"], ["schule", "vhs"]]
    assert m["density_per_field"] == {"arbeit": 0.0, "bildung": round(6 / 21, 6)}
    assert m["ei_index"] == round((5 - 2) / 7, 6)  # 5 ties across sectors, 2 within
    assert sum(len(c) for c in m["communities"]) == 12


def test_communities_are_reproducible(network: nx.Graph) -> None:
    a = compute_metrics(network, seed=3)["communities"]
    assert compute_metrics(network, seed=3)["communities"] == a
    assert compute_metrics(network, seed=3, resolution=0.01)["communities"][0] == sorted(
        ["amt", "awo", "mso1", "schule", "stadt", "vhs"])


def test_migrant_inclusion(network: nx.Graph) -> None:
    inc = compute_metrics(network)["migrant_inclusion"]
    assert inc["migrant_organisations"] == 2 and inc["share_in_working_groups"] == 0.5
    assert inc["distance_to_office"] == {"mso1": 1, "mso2": None}
    assert inc["unreachable_from_offices"] == ["mso2"] and inc["isolated"] == ["mso2"]
    assert inc["single_broker"] == {}


def test_single_broker_needs_every_path() -> None:
    g = nx.Graph([("office", "b1"), ("b1", "m"), ("office", "b2")])
    nx.set_node_attributes(g, {"office": "office", "b1": "association", "b2": "association",
                               "m": "migrant_organisation"}, "kind")
    assert migrant_inclusion(g)["single_broker"] == {"m": "b1"}
    g.add_edge("b2", "m")
    assert migrant_inclusion(g)["single_broker"] == {}
    assert migrant_inclusion(g)["distance_to_office"] == {"m": 2}


def test_sampled_betweenness_above_threshold(network: nx.Graph, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(metrics, "EXACT_BETWEENNESS_MAX", 5)
    m = compute_metrics(network, seed=1)
    assert m["betweenness_method"].startswith("sampled from")
    assert max(m["nodes"], key=lambda v: m["nodes"][v]["betweenness"]) == "amt"


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_articulation_parts_matches_networkx(seed: int) -> None:
    g = nx.connected_watts_strogatz_graph(60, 2, 0.3, seed=seed)
    g.add_edges_from([(100, 101), (101, 102), (103, 104), (105, 106), (106, 107), (107, 105), (107, 108)])
    g.add_edges_from(nx.gnm_random_graph(30, 35, seed=seed).edges)  # overlaps nodes 0..29
    g.add_node(200)
    g = nx.relabel_nodes(g, str)
    cuts = articulation_parts({v: set(g[v]) for v in g})
    assert set(cuts) == set(nx.articulation_points(g))
    for v, cut in cuts.items():
        h = g.subgraph(nx.node_connected_component(g, v) - {v})
        parts = sorted((sorted(c) for c in nx.connected_components(h)), key=lambda p: (-len(p), p[0]))
        assert cut.parts() == parts and list(cut.part_sizes) == [len(p) for p in parts]
        assert cut.component_size == len(nx.node_connected_component(g, v))


def test_ei_index_empty() -> None:
    assert ei_index(nx.Graph())["ei_index"] is None
    assert compute_metrics(nx.Graph())["node_count"] == 0


def test_parts_above_a_size_are_not_listed() -> None:
    cuts = articulation_parts({"a": {"b"}, "b": {"a", "c", "d"}, "c": {"b", "d"}, "d": {"b", "c"}})
    assert cuts["b"].part_sizes == (2, 1)
    assert cuts["b"].parts(largest=1) == [[], ["a"]]
    assert cuts["b"].parts() == [["c", "d"], ["a"]]
