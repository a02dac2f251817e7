"""Static figures for reports and papers: the network drawing and the goal × sector heatmap.

The same sector colours as the interactive map (:mod:`graph.maps_style`), so
a printed report and the map on screen read alike. matplotlib is imported
inside the functions (a heavy dependency stays at the edge), and figures are
built on :class:`matplotlib.figure.Figure` without pyplot, so nothing depends
on a display or a global figure state.

Examples:
    >>> from graph.store import open_store
    >>> from graph.importer import import_dataset, FIXTURE
    >>> from graph.landscape import load_landscape
    >>> store = open_store("memory:")
    >>> _ = import_dataset(store, FIXTURE)
    >>> land = load_landscape(store)
    >>> figure_bytes(network_figure(land, seed=1), "png")[:4]
    b'\\x89PNG'
    >>> b"<svg" in figure_bytes(coverage_heatmap(land), "svg")
    True
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

from .landscape import Landscape
from .maps_style import EDGE_STYLE, GAP_COLOR, SECTOR_COLORS, TEXT, primary_kind
from .network import SECTOR_LABELS, SECTORS, cooperation_network, today

#: Label only the best connected actors, so that a printed figure stays readable.
LABELS = 15
#: Above this many actors the ties and nodes are drawn as one raster image inside the SVG/PDF:
#: 279,000 actors and 1.7M ties as vector paths took over 10 minutes and hundreds of megabytes.
RASTER_NODES = 3_000


def network_figure(land: Landscape, *, as_of: dt.date | None = None, field: str | None = None,
                   goal: str | None = None, gaps: bool = False, seed: int = 0, lang: str = "de",
                   size: tuple[float, float] = (11.0, 8.0), labels: int = LABELS) -> Any:
    """The cooperation network as a matplotlib ``Figure``: sector colours, edge kinds, optional gaps.

    Node area grows with the degree; the ``labels`` best connected actors are
    named. With ``gaps`` the best drawable pair gaps of :func:`graph.maps.map_data`
    are drawn as red dashed lines. The layout is seeded (:func:`graph.maps.layout`).
    """
    from matplotlib.collections import LineCollection
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D

    from .maps import PAIR_GAPS, map_gaps

    on = as_of or today()
    graph = cooperation_network(land, on, field=field, goal=goal)
    pos = _positions(graph, seed)
    fig = Figure(figsize=size, layout="constrained")
    ax = fig.add_subplot()
    ax.set_axis_off()
    raster = graph.number_of_nodes() > RASTER_NODES
    for kind in ("working_group", "project", "cooperation"):
        segs = [(pos[a], pos[b]) for a, b, d in graph.edges(data=True) if primary_kind(d["kinds"]) == kind]
        style = EDGE_STYLE[kind]
        ax.add_collection(LineCollection(segs, colors=style["color"]["color"],
                                         linewidths=style["width"] * 0.6,
                                         linestyles=":" if kind == "working_group" else "-", zorder=1,
                                         rasterized=raster))
    if gaps:
        drawn = [g for g in map_gaps(land, graph, field=field, goal=goal, on=on, lang=lang)[0]
                 if g["kind"] in PAIR_GAPS]
        ax.add_collection(LineCollection([(pos[g["actors"][0]], pos[g["actors"][1]]) for g in drawn],
                                         colors=GAP_COLOR, linewidths=1.2, linestyles="--", zorder=2,
                                         rasterized=raster))
    nodes = sorted(graph.nodes)
    degree = dict(graph.degree)
    if nodes:
        ax.scatter([pos[v][0] for v in nodes], [pos[v][1] for v in nodes],
                   s=[20 + 12 * degree[v] for v in nodes], zorder=3, linewidths=0.5, edgecolors="#333333",
                   rasterized=raster,
                   c=[SECTOR_COLORS.get(graph.nodes[v]["sector"], SECTOR_COLORS["other"]) for v in nodes])
    for v in sorted(nodes, key=lambda v: (-degree[v], v))[:labels]:
        ax.annotate(graph.nodes[v]["name"], pos[v], fontsize=7, ha="center", va="bottom",
                    xytext=(0, 5), textcoords="offset points", zorder=4)
    present = {graph.nodes[v]["sector"] for v in nodes}
    handles = [Line2D([], [], marker="o", linestyle="", markersize=8, markerfacecolor=SECTOR_COLORS[s],
                      markeredgecolor="#333333", label=SECTOR_LABELS[lang][s])
               for s in (*SECTORS, "venue") if s in present]
    handles += [Line2D([], [], color=EDGE_STYLE[k]["color"]["color"], linestyle=":" if k == "working_group"
                       else "-", label=TEXT[lang]["kind_" + k]) for k in EDGE_STYLE]
    if gaps:
        handles.append(Line2D([], [], color=GAP_COLOR, linestyle="--", label=TEXT[lang]["gap"]))
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8, frameon=False)
    ax.autoscale_view()
    ax.set_title(f"{TEXT[lang]['title']} · {TEXT[lang]['as_of']} {on.isoformat()}", fontsize=11)
    return fig


def _positions(graph: Any, seed: int) -> dict[str, tuple[float, float]]:
    """networkx's seeded spring layout for small networks (it keeps isolated actors close), igraph's above."""
    from .maps import PHYSICS_MAX_NODES, layout

    if graph.number_of_nodes() > PHYSICS_MAX_NODES:
        return layout(graph, seed)
    import networkx as nx

    k = 2.5 / max(graph.number_of_nodes(), 1) ** 0.5
    return {v: (float(x), float(y)) for v, (x, y) in nx.spring_layout(graph, seed=seed, k=k).items()}


def coverage_heatmap(land: Landscape, *, as_of: dt.date | None = None, field: str | None = None,
                     lang: str = "de") -> Any:
    """Goal × sector heatmap of :func:`graph.coverage.coverage_matrix`: how many actors per cell.

    Empty rows are the goals nobody covers; a row with one coloured cell is a
    goal carried by one sector only.
    """
    from matplotlib.figure import Figure

    from .coverage import coverage_matrix

    matrix = coverage_matrix(land, "sector", as_of=as_of, field=field)
    columns = [c for c in matrix["columns"] if any(r["counts"][c] for r in matrix["rows"])] or ["public"]
    rows = matrix["rows"]
    values = [[r["counts"][c] for c in columns] for r in rows]
    fig = Figure(figsize=(2.5 + 0.9 * len(columns), 1.2 + 0.28 * max(len(rows), 1)), layout="constrained")
    ax = fig.add_subplot()
    image = ax.imshow(values or [[0] * len(columns)], cmap="Blues", aspect="auto", vmin=0)
    ax.set_xticks(range(len(columns)), [SECTOR_LABELS[lang].get(c, c) for c in columns], rotation=35,
                  ha="right", fontsize=8)
    labels = [_short(land.goals[r["goal"]].label(lang)) for r in rows]
    ax.set_yticks(range(len(rows)), labels, fontsize=8)
    top = max((v for row in values for v in row), default=0)
    for i, row in enumerate(values):
        for j, v in enumerate(row):
            if v:
                ax.text(j, i, str(v), ha="center", va="center", fontsize=7,
                        color="white" if v > top / 2 else "black")
    fig.colorbar(image, ax=ax, shrink=0.6, label=TEXT[lang]["nodes"])
    return fig


def _short(text: str, most: int = 60) -> str:
    return text if len(text) <= most else text[:most - 1] + "…"


def figure_bytes(fig: Any, fmt: str = "png", dpi: int = 150) -> bytes:
    """The figure as PNG or SVG bytes (SVG with text kept as text, so it stays searchable)."""
    import matplotlib

    buffer = io.BytesIO()
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "integraph"}):
        fig.savefig(buffer, format=fmt, dpi=dpi, metadata={"Date": None} if fmt == "svg" else None)
    return buffer.getvalue()


def show_figure(fig: Any, fmt: str = "png") -> Any:
    """The figure for a Jupyter notebook (a pyplot-free ``Figure`` has no rich display of its own)."""
    from IPython.display import SVG, Image

    data = figure_bytes(fig, fmt)
    return SVG(data) if fmt == "svg" else Image(data, format="png")


def save_figure(fig: Any, out: str | Path, dpi: int = 150) -> Path:
    """Write the figure; the format (``.png``, ``.svg``, ``.pdf``) follows the file suffix."""
    path = Path(out)
    path.write_bytes(figure_bytes(fig, path.suffix.lstrip(".").lower() or "png", dpi))
    return path
