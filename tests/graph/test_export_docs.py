"""The SPARQL examples of docs/research.md run, live and on a TriG export, and give answers."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from graph.export import FORMATS, export
from graph.importer import FIXTURE, import_dataset
from graph.store import Store, open_store

DOC = Path(__file__).resolve().parents[2] / "docs" / "research.md"
QUERIES = re.findall(r"```sparql\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.S)


@pytest.fixture(scope="module")
def store() -> Iterator[Store]:
    s = open_store("memory:")
    import_dataset(s, FIXTURE)
    yield s
    s.close()


@pytest.fixture(scope="module")
def loaded(store: Store) -> ox.Store:
    """A TriG export in a plain Oxigraph store, as a researcher would load it."""
    buf = io.BytesIO()
    export(store, "trig", buf)
    other = ox.Store()
    other.load(buf.getvalue(), format=ox.RdfFormat.TRIG)
    return other


def test_the_doc_has_queries_and_names_every_format() -> None:
    assert len(QUERIES) >= 6
    text = DOC.read_text(encoding="utf-8")
    for fmt in FORMATS:
        assert f"| `{fmt}` |" in text, fmt


@pytest.mark.parametrize("query", QUERIES, ids=[f"q{i}" for i in range(len(QUERIES))])
def test_query_answers_live_and_on_the_export(store: Store, loaded: ox.Store, query: str) -> None:
    offline = list(loaded.query(query, use_default_graph_as_union=True))
    assert offline, query
    if query.startswith("# export only"):
        return  # the DCAT/VoID description exists in exports, not in the store
    live = store.select(query)
    assert len(offline) == len(live), query
