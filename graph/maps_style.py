"""The look of maps and figures: sector colours, edge styles, texts and tooltips.

Shared by the interactive map (:mod:`graph.maps`), the static figures
(:mod:`graph.figures`) and the report, so that a sector has the same colour
on screen and on paper. The palette is Okabe–Ito (readable with the common
colour-vision deficiencies); red is kept for gaps.
"""

from __future__ import annotations

from typing import Any

from .landscape import Landscape
from .network import SECTOR_LABELS

SECTOR_COLORS = {
    "public": "#0072B2",
    "welfare": "#E69F00",
    "civil_society": "#009E73",
    "migrant": "#CC79A7",
    "education": "#56B4E9",
    "economy": "#F0E442",
    "other": "#999999",
    "venue": "#555555",
}
GAP_COLOR = "#D62728"
#: vis-network edge options per tie kind; only gaps use ``dashes: true``.
EDGE_STYLE: dict[str, dict[str, Any]] = {
    "cooperation": {"color": {"color": "#444444"}, "width": 2.5},
    "project": {"color": {"color": "#7F9FB5"}, "width": 1.5},
    "working_group": {"color": {"color": "#B8B8B8"}, "width": 1, "dashes": [2, 4]},
}
_KIND_ORDER = ("cooperation", "project", "working_group")

TEXT: dict[str, dict[str, str]] = {
    "de": {"lang": "de", "title": "Kooperationsnetz", "kind_cooperation": "Kooperation",
           "kind_project": "gemeinsames Projekt", "kind_working_group": "gemeinsamer Arbeitskreis",
           "gap": "Kooperationslücke", "projects": "Projekte", "groups": "Arbeitskreise/Gremien",
           "period": "Zeitraum", "sources": "Quellen", "goals": "Ziele", "districts": "Stadtteile",
           "sector": "Sektor", "kind": "Art", "field": "Handlungsfeld", "goal": "Ziel",
           "district": "Stadtteil", "all": "alle", "search": "Akteur suchen …", "png": "Als PNG speichern",
           "reset": "Filter zurücksetzen", "as_of": "Stand", "nodes": "Akteure", "edges": "Verbindungen",
           "legend": "Legende", "not_found": "nicht gefunden", "size": "Größe", "more": "weitere",
           "listed_gaps": "Weitere Lücken (Ziele, Empfehlungen)"},
    "en": {"lang": "en", "title": "Cooperation network", "kind_cooperation": "cooperation",
           "kind_project": "joint project", "kind_working_group": "shared working group",
           "gap": "cooperation gap", "projects": "Projects", "groups": "Working groups/committees",
           "period": "Period", "sources": "Sources", "goals": "Goals", "districts": "Districts",
           "sector": "Sector", "kind": "Kind", "field": "Action field", "goal": "Goal",
           "district": "District", "all": "all", "search": "Search actor …", "png": "Save as PNG",
           "reset": "Reset filters", "as_of": "As of", "nodes": "actors", "edges": "ties",
           "legend": "Legend", "not_found": "not found", "size": "Size", "more": "more",
           "listed_gaps": "Other gaps (goals, recommendations)"},
}


def primary_kind(kinds: list[str]) -> str:
    """The kind that styles an edge with several reasons: cooperation, then project, then working group.

    Examples:
        >>> primary_kind(["project", "working_group"])
        'project'
    """
    return next((k for k in _KIND_ORDER if k in kinds), "cooperation")


def _listed(items: list[str], lang: str, most: int = 6) -> str:
    shown = ", ".join(items[:most])
    rest = len(items) - most
    return shown + (f" (+{rest} {TEXT[lang]['more']})" if rest > 0 else "")


def node_tooltip(land: Landscape, attrs: dict[str, Any], projects: list[str], metric: str, size: float,
                 gaps: list[str], lang: str) -> str:
    """Plain-text tooltip of an actor: kind and sector, goals, projects, districts, sources, gaps.

    Plain text (shown with ``textContent`` in the page), so names from the data
    can never inject markup.
    """
    t = TEXT[lang]
    actor = land.actors[attrs["id"]]
    sector = SECTOR_LABELS[lang][attrs["sector"]]
    lines = [attrs["name"], f"{t['kind']}: {attrs['kind']} · {t['sector']}: {sector}"]
    if attrs["goals"]:
        labels = [land.goals[g].label(lang) if g in land.goals else g for g in attrs["goals"]]
        lines.append(f"{t['goals']}: {_listed(labels, lang)}")
    if projects:
        lines.append(f"{t['projects']}: {_listed(projects, lang)}")
    if attrs["districts"]:
        districts = [land.districts.get(d, d) for d in attrs["districts"]]
        lines.append(f"{t['districts']}: {_listed(districts, lang)}")
    if actor.sources:
        lines.append(f"{t['sources']}: {_listed(list(actor.sources), lang, 8)}")
    if metric != "none":
        lines.append(f"{t['size']}: {metric}")
    lines.extend(f"⚠ {g}" for g in gaps)
    return "\n".join(lines)
