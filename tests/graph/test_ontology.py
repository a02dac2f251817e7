"""The ontology defines every SPEC §3 term, and the shapes reject crafted bad graphs."""

from __future__ import annotations

import rdflib
from rdflib import RDF, RDFS, Literal, Namespace, URIRef
from rdflib.namespace import OWL, SKOS

from graph.namespaces import IG, NS
from graph.ontology import ontology_graph
from graph.validation import validate_graph

SPEC_CLASSES = ["Actor", "PublicOffice", "PublicBody", "WelfareAssociation", "Association", "MigrantOrganisation", "EducationProvider", "ReligiousCommunity", "Company", "Committee", "WorkingGroup", "OtherActor", "Project", "Programme", "ActionField", "Goal", "TargetGroup", "District", "Recommendation", "Cooperation", "Source"]
SPEC_PROPERTIES = ["worksOn", "leads", "partnerIn", "pursues", "fundedBy", "cooperatesWith", "cooperationKind", "targets", "activeIn", "addresses", "implementedBy", "horizon"]
ORG = Namespace("http://www.w3.org/ns/org#")
B = Namespace("https://example.org/t/")
SCHEMA = Namespace("https://schema.org/")
PROV = Namespace("http://www.w3.org/ns/prov#")
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")


def defined_terms() -> set[str]:
    g = ontology_graph()
    return {str(s)[len(NS):] for s in g.subjects(RDFS.isDefinedBy, URIRef(NS.rstrip("#")))
            if str(s).startswith(NS)}


def test_every_spec_term_is_defined_with_labels_and_comment() -> None:
    g = ontology_graph()
    for name in SPEC_CLASSES + SPEC_PROPERTIES:
        term = URIRef(NS + name)
        assert (term, RDF.type, None) in g, name
        langs = {lbl.language for lbl in g.objects(term, RDFS.label)}
        assert {"de", "en"} <= langs, name
        assert g.value(term, RDFS.comment) is not None, name


def test_python_namespace_matches_ontology() -> None:
    in_code = {name for name in IG.__annotations__ if not name.startswith("_")}
    assert in_code == defined_terms()


def test_alignment_to_standards() -> None:
    g = ontology_graph()
    assert (IG.Actor, RDFS.subClassOf, ORG.Organization) in g
    assert (IG.Project, RDFS.subClassOf, ORG.OrganizationalCollaboration) in g
    assert (IG.WorkingGroup, RDFS.subClassOf, ORG.OrganizationalCollaboration) in g
    assert (IG.Goal, RDFS.subClassOf, SKOS.Concept) in g
    assert (IG.District, RDFS.subClassOf, URIRef("http://data.europa.eu/m8g/AdminUnit")) in g
    assert (IG.cooperatesWith, RDF.type, OWL.SymmetricProperty) in g
    for cls in SPEC_CLASSES[1:12]:
        assert (URIRef(NS + cls), RDFS.subClassOf, IG.Actor) in g, cls


