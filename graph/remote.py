"""The ``sparql:URL`` store: integraph on an existing SPARQL 1.1 server.

Queries go through the SPARQL 1.1 Protocol with ``default-graph-uri`` and
``named-graph-uri`` naming the public graphs, so the server answers over the
same public union as the embedded store and never sees a private graph
unless asked. Writes bulk-load N-Triples into staging graphs through the
Graph Store Protocol and then swap them in with one SPARQL Update request
(``DROP``/``MOVE``), which Oxigraph, Fuseki, GraphDB and Virtuoso run as one
transaction. Every network failure becomes a :class:`StoreError` that names
the server and what failed; credentials never appear in messages.

Remote servers cannot take pyoxigraph's substitutions, so bound values are
sent as a ``VALUES`` block at the start of the query's first ``WHERE``
group, each term serialised by pyoxigraph (N-Triples escaping): values stay
data, never query text.

Examples:
    >>> inject_values("SELECT ?a WHERE { ?a ?p ?o }", {"o": ox.Literal('x" } DROP ALL #')})
    'SELECT ?a WHERE { VALUES (?o) { ("x\\\\" } DROP ALL #") }  ?a ?p ?o }'
"""

from __future__ import annotations

import contextlib
import re
import time
import uuid
from collections.abc import Iterable, Iterator, Mapping
from urllib.parse import urlsplit, urlunsplit

import httpx
import pyoxigraph as ox

from .errors import QueryRejected, StoreError
from .namespaces import PREFIXES
from .ntriples import TripleBuffer
from .settings import Settings
from .store import JOURNAL_PREFIX, PENDING, STAGING_MARK, Store, bind, is_public_graph

WHERE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)
RESULTS_JSON = "application/sparql-results+json"
NTRIPLES = "application/n-triples"
PREFIX_BLOCK = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())
GRAPH_CACHE_SECONDS = 2.0


def inject_values(query: str, bindings: Mapping[str, object] | None) -> str:
    """``query`` with its bound variables fixed by a ``VALUES`` block (see module doc)."""
    terms = bind(bindings)
    if not terms:
        return query
    code = "\n".join(line for line in query.splitlines() if not line.lstrip().startswith("#"))
    match = WHERE.search(code)
    if match is None:
        raise QueryRejected("a query with bound values needs an explicit WHERE { ... } on a sparql: store")
    names = " ".join(f"?{v.value}" for v in terms)
    values = " ".join(str(t) for t in terms.values())
    return f"{code[:match.end()]} VALUES ({names}) {{ ({values}) }} {code[match.end():]}"


def _redact(url: str) -> str:
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path, parts.query, ""))


def _sibling(url: str, leaf: str) -> str:
    """The endpoint beside a query endpoint (SPEC §5: the query URL "with /update").

    Examples:
        >>> _sibling("http://h:7878/query", "update")
        'http://h:7878/update'
        >>> _sibling("http://h/ds/sparql", "update")
        'http://h/ds/update'
        >>> _sibling("http://h/ds", "update")
        'http://h/ds/update'
    """
    parts = urlsplit(url)
    path = parts.path.rstrip("/")
    if path.endswith(("/query", "/sparql")):
        path = path.rsplit("/", 1)[0]
    return urlunsplit((parts.scheme, parts.netloc, f"{path}/{leaf}", "", ""))


