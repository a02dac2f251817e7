"""The web pages for staff (SPEC §7) over the Testville fixture: content, language, 404s, privacy, assets."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.i18n import MESSAGES_DIR
from api.routes.page_maps import maps_module
from tests.api.conftest import EMAIL

HTML = {"accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
PAGES = ["/", "/goals/g-sprache", "/goals/g-anerkennung", "/goals/g-leer", "/actors/amt", "/actors/ak-sprache",
         "/actors/mso2", "/map", "/map?field=arbeit&gaps=1", "/gaps", "/gaps?kind=isolated_actor",
         "/sparql", "/search?q=Integrationsburo", "/search?q=Nord", "/goals/unknown"]
STATIC = Path(__file__).resolve().parents[2] / "api" / "static"


def get(client: TestClient, path: str, **headers: str) -> str:
    r = client.get(path, headers={**HTML, **headers})
    assert r.status_code == 200, (path, r.status_code, r.text[:500])
    assert r.headers["content-type"].startswith("text/html")
    return r.text


def text(html: str) -> str:
    """The visible text of a page, whitespace collapsed (what a reader sees)."""
    html = re.sub(r"<(script|template)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("&#34;", '"').replace("&#39;", "'")


class Tags(HTMLParser):
    """Every start tag with its attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {k: v or "" for k, v in attrs}))


def tags(html: str) -> list[tuple[str, dict[str, str]]]:
    parser = Tags()
    parser.feed(html)
    return parser.tags


def test_home_lists_fields_goals_and_counts(client: TestClient) -> None:
    page = text(get(client, "/"))
    assert "Sprache und Bildung" in page and "Arbeit und Wirtschaft" in page
    row = re.search(r"Deutschkenntnisse verbessern (\d+) (\d+)", page)
    assert row and row.groups() == ("4", "1")  # amt, mso2 direct; awo, mso1 via the running Sprachcafé
    assert re.search(r"Migrantische Unternehmen stärken 0 0", page)
    assert "Neueste Quelle vom 2019" in page  # the newest source of the fixture
    assert 'action="/search"' in get(client, "/")


def test_search_ignores_umlauts_and_typos(client: TestClient) -> None:
    for query in ("Integrationsburo", "integrationsbuero", "Integrationsbüor"):
        html = get(client, f"/search?q={query}")
        assert 'href="/actors/amt"' in html, query
    page = text(get(client, "/search?q=Gefluchtete"))
    assert "Geflüchtete" in page and "Jobcenter Testville" in page and "Integrationsbüro" in page
    assert 'href="/map?district=sued"' in get(client, "/search?q=Sud")
    assert 'href="/goals/g-kita"' in get(client, "/search?q=Kita")
    assert "0 Treffer" in text(get(client, "/search?q=Flughafen"))
    assert 'Results for "Flughafen": 0.' in text(get(client, "/search?q=Flughafen&lang=en"))


def test_goal_page_who_by_sector_with_how_and_sources(client: TestClient) -> None:
    html = get(client, "/goals/g-sprache")
    page = text(html)
    assert "Wer arbeitet daran? (4)" in page
    order = [page.index(h) for h in ("Öffentliche Hand (1)", "Wohlfahrtsverbände (1)", "Migrantenorganisationen (2)")]
    assert order == sorted(order)
    assert "leitet das Projekt „Sprachcafé“" in page and "Partner im Projekt „Sprachcafé“" in page
    assert 'href="https://example.org/konzept"' in html and "Integrationskonzept Testville" in page
    assert "Niedrigschwellige Sprachangebote für Frauen schaffen" in page and "kurzfristig" in page
    assert "umgesetzt" in page
    assert "Isolierter Akteur" in page and 'href="/actors/mso2"' in html


