"""SHACL validation of mapped triples, reported in spreadsheet terms.

Two engines evaluate the same ``ontology/shapes.ttl``:

* ``oxigraph`` (the default): :mod:`graph.shacl_sparql` compiles every
  constraint into one SPARQL query over all focus nodes and runs them on an
  in-memory pyoxigraph store holding the data and the ontology. It is the
  one that scales (see ``benchmarks/results.md``).
* ``pyshacl``: the reference implementation, with the ontology as its
  ontology graph (no RDFS pre-inference: SHACL's instance semantics already
  follow ``rdfs:subClassOf``) and ``advanced=True`` for the SPARQL-based
  targets. A differential test holds the two engines to the same verdicts.

Choose with ``engine=`` or ``INTEGRAPH_SHACL_ENGINE``. Each violation is
turned into a :class:`~graph.errors.Problem` located at the file and row the
focus node came from.

Validation is a pure function of the triples and the shapes, and it is the
slowest step of an import, so the last few verdicts are remembered by a
digest of their N-Triples (re-imports and restores of unchanged data skip
the work).
"""

from __future__ import annotations

import hashlib
import os
from collections import OrderedDict
from collections.abc import Iterable, Mapping
from dataclasses import replace
from functools import lru_cache

import pyoxigraph as ox
import rdflib
from rdflib.namespace import SH

from . import shacl_sparql
from .errors import Problem
from .ntriples import TripleBuffer
from .ontology import ONTOLOGY_FILE, SHAPES_FILE, ontology_graph, ontology_triples, shapes_graph

ENGINES = ("oxigraph", "pyshacl")


def default_engine() -> str:
    """``INTEGRAPH_SHACL_ENGINE`` if set, else ``oxigraph``."""
    engine = os.environ.get("INTEGRAPH_SHACL_ENGINE", "oxigraph").strip().lower() or "oxigraph"
    if engine not in ENGINES:
        raise ValueError(f"INTEGRAPH_SHACL_ENGINE={engine!r}: expected one of {', '.join(ENGINES)}")
    return engine


@lru_cache(maxsize=1)
def compiled_shapes() -> shacl_sparql.CompiledShapes:
    """The shapes compiled to SPARQL once per process."""
    return shacl_sparql.compile_shapes(shapes_graph())


#: A problem and the focus node it is about (the node locates it in the input files).
Found = list[tuple[str, Problem]]


def validate_graph(
    data: rdflib.Graph, origin: Mapping[str, tuple[str, int]] | None = None, *, engine: str | None = None
) -> list[Problem]:
    """Problems SHACL finds in ``data`` (empty when it conforms)."""
    if (engine or default_engine()) == "pyshacl":
        return _locate(_pyshacl(data), origin or {})
    return _locate(_oxigraph(data.serialize(format="nt", encoding="utf-8")), origin or {})


def _pyshacl(data: rdflib.Graph) -> Found:
    """pySHACL's verdict on ``data``."""
    from pyshacl import validate

    conforms, report, _ = validate(
        data,
        shacl_graph=shapes_graph(),
        ont_graph=ontology_graph(),
        inference="none",
        advanced=True,
        allow_warnings=True,
    )
    return [] if conforms else report_entries(report)


def _oxigraph(data: TripleBuffer | bytes) -> Found:
    """The Oxigraph engine's verdict on ``data`` (triples or N-Triples)."""
    found = shacl_sparql.violations(compiled_shapes(), data, ontology_triples())
    return [(v.focus, Problem(f"{v.message} ({_short(v.focus)})", column=_short(v.path) if v.path else "",
                              value=v.value or "", code="shape",
                              severity="error" if v.severity == "Violation" else "warning"))
            for v in found]


_VERDICTS: OrderedDict[str, Found] = OrderedDict()
_REMEMBERED = 8


def validate_triples(
    triples: Iterable[ox.Triple], origin: Mapping[str, tuple[str, int]] | None = None, *,
    engine: str | None = None,
) -> list[Problem]:
    """:func:`validate_graph` for pyoxigraph triples (unchanged data is not validated twice).

    Hand over a :class:`~graph.ntriples.TripleBuffer` for large data: it is digested and
    loaded as it is, never copied.
    """
    engine = engine or default_engine()
    data = TripleBuffer.of(triples)
    hasher = hashlib.sha256()
    data.digest(hasher)
    hasher.update(SHAPES_DIGEST() + engine.encode())
    key = hasher.hexdigest()
    if key in _VERDICTS:
        _VERDICTS.move_to_end(key)
        return _locate(_VERDICTS[key], origin or {})
    if engine == "pyshacl":
        graph = rdflib.Graph()
        if data:
            graph.parse(data=data.to_bytes().decode("utf-8"), format="nt")
        found = _pyshacl(graph)
    else:
        found = _oxigraph(data)
    _VERDICTS[key] = found
    if len(_VERDICTS) > _REMEMBERED:
        _VERDICTS.popitem(last=False)
    return _locate(found, origin or {})


def _locate(found: Found, origin: Mapping[str, tuple[str, int]]) -> list[Problem]:
    """The problems placed at the file and row their focus node came from, sorted by location."""
    problems = []
    for focus, problem in found:
        file, line = origin.get(focus, ("", None))
        if not file and "#" in focus:
            file, line = origin.get(focus.split("#", 1)[0], ("", None))
        problems.append(replace(problem, file=file, row=line))
    problems.sort(key=lambda p: (p.file, p.row or 0, p.column, p.message))
    return problems


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


def report_entries(report: rdflib.Graph) -> Found:
    """One (focus node, Problem) per ``sh:ValidationResult`` of a pySHACL report."""
    found = []
    for result in report.subjects(rdflib.RDF.type, SH.ValidationResult):
        focus = report.value(result, SH.focusNode)
        path = report.value(result, SH.resultPath)
        value = report.value(result, SH.value)
        messages = list(report.objects(result, SH.resultMessage))
        message = next((m for m in messages if getattr(m, "language", None) == "en"),
                       messages[0] if messages else None)
        severity = report.value(result, SH.resultSeverity)
        found.append((str(focus), Problem(
            f"{message or 'shape violated'} ({_short(focus)})",
            column=_short(path) if path is not None and not isinstance(path, rdflib.BNode) else "",
            value="" if value is None else str(value),
            severity="warning" if severity in (SH.Warning, SH.Info) else "error",
            code="shape",
        )))
    return found
