"""Fixtures for the API tests: one app over the Testville fixture, shared by the session.

Tests that need tight limits build their own app with :func:`make_client`.
"""

from __future__ import annotations

from collections.abc import Iterator

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from graph.importer import FIXTURE, import_dataset
from graph.settings import Settings
from graph.store import Store, open_store

EMAIL = "erika.mustermann@example.org"
BASE = "https://w3id.org/integraph/id/testville"


_GRAPHS: dict[str, list[ox.Triple]] = {}


def fixture_store() -> Store:
    """A fresh memory store holding Testville (imported once, then copied graph by graph)."""
    if not _GRAPHS:
        source = open_store("memory:")
        import_dataset(source, FIXTURE)
        _GRAPHS.update({g: list(source.triples(g)) for g in source.named_graphs()})
    store = open_store("memory:")
    store.replace_graphs(_GRAPHS)
    return store


def make_client(**settings: object) -> TestClient:
    """A client over a fresh Testville store with the given settings (use as a context manager)."""
    values: dict[str, object] = {"store": "memory:", "query_workers": 2, "query_timeout": 20.0}
    values.update(settings)
    return TestClient(create_app(Settings(**values), store=fixture_store()))  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def client() -> Iterator[TestClient]:
    with make_client() as c:
        yield c