def valid_graph() -> rdflib.Graph:
    """A minimal dataset graph as the importer would write it."""
    g = rdflib.Graph()
    de = "de"
    g.add((B.f, RDF.type, IG.ActionField))
    g.add((B.f, SKOS.prefLabel, Literal("Feld", lang=de)))
    g.add((B.g, RDF.type, IG.Goal))
    g.add((B.g, SKOS.prefLabel, Literal("Ziel", lang=de)))
    g.add((B.g, SKOS.broader, B.f))
    g.add((B.src, RDF.type, IG.Source))
    g.add((B.src, URIRef("http://purl.org/dc/terms/title"), Literal("Quelle")))
    for a, kind, cls in (("a", "office", IG.PublicOffice), ("m", "migrant_organisation", IG.MigrantOrganisation),
                         ("wg", "working_group", IG.WorkingGroup)):
        g.add((B[a], RDF.type, cls))
        g.add((B[a], IG.kind, Literal(kind)))
        g.add((B[a], SKOS.prefLabel, Literal(a.upper(), lang=de)))
        g.add((B[a], URIRef("http://purl.org/dc/terms/identifier"), Literal(a)))
        g.add((B[a], PROV.wasDerivedFrom, B.src))
    g.add((B.a, IG.worksOn, B.g))
    g.add((B.gc, RDF.type, IG.GoalContribution))
    g.add((B.gc, IG.contributor, B.a))
    g.add((B.gc, IG.goal, B.g))
    g.add((B.p, RDF.type, IG.Project))
    g.add((B.p, SKOS.prefLabel, Literal("Projekt", lang=de)))
    g.add((B.a, IG.leads, B.p))
    g.add((B.m, IG.partnerIn, B.p))
    g.add((B.p, SCHEMA.startDate, Literal("2014", datatype=XSD.gYear)))
    g.add((B.p, SCHEMA.endDate, Literal("2014", datatype=XSD.gYear)))
    g.add((B.ms, RDF.type, ORG.Membership))
    g.add((B.ms, ORG.member, B.m))
    g.add((B.ms, ORG.organization, B.wg))
    g.add((B.c, RDF.type, IG.Cooperation))
    g.add((B.c, IG.partner, B.a))
    g.add((B.c, IG.partner, B.m))
    g.add((B.r, RDF.type, IG.Recommendation))
    g.add((B.r, SKOS.prefLabel, Literal("Empfehlung", lang=de)))
    g.add((B.r, IG.addresses, B.g))
    g.add((B.r, IG.horizon, Literal("short")))
    ident = URIRef("http://purl.org/dc/terms/identifier")
    for node, value in ((B.p, "p"), (B.r, "r")):
        g.add((node, ident, Literal(value)))
    for node, value in ((B.f, "f"), (B.g, "g")):
        g.add((node, SKOS.notation, Literal(value)))
    g.add((B.m, ORG.memberOf, B.wg))
    g.add((B.a, IG.cooperatesWith, B.m))
    g.add((B.m, IG.cooperatesWith, B.a))
    return g


def violations(g: rdflib.Graph) -> list[str]:
    return [p.message for p in validate_graph(g) if p.severity == "error"]


def test_valid_graph_conforms() -> None:
    assert violations(valid_graph()) == []


def test_crafted_bad_graphs_are_rejected() -> None:
    cases = {}

    g = valid_graph(); g.set((B.a, IG.kind, Literal("club"))); cases["unknown kind"] = g
    g = valid_graph(); g.remove((B.m, SKOS.prefLabel, None)); cases["no label"] = g
    g = valid_graph(); g.remove((B.a, IG.leads, B.p)); cases["no lead"] = g
    g = valid_graph(); g.add((B.m, IG.leads, B.p)); cases["two leads"] = g
    g = valid_graph(); g.remove((B.g, SKOS.broader, B.f)); cases["goal without field"] = g
    g = valid_graph(); g.set((B.g, SKOS.broader, B.a)); cases["broader not a field"] = g
    g = valid_graph(); g.set((B.ms, ORG.organization, B.m)); cases["member of non-group"] = g
    g = valid_graph(); g.remove((B.c, IG.partner, B.m)); cases["one partner"] = g
    g = valid_graph(); g.set((B.r, IG.horizon, Literal("soon"))); cases["bad horizon"] = g
    g = valid_graph(); g.set((B.p, SCHEMA.startDate, Literal("2015", datatype=XSD.gYear)))
    g.set((B.p, SCHEMA.endDate, Literal("2014-06-01", datatype=XSD.date))); cases["end before start"] = g
    g = valid_graph(); g.set((B.p, SCHEMA.startDate, Literal("2015-05-01", datatype=XSD.date)))
    g.set((B.p, SCHEMA.endDate, Literal("2015-04-30", datatype=XSD.date))); cases["end day before start"] = g
    g = valid_graph(); g.add((B.a, IG.worksOn, B.nowhere)); cases["unresolved goal"] = g
    for name, graph in cases.items():
        assert violations(graph), f"{name} was accepted"
