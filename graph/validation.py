"""SHACL validation of mapped triples, reported in spreadsheet terms.

pySHACL runs with the ontology as its ontology graph and RDFS inference, so
a shape that targets ``ig:Actor`` reaches every subclass. Each violation is
turned into a :class:`~graph.errors.Problem` located at the file and row the
focus node came from.
"""

from __future__ import annotations

from collections.abc import Mapping

import pyoxigraph as ox
import rdflib
from rdflib.namespace import SH

from .errors import Problem
from .ontology import ontology_graph, shapes_graph, to_rdflib


def validate_graph(
    data: rdflib.Graph, origin: Mapping[str, tuple[str, int]] | None = None
) -> list[Problem]:
    """Problems SHACL finds in ``data`` (empty when it conforms)."""
    from pyshacl import validate

    conforms, report, _ = validate(
        data,
        shacl_graph=shapes_graph(),
        ont_graph=ontology_graph(),
        inference="none",
        advanced=True,
        allow_warnings=True,
    )
    if conforms:
        return []
    return list(report_problems(report, origin or {}))


def validate_triples(
    triples: list[ox.Triple], origin: Mapping[str, tuple[str, int]] | None = None
) -> list[Problem]:
    """:func:`validate_graph` for pyoxigraph triples."""
    return validate_graph(to_rdflib(triples), origin)


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
