"""The Oxigraph SHACL engine against pySHACL, the reference: same violations, on crafted and mutated data.

Each case compares what both engines report about the same graph: focus
node, column (path), value and severity. Messages are compared only in
kind (both come from the shapes' ``sh:message``).
"""

from __future__ import annotations

import random
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib import Literal, URIRef
from rdflib.namespace import SKOS, XSD

from graph.importer import dataset_base
from graph.mapping import map_tables
from graph.ontology import to_rdflib
from graph.shacl_sparql import UnsupportedShape, compile_shapes
from graph.tables import read_tables
from graph.validation import compiled_shapes, validate_graph, validate_triples

from .test_ontology import IG, ORG, SCHEMA, B, valid_graph

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "testville"


def verdicts(g: rdflib.Graph, engine: str) -> list[tuple[str, str, str, str]]:
    return sorted((p.message.rsplit(" (", 1)[-1], p.column, p.value, p.severity)
                  for p in validate_graph(g, engine=engine))


def crafted() -> dict[str, rdflib.Graph]:
    cases = {"valid": valid_graph()}
    ident = URIRef("http://purl.org/dc/terms/identifier")
    edits = {
        "unknown kind": lambda g: g.set((B.a, IG.kind, Literal("club"))),
        "no label": lambda g: g.remove((B.m, SKOS.prefLabel, None)),
        "two German labels": lambda g: g.add((B.m, SKOS.prefLabel, Literal("x", lang="de"))),
        "no lead": lambda g: g.remove((B.a, IG.leads, B.p)),
        "two leads": lambda g: g.add((B.m, IG.leads, B.p)),
        "goal without field": lambda g: g.remove((B.g, SKOS.broader, B.f)),
        "broader not a field": lambda g: g.set((B.g, SKOS.broader, B.a)),
        "member of non-group": lambda g: g.set((B.ms, ORG.organization, B.m)),
        "one partner": lambda g: g.remove((B.c, IG.partner, B.m)),
        "bad horizon": lambda g: g.set((B.r, IG.horizon, Literal("soon"))),
        "impossible date": lambda g: g.set((B.p, SCHEMA.startDate, Literal("2015-02-30", datatype=XSD.date))),
        "date as plain string": lambda g: g.set((B.p, SCHEMA.startDate, Literal("2015"))),
        "unresolved goal": lambda g: g.add((B.a, IG.worksOn, B.nowhere)),
        "bad identifier": lambda g: g.set((B.a, ident, Literal("_bad id"))),
        "homepage as literal": lambda g: g.add((B.a, URIRef("http://xmlns.com/foaf/0.1/homepage"), Literal("x"))),
        "one-way cooperation": lambda g: g.remove((B.m, IG.cooperatesWith, B.a)),
        "kind and class disagree": lambda g: (g.remove((B.a, rdflib.RDF.type, IG.PublicOffice)),
                                              g.add((B.a, rdflib.RDF.type, IG.Company))),
        "end before start": lambda g: (g.set((B.p, SCHEMA.startDate, Literal("2015", datatype=XSD.gYear))),
                                       g.set((B.p, SCHEMA.endDate, Literal("2014-06-01", datatype=XSD.date)))),
        "end a day before start": lambda g: (
            g.set((B.p, SCHEMA.startDate, Literal("2015-05-01", datatype=XSD.date))),
            g.set((B.p, SCHEMA.endDate, Literal("2015-04-30", datatype=XSD.date)))),
    }
    for name, edit in edits.items():
        g = valid_graph()
        edit(g)
        cases[name] = g
    return cases


CRAFTED = crafted()


@pytest.mark.parametrize("name", list(CRAFTED))
def test_crafted_graphs_get_the_same_verdict_from_both_engines(name: str) -> None:
    ours = verdicts(CRAFTED[name], "oxigraph")
    assert ours == verdicts(CRAFTED[name], "pyshacl")
    assert (ours == []) == (name == "valid"), ours


def mapped_testville() -> list[ox.Triple]:
    tables = read_tables(FIXTURE)
    meta = {r.get("key", "").lower(): r.get("value", "") for r in tables.get("dataset").rows}
    mapped = map_tables(tables, dataset_base(meta["name"], meta.get("base") or None), meta["name"])
    return mapped.public + mapped.private


def mutate(triples: list[ox.Triple], rng: random.Random) -> list[ox.Triple]:
    """Drop, duplicate-with-another-object or retarget one to three triples."""
    out = list(triples)
    nodes = sorted({t.subject for t in triples if isinstance(t.subject, ox.NamedNode)}, key=str)
    literals = [ox.Literal("x"), ox.Literal("2015-13-01", datatype=ox.NamedNode(str(XSD.date))),
                ox.Literal("7", datatype=ox.NamedNode(str(XSD.integer))), ox.Literal("y", language="en"),
                ox.Literal("z", language="de")]
    for _ in range(rng.randint(1, 3)):
        i = rng.randrange(len(out))
        t = out[i]
        action = rng.choice(["drop", "retarget", "add"])
        obj = rng.choice(nodes) if rng.random() < 0.6 else rng.choice(literals)
        if action == "drop":
            del out[i]
        elif action == "retarget":
            out[i] = ox.Triple(t.subject, t.predicate, obj)
        else:
            out.append(ox.Triple(t.subject, t.predicate, obj))
    return out


def test_mutated_testville_gets_the_same_verdict_from_both_engines() -> None:
    base = mapped_testville()
    rejected = 0
    for seed in range(30):
        graph = to_rdflib(mutate(base, random.Random(seed)))
        ours = verdicts(graph, "oxigraph")
        assert ours == verdicts(graph, "pyshacl"), f"seed {seed}"
        rejected += bool(ours)
    assert rejected >= 20  # the mutations do break the data, so the comparison means something


def test_unmutated_testville_conforms() -> None:
    assert validate_triples(mapped_testville(), engine="oxigraph") == []


def test_every_check_of_the_shapes_is_valid_sparql() -> None:
    store = ox.Store()
    compiled = compiled_shapes()
    assert len(compiled.checks) > 100
    for check in compiled.checks:
        store.query(check.query)  # raises on a syntax error


@pytest.mark.parametrize("feature", ["sh:closed true", "sh:lessThan ex:q", "sh:node [ sh:property [ sh:path ex:q ] ]"])
def test_features_it_cannot_evaluate_are_refused_not_skipped(feature: str) -> None:
    shapes = rdflib.Graph().parse(data=f"""
        @prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <https://example.org/> .
        ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ex:p ; {feature} ] .
        """, format="turtle")
    with pytest.raises(UnsupportedShape):
        compile_shapes(shapes)


def test_unknown_engine_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INTEGRAPH_SHACL_ENGINE", "fast")
    with pytest.raises(ValueError, match="INTEGRAPH_SHACL_ENGINE='fast'"):
        validate_triples(mapped_testville())
