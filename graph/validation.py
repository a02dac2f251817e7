"""SHACL validation of mapped triples, reported in spreadsheet terms.

pySHACL runs with the ontology mixed in as its ontology graph (no RDFS
pre-inference: SHACL's instance semantics already follow ``rdfs:subClassOf``),
so a shape that targets ``ig:Actor`` reaches every subclass, and with
``advanced=True`` for the SPARQL-based targets of the shapes. Each violation
is turned into a :class:`~graph.errors.Problem` located at the file and row
the focus node came from.

Validation is a pure function of the triples and the shapes, and it is the
slowest step of an import, so the last few verdicts are remembered by a
digest of their N-Triples (re-imports and restores of unchanged data skip
the work).
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Mapping
from functools import lru_cache

import pyoxigraph as ox
import rdflib
from rdflib.namespace import SH

from .errors import Problem
from .ontology import ONTOLOGY_FILE, SHAPES_FILE, ontology_graph, shapes_graph


def validate_graph(
    data: rdflib.Graph, origin: Mapping[str, tuple[str, int]] | None = None
) -> list[Problem]:
    """Problems SHACL finds in ``data`` (empty when it conforms)."""
    report = _report(data)
    return [] if report is None else list(report_problems(report, origin or {}))


def _report(data: rdflib.Graph) -> rdflib.Graph | None:
    """pySHACL's report graph, or None when the data conforms."""
    from pyshacl import validate

    conforms, report, _ = validate(
        data,
        shacl_graph=shapes_graph(),
        ont_graph=ontology_graph(),
        inference="none",
        advanced=True,
        allow_warnings=True,
    )
    return None if conforms else report


_VERDICTS: OrderedDict[str, rdflib.Graph | None] = OrderedDict()
_REMEMBERED = 8


def validate_triples(
    triples: list[ox.Triple], origin: Mapping[str, tuple[str, int]] | None = None
) -> list[Problem]:
    """:func:`validate_graph` for pyoxigraph triples (unchanged data is not validated twice)."""
    data = (ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) if triples else None) or b""
    key = hashlib.sha256(data + SHAPES_DIGEST()).hexdigest()
    if key in _VERDICTS:
        _VERDICTS.move_to_end(key)
        report = _VERDICTS[key]
        return [] if report is None else list(report_problems(report, origin or {}))
    graph = rdflib.Graph()
    if data:
        graph.parse(data=data.decode("utf-8"), format="nt")
    report = _report(graph)
    _VERDICTS[key] = report
    if len(_VERDICTS) > _REMEMBERED:
        _VERDICTS.popitem(last=False)
    return [] if report is None else list(report_problems(report, origin or {}))


def SHAPES_DIGEST() -> bytes:
    """Digest of the shapes and ontology files, so edited shapes are never served stale verdicts."""
    return _digest()


@lru_cache(maxsize=1)
def _digest() -> bytes:
    return hashlib.sha256(SHAPES_FILE.read_bytes() + ONTOLOGY_FILE.read_bytes()).digest()


def _short(term: object) -> str:
    text = str(term)
    for sep in ("#", "/"):
        if sep in text:
            text = text.rsplit(sep, 1)[-1]
    return text


def report_problems(report: rdflib.Graph, origin: Mapping[str, tuple[str, int]]):  # type: ignore[no-untyped-def]
    """One Problem per ``sh:ValidationResult``, sorted by location."""
    problems = []
    for result in report.subjects(rdflib.RDF.type, SH.ValidationResult):
        focus = report.value(result, SH.focusNode)
        path = report.value(result, SH.resultPath)
        value = report.value(result, SH.value)
        messages = list(report.objects(result, SH.resultMessage))
        message = next((m for m in messages if getattr(m, "language", None) == "en"),
                       messages[0] if messages else None)
        severity = report.value(result, SH.resultSeverity)
        file, line = origin.get(str(focus), ("", None))
        if not file and focus is not None and "#" in str(focus):
            file, line = origin.get(str(focus).split("#", 1)[0], ("", None))
        problems.append(
            Problem(
                f"{message or 'shape violated'} ({_short(focus)})",
                file=file,
                row=line,
                column=_short(path) if path is not None and not isinstance(path, rdflib.BNode) else "",
                value="" if value is None else str(value),
                severity="warning" if severity in (SH.Warning, SH.Info) else "error",
                code="shape",
            )
        )
    problems.sort(key=lambda p: (p.file, p.row or 0, p.column, p.message))
    return problems
