"""Importing RDF files (Turtle, TriG, N-Triples, N-Quads, JSON-LD, RDF/XML).

An RDF file is a dataset in graph form: usually an integraph export or a
backup (``integraph export --format trig --include-private``). Named graphs
``{base}/graph`` and ``{base}/graph/private`` are taken as they are, so a
backup restores every dataset it holds; a file without named graphs is one
dataset, named by its ``dcat:Dataset`` or by ``--dataset``. Contact points
found outside a private graph are moved into it, never published. JSON-LD
contexts are never fetched: pyoxigraph has no document loader, so a remote
``@context`` is an error, not a request.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from .errors import InvalidInput, Problem
from .mapping import CV, DCAT, DCT, RDF_TYPE
from .namespaces import ONTOLOGY_IRI, SCHEMA, dataset_base

RDF_SUFFIXES: dict[str, ox.RdfFormat] = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".trig": ox.RdfFormat.TRIG,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".nq": ox.RdfFormat.N_QUADS,
    ".jsonld": ox.RdfFormat.JSON_LD,
    ".json": ox.RdfFormat.JSON_LD,
    ".rdf": ox.RdfFormat.RDF_XML,
    ".owl": ox.RdfFormat.RDF_XML,
}
PERSONAL = {str(CV.contactPoint), str(SCHEMA.email), str(SCHEMA.telephone)}
CONTACT_CLASS = str(CV.ContactPoint)


@dataclass
class RdfDataset:
    """The public and private triples of one dataset found in an RDF file."""

    name: str
    base: str
    public: list[ox.Triple] = field(default_factory=list)
    private: list[ox.Triple] = field(default_factory=list)
    moved: int = 0


def value(term: object) -> str:
    """The IRI or lexical form of a term (an RDF-star triple term as its N-Triples text)."""
    return str(getattr(term, "value", term))


def is_rdf_file(path: Path) -> bool:
    """True for the file suffixes this module reads."""
    return path.is_file() and path.suffix.lower() in RDF_SUFFIXES


def _parse(path: Path) -> list[ox.Quad]:
    fmt = RDF_SUFFIXES[path.suffix.lower()]
    try:
        with path.open("rb") as fh:
            return list(ox.parse(fh, format=fmt, base_iri=None))
    except (SyntaxError, ValueError, OSError) as exc:
        raise InvalidInput([Problem(f"the file cannot be parsed as {fmt}: {exc}", file=path.name,
                                    code="bad_rdf")]) from exc


def _dataset_name(triples: list[ox.Triple], base: str) -> str:
    for t in triples:
        if value(t.subject) == base and value(t.predicate) == f"{DCT}identifier":
            return value(t.object)
    return base.rstrip("/").rsplit("/", 1)[-1]


def _single_base(triples: list[ox.Triple], dataset: str | None, file: str) -> str:
    bases = sorted({value(t.subject) for t in triples
                    if t.predicate == RDF_TYPE and value(t.object) == f"{DCAT}Dataset"})
    if dataset:
        wanted = [b for b in bases if b.rstrip("/").endswith("/" + dataset)]
        return wanted[0] if wanted else dataset_base(dataset)
    if len(bases) == 1:
        return bases[0]
    raise InvalidInput([Problem(
        "cannot tell which dataset this file is: name it with --dataset"
        if not bases else f"the file describes {len(bases)} datasets: name one with --dataset",
        file=file, code="no_dataset")])


def _split_personal(ds: RdfDataset) -> None:
    """Move contact points and their triples out of the public part."""
    contacts = {value(t.subject) for t in ds.public if t.predicate == RDF_TYPE
                and value(t.object) == CONTACT_CLASS}
    contacts |= {value(t.object) for t in ds.public if value(t.predicate) == str(CV.contactPoint)}
    keep = []
    for t in ds.public:
        if value(t.subject) in contacts or value(t.predicate) in PERSONAL:
            ds.private.append(t)
            ds.moved += 1
        else:
            keep.append(t)
    ds.public = keep


def read_rdf(path: Path, dataset: str | None = None) -> tuple[list[RdfDataset], list[Problem]]:
    """The datasets an RDF file holds, and warnings about what was moved or ignored."""
    quads = _parse(path)
    problems: list[Problem] = []
    graphs: dict[str, list[ox.Triple]] = defaultdict(list)
    default: list[ox.Triple] = []
    for q in quads:
        triple = ox.Triple(q.subject, q.predicate, q.object)
        if isinstance(q.graph_name, ox.DefaultGraph):
            default.append(triple)
        else:
            graphs[q.graph_name.value].append(triple)
    datasets: dict[str, RdfDataset] = {}
    ignored = 0
    for g, triples in graphs.items():
        if g == ONTOLOGY_IRI:
            continue  # the ontology is integraph's own, refreshed on every import
        if g.endswith("/graph/private"):
            base = g.removesuffix("/graph/private")
            datasets.setdefault(base, RdfDataset("", base)).private.extend(triples)
        elif g.endswith("/graph"):
            base = g.removesuffix("/graph")
            datasets.setdefault(base, RdfDataset("", base)).public.extend(triples)
        else:
            ignored += len(triples)
    if default:
        if datasets:
            ignored += len(default)
        else:
            base = _single_base(default, dataset, path.name)
            datasets[base] = RdfDataset("", base, public=default)
    if ignored:
        problems.append(Problem(f"{ignored} triple(s) outside integraph's named graphs were ignored",
                                file=path.name, severity="warning", code="ignored_triples"))
    if dataset:
        datasets = {b: d for b, d in datasets.items() if b.rstrip("/").endswith("/" + dataset)} or {
            b: d for b, d in datasets.items() if len(datasets) == 1}
    if not datasets:
        raise InvalidInput([Problem("the file holds no integraph dataset", file=path.name,
                                    code="no_dataset")])
    for ds in datasets.values():
        ds.name = dataset or _dataset_name(ds.public, ds.base)
        _split_personal(ds)
        if ds.moved:
            problems.append(Problem(
                f"{ds.moved} triple(s) with personal data were moved into the private graph",
                file=path.name, severity="warning", code="moved_private"))
    return sorted(datasets.values(), key=lambda d: d.base), problems
