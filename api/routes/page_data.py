"""What the web pages show beyond the analysis snapshot: source titles and links, English labels, profiles.

The :class:`graph.landscape.Landscape` carries ids and German labels, which is
all the analysis needs; a page also shows a source's title and link, a target
group's English label, an actor's website and description, a programme's
name and the date of the data. :class:`Directory` reads these once with the
table-export queries of ``graph/queries`` (public graphs only: the private
graph with contact persons is never read here) and is kept, like the
landscape, until the next write. Ranked gaps are cached the same way, per
language, because every goal and actor page shows the gaps that involve it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from fastapi import Request

from api import deps
from graph import queries
from graph.errors import TooLarge
from graph.gap_list import Gaps
from graph.gaps import find_gaps
from graph.landscape import Landscape
from graph.store import Store


@dataclass(frozen=True)
class SourceInfo:
    """A document, page or meeting a fact comes from; ``url`` is an outbound link, never loaded."""

    id: str
    title: str
    url: str = ""
    date: str = ""


@dataclass
class Directory:
    """Labels and profile fields the pages show, keyed by dataset id."""

    sources: dict[str, SourceInfo] = field(default_factory=dict)
    target_groups_en: dict[str, str] = field(default_factory=dict)
    websites: dict[str, str] = field(default_factory=dict)
    descriptions: dict[str, str] = field(default_factory=dict)
    project_descriptions: dict[str, str] = field(default_factory=dict)
    programmes: dict[str, str] = field(default_factory=dict)
    municipalities: list[str] = field(default_factory=list)
    imported: str = ""
    latest_source: str = ""


def _tail(iri: Any, kind: str) -> str:
    """The dataset id of ``{base}/{kind}/{id}`` (``""`` for anything else)."""
    text = str(iri or "")
    marker = f"/{kind}/"
    return text.rsplit(marker, 1)[1] if marker in text else ""


def load_directory(store: Store) -> Directory:
    """Read the directory of every public dataset graph (one query per table, values bound)."""
    d = Directory()
    for r in queries.run(store, "export_table_sources", graph=None):
        sid = _tail(r["s"], "source")
        if sid:
            d.sources[sid] = SourceInfo(sid, str(r.get("title") or sid), str(r.get("url") or ""),
                                        str(r.get("date") or ""))
    for r in queries.run(store, "export_table_target_groups", graph=None):
        if r.get("label_en"):
            d.target_groups_en[_tail(r["s"], "target-group")] = str(r["label_en"])
    for r in queries.run(store, "export_table_actors", graph=None):
        aid = _tail(r["s"], "actor")
        if r.get("website"):
            d.websites[aid] = str(r["website"])
        if r.get("description"):
            d.descriptions[aid] = str(r["description"])
    for r in queries.run(store, "export_table_projects", graph=None):
        if r.get("description"):
            d.project_descriptions[_tail(r["s"], "project")] = str(r["description"])
    for r in queries.run(store, "export_table_programmes", graph=None):
        d.programmes[_tail(r["s"], "programme")] = str(r.get("name") or "")
    rows = queries.run(store, "datasets")
    d.municipalities = sorted({str(r["municipality"]) for r in rows if r.get("municipality")})
    d.imported = max((str(r["modified"])[:10] for r in rows if r.get("modified")), default="")
    d.latest_source = max((s.date for s in d.sources.values() if s.date), default="")
    return d


def _cached(request: Request, key: str, make: Any) -> Any:
    """A value computed once per store generation (every write bumps it, see :mod:`api.deps`)."""
    state = request.app.state
    with state.landscape_lock:
        cache: dict[str, tuple[int, Any]] | None = getattr(state, "pages_cache", None)
        if cache is None:
            cache = state.pages_cache = {}
        hit = cache.get(key)
        if hit is not None and hit[0] == state.generation:
            return hit[1]
    value = make()
    with state.landscape_lock:
        state.pages_cache[key] = (state.generation, value)
    return value


def directory(request: Request) -> Directory:
    """The directory of the app's store, cached until the next write."""
    return _cached(request, "directory", lambda: load_directory(deps.store(request)))  # type: ignore[no-any-return]


#: When a landscape has too many gaps to list (graph.gaps.MAX_PAIRS), pages work on the best this many.
PAGE_GAPS_MAX = 10_000


def page_gaps(request: Request, land: Landscape, lang: str) -> tuple[Gaps, bool]:
    """Every gap today, best first, explained in ``lang``, and whether that is all of them.

    Cached per language until the next write; pair gaps are written out when a page first
    reads them and kept with the answer. At state scale, where every pair cannot be listed,
    the pages show the best :data:`PAGE_GAPS_MAX` and say so.
    """
    day = dt.date.today()

    def make() -> tuple[Gaps, bool]:
        try:
            return find_gaps(land, lang=lang, as_of=day), True
        except TooLarge:
            return find_gaps(land, lang=lang, as_of=day, limit=PAGE_GAPS_MAX), False

    return _cached(request, f"gaps-{lang}-{day.isoformat()}", make)  # type: ignore[no-any-return]


def all_gaps(request: Request, land: Landscape, lang: str) -> Gaps:
    """:func:`page_gaps` without the flag."""
    return page_gaps(request, land, lang)[0]
