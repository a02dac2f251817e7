"""Interactive cooperation maps: one self-contained HTML file that works offline.

A planner takes the map to a meeting without network access, so the page loads
nothing from the internet: the vis-network script and stylesheet that ship
inside the pyvis package are inlined into our own template
(``graph/map_template/map.html``), because pyvis's own template pulls
Bootstrap and tom-select from CDNs even with ``cdn_resources="in_line"``
(pyvis issues 228, 229). The node and edge lists are built directly as
vis-network data: pyvis's ``add_edge`` is quadratic (4.2 s at 3,000 actors
against 37–86 ms for filling the lists, ``research/perf-baseline.md``).

Nodes are coloured by sector and sized by a metric of :func:`graph.metrics.compute_metrics`;
edges are styled by kind (explicit cooperation, project, working group), and
cooperation gaps between two actors are drawn as red dashed edges whose tooltip
is the gap's explanation. Networks of more than :data:`PHYSICS_MAX_NODES` nodes
get a precomputed, seeded layout with physics off so that they open in seconds.

Examples:
    >>> from graph.store import open_store
    >>> from graph.importer import import_dataset, FIXTURE
    >>> from graph.landscape import load_landscape
    >>> store = open_store("memory:")
    >>> _ = import_dataset(store, FIXTURE)
    >>> land = load_landscape(store)
    >>> data = map_data(land, gaps=True, as_of=dt.date(2024, 1, 1))
    >>> sorted(n["id"] for n in data["nodes"])[:3]
    ['amt', 'awo', 'ihk']
    >>> any(e.get("dashes") is True for e in data["edges"])
    True
    >>> "<script src=" in build_map(land)
    False
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import random
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from string import Template
from typing import Any

from .errors import InvalidInput, NotFound
from .landscape import Landscape, active
from .maps_style import EDGE_STYLE, GAP_COLOR, SECTOR_COLORS, TEXT, node_tooltip, primary_kind
from .network import SECTOR_LABELS, SECTORS, cooperation_network, today

#: Above this many nodes the layout is computed in Python and physics is off in the browser.
PHYSICS_MAX_NODES = 500
METRICS = ("degree", "betweenness", "pagerank", "eigenvector", "core_number", "none")
#: Gap kinds drawn as dashed edges between two actors; the others mark nodes.
PAIR_GAPS = ("unlinked_peers", "lapsed_tie")
NODE_GAPS = ("isolated_actor", "broker_dependency")
Gaps = list[dict[str, Any]]
#: Gaps about goals and recommendations listed beside the map.
LISTED_GAPS = 10
TEMPLATE = Path(__file__).resolve().parent / "map_template" / "map.html"
VIS_VERSION = "vis-9.1.2"
#: List items per piece when a map page is written (see :func:`_json_parts`).
JSON_CHUNK = 5_000


@cache
def vis_assets() -> tuple[str, str]:
    """The vis-network script and stylesheet shipped inside pyvis (found without importing pyvis).

    Importing pyvis would import jinja2, which ``graph`` keeps out of its import graph.
    """
    spec = importlib.util.find_spec("pyvis")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("pyvis is not installed: pip install pyvis (it ships vis-network)")
    lib = Path(next(iter(spec.submodule_search_locations))) / "lib" / VIS_VERSION
    return ((lib / "vis-network.min.js").read_text(encoding="utf-8"),
            (lib / "vis-network.css").read_text(encoding="utf-8"))


def _check(land: Landscape, field: str | None, goal: str | None, metric: str, lang: str) -> None:
    if field is not None and field not in land.fields:
        raise NotFound(f"no action field with id {field!r}")
    if goal is not None and goal not in land.goals:
        raise NotFound(f"no goal with id {goal!r}")
    if metric not in METRICS:
        raise InvalidInput([], f"unknown metric {metric!r}; use one of {', '.join(METRICS)}")
    if lang not in TEXT:
        raise InvalidInput([], f"unknown language {lang!r}; use de or en")


def _sizes(graph: Any, metric: str, seed: int) -> dict[str, float]:
    """Node size in pixels (10–40) from a metric, scaled between its smallest and largest value."""
    if metric == "none" or graph.number_of_nodes() == 0:
        return dict.fromkeys(graph.nodes, 14.0)
    if metric == "degree":
        values = {v: float(d) for v, d in graph.degree}
    else:
        from .metrics import compute_metrics

        per = compute_metrics(graph, seed=seed)["nodes"]
        values = {v: float(per[v][metric] or 0.0) for v in graph.nodes}
    lo, hi = min(values.values()), max(values.values())
    span = (hi - lo) or 1.0
    return {v: round(10 + 30 * ((x - lo) / span) ** 0.5, 2) for v, x in values.items()}


def layout(graph: Any, seed: int = 0) -> dict[str, tuple[float, float]]:
    """A seeded force-directed layout in pixels (igraph's Fruchterman–Reingold with a grid).

    networkx's ``spring_layout`` takes minutes at 3,000 nodes on this hardware and
    needs scipy; igraph's grid variant takes a fraction of a second. The same seed
    gives the same positions.

    The start positions fill a square of side √n, the area igraph's grid variant
    assumes: its repulsion only looks at neighbouring cells of side 2, so nodes
    started inside [-1, 1]² all share a few cells and every iteration compares
    every pair. On a 27,900-node network that took 152 s instead of 0.9 s, and
    drew edges three times longer relative to the layout (see benchmarks/README.md).
    """
    import igraph as ig

    from .metrics import to_igraph

    g, nodes = to_igraph(graph)
    if not nodes:
        return {}
    rng = random.Random(seed)
    half = len(nodes) ** 0.5 / 2
    start = [[rng.uniform(-half, half), rng.uniform(-half, half)] for _ in nodes]
    previous = random.getstate()
    ig.set_random_number_generator(random.Random(seed))
    try:
        coords = g.layout_fruchterman_reingold(seed=start, niter=max(60, min(300, 300_000 // len(nodes))),
                                               grid="grid").coords
    finally:
        ig.set_random_number_generator(random)
        random.setstate(previous)
    xs, ys = [c[0] for c in coords], [c[1] for c in coords]
    span = max(max(xs) - min(xs), max(ys) - min(ys)) or 1.0
    scale = 28.0 * len(nodes) ** 0.5 / span
    return {v: (round(x * scale, 1), round(y * scale, 1)) for v, (x, y) in zip(nodes, coords, strict=True)}


def _actor_projects(land: Landscape, on: dt.date) -> dict[str, list[str]]:
    projects: dict[str, list[str]] = {}
    for p in sorted(land.projects.values(), key=lambda p: p.name):
        if active(p.start, p.end, on):
            for a in p.members:
                projects.setdefault(a, []).append(p.name)
    return projects


def map_gaps(land: Landscape, graph: Any, *, field: str | None = None, goal: str | None = None,
             on: dt.date, lang: str = "de", gap_limit: int = 60) -> tuple[Gaps, Gaps]:
    """The gaps of a map: ``(drawn, listed)``.

    ``drawn``: the best ``gap_limit`` gaps between two actors of ``graph`` or of one
    of its actors (dashed edges, red borders); ``listed``: the best
    :data:`LISTED_GAPS` gaps about goals and recommendations, which have no place
    on the network and are listed beside it.
    """
    from .errors import TooLarge
    from .gaps import find_gaps

    scope = field or (land.goals[goal].field if goal else None) or None
    limit = None if graph.number_of_nodes() <= PHYSICS_MAX_NODES else gap_limit * 10
    try:
        found = find_gaps(land, field=scope, as_of=on, lang=lang, limit=limit)
    except TooLarge:  # a small map of a huge field: the best gaps of the field instead of all
        found = find_gaps(land, field=scope, as_of=on, lang=lang, limit=gap_limit * 10)
    found = found.where(goal=goal, peers_within=graph.nodes)
    drawn: Gaps = []
    listed: Gaps = []
    for gap in found:
        if len(drawn) >= gap_limit and len(listed) >= LISTED_GAPS:
            break  # the rest are never shown (and, without a limit, not yet written out)
        if gap["kind"] not in PAIR_GAPS + NODE_GAPS:
            if len(listed) < LISTED_GAPS:
                listed.append(gap)
        elif len(drawn) < gap_limit and all(a in graph for a in gap["actors"]):
            drawn.append(gap)
    return drawn, listed


def _edge(land: Landscape, a: str, b: str, data: dict[str, Any], lang: str) -> dict[str, Any]:
    t = TEXT[lang]
    kind = primary_kind(data["kinds"])
    lines = [f"{land.actors[a].name} – {land.actors[b].name}",
             ", ".join(t["kind_" + k] for k in data["kinds"])]
    if data["projects"]:
        lines.append(f"{t['projects']}: " + ", ".join(land.projects[p].name for p in data["projects"]
                                                       if p in land.projects))
    if data["groups"]:
        lines.append(f"{t['groups']}: " + ", ".join(land.actors[g].name if g in land.actors else g
                                                   for g in data["groups"]))
    if data["start"] or data["end"]:
        lines.append(f"{t['period']}: {data['start'] or '…'} – {data['end'] or '…'}")
    if data["sources"]:
        lines.append(f"{t['sources']}: " + ", ".join(data["sources"]))
    return {"from": a, "to": b, "kinds": data["kinds"], "title": "\n".join(lines), **EDGE_STYLE[kind]}


def map_data(land: Landscape, *, field: str | None = None, goal: str | None = None, gaps: bool = False,
             as_of: dt.date | None = None, metric: str = "degree", seed: int = 0, lang: str = "de",
             gap_limit: int = 60) -> dict[str, Any]:
    """The map as plain data: vis-network ``nodes`` and ``edges``, ``legend``, ``filters`` and ``meta``.

    ``field``/``goal`` keep the actors working on it; ``gaps`` adds the best
    ``gap_limit`` drawable gaps (dashed red edges between two actors, a red
    border on isolated actors and single brokers); ``metric`` sizes the nodes
    (one of :data:`METRICS`); ``seed`` fixes the layout.
    """
    _check(land, field, goal, metric, lang)
    on = as_of or today()
    graph = cooperation_network(land, on, field=field, goal=goal)
    sizes = _sizes(graph, metric, seed)
    big = graph.number_of_nodes() > PHYSICS_MAX_NODES
    pos = layout(graph, seed) if big else {}
    projects = _actor_projects(land, on)
    drawn, listed = map_gaps(land, graph, field=field, goal=goal, on=on, lang=lang,
                             gap_limit=gap_limit) if gaps else ([], [])
    node_gaps: dict[str, list[str]] = {}
    for gap in drawn:
        if gap["kind"] in NODE_GAPS:
            node_gaps.setdefault(gap["actors"][0], []).append(gap["explanation"])
    nodes = []
    for v, attrs in graph.nodes(data=True):
        color = SECTOR_COLORS.get(attrs["sector"], SECTOR_COLORS["other"])
        node = {"id": v, "label": attrs["name"], "size": sizes[v], "sector": attrs["sector"],
                "fields": attrs["fields"], "goals": attrs["goals"], "districts": attrs["districts"],
                "title": node_tooltip(land, attrs, projects.get(v, []), metric, sizes[v],
                                      node_gaps.get(v, []), lang),
                "color": {"background": color, "border": GAP_COLOR if v in node_gaps else "#333333",
                          "highlight": {"background": color, "border": "#000000"}},
                "borderWidth": 3 if v in node_gaps else 1}
        if big:
            node["x"], node["y"] = pos[v]
        nodes.append(node)
    edges = [_edge(land, a, b, data, lang) for a, b, data in graph.edges(data=True)]
    for i, gap in enumerate(g for g in drawn if g["kind"] in PAIR_GAPS):
        a, b = gap["actors"]
        edges.append({"id": f"gap-{i}", "from": a, "to": b, "gap": gap["kind"], "score": gap["score"],
                      "title": gap["explanation"], "dashes": True, "color": {"color": GAP_COLOR},
                      "width": 2, "physics": False, "smooth": False})
    return {"nodes": nodes, "edges": edges, "legend": _legend(graph, gaps, lang),
            "filters": _filters(land, graph, lang), "text": TEXT[lang],
            "listed_gaps": [{"kind": g["kind"], "score": g["score"], "explanation": g["explanation"]}
                            for g in listed],
            "meta": {"as_of": on.isoformat(), "field": field or "", "goal": goal or "", "metric": metric,
                     "seed": seed, "physics": not big, "datasets": land.datasets,
                     "gaps": sum(1 for e in edges if e.get("dashes") is True),
                     "title": _title(land, field, goal, lang)}}


def _title(land: Landscape, field: str | None, goal: str | None, lang: str) -> str:
    t = TEXT[lang]
    if goal:
        return f"{t['title']}: {land.goals[goal].label(lang)}"
    if field:
        f = land.fields[field]
        return f"{t['title']}: {(f.label_en if lang == 'en' else '') or f.label_de}"
    return f"{t['title']}: {', '.join(land.datasets)}"


def _legend(graph: Any, gaps: bool, lang: str) -> dict[str, Any]:
    present = {attrs["sector"] for _, attrs in graph.nodes(data=True)}
    sectors = [{"sector": s, "label": SECTOR_LABELS[lang][s], "color": SECTOR_COLORS[s]}
               for s in (*SECTORS, "venue") if s in present]
    kinds = [{"kind": k, "label": TEXT[lang]["kind_" + k], **EDGE_STYLE[k]} for k in EDGE_STYLE]
    if gaps:
        kinds.append({"kind": "gap", "label": TEXT[lang]["gap"], "dashes": True,
                      "color": {"color": GAP_COLOR}})
    return {"sectors": sectors, "edges": kinds}


def _filters(land: Landscape, graph: Any, lang: str) -> dict[str, list[list[str]]]:
    """The choices of the four filter menus, as ``[id, label]`` pairs present on the map."""
    fields = {f for _, a in graph.nodes(data=True) for f in a["fields"]}
    goals = {g for _, a in graph.nodes(data=True) for g in a["goals"] if g in land.goals}
    districts = {d for _, a in graph.nodes(data=True) for d in a["districts"]}
    sectors = {a["sector"] for _, a in graph.nodes(data=True)}
    return {
        "field": [[f, (land.fields[f].label_en if lang == "en" else "") or land.fields[f].label_de]
                  for f in sorted(fields) if f in land.fields],
        "goal": sorted(([g, land.goals[g].label(lang)] for g in goals), key=lambda p: (p[1], p[0])),
        "district": sorted(([d, land.districts.get(d, d)] for d in districts), key=lambda p: (p[1], p[0])),
        "sector": [[s, SECTOR_LABELS[lang][s]] for s in (*SECTORS, "venue") if s in sectors],
    }


def _json_for_script(data: Any) -> str:
    """JSON that is safe inside a ``<script>`` element (no ``</script>``, no ``<!--``)."""
    return (json.dumps(data, ensure_ascii=False, separators=(",", ":"))
            .replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


def _json_parts(data: dict[str, Any]) -> Iterator[str]:
    """:func:`_json_for_script` of ``data`` in pieces of at most :data:`JSON_CHUNK` list items.

    Joined, the pieces are exactly the one string; written one by one, the page of a 300,000-actor
    network (716 MB) is never held whole, nor twice as template text and as encoded bytes.
    """
    yield "{"
    for n, (key, value) in enumerate(data.items()):
        yield ("," if n else "") + _json_for_script(key) + ":"
        if isinstance(value, list) and len(value) > JSON_CHUNK:
            yield "["
            for i in range(0, len(value), JSON_CHUNK):
                yield ("," if i else "") + _json_for_script(value[i:i + JSON_CHUNK])[1:-1]
            yield "]"
        else:
            yield _json_for_script(value)
    yield "}"


def _page(data: dict[str, Any]) -> tuple[str, str]:
    """The page's text before and after the data (template with vis-network inlined)."""
    import html

    script, css = vis_assets()
    page = Template(TEMPLATE.read_text(encoding="utf-8"))
    marker = "\0integraph-map-data\0"  # the data slot comes after every user text in the template
    head, _, tail = page.substitute(lang=html.escape(data["text"]["lang"]),
                                    title=html.escape(data["meta"]["title"]), vis_css=css, vis_js=script,
                                    data=marker).rpartition(marker)
    return head, tail


def _page_parts(data: dict[str, Any]) -> Iterator[str]:
    """The page for :func:`map_data`'s result in pieces: template, inlined vis-network, data."""
    head, tail = _page(data)
    yield head
    yield from _json_parts(data)
    yield tail


def render_map(data: dict[str, Any]) -> str:
    """The HTML page for :func:`map_data`'s result: template, inlined vis-network, data."""
    return "".join(_page_parts(data))


def build_map(land: Landscape, *, field: str | None = None, goal: str | None = None, gaps: bool = False,
              as_of: dt.date | None = None, metric: str = "degree", seed: int = 0, lang: str = "de",
              gap_limit: int = 60) -> str:
    """The interactive map as one self-contained HTML string (no file I/O, nothing from the internet).

    Options as :func:`map_data`. Raises :class:`~graph.errors.NotFound` for an
    unknown field or goal and :class:`~graph.errors.InvalidInput` for an unknown
    metric or language.
    """
    return render_map(map_data(land, field=field, goal=goal, gaps=gaps, as_of=as_of, metric=metric,
                               seed=seed, lang=lang, gap_limit=gap_limit))


def write_map(land: Landscape, out: str | Path, **options: Any) -> Path:
    """Write :func:`build_map` to ``out`` (UTF-8, streamed piece by piece) and return the path."""
    path = Path(out)
    data = map_data(land, **options)
    partial = path.with_name(path.name + ".partial")  # a failed write never leaves half a page at out
    try:
        with partial.open("w", encoding="utf-8") as f:
            f.writelines(_page_parts(data))
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)
    return path


def show_map(land: Landscape, *, height: int = 650, **options: Any) -> Any:
    """The map for a Jupyter notebook: an ``IFrame`` with the page in ``srcdoc``.

    pyvis's notebook mode is unreliable in JupyterLab and VS Code; an iframe
    with ``srcdoc`` renders the same offline page everywhere.
    """
    import html

    from IPython.display import IFrame

    page = build_map(land, **options)
    return IFrame("about:blank", width="100%", height=height, extras=[f'srcdoc="{html.escape(page)}"'])
