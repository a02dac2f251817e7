"""The content of each web page as plain dicts, built from one landscape snapshot and the directory.

The routes in :mod:`api.routes.pages` stay thin: they choose the language,
call one function here and render a template. Everything here is a pure
function of the snapshot, so a page shows exactly what ``integraph who`` and
``integraph gaps`` answer. Labels come from the data in the page language
where the data has them (``@en`` else ``@de``); interface words come from
the message catalogue through the :class:`api.i18n.Translator`.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from api.i18n import Translator
from api.routes.page_data import Directory, SourceInfo
from graph.coverage import coverage_matrix, who
from graph.gap_list import Gaps
from graph.landscape import Landscape, active
from graph.network import SECTORS, all_ties, cooperation_network, goal_links, today

SECTOR_ORDER = (*SECTORS, "venue")


def period(start: dt.date | None, end: dt.date | None) -> dict[str, str]:
    """A period for display: ISO dates, empty when open."""
    return {"start": start.isoformat() if start else "", "end": end.isoformat() if end else ""}


class Labels:
    """Names and labels of ids in the page language."""

    def __init__(self, land: Landscape, d: Directory, t: Translator) -> None:
        self.land, self.d, self.t = land, d, t

    def goal(self, gid: str) -> str:
        g = self.land.goals.get(gid)
        return g.label(self.t.lang) if g else gid

    def field(self, fid: str) -> str:
        f = self.land.fields.get(fid)
        return self.t.label(f.label_de, f.label_en) if f else fid

    def actor(self, aid: str) -> str:
        a = self.land.actors.get(aid)
        return a.name if a else aid

    def project(self, pid: str) -> str:
        p = self.land.projects.get(pid)
        return p.name if p else pid

    def district(self, did: str) -> str:
        return self.land.districts.get(did) or did

    def target_group(self, tid: str) -> str:
        return self.t.label(self.land.target_groups.get(tid) or tid, self.d.target_groups_en.get(tid, ""))

    def funder(self, fid: str) -> str:
        return self.d.programmes.get(fid) or self.actor(fid)

    def kind(self, kind: str) -> str:
        return self.t(f"kind.{kind}") if self.t.has(f"kind.{kind}") else kind

    def sector(self, sector: str) -> str:
        return self.t(f"sector.{sector}")

    def sources(self, ids: Any) -> list[SourceInfo]:
        seen = dict.fromkeys(ids)
        return [self.d.sources.get(s) or SourceInfo(s, s) for s in sorted(seen)]


def home(land: Landscape, d: Directory, t: Translator) -> dict[str, Any]:
    """Action fields with their goals and how many actors and running projects work on each."""
    lab = Labels(land, d, t)
    rows = {r["goal"]: r for r in coverage_matrix(land)["rows"]}
    fields: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for gid in sorted(land.goals):
        r = rows.get(gid, {"actors": 0, "projects": 0})
        fields[land.goals[gid].field].append(
            {"id": gid, "label": lab.goal(gid), "actors": r["actors"], "projects": r["projects"]})
    out = [{"id": fid, "label": lab.field(fid) if fid else t("home.no_field"), "goals": goals}
           for fid, goals in sorted(fields.items(), key=lambda x: (not x[0], x[0]))]
    return {"fields": out, "counts": {"actors": len(land.actors), "goals": len(land.goals),
                                      "projects": len(land.projects)}}


def goal(land: Landscape, d: Directory, t: Translator, gid: str, gaps: Gaps) -> dict[str, Any]:
    """The goal page: who works on it (grouped by sector, with how), its projects, recommendations, gaps."""
    lab = Labels(land, d, t)
    g = land.goals[gid]
    direct_sources = {(x.actor, x.goal): x.sources for x in land.actor_goals}
    by_sector: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in who(land, gid):
        a = land.actors[row["id"]]
        via: list[dict[str, str]] = []
        sources: list[str] = []
        for v in row["via"]:
            if v["type"] == "direct":
                via.append({"type": "direct"})
                sources += direct_sources.get((a.id, gid), ())
            else:
                p = land.projects[v["project"]]
                via.append({"type": "project", "id": p.id, "name": p.name, "role": v["role"]})
                sources += p.sources
        by_sector[a.sector].append({
            "id": a.id, "name": a.name, "kind": lab.kind(a.kind), "via": via,
            "districts": [lab.district(x) for x in a.districts],
            "target_groups": [lab.target_group(x) for x in a.target_groups],
            "sources": lab.sources(sources)})
    sectors = [{"id": s, "label": lab.sector(s), "actors": by_sector[s]}
               for s in SECTOR_ORDER if by_sector[s]]
    on = today()
    projects = [{"id": p.id, "name": p.name, "lead": p.lead, "lead_name": lab.actor(p.lead),
                 "partners": [{"id": x, "name": lab.actor(x)} for x in p.partners],
                 "running": active(p.start, p.end, on), **period(p.start, p.end),
                 "funders": [lab.funder(f) for f in p.funders], "sources": lab.sources(p.sources)}
                for p in sorted(land.projects.values(), key=lambda p: p.name.casefold()) if gid in p.goals]
    recs = [{"id": r.id, "text": r.text, "horizon": t(f"horizon.{r.horizon}") if r.horizon else "",
             "status": r.status, "projects": [{"id": p, "name": lab.project(p)} for p in r.implemented_by]}
            for r in sorted(land.recommendations.values(), key=lambda r: r.id) if gid in r.goals]
    return {"id": gid, "label": lab.goal(gid), "field": g.field, "field_label": lab.field(g.field),
            "sectors": sectors, "count": sum(len(s["actors"]) for s in sectors), "projects": projects,
            "recommendations": recs,
            "gaps": gap_items(lab, gaps.where(goal=gid)[:20])}


def actor(land: Landscape, d: Directory, t: Translator, aid: str, gaps: Gaps) -> dict[str, Any]:
    """The actor page: profile, goals, projects, working groups, cooperation partners, gaps. No contacts."""
    lab = Labels(land, d, t)
    a = land.actors[aid]
    on = today()
    goals = [{"id": g, "label": lab.goal(g), "via": [
        {"type": v["type"], "id": v.get("project", ""), "name": lab.project(v.get("project", "")),
         "role": v.get("role", "")} for v in via]}
        for g, via in sorted(goal_links(land, on).get(aid, {}).items(), key=lambda x: lab.goal(x[0]))]
    projects = [{"id": p.id, "name": p.name, "role": "lead" if p.lead == aid else "partner",
                 "goals": [{"id": g, "label": lab.goal(g)} for g in p.goals],
                 "running": active(p.start, p.end, on), **period(p.start, p.end),
                 "description": d.project_descriptions.get(p.id, ""),
                 "funders": [lab.funder(f) for f in p.funders], "sources": lab.sources(p.sources)}
                for p in sorted(land.projects.values(), key=lambda p: p.name.casefold()) if aid in p.members]
    groups = [{"id": m.group, "name": lab.actor(m.group), "role": m.role, **period(m.start, m.end),
               "running": active(m.start, m.end, on), "sources": lab.sources(m.sources)}
              for m in land.memberships if m.actor == aid]
    members = [{"id": m.actor, "name": lab.actor(m.actor), "role": m.role, **period(m.start, m.end),
                "running": active(m.start, m.end, on), "sources": lab.sources(m.sources)}
               for m in land.memberships if m.group == aid]
    return {
        "id": aid, "name": a.name, "kind": lab.kind(a.kind), "sector": lab.sector(a.sector),
        "parent": {"id": a.parent, "name": lab.actor(a.parent)} if a.parent in land.actors else None,
        "units": [{"id": x.id, "name": x.name} for x in sorted(land.actors.values(), key=lambda x: x.name)
                  if x.parent == aid],
        "description": d.descriptions.get(aid, ""), "website": d.websites.get(aid, ""),
        "districts": [lab.district(x) for x in a.districts],
        "target_groups": [lab.target_group(x) for x in a.target_groups],
        "sources": lab.sources(a.sources), "goals": goals, "projects": projects,
        "groups": sorted(groups, key=lambda x: x["name"].casefold()),
        "members": sorted(members, key=lambda x: x["name"].casefold()),
        "partners": partners(land, lab, aid, on),
        "gaps": gap_items(lab, gaps.where(actor=aid)[:20])}


def partners(land: Landscape, lab: Labels, aid: str, on: dt.date) -> list[dict[str, Any]]:
    """Every tie of the actor: explicit cooperations, shared projects and shared working groups."""
    rows = []
    kinds = {c.id: c.kind for c in land.cooperations}
    for (a, b), ties in all_ties(land).items():
        if aid not in (a, b):
            continue
        other = b if a == aid else a
        for tie in ties:
            via = (lab.project(tie.ref) if tie.kind == "project" else lab.actor(tie.ref)
                   if tie.kind == "working_group" else kinds.get(tie.ref, ""))
            rows.append({"id": other, "name": lab.actor(other), "kind": tie.kind, "via": via,
                         "via_id": tie.ref if tie.kind == "working_group" else "",
                         **period(tie.start, tie.end), "running": tie.active(on),
                         "sources": lab.sources(tie.sources)})
    return sorted(rows, key=lambda r: (not r["running"], r["name"].casefold(), r["kind"]))


def gap_items(lab: Labels, gaps: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Gaps with the names of their actors and goals, for links."""
    return [{"kind": g["kind"], "kind_label": lab.t(f"gapkind.{g['kind']}"), "score": g["score"],
             "explanation": g["explanation"],
             "actors": [{"id": a, "name": lab.actor(a)} for a in g["actors"] if a in lab.land.actors],
             "goals": [{"id": x, "label": lab.goal(x)} for x in g["goals"] if x in lab.land.goals]}
            for g in gaps]


