"""Inside a query worker process: guard, run, cap and serialise one query at a time.

This is the half of :mod:`graph.sandbox` that runs in the worker (spawned,
with no network when the host allows it). It imports no web code and keeps
the worker's imports small: pyoxigraph, the guard and the prefixes.
"""

from __future__ import annotations

import ctypes
import itertools
import json
import os
import threading
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

import pyoxigraph as ox

from .errors import IntegraphError, QueryRejected

RESULT_MEDIA = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv; charset=utf-8",
    "tsv": "text/tab-separated-values; charset=utf-8",
}
#: Graph formats for CONSTRUCT/DESCRIBE: name → media type.
GRAPH_MEDIA = {
    "turtle": "text/turtle; charset=utf-8",
    "nt": "application/n-triples",
    "jsonld": "application/ld+json",
    "rdfxml": "application/rdf+xml",
}
RESULT_FORMATS = {
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
}
GRAPH_FORMATS = {
    "turtle": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "jsonld": ox.RdfFormat.JSON_LD,
    "rdfxml": ox.RdfFormat.RDF_XML,
}
_CLONE_NEWUSER = 0x10000000
_CLONE_NEWNET = 0x40000000


class NotAcceptable(IntegraphError):
    """The client accepts no format this kind of query can be written in."""


@dataclass(frozen=True)
class QueryAnswer:
    """A serialised query result."""

    body: bytes
    media_type: str
    form: str
    truncated: bool = False
    rows: int = 0


def isolate_network() -> bool:
    """Enter new user and network namespaces (no interfaces): best effort, Linux only."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.unshare(_CLONE_NEWUSER | _CLONE_NEWNET) == 0
    except (OSError, AttributeError):
        return False


def _term_json(term: Any) -> dict[str, Any]:
    """A term in the W3C SPARQL 1.1 Query Results JSON format."""
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out: dict[str, Any] = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
            out["datatype"] = term.datatype.value
        return out
    return {"type": "triple", "value": {
        "subject": _term_json(term.subject), "predicate": _term_json(term.predicate),
        "object": _term_json(term.object)}}


def _serialise(result: Any, form: str, job: dict[str, Any], max_rows: int) -> QueryAnswer:
    if isinstance(result, ox.QueryBoolean):
        fmt = job["result_format"]
        if fmt is None:
            raise NotAcceptable("ASK results are available as JSON, XML, CSV or TSV")
        body = bytes(result.serialize(format=RESULT_FORMATS[fmt]) or b"")
        return QueryAnswer(body, RESULT_MEDIA[fmt], form)
    if isinstance(result, ox.QuerySolutions):
        fmt = job["result_format"]
        if fmt is None:
            raise NotAcceptable("SELECT results are available as JSON, XML, CSV or TSV")
        names = [v.value for v in result.variables]
        rows = list(itertools.islice(result, max_rows + 1))
        truncated = len(rows) > max_rows
        rows = rows[:max_rows]
        doc: dict[str, Any] = {"head": {"vars": names}, "results": {"bindings": [
            {n: _term_json(s[n]) for n in names if s[n] is not None} for s in rows]}}
        text = json.dumps(doc, ensure_ascii=False).encode()
        if fmt == "json":
            if truncated:
                doc["truncated"] = True
                text = json.dumps(doc, ensure_ascii=False).encode()
            body = text
        else:
            parsed = ox.parse_query_results(text, format=ox.QueryResultsFormat.JSON)
            body = bytes(parsed.serialize(format=RESULT_FORMATS[fmt]) or b"")
        return QueryAnswer(body, RESULT_MEDIA[fmt], form, truncated, len(rows))
    fmt = job["graph_format"]
    if fmt is None:
        raise NotAcceptable("CONSTRUCT and DESCRIBE results are available as Turtle, N-Triples, "
                            "JSON-LD or RDF/XML")
    triples = list(itertools.islice(result, max_rows + 1))
    truncated = len(triples) > max_rows
    triples = triples[:max_rows]
    prefixes = job.get("prefixes") or None
    body = bytes(ox.serialize(triples, format=GRAPH_FORMATS[fmt], prefixes=prefixes) or b"")
    return QueryAnswer(body, GRAPH_MEDIA[fmt], form, truncated, len(triples))


def _execute(store: ox.Store, job: dict[str, Any], max_rows: int) -> QueryAnswer:
    """Guard, run and serialise one query inside a worker."""
    from .guard import check_query
    from .namespaces import PREFIXES

    checked = check_query(job["query"])
    hosted = [g for g in store.named_graphs() if isinstance(g, ox.NamedNode)]
    default: list[Any] = hosted
    named: list[Any] = hosted
    if job.get("default_graphs") is not None or job.get("named_graphs") is not None:
        # The protocol's dataset: only graphs the snapshot holds; an unknown IRI is an empty graph.
        default = [ox.NamedNode(g) for g in job.get("default_graphs") or []]
        named = [ox.NamedNode(g) for g in job.get("named_graphs") or []]
    try:
        result = store.query(checked.text, base_iri=job.get("base_iri"), prefixes=PREFIXES,
                             default_graph=default, named_graphs=named)
        return _serialise(result, checked.form, {**job, "prefixes": PREFIXES}, max_rows)
    except SyntaxError as exc:
        raise QueryRejected(f"SPARQL syntax error: {exc}") from None
    except (RuntimeError, OSError, ValueError) as exc:
        raise QueryRejected(f"the query failed: {exc}") from None


def main(argv: list[str]) -> None:
    """Entry point of a worker process started by :mod:`graph.sandbox`: ``FD SNAPSHOT MAX_ROWS ISOLATE``.

    FD is the worker's end of a socket pair; the parent holds the other end.
    """
    fd, snapshot, max_rows, isolate = argv
    worker_main(Connection(int(fd)), snapshot, int(max_rows), isolate == "1")


def _exit_with(parent: int, interval: float = 1.0) -> None:
    """End this worker once ``parent`` is gone (it was re-parented).

    Why: a worker busy with a runaway query is not reading its pipe, so it would not notice that the
    server died (SIGKILL, the OOM killer) and would keep a core busy for good. Oxigraph releases the
    GIL while it evaluates, so this thread runs during a query.
    """
    while os.getppid() == parent:
        time.sleep(interval)
    os._exit(1)


def worker_main(conn: Connection, snapshot: str, max_rows: int, isolate: bool) -> None:
    """Entry point of a worker process: load the snapshot, then answer jobs until the pipe closes."""
    parent = os.getppid()
    isolated = isolate_network() if isolate else False  # before any thread: unshare needs one
    threading.Thread(target=_exit_with, args=(parent,), name="exit-with-parent", daemon=True).start()
    store = ox.Store()
    if os.path.getsize(snapshot):
        store.bulk_load(path=snapshot, format=ox.RdfFormat.N_QUADS)
    from . import guard  # warm the parser before the first query

    guard.check_query("ASK {}")
    conn.send(("ready", isolated))
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        try:
            conn.send(("ok", _execute(store, job, max_rows)))
        except NotAcceptable as exc:
            conn.send(("not_acceptable", str(exc)))
        except QueryRejected as exc:
            conn.send((type(exc).__name__, str(exc)))
        except Exception as exc:  # report, never crash the worker
            conn.send(("QueryRejected", f"the query failed: {type(exc).__name__}: {exc}"[:1000]))
