"""The web pages in Debian's headless Chromium against a real server on the Testville fixture.

Every test records every request the browser makes; all of them must go to
127.0.0.1 (office intranets block CDNs, and the pages must not leak who looks
at what). Skipped with an install hint when ``/usr/bin/chromium`` is missing.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from api.routes.page_maps import maps_module
from graph.importer import FIXTURE
from tests.browser.server import CHROMIUM, INSTALL_HINT, RequestLog, chromium, serve

pytestmark = [pytest.mark.browser, pytest.mark.server,
              pytest.mark.skipif(not CHROMIUM.exists(), reason=INSTALL_HINT)]
pytest.importorskip("playwright", reason="pip install playwright (the Python package only)")
HAS_MAPS = maps_module() is not None


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    with serve(FIXTURE) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as b:
        yield b


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A fresh German page; after the test, no request may have left the loopback address."""
    context = browser.new_context(locale="de-DE", viewport={"width": 1200, "height": 900})
    log = RequestLog(context)
    yield context.new_page()
    context.close()
    assert log.urls, "the browser made no request at all"
    assert log.outside() == []


def test_home_search_finds_umlaut_name_and_opens_actor(page: Any, base_url: str) -> None:
    page.goto(base_url + "/")
    assert page.locator("h1").inner_text().startswith("Wer arbeitet woran?")
    assert page.get_by_role("heading", name="Sprache und Bildung").is_visible()
    page.get_by_label("Suche nach Akteur, Ziel, Stadtteil oder Zielgruppe").fill("Integrationsburo")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/search\?q=Integrationsburo"))
    page.get_by_role("link", name="Integrationsbüro").click()
    page.wait_for_url(re.compile(r"/actors/amt$"))
    assert "Integrationsbüro" in page.locator("h1").inner_text()
    assert page.get_by_role("heading", name="Kooperationspartner").is_visible()


def test_goal_page_and_language_switch(page: Any, base_url: str) -> None:
    page.goto(base_url + "/goals/g-sprache")
    assert page.get_by_role("heading", name="Wer arbeitet daran? (4)").is_visible()
    assert page.get_by_role("link", name="Afrikanischer Elternverein").first.is_visible()
    page.get_by_role("link", name="English").click()
    page.wait_for_url(re.compile(r"lang=en"))
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", name="Who works on it? (4)").is_visible()
    assert "Improve German skills" in page.locator("h1").inner_text()
    page.get_by_role("link", name="Integrationsbüro").first.click()  # links keep the language
    page.wait_for_url(re.compile(r"/actors/amt\?lang=en"))
    assert page.get_by_role("heading", name="Cooperation partners").is_visible()
    if HAS_MAPS:
        page.frame_locator("iframe.map-frame").locator("#network canvas").wait_for(timeout=20_000)


def test_english_from_accept_language(browser: Any, base_url: str) -> None:
    context = browser.new_context(locale="en-GB")
    log = RequestLog(context)
    p = context.new_page()
    p.goto(base_url + "/gaps")
    assert p.locator("html").get_attribute("lang") == "en"
    assert p.locator("h1").inner_text() == "Cooperation gaps"
    context.close()
    assert log.outside() == []


def test_map_filters(page: Any, base_url: str) -> None:
    page.goto(base_url + "/map")
    table = page.locator("table.network")
    assert "AWO Testville" in table.inner_text()
    page.get_by_label("Handlungsfeld").select_option("arbeit")  # applies on change
    page.wait_for_url(re.compile(r"field=arbeit"))
    assert "Moscheegemeinde Süd" in table.inner_text() and "AWO Testville" not in table.inner_text()
    page.get_by_label("Handlungsfeld").select_option("")
    page.wait_for_url(re.compile(r"field=(&|$)"))
    page.get_by_label("Sektor").select_option("migrant")
    page.wait_for_url(re.compile(r"sector=migrant"))
    assert "Kulturverein Anatolien" in table.inner_text() and "Integrationsbüro" not in table.inner_text()
    if HAS_MAPS:
        frame = page.frame_locator("iframe.map-frame")
        frame.locator("#network canvas").wait_for(timeout=20_000)
        frame.locator("#filter-district").select_option("nord")  # the map's own filter menu
        assert frame.locator("#filter-district").input_value() == "nord"


def test_gaps_filter_and_links(page: Any, base_url: str) -> None:
    page.goto(base_url + "/gaps")
    page.get_by_label("Art der Lücke").select_option("isolated_actor")
    page.wait_for_url(re.compile(r"kind=isolated_actor"))
    items = page.locator("ol.gaps > li")
    assert items.count() >= 1
    assert all(i.locator(".badge-gap").inner_text() == "Isolierter Akteur" for i in items.all())
    page.locator("ol.gaps").get_by_role("link", name="Afrikanischer Elternverein").first.click()
    page.wait_for_url(re.compile(r"/actors/mso2"))
    assert page.get_by_role("heading", name="Lücken, die diesen Akteur betreffen").is_visible()


def test_sparql_editor_runs_an_example(page: Any, base_url: str) -> None:
    page.goto(base_url + "/sparql")
    page.get_by_role("button", name="Isolierte Migrantenorganisationen").click()
    assert "ig:MigrantOrganisation" in page.get_by_label("Abfrage").input_value()
    page.get_by_role("button", name="Abfrage ausführen").click()
    page.locator("#result-table tbody tr").first.wait_for()
    assert page.locator("#result-table tbody").inner_text().strip() == "Afrikanischer Elternverein"
    assert page.locator("#result-status").inner_text().startswith("Zeilen: 1.")
    href = page.locator("#downloads a[data-format=csv]").get_attribute("href")
    assert href.startswith("/sparql?query=") and "format=csv" in href
    page.get_by_label("Abfrage").fill("SELECT * WHERE { ?s ?p }")
    page.get_by_role("button", name="Abfrage ausführen").click()
    # expect() polls from Playwright's side; wait_for_function evals its string in the page, which
    # the page's CSP (no 'unsafe-eval') refuses whenever the first check comes too early
    from playwright.sync_api import expect

    expect(page.locator("#result-status")).to_contain_text("fehlgeschlagen")


def test_unknown_actor_is_a_404_page(page: Any, base_url: str) -> None:
    response = page.goto(base_url + "/actors/nobody")
    assert response.status == 404
    assert page.locator("h1").inner_text() == "Nicht gefunden"


def test_keyboard_and_phone_width(page: Any, base_url: str) -> None:
    page.goto(base_url + "/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"
    page.set_viewport_size({"width": 360, "height": 740})
    for path in ("/", "/goals/g-sprache", "/gaps", "/map", "/actors/amt"):
        page.goto(base_url + path)
        assert page.evaluate("document.documentElement.scrollWidth") <= 360, path


def test_print_hides_navigation(page: Any, base_url: str) -> None:
    page.goto(base_url + "/goals/g-sprache")
    page.emulate_media(media="print")
    assert not page.locator("header nav").is_visible()
    assert page.locator("h1").is_visible()


@pytest.mark.slow
def test_screenshots_on_wetzlar(browser: Any, tmp_path: Path) -> None:
    """The script that makes ``docs/screenshots`` works and stays on loopback."""
    from tests.browser.screenshots import take

    files, outside = take(tmp_path, browser=browser)
    assert outside == []
    assert [f.name for f in files] == ["home.png", "goal.png", "map.png", "gaps.png"]
    assert all(f.stat().st_size > 10_000 for f in files)
