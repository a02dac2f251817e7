"""Shared fixtures: the Testville dataset and stores of every kind."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from graph.importer import FIXTURE, import_dataset
from graph.settings import Settings
from graph.store import OxigraphStore, Store, open_store
from tests.servers import oxigraph_server

STORE_KINDS = ["memory", "oxigraph", "sparql"]


@pytest.fixture(scope="session")
def sparql_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real Oxigraph server (PyPI's ``oxigraph``) for the ``sparql:`` store kind."""
    with oxigraph_server(tmp_path_factory.mktemp("oxigraph-server")) as url:
        yield url


def make_store(kind: str, tmp_path: Path, request: pytest.FixtureRequest) -> Store:
    """A fresh, empty store of the given kind."""
    if kind == "memory":
        return OxigraphStore(None)
    if kind == "oxigraph":
        return OxigraphStore(tmp_path / "store")
    if kind == "sparql":
        url = request.getfixturevalue("sparql_server")
        store = open_store(f"sparql:{url}", settings=Settings())
        store._update("DROP SILENT ALL", "clearing the test server")  # type: ignore[attr-defined]
        return store
    raise ValueError(kind)


@pytest.fixture(params=STORE_KINDS)
def empty_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """An empty store, once per store kind (embedded, in memory, remote SPARQL server)."""
    store = make_store(request.param, tmp_path, request)
    yield store
    store.close()


@pytest.fixture
def fixture_path() -> Path:
    return FIXTURE


@pytest.fixture
def testville(empty_store: Store) -> Store:
    """A store of every kind with Testville imported."""
    import_dataset(empty_store, FIXTURE)
    return empty_store
