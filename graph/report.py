"""The monitoring report: one printable, self-contained HTML page per dataset for the council.

The council submission asks that the integration concept be reviewed
regularly for its goals and whether they are reached. The report answers that
per action field: its goals and who works on them, the recommendations by
horizon with their status and implementing projects, coverage by sector, then
the best cooperation gaps, a static network figure (inline SVG) and what
changed since a given date. Everything is computed by the analysis modules;
this module only lays it out. German by default, English with ``lang="en"``.

Examples:
    >>> from graph.store import open_store
    >>> from graph.importer import import_dataset, FIXTURE
    >>> from graph.landscape import load_landscape
    >>> store = open_store("memory:")
    >>> _ = import_dataset(store, FIXTURE)
    >>> page = build_report(load_landscape(store), as_of=dt.date(2024, 1, 1), since=dt.date(2014, 1, 1))
    >>> 'id="field-bildung"' in page and 'id="change"' in page
    True
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from html import escape
from pathlib import Path
from string import Template
from typing import Any

from .errors import InvalidInput
from .gaps import HORIZON_LABEL, find_gaps
from .landscape import Landscape, active
from .maps_style import SECTOR_COLORS
from .network import SECTOR_LABELS, SECTORS, cooperation_network, goal_links, today
from .report_text import TEXT

TEMPLATE = Path(__file__).resolve().parent / "map_template" / "report.html"
TOP_GAPS = 15
HORIZONS = ("short", "medium", "long", "")


def _table(head: list[str], rows: list[list[str]], cls: str = "") -> str:
    """An HTML table; cells are already escaped HTML."""
    if not rows:
        return ""
    th = "".join(f"<th>{h}</th>" for h in head)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return f'<table class="{cls}"><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>'


def _names(land: Landscape, ids: list[str], most: int = 12) -> str:
    names = sorted(land.actors[a].name if a in land.actors else a for a in ids)
    more = f" … (+{len(names) - most})" if len(names) > most else ""
    return escape(", ".join(names[:most]) + more)


def _field_label(land: Landscape, field: str, lang: str) -> str:
    f = land.fields.get(field)
    if f is None:
        return TEXT[lang]["no_field"]
    return (f.label_en if lang == "en" else "") or f.label_de


def _goals_section(land: Landscape, goals: list[str], on: dt.date, lang: str) -> str:
    t = TEXT[lang]
    links = goal_links(land, on)
    running: dict[str, list[str]] = defaultdict(list)
    for p in land.projects.values():
        if active(p.start, p.end, on):
            for g in p.goals:
                running[g].append(p.name)
    rows = []
    for g in goals:
        who = [a for a, gs in links.items() if g in gs and a in land.actors]
        sectors: dict[str, int] = defaultdict(int)
        for a in who:
            sectors[land.actors[a].sector] += 1
        chips = " ".join(f'<span class="chip" style="border-color:{SECTOR_COLORS.get(s, "#999")}">'
                         f"{escape(SECTOR_LABELS[lang].get(s, s))} {n}</span>"
                         for s in (*SECTORS, "venue") if (n := sectors.get(s)))
        status = "" if who else f' <span class="warn">{t["nobody"]}</span>'
        rows.append([escape(land.goals[g].label(lang)) + status, str(len(who)), _names(land, who),
                     escape(", ".join(sorted(running[g]))) or "–", chips or "–"])
    return _table([t["goal"], t["actors"], t["who"], t["running_projects"], t["by_sector"]], rows, "goals")


def _recommendations_section(land: Landscape, recs: list[Any], lang: str) -> str:
    t = TEXT[lang]
    if not recs:
        return f'<p class="muted">{t["no_recommendations"]}</p>'
    rows = []
    for r in sorted(recs, key=lambda r: (HORIZONS.index(r.horizon) if r.horizon in HORIZONS else 9, r.id)):
        projects = [land.projects[p].name for p in r.implemented_by if p in land.projects]
        rows.append([escape(HORIZON_LABEL[lang].get(r.horizon, r.horizon) or "–"), escape(r.text),
                     escape(r.status or "–"),
                     escape(", ".join(projects)) or f'<span class="warn">{t["not_implemented"]}</span>'])
    return _table([t["horizon"], t["recommendation"], t["status"], t["implemented_by"]], rows, "recs")


def _fields_section(land: Landscape, on: dt.date, lang: str) -> str:
    t = TEXT[lang]
    goals_of: dict[str, list[str]] = defaultdict(list)
    for gid, goal in sorted(land.goals.items(), key=lambda x: x[1].label(lang)):
        goals_of[goal.field].append(gid)
    recs_of: dict[str, list[Any]] = defaultdict(list)
    for r in land.recommendations.values():
        fields = {land.goals[g].field for g in r.goals if g in land.goals} or {""}
        for f in fields:
            recs_of[f].append(r)
    parts = []
    for field in [*sorted(land.fields, key=lambda f: _field_label(land, f, lang)), ""]:
        if field == "" and not goals_of.get("") and not recs_of.get(""):
            continue
        anchor = f"field-{field}" if field else "field-none"
        goals = _goals_section(land, goals_of.get(field, []), on, lang)
        recs = _recommendations_section(land, recs_of.get(field, []), lang)
        parts.append(f'<section class="field" id="{escape(anchor)}">'
                     f"<h2>{escape(_field_label(land, field, lang))}</h2>"
                     f"<h3>{t['goals_and_actors']}</h3>{goals}<h3>{t['recommendations']}</h3>{recs}</section>")
    return "".join(parts)


def _gaps_section(land: Landscape, on: dt.date, lang: str) -> str:
    t = TEXT[lang]
    gaps = find_gaps(land, as_of=on, limit=TOP_GAPS, lang=lang)
    rows = [[str(i), f"{g['score']:.2f}", escape(t.get("gap_" + g["kind"]) or g["kind"]),
             escape(g["explanation"])] for i, g in enumerate(gaps, 1)]
    table = _table(["#", t["score"], t["kind"], t["explanation"]], rows, "gaps") or f"<p>{t['no_gaps']}</p>"
    return f'<section id="gaps"><h2>{t["gaps"]}</h2><p class="muted">{t["gaps_intro"]}</p>{table}</section>'


def _figure_section(land: Landscape, on: dt.date, lang: str, seed: int) -> str:
    from .figures import coverage_heatmap, figure_bytes, network_figure

    t = TEXT[lang]
    network = figure_bytes(network_figure(land, as_of=on, seed=seed, lang=lang), "svg").decode("utf-8")
    heat = figure_bytes(coverage_heatmap(land, as_of=on, lang=lang), "svg").decode("utf-8")
    return (f'<section id="network"><h2>{t["network"]}</h2><figure>{_svg(network)}'
            f'<figcaption>{t["network_caption"]}</figcaption></figure></section>'
            f'<section id="coverage"><h2>{t["coverage"]}</h2><figure>{_svg(heat)}'
            f'<figcaption>{t["coverage_caption"]}</figcaption></figure></section>')


def _svg(document: str) -> str:
    """The ``<svg>`` element of an SVG document, without the XML declaration and doctype."""
    return document[document.index("<svg"):]


def _change_section(land: Landscape, since: dt.date | None, on: dt.date, lang: str) -> str:
    from .timeline import diff

    t = TEXT[lang]
    if since is None:
        return f'<section id="change"><h2>{t["change"]}</h2><p class="muted">{t["no_since"]}</p></section>'
    change = diff(land, since, on)

    def ties(key: str) -> str:
        items = [f"{_names(land, x['actors'])} ({escape(', '.join(x['kinds']))})" for x in change[key][:25]]
        more = f"<li>… (+{len(change[key]) - 25})</li>" if len(change[key]) > 25 else ""
        return "<ul>" + "".join(f"<li>{i}</li>" for i in items) + more + "</ul>" if items else "<p>–</p>"

    rows = [[escape(land.goals[g["goal"]].label(lang)) if g["goal"] in land.goals else escape(g["goal"]),
             f"{g['actors_before']} → {g['actors_after']}", _names(land, g["gained"]),
             _names(land, g["lost"])] for g in change["goals"]]
    counts = t["change_summary"].format(since=since.isoformat(), on=on.isoformat(),
                                        gained=len(change["ties_gained"]), lost=len(change["ties_lost"]))
    summary = f"<p>{counts}</p>"
    return (f'<section id="change"><h2>{t["change"]}</h2>{summary}'
            f"<h3>{t['ties_gained']}</h3>{ties('ties_gained')}<h3>{t['ties_lost']}</h3>{ties('ties_lost')}"
            f"<h3>{t['newly_isolated']}</h3><p>{_names(land, change['newly_isolated'], 40) or '–'}</p>"
            f"<h3>{t['goal_change']}</h3>"
            + (_table([t["goal"], t["actors"], t["gained"], t["lost"]], rows, "change") or "<p>–</p>")
            + "</section>")


def build_report(land: Landscape, *, as_of: dt.date | None = None, since: dt.date | None = None,
                 lang: str = "de", seed: int = 0) -> str:
    """The monitoring report as one HTML string (no file I/O; inline SVG figures, no external asset).

    ``as_of`` is the reference date (default today), ``since`` the date to
    compare with (the change section says how to ask for it when omitted).
    """
    if lang not in TEXT:
        raise InvalidInput([], f"unknown language {lang!r}; use de or en")
    on = as_of or today()
    if since is not None and since > on:
        raise InvalidInput([], f"--since {since.isoformat()} is after the reference date {on.isoformat()}")
    t = TEXT[lang]
    graph = cooperation_network(land, on)
    isolated = sum(1 for v in graph if graph.degree(v) == 0)
    running = sum(1 for p in land.projects.values() if active(p.start, p.end, on))
    summary = t["summary"].format(actors=graph.number_of_nodes(), ties=graph.number_of_edges(),
                                  isolated=isolated, goals=len(land.goals), projects=running,
                                  recs=len(land.recommendations))
    names = ", ".join(land.datasets)
    body = (f"<header><h1>{escape(t['title'])}: {escape(names)}</h1>"
            f'<p class="meta">{t["as_of"]} {on.isoformat()} · '
            f'{t["generated"]} {dt.date.today().isoformat()}</p>'
            f"<p>{summary}</p></header>"
            f'<nav><ol><li><a href="#fields">{t["fields"]}</a></li><li><a href="#gaps">{t["gaps"]}</a></li>'
            f'<li><a href="#network">{t["network"]}</a></li><li><a href="#coverage">{t["coverage"]}</a></li>'
            f'<li><a href="#change">{t["change"]}</a></li></ol></nav>'
            f'<div id="fields">{_fields_section(land, on, lang)}</div>'
            f"{_gaps_section(land, on, lang)}{_figure_section(land, on, lang, seed)}"
            f"{_change_section(land, since, on, lang)}")
    page = Template(TEMPLATE.read_text(encoding="utf-8"))
    return page.substitute(lang=lang, title=escape(f"{t['title']}: {names}"), body=body)


def write_report(land: Landscape, out: str | Path, **options: Any) -> Path:
    """Write :func:`build_report` to ``out`` (UTF-8) and return the path."""
    path = Path(out)
    path.write_text(build_report(land, **options), encoding="utf-8")
    return path
