"""The written map in headless Chromium, offline: drawn canvas, legend, gap edges, filters, search, PNG.

Uses Debian's Chromium (``apt-get install chromium``) through Playwright; the
browser never downloads anything, and every request that is not a local
file is blocked and recorded, so a map that reached for the internet fails.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from graph.importer import FIXTURE, import_dataset
from graph.landscape import load_landscape
from graph.maps import write_map
from graph.store import open_store
from tests.graph import test_maps as helpers  # a module: its tests are not collected here

pytestmark = pytest.mark.browser
CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]
DRAWN = "window.integraphMap && window.integraphMap.drawn && window.integraphMap.stabilized"
INK = """() => {
  const c = document.querySelector('#network canvas');
  const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  let n = 0;
  for (let i = 0; i < d.length; i += 4) { if (d[i] < 240 || d[i + 1] < 240 || d[i + 2] < 240) n++; }
  return n;
}"""


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip("Chromium is missing: apt-get install chromium")
    sync_api = pytest.importorskip("playwright.sync_api", reason="pip install playwright (no browser download)")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


def open_offline(browser: Any, path: Path) -> tuple[Any, list[str], float]:
    """A page with the map loaded and drawn; returns it, the blocked requests and the seconds to drawn."""
    page = browser.new_page(viewport={"width": 1200, "height": 800}, accept_downloads=True)
    blocked: list[str] = []
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))

    def route(r: Any) -> None:
        if r.request.url.startswith(("file:", "data:", "blob:")):
            r.continue_()
        else:
            blocked.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    page.on("request", lambda r: None if r.url.startswith(("file:", "data:", "blob:")) else blocked.append(r.url))
    started = time.perf_counter()
    page.goto(path.as_uri())
    page.wait_for_function(DRAWN, timeout=30_000)
    seconds = time.perf_counter() - started
    assert errors == []
    return page, blocked, seconds


@pytest.fixture(scope="module")
def testville_map(tmp_path_factory: pytest.TempPathFactory) -> Path:
    store = open_store("memory:")
    import_dataset(store, FIXTURE)
    path = tmp_path_factory.mktemp("map") / "map.html"
    return write_map(load_landscape(store), path, gaps=True, as_of=dt.date(2024, 1, 1))


def test_map_draws_offline_with_legend_and_dashed_gaps(browser: Any, testville_map: Path) -> None:
    page, blocked, _ = open_offline(browser, testville_map)
    assert page.evaluate(INK) > 2000  # nodes, edges and labels on the canvas
    sectors = page.locator("#legend-sectors li").all_inner_texts()
    assert "Migrantenorganisation" in sectors and "öffentliche Hand" in sectors
    assert "Kooperationslücke" in page.locator("#legend-edges").inner_text()
    assert "Kein Projekt setzt die Empfehlung" in page.locator("#listed-gaps").inner_text()
    gaps = page.evaluate("integraphMap.edges.get({filter: e => e.dashes === true})"
                         ".map(e => [e.from, e.to, e.title.textContent])")
    assert gaps and all("kooperier" in text for _, _, text in gaps)
    drawn_edges = page.evaluate("Object.keys(integraphMap.network.body.edges).length")
    assert drawn_edges >= len(gaps)
    assert blocked == []
    page.close()


def test_filters_and_search_change_what_is_shown(browser: Any, testville_map: Path) -> None:
    page, blocked, _ = open_offline(browser, testville_map)
    everyone = page.evaluate("integraphMap.visibleNodeIds().length")
    page.select_option("#filter-sector", "migrant")
    shown = page.evaluate("integraphMap.visibleNodeIds()")
    assert sorted(shown) == ["mso1", "mso2"] and everyone > 2
    assert page.evaluate("Object.keys(integraphMap.network.body.nodeIndices).length") == 2
    assert "2 Akteure" in page.locator("#status").inner_text()
    page.click("#reset")
    page.select_option("#filter-field", "arbeit")
    in_field = page.evaluate("integraphMap.nodes.get({filter: n => n.fields.includes('arbeit')}).map(n => n.id)")
    assert sorted(page.evaluate("integraphMap.visibleNodeIds()")) == sorted(in_field)
    assert 0 < len(in_field) < everyone
    page.click("#reset")
    for select, key, value in (("#filter-goal", "goals", "g-sprache"), ("#filter-district", "districts", "sued")):
        page.select_option(select, value)
        expected = page.evaluate(f"integraphMap.nodes.get({{filter: n => n.{key}.includes('{value}')}}).map(n => n.id)")
        assert sorted(page.evaluate("integraphMap.visibleNodeIds()")) == sorted(expected)
        assert 0 < len(expected) < everyone
        page.click("#reset")
    assert page.evaluate("integraphMap.visibleNodeIds().length") == everyone
    page.fill("#search", "AWO")
    page.press("#search", "Enter")
    assert page.evaluate("integraphMap.network.getSelectedNodes()") == ["awo"]
    with page.expect_download() as download:
        page.click("#download-png")
    saved = Path(download.value.path())
    assert download.value.suggested_filename == "integraph-map.png"
    assert saved.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert blocked == []
    page.close()


@pytest.mark.slow
def test_a_3000_actor_map_opens_in_under_5_seconds(browser: Any, tmp_path: Path) -> None:
    path = write_map(helpers.synthetic(3000), tmp_path / "big.html", metric="none")
    page, blocked, seconds = open_offline(browser, path)
    assert page.evaluate("integraphMap.visibleNodeIds().length") == 3000
    assert page.evaluate(INK) > 10_000
    print(f"3,000-actor map drawn in {seconds:.2f} s")
    assert seconds < 5.0
    assert blocked == []
    page.close()
