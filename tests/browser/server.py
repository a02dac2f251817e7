"""A real uvicorn server on a free loopback port, and a headless Chromium that must not leave loopback.

Shared by the browser tests and by ``python -m tests.browser.screenshots``
(which refreshes ``docs/screenshots``). Chromium is Debian's
(``/usr/bin/chromium``), never a browser downloaded by Playwright.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import uvicorn

from api.app import create_app
from graph.importer import import_dataset
from graph.settings import Settings
from graph.store import open_store

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]
INSTALL_HINT = "Debian's Chromium is needed for the browser tests: apt-get install chromium"
LOOPBACK = "127.0.0.1"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((LOOPBACK, 0))
        return int(s.getsockname()[1])


@contextmanager
def serve(dataset: Path) -> Iterator[str]:
    """Serve ``create_app`` over a memory store holding ``dataset``; yields the base URL."""
    store = open_store("memory:")
    import_dataset(store, dataset)
    app = create_app(Settings(store="memory:", query_workers=1, query_timeout=20.0), store=store)
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host=LOOPBACK, port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    try:
        yield f"http://{LOOPBACK}:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        store.close()


@contextmanager
def chromium() -> Iterator[Any]:
    """A headless Debian Chromium driven by Playwright."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


class RequestLog:
    """Every URL a browser context requests, to prove that nothing leaves the loopback address."""

    def __init__(self, context: Any) -> None:
        self.urls: list[str] = []
        context.on("request", lambda request: self.urls.append(request.url))

    def outside(self) -> list[str]:
        """Requests to any host but 127.0.0.1 (``data:``/``blob:``/``about:`` URLs fetch nothing)."""
        return [u for u in self.urls
                if urlsplit(u).scheme not in ("data", "blob", "about") and urlsplit(u).hostname != LOOPBACK]
