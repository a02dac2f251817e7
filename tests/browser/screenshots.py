"""Screenshots of the home, goal, map and gaps pages on the Wetzlar data, for the README.

Run ``.venv/bin/python -m tests.browser.screenshots`` to refresh
``docs/screenshots/``; the browser tests run the same code into a temporary
folder, so the pictures stay reproducible.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from tests.browser.server import RequestLog, chromium, serve

ROOT = Path(__file__).resolve().parents[2]
WETZLAR = ROOT / "data" / "wetzlar"
#: page name → path; the goal with the most actors in the Wetzlar data.
PAGES = {"home": "/", "goal": "/goals/g-begegnung", "map": "/map?gaps=1", "gaps": "/gaps"}


def take(out: Path, dataset: Path = WETZLAR, browser: Any = None) -> tuple[list[Path], list[str]]:
    """Write one PNG per page to ``out``; returns the files and any request that left loopback.

    ``browser`` is a running Playwright browser (Playwright's sync API cannot nest); without it
    one is started.
    """
    if browser is None:
        with chromium() as started:
            return take(out, dataset, started)
    out.mkdir(parents=True, exist_ok=True)
    files = []
    with serve(dataset) as base:
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="de-DE")
        log = RequestLog(context)
        page = context.new_page()
        for name, path in PAGES.items():
            page.goto(base + path, wait_until="networkidle")
            if name in ("map", "goal") and page.locator("iframe.map-frame").count():
                page.locator("iframe.map-frame").scroll_into_view_if_needed()  # it loads lazily
                frame = page.frame_locator("iframe.map-frame")
                frame.locator("#network canvas").wait_for(timeout=20_000)
                page.wait_for_timeout(2500)  # let the layout settle
                page.evaluate("window.scrollTo(0, 0)")
            target = out / f"{name}.png"
            page.screenshot(path=str(target))  # the first screen: what a reader sees on opening it
            files.append(target)
        context.close()
    return files, log.outside()


if __name__ == "__main__":
    written, outside = take(ROOT / "docs" / "screenshots")
    print("\n".join(str(p) for p in written))
    sys.exit(1 if outside else 0)
