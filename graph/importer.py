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
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from .checks import check_tables, errors_in
from .errors import InvalidInput, Problem
from .mapping import RDF_TYPE, XSD, Mapped, iri, map_tables, text
from .namespaces import IG, ONTOLOGY_IRI, dataset_base, dataset_graph, private_graph
from .ontology import ontology_triples
from .store import Store
from .tables import Tables, read_tables
from .validation import validate_triples

FIXTURE = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "testville"
PROV = "http://www.w3.org/ns/prov#"
DCT = "http://purl.org/dc/terms/"
#: Triples derived from a qualified node; a diff counts the node, not these.
DERIVED = {str(IG.cooperatesWith), "http://www.w3.org/ns/org#memberOf", str(IG.worksOn)}
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


def _noop(_: str) -> None:
    return None


def prepare(path: Path, *, dataset: str | None = None,
            progress: Progress = _noop) -> tuple[Tables, Mapped, ImportReport]:
    """Read, check, map and validate a dataset; raise :class:`InvalidInput` on any error."""
    progress("reading tables")
    tables = read_tables(Path(path))
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
    mapped = map_tables(tables, base)
    progress("validating with SHACL")
    problems += validate_triples(mapped.public + mapped.private, mapped.origin)
    if errors_in(problems):
        raise InvalidInput(problems)
    report = ImportReport(dataset=name, base=base, problems=problems)
    report.counts = {t: len(tables.get(t).rows) for t in tables.tables}
    report.triples, report.private_triples = len(mapped.public), len(mapped.private)
    return tables, mapped, report


def validate_dataset(path: Path, *, dataset: str | None = None) -> ImportReport:
    """Check a dataset without a store; raises :class:`InvalidInput` when it is invalid."""
    _, _, report = prepare(path, dataset=dataset)
    return report


def import_dataset(store: Store, path: Path, *, dataset: str | None = None,
                   dry_run: bool = False, progress: Progress = _noop) -> ImportReport:
    """Import (or, with ``dry_run``, only check and diff) a dataset into ``store``."""
    started = dt.datetime.now(dt.UTC)
    tables, mapped, report = prepare(path, dataset=dataset, progress=progress)
    report.dry_run = dry_run
    graph, private = dataset_graph(report.base), private_graph(report.base)
    progress("comparing with the stored dataset")
    old = list(store.triples(graph)) if graph in store.named_graphs() else []
    report.added, report.changed, report.removed = diff_entities(old, mapped.public, report.base)
    if dry_run:
        return report
    public = mapped.public + activity_triples(report.base, Path(path), tables, started)
    progress("writing to the store")
    store.replace_graphs({ONTOLOGY_IRI: ontology_triples(), graph: public, private: mapped.private})
    report.triples = len(public)
    return report


def activity_triples(base: str, path: Path, tables: Tables,
                     started: dt.datetime) -> list[ox.Triple]:
    """The ``prov:Activity`` that records this import (SPEC §9)."""
    ended = dt.datetime.now(dt.UTC)
    stamp = started.strftime("%Y%m%dT%H%M%S%fZ")
    act = ox.NamedNode(f"{base}#import-{stamp}")
    dataset = ox.NamedNode(base)
    when = ox.NamedNode(XSD + "dateTime")
    rows = sum(len(t.rows) for t in tables.tables.values())
    return [
        ox.Triple(act, RDF_TYPE, ox.NamedNode(PROV + "Activity")),
        ox.Triple(act, ox.NamedNode(PROV + "startedAtTime"), ox.Literal(started.isoformat(), datatype=when)),
        ox.Triple(act, ox.NamedNode(PROV + "endedAtTime"), ox.Literal(ended.isoformat(), datatype=when)),
        ox.Triple(act, iri(IG.fileName), text(path.name)),
        ox.Triple(act, iri(IG.sha256), text(hashlib.sha256(tables.raw_bytes).hexdigest())),
        ox.Triple(act, iri(IG.rowCount),
                  ox.Literal(str(rows), datatype=ox.NamedNode(XSD + "integer"))),
        ox.Triple(dataset, ox.NamedNode(PROV + "wasGeneratedBy"), act),
        ox.Triple(dataset, ox.NamedNode(DCT + "modified"), ox.Literal(ended.isoformat(), datatype=when)),
    ]


def entity_key(base: str, triple: ox.Triple) -> str | None:
    """The entity (``type/id``) a triple belongs to for diffs, or None to ignore it.

    Examples:
        >>> b = "https://x.org/d"
        >>> t = ox.Triple(ox.NamedNode(b + "/actor/a#goal-g"), RDF_TYPE, ox.NamedNode(b))
        >>> entity_key(b, t)
        'actor/a'
    """
    p = triple.predicate.value
    if p in DERIVED:
        return None
    node = triple.object if p in OWNED_BY_OBJECT else triple.subject
    value = getattr(node, "value", "")
    if not value.startswith(base + "/"):
        return None
    return value[len(base) + 1:].split("#", 1)[0]


def _group(triples: Iterable[ox.Triple], base: str) -> dict[str, set[str]]:
    out: dict[str, set[str]] = defaultdict(set)
    for t in triples:
        key = entity_key(base, t)
        if key is not None:
            out[key].add(str(t))
    return out


def diff_entities(old: Iterable[ox.Triple], new: Iterable[ox.Triple],
                  base: str) -> tuple[list[str], list[str], list[str]]:
    """Entities added, changed and removed between two versions of a dataset graph."""
    before, after = _group(old, base), _group(new, base)
    added = sorted(k for k in after if k not in before)
    removed = sorted(k for k in before if k not in after)
    changed = sorted(k for k in after if k in before and after[k] != before[k])
    return added, changed, removed
