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
import hashlib
import logging
import os
import time
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from .errors import QueryRejected, StoreError
from .landscape_snapshot import discard_snapshots
from .namespaces import ONTOLOGY_IRI, PREFIXES
from .ntriples import TripleBuffer
from .settings import Settings

Term = ox.NamedNode | ox.BlankNode | ox.Literal
XSD = "http://www.w3.org/2001/XMLSchema#"
_INTEGER_TYPES = {f"{XSD}{t}" for t in ("integer", "int", "long", "short", "nonNegativeInteger")}
_FLOAT_TYPES = {f"{XSD}{t}" for t in ("decimal", "double", "float")}
STAGING_MARK = "/staging-"
#: A first import of at least this many triples into an empty graph is bulk-loaded under a journal
#: instead of going through one SPARQL update (which parses the whole text and grows faster than
#: linearly: 12 s for 106k triples, 503 s for 1.04M, against 1.7 s and 21 s bulk-loaded).
BULK_THRESHOLD = 20_000
#: Journal graphs name the graphs being bulk-loaded; they carry STAGING_MARK, so they are never public.
JOURNAL_PREFIX = f"urn:integraph:journal{STAGING_MARK}"
PENDING = ox.NamedNode("urn:integraph:pending")
log = logging.getLogger(__name__)

