"""The interactive map (graph/maps.py): data, offline HTML, large networks, CLI."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import random
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from graph.cli import app
from graph.commands.maps import Metric
from graph.errors import InvalidInput, NotFound
from graph.gaps import find_gaps
from graph.importer import FIXTURE, import_dataset
from graph.landscape import Actor, ActorGoal, Cooperation, Field, Goal, Landscape, load_landscape
from graph.maps import METRICS, PHYSICS_MAX_NODES, build_map, layout, map_data, show_map, write_map
from graph.maps_style import GAP_COLOR, SECTOR_COLORS
from graph.network import cooperation_network
from graph.store import OxigraphStore, open_store

ON = dt.date(2024, 1, 1)
KINDS = ("office", "welfare_association", "association", "migrant_organisation", "education_provider",
         "company", "religious_community")


@pytest.fixture(scope="module")
def land() -> Landscape:
    store = open_store("memory:")
    import_dataset(store, FIXTURE)
    return load_landscape(store)


def synthetic(n: int, seed: int = 1) -> Landscape:
    """A seeded landscape of ``n`` actors with about 2 cooperations and 2 goals each."""
    rng = random.Random(seed)
    goals = {f"g{i}": Goal(f"g{i}", f"Ziel {i}", field=f"f{i % 4}") for i in range(24)}
    fields = {f"f{i}": Field(f"f{i}", f"Feld {i}") for i in range(4)}
    actors = {f"a{i}": Actor(f"a{i}", f"Akteur {i}", KINDS[i % len(KINDS)], districts=(f"d{i % 9}",))
              for i in range(n)}
    ids = list(actors)
    coops = [Cooperation(f"c{i}", *sorted(rng.sample(ids, 2))) for i in range(2 * n)]
    actor_goals = [ActorGoal(a, g) for a in ids for g in rng.sample(sorted(goals), 2)]
    return Landscape(actors=actors, goals=goals, fields=fields, cooperations=coops, actor_goals=actor_goals,
                     districts={f"d{i}": f"Bezirk {i}" for i in range(9)}, datasets=["synthetic"])


class Refs(HTMLParser):
    """Collects every src/href attribute of a page (script and style bodies are not parsed as tags)."""

    def __init__(self) -> None:
        super().__init__()
        self.refs: list[str] = []
        self.scripts = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.scripts += tag == "script"
        self.refs += [v or "" for k, v in attrs if k in ("src", "href", "srcset", "data")]


def external_refs(page: str) -> list[str]:
    parser = Refs()
    parser.feed(page)
    css_urls = re.findall(r"url\(\s*['\"]?(?:https?:)?//[^)]*\)", page)
    imports = re.findall(r"@import\s", page)
    return [r for r in parser.refs if re.match(r"\s*(https?:)?//", r, re.I)] + css_urls + imports


def test_nodes_are_the_network_coloured_by_sector_and_sized_by_degree(land: Landscape) -> None:
    data = map_data(land, as_of=ON)
    graph = cooperation_network(land, ON)
    nodes = {n["id"]: n for n in data["nodes"]}
    assert set(nodes) == set(graph.nodes)
    assert nodes["mso1"]["color"]["background"] == SECTOR_COLORS["migrant"]
    assert nodes["amt"]["color"]["background"] == SECTOR_COLORS["public"]
    most = max(graph.degree, key=lambda x: x[1])[0]
    assert nodes[most]["size"] == max(n["size"] for n in nodes.values()) == 40
    assert nodes["mso2"]["size"] == 10  # isolated at that date
    assert {e["from"] + "-" + e["to"] for e in data["edges"]} == {f"{a}-{b}" for a, b in graph.edges}
    assert not any(e.get("dashes") is True for e in data["edges"])
    assert data["meta"]["physics"] is True and "x" not in nodes["amt"]


def test_tooltips_carry_goals_projects_and_sources(land: Landscape) -> None:
    nodes = {n["id"]: n for n in map_data(land, as_of=dt.date(2016, 1, 1))["nodes"]}
    awo = nodes["awo"]["title"]
    assert "Deutschkenntnisse verbessern" in awo and "Sprachcafé" in awo and "s1" in awo
    edge = next(e for e in map_data(land, as_of=dt.date(2014, 1, 1))["edges"]
                if {e["from"], e["to"]} == {"ihk", "jobcenter"})
    assert "Ausbildungslotsen" in edge["title"] and "2012-03-01" in edge["title"]
    assert edge["kinds"] == ["project"]


def test_gaps_are_red_dashed_edges_explained_in_the_tooltip(land: Landscape) -> None:
    data = map_data(land, gaps=True, as_of=ON)
    dashed = {(e["from"], e["to"]): e for e in data["edges"] if e.get("dashes") is True}
    expected = {tuple(g["actors"]): g for g in find_gaps(land, as_of=ON)
                if g["kind"] in ("unlinked_peers", "lapsed_tie")}
    assert set(dashed) == set(expected) and dashed
    for pair, edge in dashed.items():
        assert edge["title"] == expected[pair]["explanation"]
        assert edge["color"]["color"] == GAP_COLOR and edge["physics"] is False
    assert data["meta"]["gaps"] == len(dashed)
    assert any(k["kind"] == "gap" and k["dashes"] is True for k in data["legend"]["edges"])
    listed = [g for g in find_gaps(land, as_of=ON) if g["kind"] in ("uncovered_goal", "single_sector_goal",
                                                                     "unimplemented_recommendation")]
    assert [g["explanation"] for g in data["listed_gaps"]] == [g["explanation"] for g in listed][:10]
    assert any(g["kind"] == "unimplemented_recommendation" for g in data["listed_gaps"])
    assert map_data(land, as_of=ON)["listed_gaps"] == []
    mso2 = next(n for n in data["nodes"] if n["id"] == "mso2")
    assert mso2["borderWidth"] == 3 and "kooperiert mit niemandem" in mso2["title"]


def test_gap_limit_keeps_the_best_gaps(land: Landscape) -> None:
    data = map_data(land, gaps=True, as_of=ON, gap_limit=1)
    dashed = [e for e in data["edges"] if e.get("dashes") is True]
    best = next(g for g in find_gaps(land, as_of=ON) if g["kind"] in ("unlinked_peers", "lapsed_tie",
                                                                         "isolated_actor", "broker_dependency"))
    assert len(dashed) + sum(n["borderWidth"] == 3 for n in data["nodes"]) == 1
    if dashed:
        assert [dashed[0]["from"], dashed[0]["to"]] == best["actors"]


def test_field_and_goal_keep_the_actors_working_on_them(land: Landscape) -> None:
    field = map_data(land, field="arbeit", as_of=dt.date(2014, 1, 1))
    assert {n["id"] for n in field["nodes"]} == set(cooperation_network(land, dt.date(2014, 1, 1),
                                                                       field="arbeit"))
    assert all("arbeit" in n["fields"] for n in field["nodes"])
    goal = map_data(land, goal="g-sprache", gaps=True, as_of=ON)
    assert all("g-sprache" in n["goals"] for n in goal["nodes"])
    assert goal["meta"]["title"].endswith("Deutschkenntnisse verbessern")
    assert all(e["title"].count("Deutschkenntnisse") for e in goal["edges"] if e.get("dashes") is True)


def test_filters_and_legend_list_what_is_on_the_map(land: Landscape) -> None:
    data = map_data(land, as_of=ON, lang="en")
    assert [f[0] for f in data["filters"]["field"]] == ["arbeit", "bildung"]
    assert ["nord", "Nord"] in data["filters"]["district"] or any(d[0] == "nord" for d in data["filters"]["district"])
    sectors = [s["sector"] for s in data["legend"]["sectors"]]
    assert sectors == [s[0] for s in data["filters"]["sector"]] and "migrant" in sectors
    assert data["legend"]["sectors"][0]["label"] == "public sector"
    assert data["text"]["png"] == "Save as PNG"


@pytest.mark.parametrize("metric", ["betweenness", "pagerank", "core_number", "none"])
def test_metric_sizes_nodes(land: Landscape, metric: str) -> None:
    nodes = {n["id"]: n["size"] for n in map_data(land, as_of=ON, metric=metric)["nodes"]}
    if metric == "none":
        assert set(nodes.values()) == {14.0}
    else:
        assert max(nodes, key=lambda v: nodes[v]) == "amt"


def test_bad_options_are_errors(land: Landscape) -> None:
    with pytest.raises(NotFound, match="action field"):
        build_map(land, field="nope")
    with pytest.raises(NotFound, match="goal"):
        build_map(land, goal="nope")
    with pytest.raises(InvalidInput, match="metric"):
        build_map(land, metric="size")
    with pytest.raises(InvalidInput, match="language"):
        build_map(land, lang="fr")
    assert [m.value for m in Metric] == list(METRICS)


def test_html_is_self_contained_and_loads_nothing_from_the_internet(land: Landscape) -> None:
    page = build_map(land, gaps=True, as_of=ON)
    assert external_refs(page) == []
    assert "new vis.Network(" in page and "vis-network" in page  # inlined, not linked
    assert "toDataURL" in page and 'id="search"' in page and 'id="legend"' in page
    assert "<link" not in page and "<script src" not in page and "<iframe" not in page
    raw = re.search(r'<script type="application/json" id="map-data">(.*?)</script>', page, re.S)
    assert raw is not None and json.loads(raw.group(1))["meta"]["as_of"] == "2024-01-01"
    assert external_refs('<link href="https://cdn.example/x.css"><img src="//x/y.png">') != []


def test_names_from_the_data_cannot_break_out_of_the_page() -> None:
    evil = "</script><script>alert(1)</script><!--"
    land = Landscape(actors={"a": Actor("a", evil, "office"), "b": Actor("b", "B", "association")},
                     cooperations=[Cooperation("c", "a", "b")], datasets=[evil])
    page = build_map(land)
    assert evil not in page and "alert(1)" in page  # present, but only escaped
    assert page.count("</script>") == 3
    raw = re.search(r'id="map-data">(.*?)</script>', page, re.S)
    assert raw is not None and json.loads(raw.group(1))["nodes"][0]["label"] == evil


def test_large_networks_get_a_seeded_layout_with_physics_off() -> None:
    land = synthetic(PHYSICS_MAX_NODES + 100)
    data = map_data(land, seed=3, metric="none")
    assert data["meta"]["physics"] is False
    assert all(isinstance(n["x"], float) and isinstance(n["y"], float) for n in data["nodes"])
    again = map_data(land, seed=3, metric="none")
    other = map_data(land, seed=4, metric="none")
    pos = [(n["x"], n["y"]) for n in data["nodes"]]
    assert pos == [(n["x"], n["y"]) for n in again["nodes"]]
    assert pos != [(n["x"], n["y"]) for n in other["nodes"]]
    assert "\"physics\":false" in build_map(land, seed=3, metric="none")


def test_the_layout_draws_ties_short_on_a_landscape_of_the_benchmark_shape(tmp_path: Path) -> None:
    """Ties are drawn short relative to the map: a mean tie length ≤ 0.24 of the mean distance of two
    random actors on the 1,500-actor benchmark landscape (0.27 when igraph started every node in [-1, 1]²,
    which also made the layout quadratic in the number of nodes)."""
    from benchmarks.generate import generate

    generate(1500, tmp_path)
    store = open_store("memory:")
    import_dataset(store, tmp_path / "landscape-1500")
    network = cooperation_network(load_landscape(store), ON)
    pos = layout(network, seed=0)

    def dist(a: str, b: str) -> float:
        return float(((pos[a][0] - pos[b][0]) ** 2 + (pos[a][1] - pos[b][1]) ** 2) ** 0.5)

    rng = random.Random(3)
    nodes = list(network)
    ties = sum(dist(a, b) for a, b in network.edges) / network.number_of_edges()
    pairs = sum(dist(rng.choice(nodes), rng.choice(nodes)) for _ in range(5000)) / 5000
    assert network.number_of_nodes() > 1000
    assert ties / pairs <= 0.24


def test_write_map_and_show_map(land: Landscape, tmp_path: Path) -> None:
    path = write_map(land, tmp_path / "map.html", gaps=True, as_of=ON)
    assert path.read_text(encoding="utf-8") == build_map(land, gaps=True, as_of=ON)
    frame = show_map(land, as_of=ON, height=400)
    html = frame._repr_html_()
    assert 'srcdoc="&lt;!DOCTYPE html&gt;' in html and 'height="400"' in html
    assert "<script" not in html.split("srcdoc=")[1]  # the page is escaped inside the attribute


def test_a_page_written_in_pieces_is_the_page_built_whole(land: Landscape, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """write_map streams the data list by list in pieces; joined they are exactly one JSON text."""
    import graph.maps as maps

    evil = dataclasses.replace(land.actors["awo"], name="</script><!-- & \0integraph-map-data\0 ü")
    hostile = dataclasses.replace(land, actors={**land.actors, "awo": evil})
    data = map_data(hostile, gaps=True, as_of=ON)
    monkeypatch.setattr(maps, "JSON_CHUNK", 3)
    assert len(data["nodes"]) > 3 and len(data["edges"]) > 3
    assert "".join(maps._json_parts(data)) == maps._json_for_script(data)
    page = write_map(hostile, tmp_path / "map.html", gaps=True, as_of=ON).read_text(encoding="utf-8")
    raw = re.search(r'id="map-data">(.*?)</script>', page, re.S)
    assert raw is not None and json.loads(raw.group(1)) == json.loads(json.dumps(data))
    assert page.count("</script>") == build_map(land, gaps=True, as_of=ON).count("</script>")


def test_a_map_that_fails_half_way_leaves_no_file(land: Landscape, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    import graph.maps as maps

    def broken(data: dict) -> Any:
        yield "{"
        raise OSError("disk full")

    monkeypatch.setattr(maps, "_json_parts", broken)
    with pytest.raises(OSError, match="disk full"):
        write_map(land, tmp_path / "map.html", as_of=ON)
    assert list(tmp_path.iterdir()) == []


def test_building_a_map_imports_neither_pyvis_nor_jinja2() -> None:
    code = ("import sys\nfrom graph.store import open_store\nfrom graph.importer import import_dataset, FIXTURE\n"
            "from graph.landscape import load_landscape\nfrom graph.maps import build_map\n"
            "s = open_store('memory:'); import_dataset(s, FIXTURE)\nbuild_map(load_landscape(s), gaps=True)\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('jinja2', 'pyvis')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_cli_map(tmp_path: Path) -> None:
    store = OxigraphStore(tmp_path / "store")
    import_dataset(store, FIXTURE)
    store.close()
    spec = f"oxigraph:{tmp_path / 'store'}"
    runner = CliRunner()
    out = tmp_path / "map.html"
    result = runner.invoke(app, ["--store", spec, "map", "--out", str(out), "--gaps", "--field", "bildung",
                                 "--as-of", "2024-01-01", "--metric", "pagerank"])
    assert result.exit_code == 0, result.output
    assert "wrote" in result.output and external_refs(out.read_text(encoding="utf-8")) == []
    assert '"field":"bildung"' in out.read_text(encoding="utf-8")
    bad = runner.invoke(app, ["--store", spec, "map", "--out", str(tmp_path / "x.html"), "--goal", "g-nope"])
    assert bad.exit_code == 1 and "no goal with id 'g-nope'" in bad.output
    assert not (tmp_path / "x.html").exists()
