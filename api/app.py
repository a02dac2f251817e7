"""``create_app(settings)``: the FastAPI application of integraph (SPEC §7).

The app is a thin shell: routes live in :mod:`api.routes`, errors are mapped
in :mod:`api.errors`, every limit comes from the one
:class:`graph.settings.Settings` object. Tests pass an open store (for
example ``memory:`` with the fixture imported); ``integraph serve`` lets the
app open ``settings.store`` itself.

Examples:
    >>> from graph.store import open_store
    >>> app = create_app(Settings(store="memory:"), store=open_store("memory:"))
    >>> [p for p in app.openapi()["paths"] if p.startswith("/api/goals")]
    ['/api/goals', '/api/goals/{id}/actors']
"""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

import graph
from api import docs_ui, errors, security, tokens
from api.routes import actors, analysis, edits, exports, goals, imports, pages, projects, sparql
from graph.sandbox import QuerySandbox
from graph.settings import Settings
from graph.store import Store, open_store

DESCRIPTION = """\
The knowledge graph of a city's integration landscape: actors, projects, goals
and their cooperation. JSON routes under `/api`; a read-only SPARQL 1.1
endpoint at `/sparql`. Errors are JSON: `{"error": code, "message": text}`.
"""


def create_app(settings: Settings | None = None, *, store: Store | None = None) -> FastAPI:
    """The application over ``store`` (or over ``settings.store``, opened and closed by the app)."""
    settings = settings or Settings.from_env()
    owned = store is None
    the_store = store if store is not None else open_store(settings.store)
    sandbox = QuerySandbox(the_store, workers=settings.query_workers, timeout=settings.query_timeout,
                           max_rows=settings.max_rows)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        try:
            yield
        finally:
            sandbox.close()
            if owned:
                the_store.close()

    app = FastAPI(title="integraph", version=graph.__version__, description=DESCRIPTION,
                  lifespan=lifespan, docs_url=None, redoc_url=None)
    app.state.settings = settings
    app.state.store = the_store
    app.state.sandbox = sandbox
    app.state.tokens = tokens.load(settings.tokens_file)
    app.state.generation = 0  # bumped by every write
    app.state.landscape_cache = None
    app.state.landscape_lock = threading.Lock()
    errors.install(app)
    security.install(app, settings)
    docs_ui.install(app)
    for module in (goals, analysis, actors, projects, imports, exports, sparql, edits):
        app.include_router(module.router)
    app.include_router(pages.router)
    app.mount("/static", StaticFiles(directory=Path(__file__).resolve().parent / "static"), name="static")
    return app
