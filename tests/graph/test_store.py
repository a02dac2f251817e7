"""The store interface, run on every store kind."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from graph.errors import QueryRejected, StoreError
from graph.store import STAGING_MARK, OxigraphStore, Store, is_public_graph, open_store

EX = "https://example.org/"
G = f"{EX}d/graph"
PRIV = f"{EX}d/graph/private"


def t(s: str, o: str) -> ox.Triple:
    return ox.Triple(ox.NamedNode(EX + s), ox.NamedNode(EX + "p"), ox.Literal(o))


def test_replace_graphs_replaces_and_separates_private(empty_store: Store) -> None:
    empty_store.replace_graphs({G: [t("a", "1"), t("b", "2")], PRIV: [t("a", "secret")]})
    rows = empty_store.select("SELECT ?o WHERE { ?s ?p ?o } ORDER BY ?o")
    assert rows == [{"o": "1"}, {"o": "2"}]
    everything = empty_store.select("SELECT ?o WHERE { ?s ?p ?o } ORDER BY ?o", include_private=True)
    assert [r["o"] for r in everything] == ["1", "2", "secret"]
    empty_store.replace_graphs({G: [t("c", "3")]})
    assert empty_store.select("SELECT ?o WHERE { ?s ?p ?o }") == [{"o": "3"}]
    assert empty_store.count(G) == 1


def test_replacing_with_an_overlapping_graph_keeps_exactly_the_new_triples(empty_store: Store) -> None:
    """Kept, gone and new triples in one replacement; duplicates and escapes in the new ones."""
    first = [t("a", "1"), t("b", "zwei\nZeilen"), t("c", 'mit "Zitat"'), t("d", "4")]
    empty_store.replace_graphs({G: first})
    second = [t("a", "1"), t("c", 'mit "Zitat"'), t("e", "fünf"), t("e", "fünf"), t("b", "zwei Zeilen")]
    empty_store.replace_graphs({G: second})
    assert set(empty_store.triples(G)) == set(second)
    assert empty_store.count(G) == 4


def test_private_graph_invisible_to_graph_variable(empty_store: Store) -> None:
    empty_store.replace_graphs({G: [t("a", "1")], PRIV: [t("a", "secret")]})
    rows = empty_store.select("SELECT ?g ?o WHERE { GRAPH ?g { ?s ?p ?o } }")
    assert rows == [{"g": G, "o": "1"}]


def test_empty_graph_removes_it(empty_store: Store) -> None:
    empty_store.replace_graphs({G: [t("a", "1")], PRIV: [t("a", "x")]})
    empty_store.replace_graphs({PRIV: []})
    assert empty_store.named_graphs() == [G]


def test_failed_write_changes_nothing(empty_store: Store) -> None:
    empty_store.replace_graphs({G: [t("a", "1")]})

    def broken():
        yield t("b", "2")
        raise OSError("disk full")

    with pytest.raises((StoreError, OSError)):
        empty_store.replace_graphs({G: broken()})
    assert empty_store.select("SELECT ?o WHERE { ?s ?p ?o }") == [{"o": "1"}]
    assert not [g for g in empty_store.named_graphs() if STAGING_MARK in g]


def test_bound_values_cannot_change_the_query(empty_store: Store) -> None:
    empty_store.replace_graphs({G: [t("a", "1")]})
    hostile = '1" } ?s ?p ?o . FILTER("x'
    rows = empty_store.select("SELECT ?s ?o WHERE { ?s ?p ?o }", {"o": hostile})
    assert rows == []
    rows = empty_store.select("SELECT ?s ?o WHERE { ?s ?p ?o }", {"o": "1"})
    assert rows == [{"s": EX + "a", "o": "1"}]


def test_syntax_error_is_query_rejected(empty_store: Store) -> None:
    with pytest.raises(QueryRejected, match="syntax"):
        empty_store.query("SELECT * WHERE { ?s ?p ")


def test_standard_prefixes_are_predeclared(testville: Store) -> None:
    rows = testville.select("SELECT (COUNT(?a) AS ?n) WHERE { ?a a/rdfs:subClassOf* ig:Actor }")
    assert rows == [{"n": 12}]


def test_on_disk_store_persists_and_cleans_stale_staging(tmp_path: Path) -> None:
    store = OxigraphStore(tmp_path / "s")
    store.replace_graphs({G: [t("a", "1")]})
    # a killed import leaves a staging graph behind: simulate one
    store._store.add(ox.Quad(ox.NamedNode(EX + "x"), ox.NamedNode(EX + "p"), ox.Literal("half"),
                             ox.NamedNode(G + STAGING_MARK + "dead")))
    store.close()
    again = OxigraphStore(tmp_path / "s")
    assert again.named_graphs() == [G]
    assert again.select("SELECT ?o WHERE { ?s ?p ?o }") == [{"o": "1"}]
    again.close()


def test_read_only_open_sees_data(tmp_path: Path) -> None:
    store = OxigraphStore(tmp_path / "s")
    store.replace_graphs({G: [t("a", "1")]})
    store.close()
    ro = open_store(f"oxigraph:{tmp_path / 's'}", read_only=True)
    assert ro.select("SELECT ?o WHERE { ?s ?p ?o }") == [{"o": "1"}]
    ro.close()


def test_unknown_store_kind() -> None:
    with pytest.raises(StoreError, match="unknown store"):
        open_store("mysql://localhost")


def test_public_graph_rule() -> None:
    assert is_public_graph("https://w3id.org/integraph/ns")
    assert is_public_graph(G)
    assert not is_public_graph(PRIV)
    assert not is_public_graph(G + STAGING_MARK + "abc")


def test_the_difference_of_two_graphs_is_exact_and_names_each_line_once() -> None:
    from graph.ntriples import TripleBuffer
    from graph.store import _difference

    ex = "https://example.org/"
    p = ox.NamedNode(f"{ex}p")

    def buf(*objects: str) -> TripleBuffer:
        b = TripleBuffer()
        for o in objects:
            b.add(ox.NamedNode(f"{ex}s"), p, ox.Literal(o))
        return b

    gone, came = _difference(buf("a", "b", "ä", "c"), buf("b", "c", "d", "d", "é"))
    assert sorted(gone) == [f'<{ex}s> <{ex}p> "a"', f'<{ex}s> <{ex}p> "ä"']
    assert sorted(came) == [f'<{ex}s> <{ex}p> "d"', f'<{ex}s> <{ex}p> "é"']
    assert _difference(buf("a", "b"), buf("b", "a", "a")) == ([], [])
