"""RDF exports: Turtle, TriG, JSON-LD, N-Triples, N-Quads and RDF/XML.

What goes in: for every exported dataset its public graph, its private graph
only when ``include_private`` is set, the ontology graph once, and the
DCAT/VoID description of :mod:`graph.dataset_meta`. TriG and N-Quads keep the
named graphs as they are in the store and put the description into the
default graph, so that importing the file restores the named graphs exactly
(SPEC §9) while the description stays readable; the triple formats merge
everything into one graph.

Serialisation is pyoxigraph's (streaming, standard-conformant). Its JSON-LD
is expanded (full IRIs, no context); the export wraps it with an inline
``@context`` of the project prefixes (a local context that no reader has to
fetch) and writes property names, types and IRIs as ``prefix:local``. rdflib's
JSON-LD writer is not used: it rewrites literals (``...Z`` becomes
``...+00:00``), so the JSON-LD would not hold the same triples as the rest.

Examples:
    >>> p = Pseudonyms({"https://x.org/d/actor/m": ("m", "Kulturverein", "migrant_organisation")},
    ...                "https://x.org/d")
    >>> t = ox.Triple(ox.NamedNode("https://x.org/d/actor/m"), LABEL,
    ...               ox.Literal("Kulturverein", language="de"))
    >>> pseudonymise_triple(t, p).object.value, pseudonymise_triple(t, p).subject.value
    ('Migrantenorganisation 1', 'https://x.org/d/actor/migrantenorganisation-1')
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any, BinaryIO

import pyoxigraph as ox

from .dataset_meta import describe
from .export import ExportJob, Pseudonyms
from .mapping import DCT, FOAF, SKOS
from .namespaces import ONTOLOGY_IRI, PREFIXES

LABEL = ox.NamedNode(SKOS + "prefLabel")
IDENTIFIER = ox.NamedNode(DCT + "identifier")
#: Facts about a pseudonymised actor that would name it: left out of a pseudonymised export.
REVEALING = {DCT + "description", FOAF + "homepage"}
OX_FORMATS = {
    "turtle": ox.RdfFormat.TURTLE,
    "trig": ox.RdfFormat.TRIG,
    "nt": ox.RdfFormat.N_TRIPLES,
    "nq": ox.RdfFormat.N_QUADS,
    "rdfxml": ox.RdfFormat.RDF_XML,
}
PROGRESS_EVERY = 5000
_BY_LENGTH = sorted(PREFIXES.items(), key=lambda kv: -len(kv[1]))


def _term(term: ox.NamedNode | ox.BlankNode | ox.Literal, p: Pseudonyms
          ) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    if isinstance(term, ox.NamedNode):
        return ox.NamedNode(p.iri(term.value))
    if isinstance(term, ox.Literal):
        value = p.text(term.value)
        if value == term.value:
            return term
        if term.language:
            return ox.Literal(value, language=term.language)
        return ox.Literal(value, datatype=term.datatype)
    return term


def pseudonymise_triple(t: ox.Triple, p: Pseudonyms | None) -> ox.Triple | None:
    """The triple as a pseudonymised export shows it, or None to leave it out."""
    if not p:
        return t
    subject = t.subject.value if isinstance(t.subject, ox.NamedNode) else ""
    if subject in p.names:
        pred = t.predicate.value
        if pred in REVEALING:
            return None
        if t.predicate == LABEL:
            return ox.Triple(ox.NamedNode(p.iri(subject)), LABEL, ox.Literal(p.names[subject], language="de"))
        if t.predicate == IDENTIFIER:
            ident = p.id(str(getattr(t.object, "value", "")))
            return ox.Triple(ox.NamedNode(p.iri(subject)), IDENTIFIER, ox.Literal(ident))
    return ox.Triple(_term(t.subject, p), t.predicate, _term(t.object, p))  # type: ignore[arg-type]


def _graph_triples(job: ExportJob, graph: str, p: Pseudonyms | None) -> Iterator[ox.Triple]:
    for t in job.store.triples(graph):
        out = pseudonymise_triple(t, p)
        if out is not None:
            yield out


def dataset_quads(job: ExportJob) -> Iterator[ox.Quad]:
    """Every quad of the export, graph by graph, reporting progress on the way."""
    graphs = [(d, d.graph) for d in job.datasets]
    if job.include_private:
        stored = set(job.store.named_graphs())
        graphs += [(d, d.private) for d in job.datasets if d.private in stored]
    total = sum(job.store.count(g) for _, g in graphs) + job.store.count(ONTOLOGY_IRI)
    done = 0
    job.step("writing triples", 0, total)
    counted: dict[str, int] = {}
    for info, g in graphs:
        p = job.pseudonyms(info)
        name = ox.NamedNode(p.iri(g))
        for t in _graph_triples(job, g, p):
            counted[info.graph] = counted.get(info.graph, 0) + 1
            yield ox.Quad(t.subject, t.predicate, t.object, name)
            done += 1
            if done % PROGRESS_EVERY == 0:
                job.step("writing triples", done, total)
    onto = ox.NamedNode(ONTOLOGY_IRI)
    for t in job.store.triples(ONTOLOGY_IRI):
        yield ox.Quad(t.subject, t.predicate, t.object, onto)
        done += 1
    job.step("describing the datasets (DCAT/VoID)", done, total)
    for info in job.datasets:
        in_export = [info.graph] + ([info.private] if job.include_private else [])
        p = job.pseudonyms(info)
        for t in describe(job.store, base=info.base, graphs=in_export, municipality=info.municipality,
                          include_private=job.include_private, endpoint=job.endpoint,
                          triples=counted.get(info.graph, 0)):
            out = pseudonymise_triple(t, p)
            if out is not None:
                yield ox.Quad(out.subject, out.predicate, out.object, ox.DefaultGraph())
    job.step("writing triples", total, total)


def distinct_triples(quads: Iterable[ox.Quad]) -> Iterator[ox.Triple]:
    """The quads as triples, each once (graphs merged)."""
    seen: set[ox.Triple] = set()
    for q in quads:
        t = q.triple
        if t not in seen:
            seen.add(t)
            yield t


def compact_iri(iri: str) -> str:
    """``prefix:local`` for an IRI in one of the project namespaces, else the IRI.

    Examples:
        >>> compact_iri("https://w3id.org/integraph/ns#Goal"), compact_iri("https://example.org/x")
        ('ig:Goal', 'https://example.org/x')
    """
    for prefix, ns in _BY_LENGTH:
        if iri.startswith(ns) and len(iri) > len(ns) and not iri[len(ns):].startswith("//"):
            return f"{prefix}:{iri[len(ns):]}"
    return iri


def compact(node: Any) -> Any:
    """Expanded JSON-LD with property names, types and IRIs written as ``prefix:local``.

    Only keys and IRI positions change; literal values stay byte for byte, so
    the document holds exactly the triples of the other formats.

    Examples:
        >>> compact([{"@id": "http://www.w3.org/ns/dcat#x", "http://purl.org/dc/terms/date":
        ...           [{"@value": "2014", "@type": "http://www.w3.org/2001/XMLSchema#gYear"}]}])
        [{'@id': 'dcat:x', 'dct:date': [{'@value': '2014', '@type': 'xsd:gYear'}]}]
    """
    if isinstance(node, list):
        return [compact(n) for n in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key in ("@id", "@type") and isinstance(value, str):
            out[key] = compact_iri(value)
        elif key.startswith("@"):
            out[key] = compact(value) if key in ("@graph", "@list", "@set") else value
        else:
            out[compact_iri(key)] = compact(value)
    return out


def jsonld_context() -> dict[str, str]:
    """The inline ``@context`` of a JSON-LD export: the project's prefixes."""
    return dict(sorted(PREFIXES.items()))


def write_rdf(job: ExportJob, fh: BinaryIO) -> None:
    """Serialise the export in one of the RDF formats to ``fh``."""
    name = job.fmt.name
    quads = dataset_quads(job)
    if name in ("trig", "nq"):
        ox.serialize(quads, fh, OX_FORMATS[name], prefixes=PREFIXES if name == "trig" else None)
        return
    if name == "jsonld":
        expanded = json.loads(ox.serialize(distinct_triples(quads), format=ox.RdfFormat.JSON_LD) or b"[]")
        doc = {"@context": jsonld_context(), "@graph": compact(expanded)}
        fh.write(json.dumps(doc, ensure_ascii=False, indent=1).encode("utf-8"))
        return
    prefixes = PREFIXES if name in ("turtle", "rdfxml") else None
    ox.serialize(distinct_triples(quads), fh, OX_FORMATS[name], prefixes=prefixes)