#: Phrases in RocksDB's and the OS's error texts, and what they mean for a user. pyoxigraph's OSError
#: carries no errno, so the text is all there is; the first match wins.
CAUSES: tuple[tuple[str, str], ...] = (
    ("no space left", "no space left on device"),
    ("disk quota", "disk quota exceeded"),
    ("read-only file system", "the file system is mounted read-only"),
    ("permission denied", "permission denied: the store directory or its files are not writable"),
    ("operation not permitted", "permission denied: the store directory or its files are not writable"),
)


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

    def view_fingerprint(self) -> str | None:
        """A fingerprint of the data this handle reads, or None when it cannot be told (the
        default: only an on-disk store can tell; ``graph.landscape_snapshot`` needs one)."""
        return None

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
        return list(self.iter_select(sparql, bindings, include_private=include_private))

    def iter_select(
        self,
        sparql: str,
        bindings: Mapping[str, object] | None = None,
        *,
        include_private: bool = False,
    ) -> Iterator[dict[str, Any]]:
        """:meth:`select` one row at a time, for answers too large to hold as a list.

        The query runs (and a bad one raises) before this returns; the rows are read as they are
        consumed.
        """
        result = self.query(sparql, bindings, include_private=include_private)
        if not isinstance(result, ox.QuerySolutions):
            raise QueryRejected("select() needs a SELECT query")
        return _rows(result)

    def count(self, graph: str) -> int:
        """Number of triples in one named graph."""
        return sum(1 for _ in self.triples(graph))

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class OxigraphStore(Store):
    """The embedded Oxigraph store, on disk (RocksDB) or in memory.

    Faults of the disk never lose data and never surface as raw ``OSError``: a store that cannot
    be opened for writing (read-only mount, permissions, full disk) is opened read-only and refuses
    writes with the cause; a write that fails changes nothing and says why, naming the store
    (``tests/security/test_faults.py``).
    """

    def __init__(self, path: Path | None = None, *, read_only: bool = False) -> None:
        self.path = path
        self.read_only = read_only and path is not None and (path / "CURRENT").exists()
        self.spec = f"oxigraph:{path}" if path is not None else "memory:"
        #: the files' fingerprint just before this handle opened them (see :meth:`view_fingerprint`)
        self._opened_as = files_fingerprint(path) if path is not None else None
        #: why writes are refused (the store could only be opened read-only), or None
        self.write_refusal: str | None = None
        #: the cause of a failed write: RocksDB then refuses every later write until reopened
        self._failed: str | None = None
        try:
            if path is None:
                self._store = ox.Store()
            elif self.read_only:
                self._store = ox.Store.read_only(str(path))
            else:
                path.mkdir(parents=True, exist_ok=True)
                self._store = ox.Store(str(path))
        except OSError as exc:
            self._store = self._read_only_fallback(path, exc)
        if not self.read_only:
            self._drop_staging()

    def view_fingerprint(self) -> str | None:
        """A fingerprint of the data this handle reads, or None when it cannot be told.

        A read-write handle holds RocksDB's lock, so the files are what it reads. A read-only handle
        reads the files as they were when it opened; if a writer changed them since, its view has
        no fingerprint. ``graph.landscape_snapshot`` keys the landscape snapshot with it.
        """
        if self.path is None:
            return None
        now = files_fingerprint(self.path)
        return now if now and (not self.read_only or now == self._opened_as) else None

    def _read_only_fallback(self, path: Path | None, exc: OSError) -> ox.Store:
        """A read-only handle when the store exists but cannot be written (read-only mount, file
        permissions, full disk): reads keep working (the server serves its pages and SPARQL), and
        every write is refused with the cause instead of the server not starting at all."""
        cause = cause_of(exc)
        if path is None or cause is None or not (path / "CURRENT").exists():
            raise StoreError(_open_error(path, exc)) from exc
        try:
            store = ox.Store.read_only(str(path))
        except OSError:
            raise StoreError(_open_error(path, exc)) from exc
        self.read_only = True
        self.write_refusal = (f"the store at {path} cannot be written ({cause}): nothing was changed; "
                              "fix that and try again (a running `integraph serve` needs a restart)")
        log.warning("the store at %s cannot be opened for writing (%s): it is open read-only, "
                    "writes will be refused", path, cause)
        return store

    def _drop_staging(self) -> None:
        """Remove staging graphs left behind by an import that was killed before it committed.

        Queries never see staging graphs, so failing to remove them (a full disk) is only logged:
        the store must still open for reading.
        """
        try:
            graphs = self._all_graphs()
            stale = sorted(self._pending(graphs)) + [g for g in graphs if STAGING_MARK in g]
            for g in stale:  # the half-loaded graphs first, then the journals that name them
                self._store.remove_graph(ox.NamedNode(g))
        except OSError as exc:
            log.warning("%s: could not remove stale staging graphs: %s", self.spec, exc)

    def query(self, sparql, bindings=None, *, include_private=False):  # type: ignore[no-untyped-def]
        graphs = [ox.NamedNode(g) for g in self.named_graphs()]
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
            raise self._read_error(exc) from exc
        except RuntimeError as exc:
            # pyoxigraph: a bound variable must be in the SELECT projection
            raise QueryRejected(f"query cannot be run with these bindings: {exc}") from exc

    def _read_error(self, exc: OSError) -> StoreError:
        where = f"the store at {self.path}" if self.path is not None else "the in-memory store"
        cause = cause_of(exc)
        return StoreError(f"{where} could not be read ({cause or 'I/O error'}): {exc}")

    def named_graphs(self) -> list[str]:
        """The committed graphs: never staging graphs, journals or graphs a journal says are loading."""
        graphs = self._all_graphs()
        hidden = self._pending(graphs)
        return [g for g in graphs if STAGING_MARK not in g and g not in hidden]

    def _all_graphs(self) -> list[str]:
        try:
            return sorted(g.value for g in self._store.named_graphs() if isinstance(g, ox.NamedNode))
        except OSError as exc:
            raise self._read_error(exc) from exc

    def _pending(self, graphs: list[str]) -> set[str]:
        """Graphs named by a journal: a bulk load that has not committed (or was killed)."""
        pending: set[str] = set()
        for journal in (g for g in graphs if g.startswith(JOURNAL_PREFIX)):
            for q in self._store.quads_for_pattern(None, PENDING, None, ox.NamedNode(journal)):
                if isinstance(q.subject, ox.NamedNode):
                    pending.add(q.subject.value)
        return pending

    def replace_graphs(self, graphs: Mapping[str, Iterable[ox.Triple]]) -> None:
        # One SPARQL update, which Oxigraph applies as a single transaction, carrying only the
        # difference: DELETE DATA for triples that went, INSERT DATA for triples that came. A
        # re-import that changes little writes little. (Bulk-loading a staging graph and MOVE-ing
        # it in was measured 6x slower.) A large graph written where there was none (a first
        # import) is bulk-loaded under a journal instead, committed by the same update.
        if self.write_refusal is not None:
            raise StoreError(self.write_refusal)
        if self.read_only:
            raise StoreError(f"the store at {self.path} was opened read-only: nothing was changed")
        if self._failed is not None:
            self._reopen()
        try:
            ops: list[str] = []
            bulk: dict[str, TripleBuffer] = {}
            for g, triples in graphs.items():
                new = TripleBuffer.of(triples)
                if len(new) >= BULK_THRESHOLD and not self._has(g) and not new.blank_nodes:
                    bulk[g] = new
                else:
                    ops.extend(self._replacement(g, new))
            if bulk:
                ops.append(self._bulk_load(bulk))
            if ops:
                if self.path is not None:
                    discard_snapshots(self.path)  # never a saved landscape older than the data
                self._store.update(" ;\n".join(ops))
        except OSError as exc:
            where = f"the store at {self.path}" if self.path is not None else "the in-memory store"
            cause = cause_of(exc)
            if self.path is not None:
                self._failed = cause or str(exc)
            self._discard_journals()
            raise StoreError(f"writing to {where} failed ({cause or 'I/O error'}), nothing was changed: "
                             f"{exc}") from exc
        if self.path is not None:
            try:
                self._store.flush()
            except OSError as exc:
                # The update is committed to the write-ahead log, which RocksDB replays on open:
                # the write stands. Only the later writes need a fresh handle.
                self._failed = cause_of(exc) or str(exc)
                log.warning("%s: the write is committed, but flushing it failed: %s", self.spec, exc)

    def _reopen(self) -> None:
        """A fresh RocksDB handle after a failed write.

        RocksDB keeps a failed write's error (a full disk, say) and refuses every later write even
        once the cause is gone; only reopening clears it. Readers meanwhile use a read-only handle,
        so they are never without a store; a reader still holding the old handle keeps its lock,
        and then the server must be restarted.
        """
        assert self.path is not None
        cause = self._failed
        try:
            self._store = ox.Store.read_only(str(self.path))  # drops the failed handle
            for _ in range(20):
                try:
                    self._store = ox.Store(str(self.path))
                    break
                except OSError as exc:
                    if "lock" not in str(exc).lower():
                        raise
                    time.sleep(0.05)  # an in-flight read still holds the old handle
            else:
                raise OSError("the store is still locked by an earlier handle")
        except OSError as exc:
            raise StoreError(f"the store at {self.path} refuses writes since a write failed ({cause}) "
                             f"and could not be reopened ({exc}): nothing was changed; "
                             "restart `integraph serve`") from exc
        self._failed = None

    def _has(self, graph: str) -> bool:
        quads = self._store.quads_for_pattern(None, None, None, ox.NamedNode(graph))
        return next(iter(quads), None) is not None

    def _bulk_load(self, graphs: dict[str, TripleBuffer]) -> str:
        """Bulk-load new graphs under a journal; return the update operation that commits them.

        A journal graph naming the graphs is committed first (one small transaction); while it
        exists, those graphs are hidden from every query and from :meth:`named_graphs`, and the next
        writable open drops them (they were empty before). The load itself is not transactional,
        but the returned ``DROP GRAPH`` of the journal is: it goes into the same update as the rest
        of the write, so a kill at any point leaves exactly the state before or after
        (``tests/graph/test_crash.py``).
        """
        journal = f"{JOURNAL_PREFIX}{time.time_ns()}"
        self._store.update(_data("INSERT", journal, (f"<{g}> <{PENDING.value}> true" for g in graphs)))
        for g, triples in graphs.items():
            # N-Triples parsed in Rust as they stream in: no Python object per triple, no copy
            self._store.bulk_load(triples.reader(), format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(g))
        if self.path is not None:
            self._store.flush()
        return f"DROP GRAPH <{journal}>"

    def _discard_journals(self) -> None:
        """After a failed write: drop what uncommitted bulk loads left (best effort; else at next open)."""
        with contextlib.suppress(OSError):
            graphs = self._all_graphs()
            for g in sorted(self._pending(graphs)) + [g for g in graphs if g.startswith(JOURNAL_PREFIX)]:
                self._store.remove_graph(ox.NamedNode(g))

    def _replacement(self, graph: str, new: TripleBuffer) -> list[str]:
        """Update operations that turn ``graph`` into exactly ``new``."""
        node = ox.NamedNode(graph)
        old = TripleBuffer()
        for q in self._store.quads_for_pattern(None, None, None, node):
            old.add(q.subject, q.predicate, q.object)  # type: ignore[arg-type]
        if not new:
            return [f"DROP SILENT GRAPH <{graph}>"] if old else []
        if old.blank_nodes or new.blank_nodes:
            # DELETE DATA cannot name blank nodes: replace such a graph (the ontology) whole.
            return [f"DROP SILENT GRAPH <{graph}>", _data("INSERT", graph, new.lines())]
        gone, came = _difference(old, new)
        ops = []
        if gone:
            ops.append(_data("DELETE", graph, gone))
        if came:
            ops.append(_data("INSERT", graph, came))
        return ops

    def triples(self, graph: str) -> Iterator[ox.Triple]:
        try:
            for q in self._store.quads_for_pattern(None, None, None, ox.NamedNode(graph)):
                yield ox.Triple(q.subject, q.predicate, q.object)
        except OSError as exc:
            raise self._read_error(exc) from exc

    def count(self, graph: str) -> int:
        try:
            result = self._store.query(
                "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g",
                substitutions={ox.Variable("g"): ox.NamedNode(graph)},
            )
            assert isinstance(result, ox.QuerySolutions)
            return int(next(iter(result))["n"].value)  # type: ignore[union-attr]
        except OSError as exc:
            raise self._read_error(exc) from exc

    def close(self) -> None:
        if not hasattr(self, "_store"):
            return  # closed already
        if self.path is not None and not self.read_only:
            with contextlib.suppress(OSError):
                self._store.flush()
        del self._store


