"""Shared fixtures: the Testville dataset and stores of every kind."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from graph.importer import FIXTURE, import_dataset
from graph.store import OxigraphStore, Store

STORE_KINDS = ["memory", "oxigraph"]


def make_store(kind: str, tmp_path: Path) -> Store:
    """A fresh, empty store of the given kind."""
    if kind == "memory":
        return OxigraphStore(None)
    if kind == "oxigraph":
        return OxigraphStore(tmp_path / "store")
    raise ValueError(kind)


@pytest.fixture(params=STORE_KINDS)
def empty_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """An empty store, once per store kind."""
    store = make_store(request.param, tmp_path)
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
