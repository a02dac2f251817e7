"""Running user-written SPARQL: read-only, serialised in the standard formats.

Used by ``integraph query`` and by the ``/sparql`` endpoint. SELECT and ASK
results are serialised as W3C SPARQL results (JSON, XML, CSV, TSV), CONSTRUCT
and DESCRIBE as RDF (JSON-LD, Turtle, N-Triples, RDF/XML).
"""

from __future__ import annotations

import pyoxigraph as ox

from .errors import QueryRejected
from .store import Store

RESULT_FORMATS = {
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
}
GRAPH_FORMATS = {
    "json": ox.RdfFormat.JSON_LD,
    "jsonld": ox.RdfFormat.JSON_LD,
    "turtle": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "rdfxml": ox.RdfFormat.RDF_XML,
    "csv": ox.RdfFormat.N_TRIPLES,
}


def term_text(term: object) -> str:
    """A result term as a table cell: IRIs and literals by value."""
    if term is None:
        return ""
    if isinstance(term, ox.Literal | ox.NamedNode):
        return term.value
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return str(term)


def run_query(
    store: Store, text: str, fmt: str = "json"
) -> bytes | tuple[list[str], list[list[str]]]:
    """Run ``text``; serialised bytes for ``json``/``csv``/…, or (header, rows) for ``table``.

    Examples:
        >>> from graph.store import open_store
        >>> run_query(open_store("memory:"), "ASK { ?s ?p ?o }")
        b'{"head":{},"boolean":false}'
        >>> run_query(open_store("memory:"), "SELECT (1 AS ?x) {}", "table")
        (['x'], [['1']])
    """
    result = store.query(text)
    if isinstance(result, ox.QueryBoolean):
        if fmt == "table":
            return ["boolean"], [[str(bool(result)).lower()]]
        return result.serialize(format=RESULT_FORMATS.get(fmt, ox.QueryResultsFormat.JSON)) or b""
    if isinstance(result, ox.QuerySolutions):
        if fmt == "table":
            names = [v.value for v in result.variables]
            return names, [[term_text(s[n]) for n in names] for s in result]
        if fmt not in RESULT_FORMATS:
            raise QueryRejected(f"unknown result format {fmt!r}")
        return result.serialize(format=RESULT_FORMATS[fmt]) or b""
    triples = list(result)
    if fmt == "table":
        return ["subject", "predicate", "object"], [
            [term_text(t.subject), term_text(t.predicate), term_text(t.object)] for t in triples
        ]
    return ox.serialize(triples, format=GRAPH_FORMATS.get(fmt, ox.RdfFormat.JSON_LD)) or b""
