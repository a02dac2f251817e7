"""Every named query in graph/queries/*.rq parses and runs on the fixture."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from graph import queries
from graph.importer import FIXTURE, import_dataset
from graph.store import OxigraphStore, Store

B = "https://w3id.org/integraph/id/testville"
#: A sample value for each parameter name used in the .rq headers.
SAMPLES = {
    "goal": ox.NamedNode(f"{B}/goal/g-sprache"),
    "actor": ox.NamedNode(f"{B}/actor/amt"),
    "project": ox.NamedNode(f"{B}/project/p-sprachcafe"),
    "field": ox.NamedNode(f"{B}/field/bildung"),
    "graph": ox.NamedNode(f"{B}/graph"),
    "dataset": ox.NamedNode(B),
}


@pytest.fixture(scope="module")
def store() -> Store:
    """One store with the fixture for every query (the store kinds are covered elsewhere)."""
    s = OxigraphStore(None)
    import_dataset(s, FIXTURE)
    return s


@pytest.mark.parametrize("name", sorted(queries.QUERIES))
def test_every_query_runs(name: str, store: Store) -> None:
    q = queries.load(name)
    assert q.summary, f"{name}.rq has no '#+ summary:' header"
    params = {p: SAMPLES.get(p, ox.Literal("x")) for p in q.params}
    result = store.query(q.text, params)
    assert result is not None
    list(result) if not isinstance(result, ox.QueryBoolean) else bool(result)
