"""The web pages for staff (SPEC §7): home, goal, actor, map, gaps pages and the SPARQL editor.

Server-rendered with Jinja2 from the same snapshot the JSON API answers
from, German by default and English with ``?lang=en`` or ``Accept-Language``
(:mod:`api.i18n`). Every script and style is served from ``/static``: office
intranets block CDNs. The pages never read the private graph, so contact
persons cannot appear on them. An unknown id is a 404 page for browsers and
the API's JSON error for other clients.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.templating import Jinja2Templates

from api import deps, search
from api.errors import body
from api.i18n import Translator, choose_language, weighted
from api.routes import page_maps, page_views
from api.routes.page_data import Directory, all_gaps, directory, page_gaps
from graph.gaps import KINDS
from graph.landscape import Landscape
from graph.network import SECTORS

router = APIRouter(include_in_schema=False)
TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"
TEMPLATES = Jinja2Templates(directory=TEMPLATES_DIR)
EXAMPLES_DIR = TEMPLATES_DIR / "sparql"
SPARQL_EXAMPLES = ("who_works_on_goal", "projects_per_funder", "isolated_migrant_organisations")
Filter = Annotated[str | None, Query(max_length=200)]


def prefers_html(accept: str | None) -> bool:
    """Whether the client names ``text/html`` and ranks it at least as high as anything else it names.

    Browsers do (``text/html,...,*/*;q=0.8``); SPARQL and JSON clients, and ``*/*``, do not.

    Examples:
        >>> prefers_html("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")
        True
        >>> prefers_html("*/*"), prefers_html("application/json"), prefers_html(None)
        (False, False, False)
    """
    weights: dict[str, float] = {}
    for media, q in weighted(accept):
        weights[media] = max(q, weights.get(media, 0.0))
    html = weights.get("text/html", 0.0)
    others = [q for media, q in weights.items() if media not in ("text/html", "application/xhtml+xml", "*/*")]
    return html > 0 and html >= max(others, default=0.0)


class Page:
    """The language and link helpers of one request, handed to every template."""

    def __init__(self, request: Request) -> None:
        self.request = request
        self.explicit = request.query_params.get("lang")
        self.lang = choose_language(self.explicit, request.headers.get("accept-language"))
        self.t = Translator(self.lang)

    def link(self, path: str, **params: Any) -> str:
        """A link within the site that keeps an explicitly chosen language."""
        values = {k: v for k, v in params.items() if v not in (None, "", False)}
        if self.explicit in ("de", "en"):
            values["lang"] = self.lang
        return path + ("?" + urlencode(values, doseq=True) if values else "")

    def switch(self, lang: str) -> str:
        """The current page in another language."""
        params = [(k, v) for k, v in self.request.query_params.multi_items() if k != "lang"]
        return self.request.url.path + "?" + urlencode([*params, ("lang", lang)])


def render(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    page = Page(request)
    return TEMPLATES.TemplateResponse(request, template, {"page": page, "t": page.t, "lang": page.lang,
                                                          **context}, status_code=status)


def not_found(request: Request, message: str, api_message: str) -> Response:
    """404: a page for browsers (in their language), the API's JSON error for everybody else."""
    if prefers_html(request.headers.get("accept")):
        return render(request, "404.html", 404, message=message)
    return JSONResponse(body("not_found", api_message), 404)


def _data(request: Request) -> tuple[Landscape, Directory]:
    return deps.landscape(request), directory(request)


@router.get("/", response_class=HTMLResponse)
def home(request: Request) -> HTMLResponse:
    """Search box, the action fields with their goals and coverage, the date of the data."""
    land, d = _data(request)
    return render(request, "home.html", view=page_views.home(land, d, Page(request).t), directory=d)


@router.get("/search", response_class=HTMLResponse)
def search_page(request: Request, q: Annotated[str, Query(max_length=200)] = "") -> HTMLResponse:
    """Actors, goals, action fields, districts, target groups and projects matching ``q``."""
    land, d = _data(request)
    page = Page(request)
    hits = search.search(search_entries(land, d), q) if q.strip() else []
    results = [{"type": h.entry.type, "label": h.entry.label, "url": _hit_url(page, h.entry),
                "actors": _actors_of(land, h.entry)} for h in hits]
    return render(request, "search.html", q=q, results=results)


def _hit_url(page: Page, entry: search.Entry) -> str:
    """Where a search hit leads: its page, the map filtered by it, or the page of a project's lead."""
    if entry.type == "actor":
        return page.link(f"/actors/{quote(entry.id)}")
    if entry.type == "goal":
        return page.link(f"/goals/{quote(entry.id)}")
    if entry.type in ("field", "district"):
        return page.link("/map", **{entry.type: entry.id})
    if entry.type == "project" and entry.ref:
        return page.link(f"/actors/{quote(entry.ref)}") + "#projects"
    return ""


def _actors_of(land: Landscape, entry: search.Entry) -> list[dict[str, str]]:
    """For a district or target group hit: the actors active in it or working for it."""
    if entry.type not in ("district", "target_group"):
        return []
    found = [a for a in land.actors.values()
             if entry.id in (a.districts if entry.type == "district" else a.target_groups)]
    return [{"id": a.id, "name": a.name} for a in sorted(found, key=lambda a: a.name.casefold())]


def search_entries(land: Landscape, d: Directory) -> list[search.Entry]:
    """Everything the search box finds, with German and English labels."""
    entries = [search.Entry("actor", a.id, a.name, a.id) for a in land.actors.values()]
    entries += [search.Entry("goal", g.id, g.label_de, g.label_en) for g in land.goals.values()]
    entries += [search.Entry("field", f.id, f.label_de, f.label_en) for f in land.fields.values()]
    entries += [search.Entry("district", k, v) for k, v in land.districts.items()]
    entries += [search.Entry("target_group", k, v, d.target_groups_en.get(k, ""))
                for k, v in land.target_groups.items()]
    entries += [search.Entry("project", p.id, p.name, ref=p.lead) for p in land.projects.values()]
    return entries


@router.get("/goals/{id}", response_class=HTMLResponse)
def goal_page(request: Request, id: str) -> Response:
    """Who works on the goal, grouped by sector, with how; projects, recommendations, gaps, map."""
    land, d = _data(request)
    page = Page(request)
    if id not in land.goals:
        return not_found(request, page.t("error.no_goal", id=id), f"no goal with id {id!r}")
    view = page_views.goal(land, d, page.t, id, all_gaps(request, land, page.lang))
    return render(request, "goal.html", view=view, map_url=page_maps.frame_url(page, goal=id, gaps="1"))


@router.get("/actors/{id}", response_class=HTMLResponse)
def actor_page(request: Request, id: str) -> Response:
    """Profile, goals, projects, working groups, partners and gaps of one actor (never contacts)."""
    land, d = _data(request)
    page = Page(request)
    if id not in land.actors:
        return not_found(request, page.t("error.no_actor", id=id), f"no actor with id {id!r}")
    view = page_views.actor(land, d, page.t, id, all_gaps(request, land, page.lang))
    return render(request, "actor.html", view=view, map_url=page_maps.frame_url(page, actor=id))


@router.get("/map", response_class=HTMLResponse)
def map_page(request: Request, field: Filter = None, goal: Filter = None, district: Filter = None,
             sector: Filter = None, gaps: Filter = None) -> Response:
    """The interactive map with its filters, and the same network as a table."""
    land, d = _data(request)
    page = Page(request)
    chosen = {"field": field if field in land.fields else None, "goal": goal if goal in land.goals else None,
              "district": district if district in land.districts else None,
              "sector": sector if sector in SECTORS else None, "gaps": "1" if gaps else None}
    table = page_views.network(land, d, page.t, field=chosen["field"], goal=chosen["goal"],
                               district=chosen["district"], sector=chosen["sector"])
    return render(request, "map.html", chosen=chosen, table=table,
                  options=page_views.options(land, d, page.t), map_url=page_maps.frame_url(page, **chosen))


@router.get("/gaps", response_class=HTMLResponse)
def gaps_page(request: Request, kind: Filter = None, field: Filter = None) -> HTMLResponse:
    """Ranked gaps with explanations, filtered by kind and action field."""
    land, d = _data(request)
    page = Page(request)
    kind = kind if kind in KINDS else None
    field = field if field in land.fields else None
    field_goals = {g for g, x in land.goals.items() if x.field == field}
    found, complete = page_gaps(request, land, page.lang)
    shown = found.where(kind=kind, goals=field_goals if field else None)
    items = page_views.gap_items(page_views.Labels(land, d, page.t), shown[:200])
    return render(request, "gaps.html", gaps=items, total=len(shown), complete=complete, best=len(found),
                  kind=kind, field=field, kinds=KINDS, options=page_views.options(land, d, page.t))


def sparql_editor(request: Request) -> HTMLResponse:
    """The query editor that ``GET /sparql`` answers browsers with (called from :mod:`api.routes.sparql`)."""
    examples = [{"id": name, "text": (EXAMPLES_DIR / f"{name}.rq").read_text(encoding="utf-8")}
                for name in SPARQL_EXAMPLES]
    return render(request, "sparql.html", examples=examples)


@router.get("/map/frame", response_class=HTMLResponse)
def map_frame(request: Request, land: Annotated[Landscape, Depends(deps.landscape)],
              field: Filter = None, goal: Filter = None, actor: Filter = None, district: Filter = None,
              sector: Filter = None, gaps: Filter = None) -> Response:
    """The standalone map document the pages embed (a 404 when :mod:`graph.maps` is not installed)."""
    page = Page(request)
    html = page_maps.render(land, page.lang, field=field, goal=goal, actor=actor, district=district,
                            sector=sector, gaps=bool(gaps))
    if html is None:
        return not_found(request, page.t("map.unavailable"), "maps are not installed on this server")
    return HTMLResponse(html)