class RemoteStore(Store):
    """A store on a SPARQL 1.1 server (query, update and graph store endpoints)."""

    def __init__(self, url: str, settings: Settings | None = None) -> None:
        settings = settings or Settings.from_env()
        if not url.startswith(("http://", "https://")):
            raise StoreError(f"sparql: store needs an http(s) URL, got {url!r}")
        if urlsplit(url).path in ("", "/"):
            url = url.rstrip("/") + "/query"  # a bare Oxigraph server address
        self.url = url
        self.update_url = settings.update_url or _sibling(url, "update")
        self.graph_store_url = settings.graph_store_url or _sibling(url, "store")
        self.spec = f"sparql:{_redact(url)}"
        auth: httpx.Auth | None = None
        headers = {}
        if settings.sparql_token:
            headers["Authorization"] = f"Bearer {settings.sparql_token}"
        elif settings.sparql_user:
            auth = httpx.BasicAuth(settings.sparql_user, settings.sparql_password or "")
        self._client = httpx.Client(timeout=settings.remote_timeout, auth=auth, headers=headers)
        self._graphs: tuple[float, list[str]] | None = None

    # -- HTTP ------------------------------------------------------------------------------

    def _request(self, method: str, url: str, what: str, **kwargs: object) -> httpx.Response:
        try:
            response = self._client.request(method, url, **kwargs)  # type: ignore[arg-type]
        except httpx.TimeoutException as exc:
            raise StoreError(f"{_redact(url)} did not answer in time while {what}") from exc
        except httpx.HTTPError as exc:
            raise StoreError(f"cannot reach the SPARQL server {_redact(url)} while {what}: "
                             f"{type(exc).__name__}") from exc
        if response.status_code == 400 and what.startswith("querying"):
            raise QueryRejected(f"SPARQL syntax error (reported by the server): {response.text[:500]}")
        if response.status_code in (401, 403):
            raise StoreError(f"{_redact(url)} refused access ({response.status_code}) while {what}: "
                             "check the credentials in the settings")
        if response.status_code >= 400:
            raise StoreError(f"{_redact(url)} answered {response.status_code} while {what}: "
                             f"{response.text[:300]}")
        return response

    def _update(self, text: str, what: str) -> None:
        self._request("POST", self.update_url, what, data={"update": text})
        self._graphs = None

    # -- Store -----------------------------------------------------------------------------

    def query(self, sparql, bindings=None, *, include_private=False):  # type: ignore[no-untyped-def]
        text = PREFIX_BLOCK + inject_values(sparql, bindings)
        graphs = [g for g in self.named_graphs() if STAGING_MARK not in g]
        visible = graphs if include_private else [g for g in graphs if is_public_graph(g)]
        # An empty dataset would make servers fall back to their default graph: name a graph
        # that cannot exist instead.
        dataset = visible or ["urn:integraph:empty"]
        form = {"query": text, "default-graph-uri": dataset, "named-graph-uri": dataset}
        response = self._request("POST", self.url, "querying", data=form,
                                 headers={"Accept": f"{RESULTS_JSON}, {NTRIPLES};q=0.9"})
        kind = response.headers.get("content-type", "").split(";")[0].strip()
        if kind in (NTRIPLES, "text/plain", "application/n-quads"):
            return list(ox.parse(response.content, format=ox.RdfFormat.N_TRIPLES))
        if kind == "text/turtle":
            return list(ox.parse(response.content, format=ox.RdfFormat.TURTLE))
        return ox.parse_query_results(response.content, format=ox.QueryResultsFormat.JSON)

    def named_graphs(self) -> list[str]:
        now = time.monotonic()
        if self._graphs and now - self._graphs[0] < GRAPH_CACHE_SECONDS:
            return self._graphs[1]
        response = self._request(
            "POST", self.url, "listing named graphs",
            data={"query": "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"},
            headers={"Accept": RESULTS_JSON})
        result = ox.parse_query_results(response.content, format=ox.QueryResultsFormat.JSON)
        if not isinstance(result, ox.QuerySolutions):
            raise StoreError(f"{_redact(self.url)} answered a graph list that is not a SELECT result")
        graphs = sorted(s["g"].value for s in result if isinstance(s["g"], ox.NamedNode))
        hidden = self._pending(graphs)
        graphs = [g for g in graphs if g not in hidden]
        self._graphs = (now, graphs)
        return graphs

    def _pending(self, graphs: list[str]) -> set[str]:
        """Graphs named by a journal: loaded straight into place, not yet committed (see replace_graphs)."""
        journals = [g for g in graphs if g.startswith(JOURNAL_PREFIX)]
        if not journals:
            return set()
        values = " ".join(f"<{j}>" for j in journals)
        response = self._request(
            "POST", self.url, "reading the write journal",
            data={"query": f"SELECT ?g WHERE {{ VALUES ?j {{ {values} }} "
                           f"GRAPH ?j {{ ?g <{PENDING.value}> ?x }} }}"},
            headers={"Accept": RESULTS_JSON})
        result = ox.parse_query_results(response.content, format=ox.QueryResultsFormat.JSON)
        assert isinstance(result, ox.QuerySolutions)
        return {s["g"].value for s in result if isinstance(s["g"], ox.NamedNode)}

    def replace_graphs(self, graphs: Mapping[str, Iterable[ox.Triple]]) -> None:
        """Load each graph with the Graph Store Protocol, then commit them all with one SPARQL update.

        A graph that exists is loaded into a staging graph and MOVEd into place by the update. A
        large graph that does not exist yet (a first import) is loaded straight into place under a
        journal instead, because MOVE copies every triple inside the server's transaction (400 s for
        1.06M triples on Oxigraph server): the journal, written first, hides that graph from every
        query until the update that commits the others also drops the journal. A write that fails
        removes what it loaded; one that is killed leaves a journal, cleared by the next write.
        """
        from . import store as embedded

        token = uuid.uuid4().hex
        journal = f"{JOURNAL_PREFIX}{token}"
        self._graphs = None
        existing = set(self.named_graphs())
        self._clear_stale_journals()
        bodies = {g: TripleBuffer.of(triples) for g, triples in graphs.items()}
        direct = {g for g, body in bodies.items()
                  if g not in existing and len(body) >= embedded.BULK_THRESHOLD}
        staging = {g: f"{g}{STAGING_MARK}{token}" for g in graphs if g not in direct}
        committed = False
        try:
            if direct:
                entries = (f"<{g}> <{PENDING.value}> true" for g in sorted(direct))
                self._update(_insert_data(journal, entries), "writing the journal")
            for g, body in bodies.items():
                if body:
                    self._request("POST", self.graph_store_url, f"loading {g}",
                                  params={"graph": g if g in direct else staging[g]},
                                  content=body.to_bytes(),
                                  headers={"Content-Type": NTRIPLES})
            ops = []
            for g in staging:
                ops.append(f"DROP SILENT GRAPH <{g}>")
                ops.append(f"MOVE SILENT GRAPH <{staging[g]}> TO GRAPH <{g}>")
            if direct:
                ops.append(f"DROP SILENT GRAPH <{journal}>")
            self._update(" ;\n".join(ops), "swapping in the new graphs")
            committed = True
        finally:
            leftovers = list(staging.values()) + ([] if committed else [*sorted(direct), journal])
            with contextlib.suppress(StoreError):
                self._update(" ;\n".join(f"DROP SILENT GRAPH <{s}>" for s in leftovers),
                             "removing staging graphs")

    def _clear_stale_journals(self) -> None:
        """Drop what a killed write left: staging graphs, its journal and the graphs it names.

        integraph is the only writer of its graphs (SPEC §5), so anything staged before this write
        began belongs to a write that died.
        """
        response = self._request(
            "POST", self.url, "listing named graphs",
            data={"query": "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"},
            headers={"Accept": RESULTS_JSON})
        result = ox.parse_query_results(response.content, format=ox.QueryResultsFormat.JSON)
        assert isinstance(result, ox.QuerySolutions)
        graphs = [s["g"].value for s in result if isinstance(s["g"], ox.NamedNode)]
        # journals carry STAGING_MARK too: one pass drops them with the staging graphs of killed writes
        stale = sorted(self._pending(graphs)) + [g for g in graphs if STAGING_MARK in g]
        if stale:
            self._update(" ;\n".join(f"DROP SILENT GRAPH <{g}>" for g in stale),
                         "removing a killed write")

    def triples(self, graph: str) -> Iterator[ox.Triple]:
        response = self._request("GET", self.graph_store_url, f"reading {graph}",
                                 params={"graph": graph}, headers={"Accept": NTRIPLES})
        if response.status_code == 204:
            return iter(())
        return (ox.Triple(t.subject, t.predicate, t.object)
                for t in ox.parse(response.content, format=ox.RdfFormat.N_TRIPLES))

    def count(self, graph: str) -> int:
        rows = self.select("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g",
                           {"g": ox.NamedNode(graph)}, include_private=True)
        return int(rows[0]["n"]) if rows else 0

    def close(self) -> None:
        self._client.close()


def _insert_data(graph: str, lines: Iterable[str]) -> str:
    return f"INSERT DATA {{ GRAPH <{graph}> {{\n" + " .\n".join(lines) + " .\n} }"