def _digest(line: str) -> bytes:
    return hashlib.blake2b(line.encode(), digest_size=16).digest()


def _difference(old: TripleBuffer, new: TripleBuffer) -> tuple[list[str], list[str]]:
    """The lines only in ``old`` and the lines only in ``new``.

    Compared as 16-byte digests (a collision among 24M lines has odds of about 1e-24), and only
    the differing lines are kept as text: the sets of the lines themselves held 7.5 GB when a
    300,000-actor dataset (12M triples) was imported again.
    """
    before = {_digest(line) for line in old.lines()}
    after = {_digest(line) for line in new.lines()}
    gone_keys, came_keys = before - after, after - before
    del before, after
    gone = list(dict.fromkeys(x for x in old.lines() if _digest(x) in gone_keys)) if gone_keys else []
    came = list(dict.fromkeys(x for x in new.lines() if _digest(x) in came_keys)) if came_keys else []
    return gone, came


def files_fingerprint(path: Path) -> str:
    """A digest of a RocksDB directory's data files: names and sizes, and for logs their mtime.

    Every committed write goes to a write-ahead log (``*.log``) or adds table files (``*.sst``,
    which RocksDB never rewrites in place: a flush or compaction writes new ones under new numbers).
    Oxigraph lets RocksDB recycle log files, which are then overwritten in place at the same size,
    so a log's modification time is part of the digest too. Any change of the data changes the
    digest; opening a store read-write or compacting it may change it without changing the data,
    which only costs a rebuilt snapshot. Empty logs, which every read-write open creates, are left out.
    """
    digest = hashlib.blake2b(digest_size=16)
    entries = []
    try:
        for e in os.scandir(path):
            if e.name.endswith(".sst"):
                entries.append(f"{e.name}\t{e.stat().st_size}")
            elif e.name.endswith(".log") and (info := e.stat()).st_size:
                entries.append(f"{e.name}\t{info.st_size}\t{info.st_mtime_ns}")
    except OSError:
        return ""
    for entry in sorted(entries):
        digest.update(entry.encode() + b"\n")
    return digest.hexdigest() if entries else ""