def network(land: Landscape, d: Directory, t: Translator, *, field: str | None, goal: str | None,
            district: str | None, sector: str | None) -> dict[str, Any]:
    """The actors of the filtered cooperation network as a table (the accessible twin of the map)."""
    lab = Labels(land, d, t)
    g = cooperation_network(land, field=field, goal=goal)
    keep = [n for n, data in g.nodes(data=True)
            if (not district or district in data["districts"]) and (not sector or data["sector"] == sector)]
    sub = g.subgraph(keep)
    rows = [{"id": n, "name": data["name"], "sector": lab.sector(data["sector"]),
             "districts": [lab.district(x) for x in data["districts"]], "ties": sub.degree(n)}
            for n, data in sub.nodes(data=True)]
    rows.sort(key=lambda r: (-r["ties"], r["name"].casefold()))
    return {"actors": rows, "links": sub.number_of_edges()}


def options(land: Landscape, d: Directory, t: Translator) -> dict[str, list[dict[str, str]]]:
    """Choices of the filter forms: action fields, goals, districts, sectors, gap kinds."""
    lab = Labels(land, d, t)
    return {
        "fields": [{"id": f, "label": lab.field(f)} for f in sorted(land.fields)],
        "goals": [{"id": g, "label": lab.goal(g)} for g in sorted(land.goals, key=lab.goal)],
        "districts": [{"id": x, "label": lab.district(x)} for x in sorted(land.districts, key=lab.district)],
        "sectors": [{"id": s, "label": lab.sector(s)} for s in SECTORS],
    }
