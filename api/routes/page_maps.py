"""The bridge from the pages to the interactive maps of :mod:`graph.maps`.

A map is one self-contained HTML document (vis-network inline, nothing from
the internet) that the pages embed in an ``<iframe>`` served by
``/map/frame``. :func:`graph.maps.map_data` draws a field's or a goal's
network; the pages also need an actor's ego network and the district and
sector filters of ``/map``, so this module narrows the map data to those
nodes before :func:`graph.maps.render_map` writes the page. The pages work
without the map too: each one also lists its network as text and tables, and
shows a short note when :mod:`graph.maps` is not installed.
"""

from __future__ import annotations

import importlib
import importlib.util
from types import ModuleType
from typing import Any, Protocol

from graph.landscape import Landscape

#: Fixed layout seed: the same data gives the same picture on every visit.
SEED = 42


class _Linker(Protocol):
    def link(self, path: str, **params: Any) -> str: ...


def maps_module() -> ModuleType | None:
    """``graph.maps`` if it is installed and offers ``map_data`` and ``render_map``."""
    if importlib.util.find_spec("graph.maps") is None:
        return None
    module = importlib.import_module("graph.maps")
    ok = callable(getattr(module, "map_data", None)) and callable(getattr(module, "render_map", None))
    return module if ok else None


def frame_url(page: _Linker, **filters: Any) -> str | None:
    """The ``/map/frame`` link for these filters, or None when maps are not installed."""
    if maps_module() is None:
        return None
    return page.link("/map/frame", **{k: v for k, v in filters.items() if v not in (None, "", False)})


def narrow(data: dict[str, Any], *, actor: str | None = None, district: str | None = None,
           sector: str | None = None) -> dict[str, Any]:
    """Map data with only an actor and its neighbours, or only the nodes of a district or sector.

    Examples:
        >>> data = {"nodes": [{"id": "a", "districts": ["n"], "sector": "public"},
        ...                   {"id": "b", "districts": [], "sector": "migrant"},
        ...                   {"id": "c", "districts": ["n"], "sector": "migrant"}],
        ...         "edges": [{"from": "a", "to": "b"}], "meta": {}}
        >>> [n["id"] for n in narrow(data, actor="a")["nodes"]]
        ['a', 'b']
        >>> [n["id"] for n in narrow(data, district="n", sector="migrant")["nodes"]]
        ['c']
    """
    keep = {n["id"] for n in data["nodes"]
            if (not district or district in n.get("districts", ()))
            and (not sector or n.get("sector") == sector)}
    if actor:
        ego = {actor} | {e["to"] for e in data["edges"] if e["from"] == actor} | {
            e["from"] for e in data["edges"] if e["to"] == actor}
        keep &= ego
    nodes = [n for n in data["nodes"] if n["id"] in keep]
    edges = [e for e in data["edges"] if e["from"] in keep and e["to"] in keep]
    # Goal-level gaps listed beside a map concern the whole network, not one actor's neighbourhood.
    listed = [] if actor else data.get("listed_gaps", [])
    return {**data, "nodes": nodes, "edges": edges, "listed_gaps": listed,
            "meta": {**data["meta"], "gaps": sum(1 for e in edges if e.get("dashes") is True)}}


def render(land: Landscape, lang: str, *, field: str | None = None, goal: str | None = None,
           actor: str | None = None, district: str | None = None, sector: str | None = None,
           gaps: bool = False) -> str | None:
    """The map document for these filters, or None without :mod:`graph.maps`.

    Unknown field or goal ids raise :class:`graph.errors.NotFound` (a 404); an
    unknown actor, district or sector gives an empty map.
    """
    module = maps_module()
    if module is None:
        return None
    data = module.map_data(land, field=field, goal=goal, gaps=gaps or bool(actor), lang=lang, seed=SEED)
    if actor or district or sector:
        data = narrow(data, actor=actor, district=district, sector=sector)
        if actor and actor in land.actors:
            data["meta"]["title"] = land.actors[actor].name
    html: str = module.render_map(data)
    return html
