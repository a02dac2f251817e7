"""The Content-Security-Policy breaks nothing: Chromium reports no violation on the pages, the map frame
and the SPARQL editor, and the map frame's network is drawn."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from graph.importer import FIXTURE
from tests.browser.server import CHROMIUM, INSTALL_HINT, chromium, serve

pytestmark = [pytest.mark.browser, pytest.mark.slow]
PAGES = ["/", "/search?q=kita", "/goals/g-kita", "/map", "/map/frame", "/gaps", "/sparql"]
WATCH = """() => { window.__csp = [];
  document.addEventListener('securitypolicyviolation',
    e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI), true); }"""


@pytest.fixture(scope="module")
def site() -> Iterator[tuple[Any, str]]:
    if not CHROMIUM.exists():
        pytest.skip(INSTALL_HINT)
    with serve(FIXTURE) as url, chromium() as browser:
        yield browser, url


def violations(browser: Any, url: str) -> tuple[list[str], Any]:
    context = browser.new_context()
    context.add_init_script(f"({WATCH})()")
    page = context.new_page()
    console: list[str] = []
    page.on("console", lambda m: console.append(m.text) if m.type == "error" else None)
    page.goto(url, wait_until="load")
    page.wait_for_timeout(300)
    found = [*page.evaluate("window.__csp || []")]
    for frame in page.frames[1:]:
        found += frame.evaluate("window.__csp || []")
    found += [m for m in console if "Content Security Policy" in m]
    return found, (context, page)


@pytest.mark.parametrize("path", PAGES)
def test_no_csp_violation(site: tuple[Any, str], path: str) -> None:
    browser, url = site
    found, (context, _) = violations(browser, url + path)
    context.close()
    assert found == [], (path, found)


def test_sparql_editor_still_runs_a_query(site: tuple[Any, str]) -> None:
    browser, url = site
    found, (context, page) = violations(browser, url + "/sparql")
    try:
        page.locator("#sparql-form button[type=submit], #sparql-form input[type=submit]").first.click()
        page.wait_for_timeout(1500)
        found += page.evaluate("window.__csp || []")
        assert found == []
    finally:
        context.close()


@pytest.mark.parametrize("path", ["/docs"])
def test_api_docs_load_nothing_from_outside(site: tuple[Any, str], path: str) -> None:
    browser, url = site
    found, (context, _) = violations(browser, url + path)
    context.close()
    assert found == [], (path, found)