def test_goal_page_open_recommendation_and_nobody(client: TestClient) -> None:
    page = text(get(client, "/goals/g-anerkennung"))
    assert "Beratung zur Anerkennung ausländischer Abschlüsse einrichten" in page
    assert "langfristig" in page and "offen" in page and "kein Projekt" in page
    page = text(get(client, "/goals/g-ausbildung"))
    assert "Zurzeit arbeitet niemand an diesem Ziel" in page
    assert "Ausbildungslotsen beendet" in page  # the ended project is still listed


def test_actor_page_profile_partners_groups_gaps(client: TestClient) -> None:
    html = get(client, "/actors/amt")
    page = text(html)
    assert "Integrationsbüro" in page and "Koordiniert die Integrationsarbeit" in page
    assert 'href="/actors/stadt"' in html  # parent
    assert "Nord, Süd" in page and "Geflüchtete" in page
    assert re.search(r"AWO Testville Kooperation: agreement 2014-01-01", page)
    assert "Arbeitskreis Sprache Vorsitz seit 2014-01-01" in page
    assert "Abhängigkeit von einem Vermittler" in page


def test_actor_page_projects_and_members(client: TestClient) -> None:
    page = text(get(client, "/actors/jobcenter"))
    assert "Ausbildungslotsen Leitung beendet" in page and "2012-03-01 bis 2016-12-31" in page
    page = text(get(client, "/actors/ak-sprache"))
    assert "Mitglieder" in page and "Kulturverein Anatolien" in page and "Grundschule Süd" in page
    page = text(get(client, "/actors/stadt"))
    assert "Untereinheiten Integrationsbüro" in page and 'href="https://example.org/stadt"' in get(
        client, "/actors/stadt")


def test_english_by_parameter_and_accept_language(client: TestClient) -> None:
    html = get(client, "/goals/g-sprache?lang=en")
    assert '<html lang="en">' in html
    page = text(html)
    assert "Improve German skills" in page and "Who works on it? (4)" in page and "Refugees" in page
    assert "leads the project" in page and 'href="/actors/amt?lang=en"' in html  # links keep the language
    page = text(get(client, "/", **{"accept-language": "en-US,en;q=0.9"}))
    assert "Action fields and goals" in page and "Language and education" in page
    assert "Handlungsfelder" in text(get(client, "/?lang=de", **{"accept-language": "en"}))
    assert "Handlungsfelder" in text(get(client, "/", **{"accept-language": "fr"}))
    gaps = text(get(client, "/gaps?lang=en&kind=isolated_actor"))
    assert "cooperates with nobody" in gaps


def test_language_switch_keeps_the_query(client: TestClient) -> None:
    html = get(client, "/map?field=arbeit")
    switch = [a["href"] for tag, a in tags(html) if tag == "a" and a.get("hreflang") == "en"]
    assert switch == ["/map?field=arbeit&lang=en"]


def test_map_page_filters_the_network(client: TestClient) -> None:
    everyone = text(get(client, "/map"))
    assert "AWO Testville" in everyone and "Moscheegemeinde Süd" in everyone
    work = text(get(client, "/map?field=arbeit"))
    assert "Moscheegemeinde Süd" in work and "AWO Testville" not in work
    south = text(get(client, "/map?district=sued"))
    assert "Grundschule Süd" in south and "AWO Testville" not in south
    mso = text(get(client, "/map?sector=migrant"))
    assert "Kulturverein Anatolien" in mso and "Integrationsbüro" not in mso
    html = get(client, "/map?field=arbeit")
    assert re.search(r'<option value="arbeit" selected>', html)
    for control in ("f-field", "f-goal", "f-district", "f-sector", "f-gaps"):
        assert f'for="{control}"' in html


