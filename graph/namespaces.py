"""Closed Python names for the integraph vocabulary and the standards it reuses.

``IG`` is a :class:`rdflib.namespace.DefinedNamespace` with ``_fail = True``,
so a misspelt term raises instead of silently minting a new IRI. The test
``tests/graph/test_ontology.py`` checks that every name here is defined in
``ontology/integraph.ttl`` and the other way round.

Examples:
    >>> str(IG.Actor)
    'https://w3id.org/integraph/ns#Actor'
    >>> IG.Actr
    Traceback (most recent call last):
    ...
    AttributeError: term 'Actr' not in namespace 'https://w3id.org/integraph/ns#'
"""

from __future__ import annotations

from rdflib import URIRef
from rdflib.namespace import DefinedNamespace, Namespace

NS = "https://w3id.org/integraph/ns#"
ONTOLOGY_IRI = "https://w3id.org/integraph/ns"
SHAPES_IRI = "https://w3id.org/integraph/shapes"
DEFAULT_BASE = "https://w3id.org/integraph/id/{dataset}"


class IG(DefinedNamespace):
    """The integraph vocabulary (``ontology/integraph.ttl``)."""

    _fail = True
    _NS = Namespace(NS)

    # classes
    Actor: URIRef
    PublicOffice: URIRef
    PublicBody: URIRef
    WelfareAssociation: URIRef
    Association: URIRef
    MigrantOrganisation: URIRef
    EducationProvider: URIRef
    ReligiousCommunity: URIRef
    Company: URIRef
    Committee: URIRef
    WorkingGroup: URIRef
    OtherActor: URIRef
    Project: URIRef
    Programme: URIRef
    ActionField: URIRef
    Goal: URIRef
    TargetGroup: URIRef
    District: URIRef
    Recommendation: URIRef
    Cooperation: URIRef
    Source: URIRef
    GoalContribution: URIRef

    # object properties
    worksOn: URIRef
    leads: URIRef
    partnerIn: URIRef
    pursues: URIRef
    fundedBy: URIRef
    cooperatesWith: URIRef
    targets: URIRef
    activeIn: URIRef
    addresses: URIRef
    implementedBy: URIRef
    partner: URIRef
    contributor: URIRef
    goal: URIRef

    # datatype and annotation properties
    cooperationKind: URIRef
    horizon: URIRef
    kind: URIRef
    municipality: URIRef
    role: URIRef
    status: URIRef
    fileName: URIRef
    sha256: URIRef
    rowCount: URIRef
    sector: URIRef


SCHEMA = Namespace("https://schema.org/")
CV = Namespace("http://data.europa.eu/m8g/")

#: Spreadsheet ``kind`` → class of the actor.
KIND_CLASS: dict[str, URIRef] = {
    "office": IG.PublicOffice,
    "public_body": IG.PublicBody,
    "welfare_association": IG.WelfareAssociation,
    "association": IG.Association,
    "migrant_organisation": IG.MigrantOrganisation,
    "education_provider": IG.EducationProvider,
    "religious_community": IG.ReligiousCommunity,
    "company": IG.Company,
    "committee": IG.Committee,
    "working_group": IG.WorkingGroup,
    "other": IG.OtherActor,
}

#: Spreadsheet ``kind`` → sector used in the network analysis (SPEC §6).
KIND_SECTOR: dict[str, str] = {
    "office": "public",
    "public_body": "public",
    "committee": "public",
    "welfare_association": "welfare",
    "association": "civil_society",
    "religious_community": "civil_society",
    "migrant_organisation": "migrant",
    "education_provider": "education",
    "company": "economy",
    "working_group": "venue",
    "other": "other",
}

HORIZONS = ("short", "medium", "long")

#: Prefixes every query may use without declaring them.
PREFIXES: dict[str, str] = {
    "ig": NS,
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "org": "http://www.w3.org/ns/org#",
    "prov": "http://www.w3.org/ns/prov#",
    "dct": "http://purl.org/dc/terms/",
    "dcat": "http://www.w3.org/ns/dcat#",
    "void": "http://rdfs.org/ns/void#",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "schema": "https://schema.org/",
    "cv": "http://data.europa.eu/m8g/",
}


def dataset_base(dataset: str, base: str | None = None) -> str:
    """The IRI prefix of a dataset's instances (SPEC §3).

    Examples:
        >>> dataset_base("wetzlar")
        'https://w3id.org/integraph/id/wetzlar'
        >>> dataset_base("x", "https://example.org/x/")
        'https://example.org/x'
    """
    return (base or DEFAULT_BASE.format(dataset=dataset)).rstrip("/")


def dataset_graph(base: str) -> str:
    """IRI of the named graph holding a dataset's public triples."""
    return f"{base}/graph"


def private_graph(base: str) -> str:
    """IRI of the named graph holding a dataset's personal data."""
    return f"{base}/graph/private"
