"""Request dependencies: the store, the settings and the query sandbox of the running app."""

from __future__ import annotations

from fastapi import Request

from graph.landscape import Landscape, load_landscape
from graph.sandbox import QuerySandbox
from graph.settings import Settings
from graph.store import Store


def store(request: Request) -> Store:
    return request.app.state.store  # type: ignore[no-any-return]


def settings(request: Request) -> Settings:
    return request.app.state.settings  # type: ignore[no-any-return]


def sandbox(request: Request) -> QuerySandbox:
    return request.app.state.sandbox  # type: ignore[no-any-return]


def landscape(request: Request) -> Landscape:
    """The landscape of the store, loaded once and again after every write (``state.generation``)."""
    state = request.app.state
    with state.landscape_lock:
        cached = state.landscape_cache
        if cached is None or cached[0] != state.generation:
            state.landscape_cache = cached = (state.generation, load_landscape(state.store))
        return cached[1]  # type: ignore[no-any-return]
