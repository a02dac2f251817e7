"""Where the graph lives: one interface over the embedded and in-memory stores.

A store is chosen by a spec string (SPEC §5): ``oxigraph:PATH`` (embedded,
persistent, the default ``./var/store``), ``memory:`` (nothing kept) or
``sparql:URL`` (a remote SPARQL 1.1 server). Callers use only :class:`Store`:
they run queries against the *public union* default graph (the ontology and
every dataset graph, never a private graph) and replace whole named graphs in
one transaction.

Queries run on pyoxigraph directly, not through rdflib's SPARQL engine: the
measurements in ``research/perf-baseline.md`` show rdflib 10–100× slower and
unusable for pair queries beyond a few thousand actors.

Examples:
    >>> store = open_store("memory:")
    >>> g = "https://example.org/d/graph"
    >>> store.replace_graphs({g: [ox.Triple(ox.NamedNode("https://example.org/a"),
    ...     ox.NamedNode("https://example.org/p"), ox.Literal("x"))]})
    >>> store.select("SELECT ?o WHERE { ?s ?p ?o }")
    [{'o': 'x'}]
    >>> store.public_graphs()
    ['https://example.org/d/graph']
"""

from __future__ import annotations

import abc
import contextlib
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from .errors import QueryRejected, StoreError
from .namespaces import ONTOLOGY_IRI, PREFIXES
from .settings import Settings

Term = ox.NamedNode | ox.BlankNode | ox.Literal
XSD = "http://www.w3.org/2001/XMLSchema#"
_INTEGER_TYPES = {f"{XSD}{t}" for t in ("integer", "int", "long", "short", "nonNegativeInteger")}
_FLOAT_TYPES = {f"{XSD}{t}" for t in ("decimal", "double", "float")}
STAGING_MARK = "/staging-"


def is_public_graph(iri: str) -> bool:
    """A dataset graph (``{base}/graph``) or the ontology graph; never private or staging.

    Examples:
        >>> is_public_graph("https://w3id.org/integraph/id/wetzlar/graph")
        True
        >>> is_public_graph("https://w3id.org/integraph/id/wetzlar/graph/private")
        False
    """
    return iri == ONTOLOGY_IRI or iri.endswith("/graph")


def to_python(term: Term | ox.Triple | None) -> Any:
    """A query result term as a plain Python value (IRIs and strings as ``str``).

    Examples:
        >>> to_python(ox.Literal("3", datatype=ox.NamedNode(XSD + "integer")))
        3
        >>> to_python(ox.NamedNode("https://example.org/x"))
        'https://example.org/x'
    """
    if term is None:
        return None
    if isinstance(term, ox.Literal):
        dt = term.datatype.value
        try:
            if dt in _INTEGER_TYPES:
                return int(term.value)
            if dt in _FLOAT_TYPES:
                return float(term.value)
        except ValueError:
            return term.value
        if dt == f"{XSD}boolean":
            return term.value in ("true", "1")
        return term.value
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.NamedNode):
        return term.value
    return str(term)


def bind(values: Mapping[str, object] | None) -> dict[ox.Variable, Term] | None:
    """Turn ``{"goal": NamedNode(...) or "text"}`` into pyoxigraph substitutions.

    Strings become plain literals, so user text can never change a query's
    structure; pass a :class:`pyoxigraph.NamedNode` for an IRI.
    """
    if not values:
        return None
    out: dict[ox.Variable, Term] = {}
    for name, value in values.items():
        if isinstance(value, ox.NamedNode | ox.BlankNode | ox.Literal):
            out[ox.Variable(name)] = value
        elif isinstance(value, bool):
            out[ox.Variable(name)] = ox.Literal(
                "true" if value else "false", datatype=ox.NamedNode(f"{XSD}boolean")
            )
        elif isinstance(value, int):
            out[ox.Variable(name)] = ox.Literal(str(value), datatype=ox.NamedNode(f"{XSD}integer"))
        else:
            out[ox.Variable(name)] = ox.Literal(str(value))
    return out


