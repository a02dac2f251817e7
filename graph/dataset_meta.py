"""The DCAT/VoID description that travels with every RDF export.

A researcher who finds a Turtle file on a disk must be able to tell what it
is without asking: whose data, which municipality, under which licence, for
which years, how big, which classes, where to query it live, whether personal
data is in it, and which shapes it conforms to. The importer already states
title, municipality, licence, description and ``dct:modified`` on the dataset
node (``docs/model.md``); this module adds the rest:

- ``dct:publisher``: the dataset's own publisher, else the municipality as a
  ``foaf:Agent``;
- ``dct:temporal``: a ``dct:PeriodOfTime`` from the earliest to the latest
  date of any project, programme, membership or cooperation (a ``YYYY`` start
  counts from 1 January, a ``YYYY`` end until 31 December);
- ``void:triples``, ``void:entities`` and one ``void:classPartition`` per class;
- ``void:sparqlEndpoint``, ``void:uriSpace``, ``void:vocabulary``;
- ``dct:accessRights``: the EU access-right authority's PUBLIC, or RESTRICTED
  when the export includes the private graph;
- ``dct:conformsTo`` the integraph SHACL shapes.

Examples:
    >>> period([("start", "2014"), ("end", "2016-06-30"), ("end", "2019")])
    ('2014-01-01', '2019-12-31')
    >>> period([])
    (None, None)
"""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox

from . import queries
from .mapping import DCAT, DCT, FOAF, RDF_TYPE, VOID, XSD
from .namespaces import NS, PREFIXES, SHAPES_IRI
from .store import Store

ACCESS_RIGHTS = "http://publications.europa.eu/resource/authority/access-right/"
PUBLIC = ACCESS_RIGHTS + "PUBLIC"
RESTRICTED = ACCESS_RIGHTS + "RESTRICTED"
SCHEMA_START = "https://schema.org/startDate"


def _n(value: str) -> ox.NamedNode:
    return ox.NamedNode(value)


def _int(value: int) -> ox.Literal:
    return ox.Literal(str(value), datatype=_n(XSD + "integer"))


def _date(value: str) -> ox.Literal:
    return ox.Literal(value, datatype=_n(XSD + "date"))


def period(dates: Iterable[tuple[str, str]]) -> tuple[str | None, str | None]:
    """Earliest and latest day of ``(start|end, YYYY or YYYY-MM-DD)`` pairs."""
    days = []
    for which, value in dates:
        value = value.strip()
        if len(value) == 4 and value.isdigit():
            value = f"{value}-01-01" if which == "start" else f"{value}-12-31"
        if len(value) >= 10:
            days.append(value[:10])
    if not days:
        return None, None
    return min(days), max(days)


def class_key(cls: str) -> str:
    """A readable, unique fragment for a class partition node.

    Examples:
        >>> class_key("https://w3id.org/integraph/ns#Actor"), class_key("http://www.w3.org/ns/org#Membership")
        ('ig-Actor', 'org-Membership')
    """
    for prefix, ns in sorted(PREFIXES.items(), key=lambda kv: -len(kv[1])):
        if cls.startswith(ns) and cls[len(ns):].isidentifier():
            return f"{prefix}-{cls[len(ns):]}"
    import hashlib

    return "c-" + hashlib.sha1(cls.encode()).hexdigest()[:12]


def describe(store: Store, *, base: str, graphs: list[str], municipality: str = "",
             include_private: bool = False, endpoint: str,
             triples: int | None = None) -> list[ox.Triple]:
    """The DCAT/VoID triples about the dataset ``base`` as exported from ``graphs``.

    ``graphs`` are the dataset's graphs in the export (its public graph, and
    its private graph when included); counts and dates are taken over them.
    ``triples`` overrides the triple count (an export that rewrites triples
    knows its own number).
    """
    ds = _n(base)
    out: list[ox.Triple] = []

    def add(s: ox.NamedNode, p: str, o: ox.NamedNode | ox.Literal) -> None:
        out.append(ox.Triple(s, _n(p), o))

    public = graphs[0]
    # publisher: the dataset's own, else the municipality
    named = queries.run(store, "export_publisher", graph=queries.node(public), dataset=ds)
    if not named and municipality:
        agent = _n(f"{base}#publisher")
        add(ds, DCT + "publisher", agent)
        add(agent, RDF_TYPE.value, _n(FOAF + "Agent"))
        add(agent, FOAF + "name", ox.Literal(municipality))
        add(agent, DCT + "spatial", ox.Literal(municipality))
    # temporal coverage
    dates = []
    for g in graphs:
        rows = queries.run(store, "export_dates", include_private=include_private, graph=queries.node(g))
        for row in rows:
            dates.append(("start" if row["p"] == SCHEMA_START else "end", str(row["date"])))
    start, end = period(dates)
    if start and end:
        when = _n(f"{base}#temporal")
        add(ds, DCT + "temporal", when)
        add(when, RDF_TYPE.value, _n(DCT + "PeriodOfTime"))
        add(when, DCAT + "startDate", _date(start))
        add(when, DCAT + "endDate", _date(end))
    # size and class partitions
    if triples is None:
        triples = sum(store.count(g) for g in graphs)
    add(ds, VOID + "triples", _int(triples))
    counts: dict[str, int] = {}
    for g in graphs:
        rows = queries.run(store, "export_classes", include_private=include_private, graph=queries.node(g))
        for row in rows:
            counts[row["class"]] = counts.get(row["class"], 0) + int(row["n"])
    add(ds, VOID + "classes", _int(len(counts)))
    for cls, n in sorted(counts.items()):
        part = _n(f"{base}#class-{class_key(cls)}")
        add(ds, VOID + "classPartition", part)
        add(part, VOID + "class", _n(cls))
        add(part, VOID + "entities", _int(n))
    # access, endpoint, conformance
    add(ds, VOID + "sparqlEndpoint", _n(endpoint))
    add(ds, VOID + "uriSpace", ox.Literal(base + "/"))
    add(ds, VOID + "vocabulary", _n(NS))
    add(ds, DCT + "accessRights", _n(RESTRICTED if include_private else PUBLIC))
    add(ds, DCT + "conformsTo", _n(SHAPES_IRI))
    return out