@pytest.mark.skipif(maps_module() is None, reason="graph.maps is not installed")
def test_map_frames_embed_the_maps(client: TestClient) -> None:
    html = get(client, "/map?gaps=1")
    frames = [a["src"] for t, a in tags(html) if t == "iframe"]
    assert frames == ["/map/frame?gaps=1"]
    ego = get(client, "/map/frame?actor=amt")
    assert "AWO Testville" in ego and "Moscheegemeinde Süd" not in ego  # amt and its neighbours only
    south = get(client, "/map/frame?district=sued")
    assert "Grundschule Süd" in south and "AWO Testville" not in south
    for frame in (ego, south, get(client, "/map/frame?goal=g-sprache&gaps=1&lang=en")):
        for tag, attrs in tags(frame):
            assert not any(re.match(r"^\s*(https?:)?//", attrs.get(n, "")) for n in ("src", "href")), tag
    assert client.get("/map/frame?goal=nope", headers=HTML).status_code == 404


def test_gaps_page_ranks_filters_and_links(client: TestClient) -> None:
    html = get(client, "/gaps")
    page = text(html)
    assert "Isolierter Akteur" in page and "Gleiche Ziele, keine Verbindung" in page
    assert 'href="/actors/mso2"' in html and 'href="/goals/g-leer"' in html
    only = text(get(client, "/gaps?kind=isolated_actor"))
    assert "Afrikanischer Elternverein" in only and "Gleiche Ziele, keine Verbindung" not in only.split(
        "Was die Arten")[0].split("Anwenden")[1]
    work = get(client, "/gaps?field=arbeit")
    assert 'href="/goals/g-leer"' in work and 'href="/goals/g-sprache"' not in work


def test_sparql_editor_for_browsers_protocol_unchanged(client: TestClient) -> None:
    html = get(client, "/sparql")
    assert '<textarea id="query" name="query"' in html and '<label for="query">' in html
    assert "Isolierte Migrantenorganisationen" in html and "Projekte je Geldgeber" in html
    assert client.get("/sparql").headers["content-type"].startswith("text/turtle")
    assert client.get("/sparql", headers={"accept": "*/*"}).headers["content-type"].startswith("text/turtle")
    r = client.get("/sparql", params={"query": "ASK {}"}, headers=HTML)
    assert "xml" in r.headers["content-type"]  # a browser asking with a query still gets results


@pytest.mark.parametrize("name", ["who_works_on_goal", "projects_per_funder", "isolated_migrant_organisations"])
def test_sparql_examples_run_on_the_endpoint(client: TestClient, name: str) -> None:
    query = (STATIC.parent / "templates" / "sparql" / f"{name}.rq").read_text(encoding="utf-8")
    r = client.post("/sparql", data={"query": query}, headers={"accept": "application/sparql-results+json"})
    assert r.status_code == 200, r.text
    rows = r.json()["results"]["bindings"]
    assert rows
    if name == "isolated_migrant_organisations":
        assert [row["organisation"]["value"] for row in rows] == ["Afrikanischer Elternverein"]


def test_unknown_ids_404_html_and_json(client: TestClient) -> None:
    for path in ("/goals/nope", "/actors/nope", "/actors/g-sprache", "/goals/amt"):
        r = client.get(path, headers=HTML)
        assert r.status_code == 404 and r.headers["content-type"].startswith("text/html"), path
        assert "Nicht gefunden" in r.text
        r = client.get(path, headers={"accept": "application/json"})
        assert r.status_code == 404 and r.json()["error"] == "not_found", path
    r = client.get("/actors/nope?lang=en", headers=HTML)
    assert "There is no actor" in r.text


@pytest.mark.parametrize("lang", ["de", "en"])
def test_no_private_data_on_any_page(client: TestClient, lang: str) -> None:
    for path in PAGES:
        r = client.get(path + ("&" if "?" in path else "?") + f"lang={lang}", headers=HTML)
        assert r.status_code in (200, 404)
        for private in (EMAIL, "Erika", "Mustermann", "99999"):
            assert private not in r.text, (path, private)
    for query in ("Erika", "Mustermann", EMAIL, "6441"):  # the search does not know contact persons
        html = get(client, f"/search?lang={lang}&q={query}")
        assert 'class="results"' not in html and ("0 Treffer" in html or ": 0." in html), query