class Store(abc.ABC):
    """A quad store with a public union default graph and atomic graph replacement."""

    spec: str

    @abc.abstractmethod
    def query(
        self,
        sparql: str,
        bindings: Mapping[str, object] | None = None,
        *,
        include_private: bool = False,
    ) -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples:
        """Run a read-only SPARQL query over the public union (plus private graphs if asked).

        Raises :class:`QueryRejected` for a syntax error, with the parser's message.
        """

    @abc.abstractmethod
    def named_graphs(self) -> list[str]:
        """IRIs of every named graph in the store, sorted."""

    @abc.abstractmethod
    def replace_graphs(self, graphs: Mapping[str, Iterable[ox.Triple]]) -> None:
        """Replace each named graph by the given triples, all in one transaction.

        An empty iterable removes the graph. On any failure nothing changes.
        """

    @abc.abstractmethod
    def triples(self, graph: str) -> Iterator[ox.Triple]:
        """Every triple of one named graph."""

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release files and connections."""

    def public_graphs(self) -> list[str]:
        """The graphs that make up the default graph of every public query."""
        return [g for g in self.named_graphs() if is_public_graph(g)]

    def select(
        self,
        sparql: str,
        bindings: Mapping[str, object] | None = None,
        *,
        include_private: bool = False,
    ) -> list[dict[str, Any]]:
        """Rows of a SELECT as dicts of plain Python values (unbound variables left out)."""
        result = self.query(sparql, bindings, include_private=include_private)
        if not isinstance(result, ox.QuerySolutions):
            raise QueryRejected("select() needs a SELECT query")
        names = [v.value for v in result.variables]
        rows = []
        for solution in result:
            row = {}
            for name in names:
                value = solution[name]
                if value is not None:
                    row[name] = to_python(value)
            rows.append(row)
        return rows

    def count(self, graph: str) -> int:
        """Number of triples in one named graph."""
        return sum(1 for _ in self.triples(graph))

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class OxigraphStore(Store):
    """The embedded Oxigraph store, on disk (RocksDB) or in memory."""

    def __init__(self, path: Path | None = None, *, read_only: bool = False) -> None:
        self.path = path
        self.read_only = read_only and path is not None and (path / "CURRENT").exists()
        read_only = self.read_only
        self.spec = f"oxigraph:{path}" if path is not None else "memory:"
        try:
            if path is None:
                self._store = ox.Store()
            elif read_only and (path / "CURRENT").exists():
                self._store = ox.Store.read_only(str(path))
            else:
                path.mkdir(parents=True, exist_ok=True)
                self._store = ox.Store(str(path))
        except OSError as exc:
            raise StoreError(_open_error(path, exc)) from exc
        if not read_only:
            self._drop_staging()

    def _drop_staging(self) -> None:
        """Remove staging graphs left behind by an import that was killed before it committed."""
        stale = [g for g in self.named_graphs() if STAGING_MARK in g]
        for g in stale:
            self._store.remove_graph(ox.NamedNode(g))

    def query(self, sparql, bindings=None, *, include_private=False):  # type: ignore[no-untyped-def]
        graphs = [ox.NamedNode(g) for g in self.named_graphs() if STAGING_MARK not in g]
        visible = graphs if include_private else [g for g in graphs if is_public_graph(g.value)]
        try:
            return self._store.query(
                sparql,
                prefixes=PREFIXES,
                default_graph=visible,
                named_graphs=visible,
                substitutions=bind(bindings),
            )
        except SyntaxError as exc:
            raise QueryRejected(f"SPARQL syntax error: {exc}") from exc
        except OSError as exc:
            raise StoreError(f"{self.spec}: the store could not be read: {exc}") from exc
        except RuntimeError as exc:
            # pyoxigraph: a bound variable must be in the SELECT projection
            raise QueryRejected(f"query cannot be run with these bindings: {exc}") from exc

    def named_graphs(self) -> list[str]:
        return sorted(g.value for g in self._store.named_graphs() if isinstance(g, ox.NamedNode))

    def replace_graphs(self, graphs: Mapping[str, Iterable[ox.Triple]]) -> None:
        # One SPARQL update, which Oxigraph applies as a single transaction, carrying only the
        # difference: DELETE DATA for triples that went, INSERT DATA for triples that came. A
        # re-import that changes little writes little, and a first import costs one parse.
        # (Bulk-loading a staging graph and MOVE-ing it in was measured 6x slower.)
        ops: list[str] = []
        try:
            for g, triples in graphs.items():
                ops.extend(self._replacement(g, list(triples)))
            if ops:
                self._store.update(" ;\n".join(ops))
        except OSError as exc:
            raise StoreError(f"{self.spec}: writing failed, nothing was changed: {exc}") from exc
        if self.path is not None:
            self._store.flush()

    def _replacement(self, graph: str, new: list[ox.Triple]) -> list[str]:
        """Update operations that turn ``graph`` into exactly ``new``."""
        node = ox.NamedNode(graph)
        old = [ox.Triple(q.subject, q.predicate, q.object)
               for q in self._store.quads_for_pattern(None, None, None, node)]
        if not new:
            return [f"DROP SILENT GRAPH <{graph}>"] if old else []
        if _has_blank_nodes(old) or _has_blank_nodes(new):
            # DELETE DATA cannot name blank nodes: replace such a graph (the ontology) whole.
            return [f"DROP SILENT GRAPH <{graph}>", _data("INSERT", graph, map(str, new))]
        before, after = set(map(str, old)), set(map(str, new))
        ops = []
        if before - after:
            ops.append(_data("DELETE", graph, before - after))
        if after - before:
            ops.append(_data("INSERT", graph, after - before))
        return ops

    def triples(self, graph: str) -> Iterator[ox.Triple]:
        for q in self._store.quads_for_pattern(None, None, None, ox.NamedNode(graph)):
            yield ox.Triple(q.subject, q.predicate, q.object)

    def count(self, graph: str) -> int:
        result = self._store.query(
            "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g",
            substitutions={ox.Variable("g"): ox.NamedNode(graph)},
        )
        assert isinstance(result, ox.QuerySolutions)
        return int(next(iter(result))["n"].value)  # type: ignore[union-attr]

    def close(self) -> None:
        if self.path is not None and not self.read_only:
            with contextlib.suppress(OSError):
                self._store.flush()
        del self._store


def _has_blank_nodes(triples: list[ox.Triple]) -> bool:
    return any(isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode) for t in triples)


def _data(verb: str, graph: str, triples: Iterable[str]) -> str:
    """``INSERT DATA`` / ``DELETE DATA`` of N-Triples lines (pyoxigraph escapes every term)."""
    return f"{verb} DATA {{ GRAPH <{graph}> {{\n" + " .\n".join(triples) + " .\n} }"


def _open_error(path: Path | None, exc: OSError) -> str:
    text = str(exc)
    if "lock" in text.lower():
        return (
            f"the store at {path} is in use by another process (is `integraph serve` running?): "
            f"{text}"
        )
    return f"cannot open the store at {path}: {text}"


def open_store(spec: str, *, read_only: bool = False, settings: Settings | None = None) -> Store:
    """Open the store a spec string names (SPEC §5).

    Examples:
        >>> open_store("memory:").spec
        'memory:'
        >>> open_store("postgres://x")
        Traceback (most recent call last):
        ...
        graph.errors.StoreError: unknown store 'postgres://x': use oxigraph:PATH, memory: or sparql:URL
    """
    if spec == "memory:" or spec == "memory":
        return OxigraphStore(None)
    if spec.startswith("oxigraph:"):
        location = spec.removeprefix("oxigraph:") or "./var/store"
        return OxigraphStore(Path(location), read_only=read_only)
    if spec.startswith("sparql:"):
        from .remote import RemoteStore

        return RemoteStore(spec.removeprefix("sparql:"), settings)
    raise StoreError(f"unknown store {spec!r}: use oxigraph:PATH, memory: or sparql:URL")
