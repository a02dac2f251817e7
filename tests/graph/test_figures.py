"""Static figures (graph/figures.py): the network drawing and the goal × sector heatmap."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from matplotlib.colors import to_hex

from graph.coverage import coverage_matrix
from graph.figures import coverage_heatmap, figure_bytes, network_figure, save_figure, show_figure
from graph.importer import FIXTURE, import_dataset
from graph.landscape import Landscape, load_landscape
from graph.maps_style import GAP_COLOR, SECTOR_COLORS
from graph.network import cooperation_network
from graph.store import open_store

ON = dt.date(2024, 1, 1)


@pytest.fixture(scope="module")
def land() -> Landscape:
    store = open_store("memory:")
    import_dataset(store, FIXTURE)
    return load_landscape(store)


def test_network_figure_uses_the_map_colours_and_draws_every_actor(land: Landscape) -> None:
    fig = network_figure(land, as_of=ON, gaps=True, seed=2)
    ax = fig.axes[0]
    graph = cooperation_network(land, ON)
    points = ax.collections[-1]
    assert len(points.get_offsets()) == graph.number_of_nodes()
    expected = sorted(SECTOR_COLORS[graph.nodes[v]["sector"]].lower() for v in sorted(graph.nodes))
    assert sorted(to_hex(c) for c in points.get_facecolors()) == expected
    dashed = [c for c in ax.collections[:-1] if to_hex(c.get_edgecolor()[0]) == GAP_COLOR.lower()]
    assert dashed and len(dashed[0].get_segments()) > 0
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "Migrantenorganisation" in legend and "Kooperationslücke" in legend


def test_network_figure_is_reproducible_with_a_seed(land: Landscape) -> None:
    a = network_figure(land, as_of=ON, seed=5).axes[0].collections[-1].get_offsets().tolist()
    b = network_figure(land, as_of=ON, seed=5).axes[0].collections[-1].get_offsets().tolist()
    c = network_figure(land, as_of=ON, seed=6).axes[0].collections[-1].get_offsets().tolist()
    assert a == b and a != c


def test_coverage_heatmap_shows_the_coverage_matrix(land: Landscape) -> None:
    fig = coverage_heatmap(land, as_of=ON, lang="en")
    ax = fig.axes[0]
    matrix = coverage_matrix(land, as_of=ON)
    shown = ax.images[0].get_array().tolist()
    columns = [t.get_text() for t in ax.get_xticklabels()]
    assert len(shown) == len(matrix["rows"]) and "migrant organisation" in columns
    assert ax.get_yticklabels()[0].get_text() == land.goals[matrix["rows"][0]["goal"]].label("en")
    total = sum(sum(r["counts"].values()) for r in matrix["rows"])
    assert sum(map(sum, shown)) == total > 0


def test_save_figure_follows_the_suffix(land: Landscape, tmp_path: Path) -> None:
    png = save_figure(network_figure(land, as_of=ON), tmp_path / "net.png")
    svg = save_figure(coverage_heatmap(land, as_of=ON), tmp_path / "cov.svg")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    text = svg.read_text(encoding="utf-8")
    assert "<svg" in text and "Deutschkenntnisse verbessern" in text  # text stays text
    assert figure_bytes(coverage_heatmap(land, as_of=ON), "svg") == figure_bytes(
        coverage_heatmap(land, as_of=ON), "svg")  # byte-stable for version control


def test_show_figure_displays_in_jupyter(land: Landscape) -> None:
    fig = coverage_heatmap(land, as_of=ON)
    assert show_figure(fig).data[:4] == b"\x89PNG"
    assert "<svg" in show_figure(fig, "svg")._repr_svg_()


def test_a_large_network_is_one_raster_image_in_the_svg(land: Landscape, monkeypatch: pytest.MonkeyPatch) -> None:
    from graph import figures

    vector = figure_bytes(network_figure(land, as_of=ON, gaps=True, seed=2), "svg").decode()
    monkeypatch.setattr(figures, "RASTER_NODES", 3)
    fig = network_figure(land, as_of=ON, gaps=True, seed=2)
    assert all(c.get_rasterized() for c in fig.axes[0].collections)
    raster = figure_bytes(fig, "svg").decode()
    assert "<image" in raster and "<image" not in vector
    assert "Migrantenorganisation" in raster  # legend and labels stay text
