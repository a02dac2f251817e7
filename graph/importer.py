"""Importing a dataset: read → check → map → validate → diff → write, all or nothing.

Nothing is written unless every step passed. The write replaces the
dataset's public and private graphs (and refreshes the ontology graph) in
one store transaction, so a crash leaves the previous state. The report
says per entity what was added, changed and removed.

Examples:
    >>> from graph.store import open_store
    >>> store = open_store("memory:")
    >>> report = import_dataset(store, FIXTURE)
    >>> report.dataset, report.counts["actors"], report.added[:2]
    ('testville', 12, ['actor/ak-sprache', 'actor/amt'])
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from .checks import check_tables, errors_in
from .errors import InvalidInput, Problem
from .mapping import RDF_TYPE, XSD, iri, map_tables, text
from .namespaces import IG, ONTOLOGY_IRI, dataset_base, dataset_graph, private_graph
from .ntriples import TripleBuffer
from .ontology import ontology_triples
from .rdf_import import is_rdf_file, read_rdf
from .store import Store
from .tables import Tables, read_tables
from .validation import validate_triples

FIXTURE = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "testville"
PROV = "http://www.w3.org/ns/prov#"
DCT = "http://purl.org/dc/terms/"
#: Triples derived from a qualified node; a diff counts the node, not these.
DERIVED = {str(IG.cooperatesWith), "http://www.w3.org/ns/org#memberOf", str(IG.worksOn),
           PROV + "wasGeneratedBy"}
#: Triples stated on the actor but owned by the project row.
OWNED_BY_OBJECT = {str(IG.leads), str(IG.partnerIn)}
Progress = Callable[[str], None]


@dataclass
class ImportReport:
    """What an import did (or, on a dry run, would do)."""

    dataset: str
    base: str
    dry_run: bool = False
    problems: list[Problem] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    triples: int = 0
    private_triples: int = 0

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    def as_dict(self) -> dict[str, object]:
        """JSON-ready summary."""
        return {
            "dataset": self.dataset, "base": self.base, "dry_run": self.dry_run,
            "counts": self.counts, "triples": self.triples,
            "private_triples": self.private_triples,
            "added": self.added, "changed": self.changed, "removed": self.removed,
            "problems": [p.as_dict() for p in self.problems],
        }


@dataclass(frozen=True)
class SourceFiles:
    """What the import activity records of the tables it read (the tables themselves are let go)."""

    sha256: str
    rows: int

    @classmethod
    def of(cls, tables: Tables) -> SourceFiles:
        return cls(hashlib.sha256(tables.raw_bytes).hexdigest(),
                   sum(len(t.rows) for t in tables.tables.values()))


@dataclass
class Prepared:
    """One dataset read, checked, mapped and validated, ready to be written."""

    report: ImportReport
    public: TripleBuffer
    private: TripleBuffer
    source: SourceFiles | None = None


def _noop(_: str) -> None:
    return None


def _prepare_tables(path: Path, dataset: str | None, progress: Progress) -> Prepared:
    progress("reading tables")
    tables = read_tables(path)
    problems = list(tables.problems)
    if not errors_in(problems):
        progress("checking tables")
        problems += check_tables(tables)
    if errors_in(problems):
        raise InvalidInput(problems)
    meta = {r.get("key", "").lower(): r.get("value", "") for r in tables.get("dataset").rows}
    name = dataset or meta.get("name", "")
    base = dataset_base(name, meta.get("base") or None)
    progress("mapping to RDF")
    mapped = map_tables(tables, base, name)
    counts = {t: len(tables.get(t).rows) for t in tables.tables}
    source = SourceFiles.of(tables)
    del tables  # at 300,000 actors the rows take 1.1 GB that validation needs more
    progress("validating with SHACL")
    problems += validate_triples(mapped.public + mapped.private, mapped.origin)
    if errors_in(problems):
        raise InvalidInput(problems)
    report = ImportReport(dataset=name, base=base, problems=problems)
    report.counts = counts
    report.triples, report.private_triples = len(mapped.public), len(mapped.private)
    return Prepared(report, mapped.public, mapped.private, source)


def _prepare_rdf(path: Path, dataset: str | None, progress: Progress) -> list[Prepared]:
    progress("parsing RDF")
    found, warnings = read_rdf(path, dataset)
    out = []
    for ds in found:
        progress(f"validating {ds.name} with SHACL")
        problems = list(warnings) + validate_triples(ds.public + ds.private)
        if errors_in(problems):
            raise InvalidInput(problems)
        report = ImportReport(dataset=ds.name, base=ds.base, problems=problems)
        report.triples, report.private_triples = len(ds.public), len(ds.private)
        out.append(Prepared(report, TripleBuffer.of(ds.public), TripleBuffer.of(ds.private)))
    return out


def prepare(path: Path, *, dataset: str | None = None, progress: Progress = _noop) -> list[Prepared]:
    """Read, check, map and validate; raise :class:`InvalidInput` listing every problem."""
    path = Path(path)
    if is_rdf_file(path):
        return _prepare_rdf(path, dataset, progress)
    return [_prepare_tables(path, dataset, progress)]


def validate_path(path: Path, *, dataset: str | None = None) -> list[ImportReport]:
    """Check a dataset (tables or RDF) without a store; raises :class:`InvalidInput`."""
    return [p.report for p in prepare(path, dataset=dataset)]


def validate_dataset(path: Path, *, dataset: str | None = None) -> ImportReport:
    """:func:`validate_path` for a path that holds one dataset."""
    return validate_path(path, dataset=dataset)[0]


def import_path(store: Store, path: Path, *, dataset: str | None = None, dry_run: bool = False,
                progress: Progress = _noop, agent: str | None = None) -> list[ImportReport]:
    """Import every dataset in ``path`` in one transaction (or, with ``dry_run``, only diff).

    Table imports are recorded as a ``prov:Activity`` associated with ``agent``
    (who imported: ``integraph-cli`` or the API token's name); RDF files
    (backups) keep the provenance they carry, so a restore is exact.
    """
    started = dt.datetime.now(dt.UTC)
    prepared = prepare(Path(path), dataset=dataset, progress=progress)
    progress("comparing with the stored datasets")
    existing = set(store.named_graphs())
    writes: dict[str, Iterable[ox.Triple]] = {ONTOLOGY_IRI: ontology_triples()}
    for p in prepared:
        r = p.report
        r.dry_run = dry_run
        graph, private = dataset_graph(r.base), private_graph(r.base)
        old = TripleBuffer(store.triples(graph) if graph in existing else ())
        r.added, r.changed, r.removed = diff_entities(old, p.public, r.base)
        public = p.public
        if p.source is not None:
            renewed = {*r.added, *r.changed, *r.removed}
            generated = [e for e in entities(p.public, r.base) if _iri_key(r.base, e.value) in renewed]
            public = public + past_activities(old, r.base, renewed) + activity_triples(
                r.base, Path(path), p.source, started, generated, agent)
        writes[graph] = public
        writes[private] = p.private
        r.triples = len(public)
    if not dry_run:
        progress("writing to the store")
        store.replace_graphs(writes)
    return [p.report for p in prepared]


def import_dataset(store: Store, path: Path, *, dataset: str | None = None,
                   dry_run: bool = False, progress: Progress = _noop,
                   agent: str | None = None) -> ImportReport:
    """Import (or, with ``dry_run``, only check and diff) one dataset into ``store``."""
    reports = import_path(store, path, dataset=dataset, dry_run=dry_run, progress=progress,
                          agent=agent)
    return reports[0]


def entities(triples: Iterable[ox.Triple], base: str) -> list[ox.NamedNode]:
    """The typed subjects of a dataset below ``{base}/`` (actors, projects, ...)."""
    seen: dict[str, None] = {}
    for _, s, p, _ in TripleBuffer.of(triples).split():
        if p == RDF_TYPE.value and s.startswith(base + "/"):
            seen[s] = None
    return [ox.NamedNode(s) for s in seen]


def _iri_key(base: str, iri: str) -> str:
    """The key :func:`diff_entities` reports an entity under (``actor/awo`` for ``{base}/actor/awo#…``)."""
    return iri[len(base) + 1:].split("#", 1)[0]


def past_activities(old: Iterable[ox.Triple], base: str, renewed: Collection[str] = ()) -> list[ox.Triple]:
    """The import activities (and their agents) recorded in the previous version, kept as history,
    and the ``prov:wasGeneratedBy`` of every entity whose key is not in ``renewed``.

    An entity points to the import that last added or changed it: a re-import that changes one
    cell renews one entity's link, not every entity's (at 300,000 actors that was a SPARQL update
    of about a million triples for one changed name).
    """
    prefixes = (f"{base}#import-", f"{base}#agent-")
    below, generated_by = base + "/", PROV + "wasGeneratedBy"
    kept = [line + " .\n" for line, s, p, _ in TripleBuffer.of(old).split()
            if s.startswith(prefixes)
            or (p == generated_by and s.startswith(below) and _iri_key(base, s) not in renewed)]
    return [q.triple for q in ox.parse("".join(kept), format=ox.RdfFormat.N_TRIPLES)] if kept else []


def agent_triples(base: str, act: ox.NamedNode, agent: str | None) -> list[ox.Triple]:
    """``prov:wasAssociatedWith`` the agent that ran an import (a role or token name, never a person).

    Examples:
        >>> [str(t.object) for t in agent_triples("https://x.org/d", ox.NamedNode("https://x.org/d#import-1"),
        ...                                        "token:editor one")][:1]
        ['<https://x.org/d#agent-token-editor-one>']
    """
    if not agent:
        return []
    node = ox.NamedNode(f"{base}#agent-" + re.sub(r"[^A-Za-z0-9_-]+", "-", agent).strip("-"))
    return [
        ox.Triple(act, ox.NamedNode(PROV + "wasAssociatedWith"), node),
        ox.Triple(node, RDF_TYPE, ox.NamedNode(PROV + "Agent")),
        ox.Triple(node, ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"), text(agent)),
    ]


def activity_triples(base: str, path: Path, source: SourceFiles, started: dt.datetime,
                     generated: list[ox.NamedNode] = (),  # type: ignore[assignment]
                     agent: str | None = None) -> list[ox.Triple]:
    """The ``prov:Activity`` that records this import (SPEC §9): who, when, which file, what."""
    ended = dt.datetime.now(dt.UTC)
    stamp = started.strftime("%Y%m%dT%H%M%S%fZ")
    act = ox.NamedNode(f"{base}#import-{stamp}")
    dataset = ox.NamedNode(base)
    when = ox.NamedNode(XSD + "dateTime")
    generated_by = ox.NamedNode(PROV + "wasGeneratedBy")
    return [
        ox.Triple(act, RDF_TYPE, ox.NamedNode(PROV + "Activity")),
        ox.Triple(act, ox.NamedNode(PROV + "startedAtTime"), ox.Literal(started.isoformat(), datatype=when)),
        ox.Triple(act, ox.NamedNode(PROV + "endedAtTime"), ox.Literal(ended.isoformat(), datatype=when)),
        ox.Triple(act, iri(IG.fileName), text(path.name)),
        ox.Triple(act, iri(IG.sha256), text(source.sha256)),
        ox.Triple(act, iri(IG.rowCount),
                  ox.Literal(str(source.rows), datatype=ox.NamedNode(XSD + "integer"))),
        ox.Triple(dataset, generated_by, act),
        ox.Triple(dataset, ox.NamedNode(DCT + "modified"), ox.Literal(ended.isoformat(), datatype=when)),
        *(ox.Triple(e, generated_by, act) for e in generated),
        *agent_triples(base, act, agent),
    ]


def entity_key(base: str, triple: ox.Triple) -> str | None:
    """The entity (``type/id``) a triple belongs to for diffs, or None to ignore it.

    Examples:
        >>> b = "https://x.org/d"
        >>> t = ox.Triple(ox.NamedNode(b + "/actor/a#goal-g"), RDF_TYPE, ox.NamedNode(b))
        >>> entity_key(b, t)
        'actor/a'
    """
    return _entity_key(base, getattr(triple.subject, "value", ""), triple.predicate.value,
                       getattr(triple.object, "value", ""))


def _entity_key(base: str, s: str, p: str, o: str) -> str | None:
    if p in DERIVED:
        return None
    value = o if p in OWNED_BY_OBJECT else s
    if not value.startswith(base + "/"):
        return None
    return _iri_key(base, value)


def _group(triples: Iterable[ox.Triple], base: str) -> dict[str, set[int]]:
    # hashes, not the lines: 10 million triples at 300,000 actors. Both sides are hashed in this
    # process, and a 64-bit collision inside one entity is not a practical concern.
    out: dict[str, set[int]] = defaultdict(set)
    for line, s, p, o in TripleBuffer.of(triples).split():
        key = _entity_key(base, s, p, o)
        if key is not None:
            out[key].add(hash(line))
    return out


def diff_entities(old: Iterable[ox.Triple], new: Iterable[ox.Triple],
                  base: str) -> tuple[list[str], list[str], list[str]]:
    """Entities added, changed and removed between two versions of a dataset graph."""
    before = _group(old, base)
    if not before:  # a first import: everything is new, and nothing needs comparing
        keys = {_entity_key(base, s, p, o) for _, s, p, o in TripleBuffer.of(new).split()}
        return sorted(k for k in keys if k is not None), [], []
    after = _group(new, base)
    added = sorted(k for k in after if k not in before)
    removed = sorted(k for k in before if k not in after)
    changed = sorted(k for k in after if k in before and after[k] != before[k])
    return added, changed, removed
