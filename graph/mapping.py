"""Rows to RDF: the mapping of ``docs/model.md``, as N-Triples (:class:`~graph.ntriples.TripleBuffer`).

The mapping is pure (tables in, triples out) so that the importer can
validate, diff and store the result in separate steps. It also returns an
index from each subject IRI to the file and row it came from, so that SHACL
results can be reported in spreadsheet terms.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field

import pyoxigraph as ox

from .checks import DAY, YEAR, is_url
from .namespaces import CV, IG, KIND_CLASS, SCHEMA
from .ntriples import TripleBuffer
from .tables import SOURCE_COLUMN, Tables, split_multi

RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
XSD = "http://www.w3.org/2001/XMLSchema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
ORG = "http://www.w3.org/ns/org#"
DCT = "http://purl.org/dc/terms/"
PROV = "http://www.w3.org/ns/prov#"
FOAF = "http://xmlns.com/foaf/0.1/"
DCAT = "http://www.w3.org/ns/dcat#"
VOID = "http://rdfs.org/ns/void#"


def iri(value: object) -> ox.NamedNode:
    """A pyoxigraph IRI from an rdflib term, a pyoxigraph IRI or a string."""
    if isinstance(value, ox.NamedNode):
        return value
    return ox.NamedNode(str(value))


P = {
    "label": iri(SKOS + "prefLabel"),
    "notation": iri(SKOS + "notation"),
    "definition": iri(SKOS + "definition"),
    "broader": iri(SKOS + "broader"),
    "title": iri(DCT + "title"),
    "identifier": iri(DCT + "identifier"),
    "description": iri(DCT + "description"),
    "license": iri(DCT + "license"),
    "date": iri(DCT + "date"),
    "derived": iri(PROV + "wasDerivedFrom"),
    "homepage": iri(FOAF + "homepage"),
    "sub_org": iri(ORG + "subOrganizationOf"),
    "unit_of": iri(ORG + "unitOf"),
    "member": iri(ORG + "member"),
    "organization": iri(ORG + "organization"),
    "member_of": iri(ORG + "memberOf"),
    "url": iri(SCHEMA.url),
    "funder": iri(SCHEMA.funder),
    "start": iri(SCHEMA.startDate),
    "end": iri(SCHEMA.endDate),
    "name": iri(SCHEMA.name),
    "email": iri(SCHEMA.email),
    "telephone": iri(SCHEMA.telephone),
    "contact_point": iri(CV.contactPoint),
}
C = {
    "dataset": iri(DCAT + "Dataset"),
    "void": iri(VOID + "Dataset"),
    "membership": iri(ORG + "Membership"),
    "contact": iri(CV.ContactPoint),
}


def text(value: str, lang: str | None = None) -> ox.Literal:
    """A string literal, language-tagged when ``lang`` is given."""
    return ox.Literal(value, language=lang) if lang else ox.Literal(value)


def date_literal(value: str) -> ox.Literal:
    """``YYYY`` → ``xsd:gYear``, ``YYYY-MM-DD`` → ``xsd:date``.

    Examples:
        >>> date_literal("2014").datatype.value
        'http://www.w3.org/2001/XMLSchema#gYear'
    """
    if YEAR.match(value):
        return ox.Literal(value, datatype=ox.NamedNode(XSD + "gYear"))
    if DAY.match(value):
        return ox.Literal(value, datatype=ox.NamedNode(XSD + "date"))
    return ox.Literal(value)


def url_source_id(url: str) -> str:
    """Id of the source minted for a URL given directly in a ``source`` cell.

    Examples:
        >>> url_source_id("https://example.org/")
        'url-166d9d911dbb'
    """
    return "url-" + hashlib.sha1(url.encode()).hexdigest()[:12]


@dataclass
class Mapped:
    """The triples of one dataset, split by graph, with row locations."""

    base: str
    public: TripleBuffer = field(default_factory=TripleBuffer)
    private: TripleBuffer = field(default_factory=TripleBuffer)
    #: subject IRI → (file, line)
    origin: dict[str, tuple[str, int]] = field(default_factory=dict)


class Mapper:
    """Builds :class:`Mapped` from checked tables (references are assumed to resolve)."""

    def __init__(self, tables: Tables, base: str, name: str | None = None) -> None:
        self.t = tables
        self.base = base
        self.name = name
        self.out = Mapped(base=base)
        self.url_sources: dict[str, str] = {}
        self.source_ids = set(tables.get("sources").rows_by_id())

    def node(self, kind: str, ident: str) -> ox.NamedNode:
        return ox.NamedNode(f"{self.base}/{kind}/{ident}")

    def add(self, s: ox.NamedNode, p: ox.NamedNode, o: ox.NamedNode | ox.Literal) -> None:
        self.out.public.add(s, p, o)

    def typed(self, s: ox.NamedNode, cls: object, file: str, line: int) -> None:
        self.add(s, RDF_TYPE, iri(cls))
        self.out.origin.setdefault(s.value, (file, line))

    def labels(self, s: ox.NamedNode, row: dict[str, str], de: str, en: str | None) -> None:
        if row.get(de):
            self.add(s, P["label"], text(row[de], "de"))
        if en and row.get(en):
            self.add(s, P["label"], text(row[en], "en"))

    def many(self, s: ox.NamedNode, p: ox.NamedNode, cell: str, kind: str) -> None:
        for value in split_multi(cell):
            self.add(s, p, self.node(kind, value))

    def period(self, s: ox.NamedNode, row: dict[str, str]) -> None:
        if row.get("start"):
            self.add(s, P["start"], date_literal(row["start"]))
        if row.get("end"):
            self.add(s, P["end"], date_literal(row["end"]))

    def sources(self, s: ox.NamedNode, row: dict[str, str]) -> None:
        for value in split_multi(row.get(SOURCE_COLUMN, "")):
            if is_url(value) and value not in self.source_ids:
                sid = self.url_sources.setdefault(value, url_source_id(value))
            else:
                sid = value
            self.add(s, P["derived"], self.node("source", sid))

    def description(self, s: ox.NamedNode, row: dict[str, str], pred: str = "description") -> None:
        if row.get("description"):
            self.add(s, P[pred], text(row["description"], "de"))

    def run(self) -> Mapped:
        t = self.t
        self.dataset()
        for line, row in t.get("sources").located():
            s = self.node("source", row["id"])
            self.typed(s, IG.Source, t.get("sources").file, line)
            self.add(s, P["title"], text(row["title"]))
            if row.get("date"):
                self.add(s, P["date"], date_literal(row["date"]))
            if row.get("url"):
                self.add(s, P["url"], ox.NamedNode(row["url"]))
        self.concepts("action_fields", "field", IG.ActionField)
        self.concepts("goals", "goal", IG.Goal)
        for row in t.get("goals").rows:
            s = self.node("goal", row["id"])
            self.add(s, P["broader"], self.node("field", row["action_field"]))
        self.concepts("target_groups", "target-group", IG.TargetGroup)
        self.concepts("districts", "district", IG.District)
        self.actors()
        self.programmes()
        self.projects()
        self.actor_goals()
        self.memberships()
        self.cooperations()
        self.recommendations()
        self.contacts()
        for url, sid in self.url_sources.items():
            s = self.node("source", sid)
            self.add(s, RDF_TYPE, iri(IG.Source))
            self.add(s, P["title"], text(url))
            self.add(s, P["url"], ox.NamedNode(url))
        return self.out

    def dataset(self) -> None:
        s = ox.NamedNode(self.base)
        values = {r.get("key", "").lower(): r.get("value", "") for r in self.t.get("dataset").rows}
        self.add(s, RDF_TYPE, C["dataset"])
        self.add(s, RDF_TYPE, C["void"])
        name = self.name or values.get("name")
        if name:
            self.add(s, P["title"], text(name, "de"))
            self.add(s, P["identifier"], text(name))
        if values.get("municipality"):
            self.add(s, iri(IG.municipality), text(values["municipality"]))
        lic = values.get("license", "")
        if lic:
            self.add(s, P["license"], ox.NamedNode(lic) if is_url(lic) else text(lic))
        if values.get("description"):
            self.add(s, P["description"], text(values["description"], "de"))

    def concepts(self, table: str, kind: str, cls: object) -> None:
        tb = self.t.get(table)
        for line, row in tb.located():
            s = self.node(kind, row["id"])
            self.typed(s, cls, tb.file, line)
            self.add(s, P["notation"], text(row["id"]))
            self.labels(s, row, "label_de", "label_en")
            self.description(s, row, "definition")
            self.sources(s, row)

    def actors(self) -> None:
        tb = self.t.get("actors")
        for line, row in tb.located():
            s = self.node("actor", row["id"])
            self.typed(s, KIND_CLASS[row["kind"]], tb.file, line)
            self.add(s, iri(IG.kind), text(row["kind"]))
            self.add(s, P["label"], text(row["name"], "de"))
            self.add(s, P["identifier"], text(row["id"]))
            if row.get("parent"):
                parent = self.node("actor", row["parent"])
                self.add(s, P["sub_org"], parent)
                self.add(s, P["unit_of"], parent)
            self.many(s, iri(IG.activeIn), row.get("districts", ""), "district")
            self.many(s, iri(IG.targets), row.get("target_groups", ""), "target-group")
            if row.get("website"):
                self.add(s, P["homepage"], ox.NamedNode(row["website"]))
            self.description(s, row)
            self.sources(s, row)

    def programmes(self) -> None:
        tb = self.t.get("programmes")
        for line, row in tb.located():
            s = self.node("programme", row["id"])
            self.typed(s, IG.Programme, tb.file, line)
            self.add(s, P["label"], text(row["name"], "de"))
            self.add(s, P["identifier"], text(row["id"]))
            if row.get("funder"):
                self.add(s, P["funder"], self.node("actor", row["funder"]))
            self.period(s, row)
            self.sources(s, row)

    def projects(self) -> None:
        tb = self.t.get("projects")
        programmes = self.t.get("programmes").rows_by_id()
        for line, row in tb.located():
            s = self.node("project", row["id"])
            self.typed(s, IG.Project, tb.file, line)
            self.add(s, P["label"], text(row["name"], "de"))
            self.add(s, P["identifier"], text(row["id"]))
            self.add(self.node("actor", row["lead"]), iri(IG.leads), s)
            for partner in split_multi(row.get("partners", "")):
                if partner != row["lead"]:
                    self.add(self.node("actor", partner), iri(IG.partnerIn), s)
            self.many(s, iri(IG.pursues), row.get("goals", ""), "goal")
            for funder in split_multi(row.get("funded_by", "")):
                kind = "programme" if funder in programmes else "actor"
                self.add(s, iri(IG.fundedBy), self.node(kind, funder))
            self.period(s, row)
            self.many(s, iri(IG.activeIn), row.get("districts", ""), "district")
            self.many(s, iri(IG.targets), row.get("target_groups", ""), "target-group")
            self.description(s, row)
            self.sources(s, row)

    def actor_goals(self) -> None:
        tb = self.t.get("actor_goals")
        for line, row in tb.located():
            actor, goal = self.node("actor", row["actor"]), self.node("goal", row["goal"])
            self.add(actor, iri(IG.worksOn), goal)
            s = ox.NamedNode(f"{actor.value}#goal-{row['goal']}")
            self.typed(s, IG.GoalContribution, tb.file, line)
            self.add(s, iri(IG.contributor), actor)
            self.add(s, iri(IG.goal), goal)
            self.sources(s, row)

    def numbered(self, kind: str, key: str, counts: dict[str, int]) -> ox.NamedNode:
        counts[key] += 1
        suffix = "" if counts[key] == 1 else f"-{counts[key]}"
        return self.node(kind, f"{key}{suffix}")

    def memberships(self) -> None:
        tb = self.t.get("memberships")
        counts: dict[str, int] = defaultdict(int)
        for line, row in tb.located():
            actor, group = self.node("actor", row["actor"]), self.node("actor", row["group"])
            s = self.numbered("membership", f"{row['actor']}--{row['group']}", counts)
            self.typed(s, C["membership"], tb.file, line)
            self.add(s, P["member"], actor)
            self.add(s, P["organization"], group)
            if row.get("role"):
                self.add(s, iri(IG.role), text(row["role"]))
            self.period(s, row)
            self.add(actor, P["member_of"], group)
            self.sources(s, row)

    def cooperations(self) -> None:
        tb = self.t.get("cooperations")
        counts: dict[str, int] = defaultdict(int)
        for line, row in tb.located():
            lo, hi = sorted((row["actor_a"], row["actor_b"]))
            a, b = self.node("actor", lo), self.node("actor", hi)
            s = self.numbered("cooperation", f"{lo}--{hi}", counts)
            self.typed(s, IG.Cooperation, tb.file, line)
            self.add(s, iri(IG.partner), a)
            self.add(s, iri(IG.partner), b)
            if row.get("kind"):
                self.add(s, iri(IG.cooperationKind), text(row["kind"]))
            self.period(s, row)
            self.add(a, iri(IG.cooperatesWith), b)
            self.add(b, iri(IG.cooperatesWith), a)
            self.sources(s, row)

    def recommendations(self) -> None:
        tb = self.t.get("recommendations")
        for line, row in tb.located():
            s = self.node("recommendation", row["id"])
            self.typed(s, IG.Recommendation, tb.file, line)
            self.add(s, P["label"], text(row["text"], "de"))
            self.add(s, P["identifier"], text(row["id"]))
            self.many(s, iri(IG.addresses), row.get("goal", ""), "goal")
            self.add(s, iri(IG.horizon), text(row["horizon"]))
            self.many(s, iri(IG.implementedBy), row.get("implemented_by", ""), "project")
            if row.get("status"):
                self.add(s, iri(IG.status), text(row["status"]))
            self.sources(s, row)

    def contacts(self) -> None:
        tb = self.t.get("contacts")
        counts: dict[str, int] = defaultdict(int)
        for line, row in tb.located():
            actor = self.node("actor", row["actor"])
            counts[row["actor"]] += 1
            s = ox.NamedNode(f"{actor.value}#contact-{counts[row['actor']]}")
            self.out.origin.setdefault(s.value, (tb.file, line))
            private = self.out.private
            private.add(actor, P["contact_point"], s)
            private.add(s, RDF_TYPE, C["contact"])
            for col, pred in (("role", iri(IG.role)), ("name", P["name"]),
                              ("email", P["email"]), ("phone", P["telephone"])):
                if row.get(col):
                    private.add(s, pred, text(row[col]))


def map_tables(tables: Tables, base: str, name: str | None = None) -> Mapped:
    """The RDF of a checked dataset (see ``docs/model.md``); ``name`` overrides dataset.csv's."""
    return Mapper(tables, base, name).run()

