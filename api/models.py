"""Response models of the JSON API: the contract clients see in ``/openapi.json``.

Ids are the dataset ids of the import tables (``"awo"``, ``"g-sprache"``);
labels are German, with the English label where the data has one.
"""

from __future__ import annotations

from typing import Any, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field

T = TypeVar("T")
#: Dataset ids: letters, digits, ``-``, ``_``, ``.``; starting with a letter or digit (docs/model.md).
ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$"
#: The ``kind`` column of actors.csv (kept equal to :data:`graph.namespaces.KIND_CLASS` by a test).
Kind = Literal["office", "public_body", "welfare_association", "association", "migrant_organisation",
               "education_provider", "religious_community", "company", "committee", "working_group",
               "other"]


def example(value: dict[str, Any]) -> ConfigDict:
    """Model config that shows ``value`` as the example in the OpenAPI docs."""
    return ConfigDict(json_schema_extra={"examples": [value]})


class Error(BaseModel):
    """The one error shape of the API."""

    model_config = example({"error": "not_found", "message": "no actor with id 'nobody'"})
    error: str = Field(description="machine-readable error code")
    message: str = Field(description="what went wrong, for people")
    problems: list[dict[str, Any]] | None = Field(
        default=None, description="import problems with file, row and column")


class Page(BaseModel, Generic[T]):
    """One page of a list: ``items`` from ``offset``, at most ``limit``, of ``total``."""

    total: int = Field(description="number of matching items in all pages")
    limit: int
    offset: int
    items: list[T]


class ActionFieldRef(BaseModel):
    id: str
    label: str | None = None
    label_en: str | None = None


class Goal(BaseModel):
    model_config = example({
        "id": "g-sprache", "label": "Deutschkenntnisse verbessern", "label_en": "Improve German skills",
        "action_field": {"id": "bildung", "label": "Sprache und Bildung",
                         "label_en": "Language and education"},
        "actor_count": 4, "project_count": 1})
    id: str
    label: str | None = None
    label_en: str | None = None
    action_field: ActionFieldRef | None = None
    actor_count: int = Field(description="actors working on the goal, directly or through a project")
    project_count: int = Field(description="projects pursuing the goal")


class ActorSummary(BaseModel):
    model_config = example({"id": "awo", "name": "AWO Testville", "kind": "welfare_association"})
    id: str
    name: str
    kind: str


class GoalLink(BaseModel):
    id: str
    label: str | None = None
    via: str = Field(description='"direct", or the id of the project through which the actor works on it')


class ProjectLink(BaseModel):
    id: str
    name: str
    role: Literal["lead", "partner"]
    start: str | None = None
    end: str | None = None


class MembershipLink(BaseModel):
    group: str = Field(description="id of the working group or committee")
    name: str
    role: str | None = None
    start: str | None = None
    end: str | None = None


class MemberLink(BaseModel):
    member: str = Field(description="id of the member actor")
    name: str
    role: str | None = None
    start: str | None = None
    end: str | None = None


class Tie(BaseModel):
    actor: str = Field(description="id of the other actor")
    name: str
    kind: str | None = Field(default=None, description="cooperation kind from cooperations.csv")
    start: str | None = None
    end: str | None = None


class SourceLink(BaseModel):
    id: str
    title: str
    url: str | None = None


class Actor(ActorSummary):
    model_config = example({
        "id": "amt", "name": "Integrationsbüro", "kind": "office", "parent": "stadt",
        "website": None, "description": "Koordiniert die Integrationsarbeit",
        "districts": ["nord", "sued"], "target_groups": ["gefluechtete"],
        "goals": [{"id": "g-sprache", "label": "Deutschkenntnisse verbessern", "via": "direct"}],
        "projects": [], "memberships": [{"group": "ak-sprache", "name": "Arbeitskreis Sprache",
                                         "role": "Vorsitz", "start": "2014", "end": None}],
        "members": [], "ties": [{"actor": "awo", "name": "AWO Testville", "kind": "agreement",
                                 "start": "2014", "end": None}],
        "sources": [{"id": "s1", "title": "Integrationskonzept Testville",
                     "url": "https://example.org/konzept"}]})
    parent: str | None = None
    website: str | None = None
    description: str | None = None
    districts: list[str] = []
    target_groups: list[str] = []
    goals: list[GoalLink] = []
    projects: list[ProjectLink] = []
    memberships: list[MembershipLink] = []
    members: list[MemberLink] = Field(default=[], description="members, when the actor is a group")
    ties: list[Tie] = []
    sources: list[SourceLink] = []


class ProjectSummary(BaseModel):
    """A project in a list: its period as dates (a year ``YYYY`` reads as 1 January / 31 December)."""

    model_config = example({"id": "p-sprachcafe", "name": "Sprachcafé", "lead": "awo", "partners": ["mso1"],
                            "goals": ["g-sprache"], "start": "2015-01-01", "end": "2030-12-31"})
    id: str
    name: str
    lead: str | None = None
    partners: list[str] = []
    goals: list[str] = []
    start: str | None = None
    end: str | None = None


class Project(BaseModel):
    model_config = example({
        "id": "p-sprachcafe", "name": "Sprachcafé", "lead": "awo", "partners": ["mso1"],
        "goals": ["g-sprache"], "funded_by": ["prog-wir"], "districts": ["nord"],
        "target_groups": ["frauen"], "start": "2015", "end": "2030",
        "description": "Wöchentliches Sprachcafé"})
    id: str
    name: str
    lead: str | None = None
    partners: list[str] = []
    goals: list[str] = []
    funded_by: list[str] = []
    districts: list[str] = []
    target_groups: list[str] = []
    start: str | None = None
    end: str | None = None
    description: str | None = None


class ImportReport(BaseModel):
    """What an import did: the same report as ``integraph import --format json``."""

    dataset: str
    base: str
    dry_run: bool
    counts: dict[str, int]
    triples: int
    private_triples: int
    added: list[str]
    changed: list[str]
    removed: list[str]
    problems: list[dict[str, Any]]


class Via(BaseModel):
    """How an actor works on a goal: ``{"type": "direct"}`` or through a project as lead or partner."""

    type: Literal["direct", "project"]
    project: str | None = None
    role: Literal["lead", "partner"] | None = None


class WhoRow(BaseModel):
    """One row of ``integraph who --format json`` (SPEC §5)."""

    model_config = example({"id": "awo", "name": "AWO Testville", "kind": "welfare_association",
                            "via": [{"type": "project", "project": "p-sprachcafe", "role": "lead"}]})
    id: str
    name: str
    kind: str
    via: list[Via]


class Gap(BaseModel):
    """One cooperation gap, as ``integraph gaps --format json`` (SPEC §5, §6)."""

    model_config = example({
        "kind": "isolated_actor", "score": 0.8, "actors": ["mso2"], "goals": ["g-sprache"],
        "evidence": {"sector": "migrant"},
        "explanation": "Afrikanischer Elternverein (Migrantenorganisation) kooperiert mit niemandem, …"})
    kind: str
    score: float = Field(ge=0, le=1)
    actors: list[str]
    goals: list[str]
    evidence: dict[str, Any]
    explanation: str


class Network(BaseModel):
    """The cooperation network as nodes (actors) and links (ties), for D3, Gephi and the like."""

    as_of: str
    field: str | None = None
    goal: str | None = None
    nodes: list[dict[str, Any]] = Field(description="actors: id, name, kind, sector, districts, goals…")
    links: list[dict[str, Any]] = Field(description="ties: source, target, kinds, start, end, projects…")