def test_no_asset_from_the_internet(client: TestClient) -> None:
    for path in PAGES:
        html = client.get(path, headers=HTML).text
        for tag, attrs in tags(html):
            for name in ("src", "href", "data", "poster", "srcset", "action"):
                value = attrs.get(name, "")
                if not value or (tag == "a" and name == "href"):
                    continue  # outbound links to the data sources are allowed
                assert not re.match(r"^\s*(https?:)?//", value), (path, tag, name, value)
                assert value.startswith(("/", "#")), (path, tag, name, value)
        assert "@import" not in html and not re.search(r"url\(\s*['\"]?(https?:)?//", html)
    for asset in STATIC.glob("*.css"):
        css = asset.read_text(encoding="utf-8")
        assert "@import" not in css and not re.search(r"url\(\s*['\"]?(https?:)?//", css)
    for asset in STATIC.glob("*.js"):
        assert not re.search(r"['\"](https?:)?//", asset.read_text(encoding="utf-8")), asset


def test_static_files_are_served(client: TestClient) -> None:
    for name, media in (("integraph.css", "text/css"), ("sparql.js", "javascript"), ("filters.js", "javascript")):
        r = client.get(f"/static/{name}")
        assert r.status_code == 200 and media in r.headers["content-type"]
    assert "@media print" in client.get("/static/integraph.css").text
    assert "@media (max-width" in client.get("/static/integraph.css").text


def test_accessible_structure(client: TestClient) -> None:
    for path in PAGES:
        html = client.get(path, headers=HTML).text
        found = tags(html)
        assert any(t == "a" and a.get("class") == "skip-link" and a["href"] == "#main" for t, a in found), path
        assert any(t == "main" and a.get("id") == "main" for t, a in found), path
        assert 'name="viewport"' in html and re.search(r'<html lang="(de|en)">', html)
        assert len(re.findall(r"<h1\b", html)) == 1, path
        labels = {a["for"] for t, a in found if t == "label" and "for" in a}
        for t, a in found:
            if t in ("input", "select", "textarea") and a.get("type") not in ("hidden", "submit"):
                assert a.get("id") in labels, (path, t, a)
        for t, a in found:
            if t == "iframe":
                assert a.get("title"), path


def test_message_catalogues_match() -> None:
    de = json.loads((MESSAGES_DIR / "de.json").read_text(encoding="utf-8"))
    en = json.loads((MESSAGES_DIR / "en.json").read_text(encoding="utf-8"))
    assert set(de) == set(en)
    assert all(de.values()) and all(en.values())
    for key in de:
        assert re.findall(r"{\w+}", de[key]) == re.findall(r"{\w+}", en[key]) or sorted(
            re.findall(r"{\w+}", de[key])) == sorted(re.findall(r"{\w+}", en[key])), key


def test_search_finds_auslaenderbeirat_in_the_wetzlar_names() -> None:
    """The example of the issue on the real names (read from the table, no import needed)."""
    import csv

    from api.search import Entry, search

    path = Path(__file__).resolve().parents[2] / "data" / "wetzlar" / "actors.csv"
    with path.open(encoding="utf-8-sig") as f:
        entries = [Entry("actor", row["id"], row["name"]) for row in csv.DictReader(f)]
    for query in ("Auslander", "auslaender", "Auslanderbeirat", "Ausländerbierat"):
        names = [hit.entry.label for hit in search(entries, query)]
        assert "Ausländerbeirat der Stadt Wetzlar" in names[:3], (query, names[:5])


def test_unknown_page_is_an_html_404_for_browsers_and_json_for_clients(client: TestClient) -> None:
    page = client.get("/no-such-page", headers={"accept": "text/html"})
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
    assert "<html" in page.text
    api = client.get("/api/no-such-route", headers={"accept": "text/html"})
    assert api.status_code == 404 and api.json()["error"] == "not_found"
    assert client.get("/no-such-page").json()["error"] == "not_found"