def _rows(result: ox.QuerySolutions) -> Iterator[dict[str, Any]]:
    names = [v.value for v in result.variables]
    for solution in result:
        row = {}
        for name in names:
            value = solution[name]
            if value is not None:
                row[name] = to_python(value)
        yield row


def _data(verb: str, graph: str, triples: Iterable[str]) -> str:
    """``INSERT DATA`` / ``DELETE DATA`` of N-Triples lines (pyoxigraph escapes every term)."""
    return f"{verb} DATA {{ GRAPH <{graph}> {{\n" + " .\n".join(triples) + " .\n} }"


def cause_of(exc: OSError) -> str | None:
    """What an I/O error means for the user (full disk, read-only, no permission), if known.

    Examples:
        >>> cause_of(OSError("IO error: While appending to file: /s/000026.log: No space left on device"))
        'no space left on device'
        >>> cause_of(OSError(30, "Read-only file system"))
        'the file system is mounted read-only'
        >>> cause_of(OSError("Corruption: bad block")) is None
        True
    """
    text = str(exc).lower()
    return next((meaning for phrase, meaning in CAUSES if phrase in text), None)


def _open_error(path: Path | None, exc: OSError) -> str:
    text = str(exc)
    cause = cause_of(exc)
    if cause is not None:
        return f"cannot open the store at {path} ({cause}): {text}"
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
