"""A snapshot of the integration landscape as plain Python objects, for the network analysis.

The analysis (networks, metrics, gaps, coverage, change over time) works on
sets and dictionaries, not on SPARQL: the candidate pairs of a gap analysis
run into the millions at regional scale, and one big pair query never
finishes there (``research/perf-baseline.md``). :func:`load_landscape` reads
a dataset (or all of them) with two SELECTs (``landscape_links.rq``,
``landscape_values.rq``) and returns a :class:`Landscape`; everything else in
the analysis is a pure function of it, so notebooks can also build one by hand.

Ids are the dataset ids of the import tables (``"awo"``, ``"g-sprache"``).
When several datasets are loaded and an id occurs in more than one of them,
it is qualified as ``"{dataset}:{id}"``.

Examples:
    >>> from graph.store import open_store
    >>> from graph.importer import import_dataset, FIXTURE
    >>> store = open_store("memory:")
    >>> _ = import_dataset(store, FIXTURE)
    >>> land = load_landscape(store, "testville")
    >>> land.actors["awo"].kind, land.actors["awo"].sector
    ('welfare_association', 'welfare')
    >>> land.projects["p-ausbildung"].lead, land.projects["p-ausbildung"].end
    ('jobcenter', datetime.date(2016, 12, 31))
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import gc
import sys
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import pyoxigraph as ox

from . import queries
from .errors import NotFound
from .namespaces import IG, KIND_SECTOR
from .store import Store

ORG = "http://www.w3.org/ns/org#"
PROV = "http://www.w3.org/ns/prov#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
SCHEMA = "https://schema.org/"
#: Actor kinds that act as venues (working groups, committees) in memberships.
VENUE_KINDS = frozenset({"working_group", "committee"})


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while building large acyclic structures.

    The analysis creates hundreds of thousands of small tuples and sets; each one
    counts towards the collector's thresholds, and the full collections it then
    triggers over an ever larger heap took more time (2.5× at 30,000 actors) than
    the work itself. Nothing built here has reference cycles. The previous state
    is restored on exit.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def parse_date(value: str | None, *, end: bool = False) -> dt.date | None:
    """A period bound: ``YYYY`` means 1 January as a start and 31 December as an end.

    Examples:
        >>> parse_date("2014"), parse_date("2014", end=True), parse_date("2012-03-01")
        (datetime.date(2014, 1, 1), datetime.date(2014, 12, 31), datetime.date(2012, 3, 1))
    """
    if not value:
        return None
    if len(value) == 4 and value.isdigit():
        return dt.date(int(value), 12, 31) if end else dt.date(int(value), 1, 1)
    return dt.date.fromisoformat(value[:10])


def active(start: dt.date | None, end: dt.date | None, on: dt.date) -> bool:
    """Whether a period holds on a date; open bounds (undated rows) always hold.

    Examples:
        >>> active(dt.date(2012, 3, 1), dt.date(2016, 12, 31), dt.date(2014, 1, 1))
        True
        >>> active(None, dt.date(2016, 12, 31), dt.date(2020, 1, 1))
        False
    """
    return (start is None or start <= on) and (end is None or end >= on)


@dataclass(frozen=True)
class Actor:
    id: str
    name: str
    kind: str
    dataset: str = ""
    parent: str | None = None
    districts: tuple[str, ...] = ()
    target_groups: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()

    @property
    def sector(self) -> str:
        """The sector of SPEC §6 (``public``, ``welfare``, ``civil_society``, ``migrant``, ...)."""
        return KIND_SECTOR.get(self.kind, "other")


@dataclass(frozen=True)
class Field:
    id: str
    label_de: str
    label_en: str = ""


@dataclass(frozen=True)
class Goal:
    id: str
    label_de: str
    label_en: str = ""
    field: str = ""

    def label(self, lang: str = "de") -> str:
        return (self.label_en if lang == "en" else "") or self.label_de


@dataclass(frozen=True)
class Project:
    id: str
    name: str
    lead: str = ""
    partners: tuple[str, ...] = ()
    goals: tuple[str, ...] = ()
    start: dt.date | None = None
    end: dt.date | None = None
    funders: tuple[str, ...] = ()
    districts: tuple[str, ...] = ()
    target_groups: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()

    @property
    def members(self) -> tuple[str, ...]:
        """Lead first, then the partners."""
        return ((self.lead,) if self.lead else ()) + tuple(p for p in self.partners if p != self.lead)


@dataclass(frozen=True)
class Membership:
    id: str
    actor: str
    group: str
    role: str = ""
    start: dt.date | None = None
    end: dt.date | None = None
    sources: tuple[str, ...] = ()


@dataclass(frozen=True)
class Cooperation:
    id: str
    a: str
    b: str
    kind: str = ""
    start: dt.date | None = None
    end: dt.date | None = None
    sources: tuple[str, ...] = ()


@dataclass(frozen=True)
class Recommendation:
    id: str
    text: str
    goals: tuple[str, ...] = ()
    horizon: str = ""
    implemented_by: tuple[str, ...] = ()
    status: str = ""


@dataclass(frozen=True)
class ActorGoal:
    actor: str
    goal: str
    sources: tuple[str, ...] = ()


@dataclass
class Landscape:
    """Everything the analysis reads, keyed by dataset id."""

    actors: dict[str, Actor] = field(default_factory=dict)
    goals: dict[str, Goal] = field(default_factory=dict)
    fields: dict[str, Field] = field(default_factory=dict)
    projects: dict[str, Project] = field(default_factory=dict)
    memberships: list[Membership] = field(default_factory=list)
    cooperations: list[Cooperation] = field(default_factory=list)
    recommendations: dict[str, Recommendation] = field(default_factory=dict)
    actor_goals: list[ActorGoal] = field(default_factory=list)
    districts: dict[str, str] = field(default_factory=dict)
    target_groups: dict[str, str] = field(default_factory=dict)
    datasets: list[str] = field(default_factory=list)
    #: Derived data (ties, goal links per date) computed once per snapshot; never copied by the
    #: what-if transforms, which return new landscapes. Treat a landscape as read-only.
    cache: dict[object, object] = field(default_factory=dict, init=False, repr=False, compare=False)

    def actor(self, actor_id: str) -> Actor:
        """One actor, or :class:`NotFound` naming the id."""
        try:
            return self.actors[actor_id]
        except KeyError:
            raise NotFound(f"no actor with id {actor_id!r}") from None

    def without(self, actor_ids: Iterable[str]) -> Landscape:
        """The landscape with these actors and every fact about them removed (what-if).

        Examples:
            >>> land = Landscape(actors={"a": Actor("a", "A", "office"), "b": Actor("b", "B", "office")},
            ...                  cooperations=[Cooperation("c", "a", "b")])
            >>> sorted(land.without(["b"]).actors), land.without(["b"]).cooperations
            (['a'], [])
        """
        gone = {self.actor(a).id for a in actor_ids}
        if not gone:
            return self
        projects = {}
        for p in self.projects.values():
            partners = tuple(x for x in p.partners if x not in gone)
            projects[p.id] = dataclasses.replace(p, lead="" if p.lead in gone else p.lead, partners=partners)
        return dataclasses.replace(
            self,
            actors={k: v for k, v in self.actors.items() if k not in gone},
            projects=projects,
            memberships=[m for m in self.memberships if m.actor not in gone and m.group not in gone],
            cooperations=[c for c in self.cooperations if c.a not in gone and c.b not in gone],
            actor_goals=[g for g in self.actor_goals if g.actor not in gone],
        )

    def with_ties(self, pairs: Iterable[tuple[str, str]]) -> Landscape:
        """The landscape with explicit, undated cooperations added between these pairs (what-if)."""
        added = [Cooperation(f"what-if:{a}--{b}", self.actor(a).id, self.actor(b).id, "what-if")
                 for a, b in pairs]
        if not added:
            return self
        return dataclasses.replace(self, cooperations=[*self.cooperations, *added])

    def ending(self, project_ids: Iterable[str], on: dt.date) -> Landscape:
        """The landscape with these projects ended the day before ``on`` (what breaks if funding stops)."""
        ids = list(project_ids)
        if not ids:
            return self
        projects = dict(self.projects)
        for pid in ids:
            if pid not in projects:
                raise NotFound(f"no project with id {pid!r}")
            projects[pid] = dataclasses.replace(projects[pid], end=on - dt.timedelta(days=1))
        return dataclasses.replace(self, projects=projects)


def _split(graph: str, iri: str) -> tuple[str, str, str] | None:
    """``(base, type, id)`` of an instance IRI ``{base}/{type}/{id}`` in dataset graph ``{base}/graph``."""
    base = graph.removesuffix("/graph")
    if not iri.startswith(base + "/"):
        return None
    kind, _, ident = iri[len(base) + 1:].partition("/")
    return base, kind, ident


def load_landscape(store: Store, dataset: str | None = None, *, snapshot: bool = True) -> Landscape:
    """Read one dataset (or all, when ``dataset`` is None) from a store into a :class:`Landscape`.

    Two SELECTs over the dataset graphs, grouped in Python; raises
    :class:`NotFound` for an unknown dataset name. On an on-disk store the
    landscape is read from the snapshot saved beside it when the store has not
    changed since (``graph/landscape_snapshot.py``); ``snapshot=False`` always
    reads the store.
    """
    if snapshot:
        from .landscape_snapshot import load_or_build

        land: Landscape = load_or_build(store, lambda: _load(store, dataset), dataset)
        return land
    return _load(store, dataset)


def _load(store: Store, dataset: str | None) -> Landscape:
    datasets = {row["graph"]: row["name"] for row in queries.run(store, "datasets")}
    graph = None
    if dataset is not None:
        matches = [g for g, name in datasets.items() if name == dataset]
        if not matches:
            raise NotFound(f"no dataset named {dataset!r} in the store")
        graph = ox.NamedNode(matches[0])
    with paused_gc():
        links: Iterable[dict] = queries.iterate(store, "landscape_links", graph=graph)
        values: Iterable[dict] = queries.iterate(store, "landscape_values", graph=graph)
        if graph is None and sum(g.endswith("/graph") for g in store.public_graphs()) > 1:
            # ids can collide across dataset graphs (described or not), which takes a look at every
            # row before the build
            links, values = list(links), list(values)
            return _build(datasets, links, values, dataset, _Ids(datasets, [*links, *values]))
        # One dataset: no collisions, and the rows stream (at 300,000 actors, holding them as
        # dicts took 3.5 GB)
        return _build(datasets, links, values, dataset, _Ids(datasets))


class _Ids:
    """Turns instance IRIs into dataset ids, qualifying ids that collide across datasets."""

    def __init__(self, datasets: dict[str, str], rows: Iterable[dict[str, str]] = ()) -> None:
        self.datasets = datasets
        seen: dict[tuple[str, str], set[str]] = defaultdict(set)
        for row in rows:
            for key in ("s", "o"):
                part = _split(row["graph"], row.get(key, "")) if isinstance(row.get(key), str) else None
                if part:
                    seen[(part[1], part[2].split("#")[0])].add(row["graph"])
        self.clash = {k for k, graphs in seen.items() if len(graphs) > 1}

    def __call__(self, graph: str, iri: str) -> tuple[str, str] | None:
        part = _split(graph, iri)
        if part is None:
            return None
        _, kind, ident = part
        local, hash_, frag = ident.partition("#")
        if (kind, local) in self.clash:
            local = f"{self.datasets.get(graph, graph)}:{local}"
        return kind, sys.intern(local + hash_ + frag)


def _build(datasets: dict[str, str], links: Iterable[dict], values: Iterable[dict], only: str | None,
           ids: _Ids) -> Landscape:
    lit: dict[tuple[str, str], dict[str, list[tuple[str, str]]]] = defaultdict(lambda: defaultdict(list))
    rel: dict[tuple[str, str], dict[str, list[tuple[str, str]]]] = defaultdict(lambda: defaultdict(list))
    where: dict[tuple[str, str], str] = {}
    for row in values:
        subject = ids(row["graph"], row["s"])
        if subject:
            lit[subject][row["p"]].append((str(row["o"]), row.get("lang", "")))
            where.setdefault(subject, row["graph"])
    for row in links:
        subject, obj = ids(row["graph"], row["s"]), ids(row["graph"], row["o"])
        if subject and obj:
            rel[subject][row["p"]].append(obj)
            where.setdefault(subject, row["graph"])

    def one(key: tuple[str, str], pred: str, lang: str | None = None) -> str:
        for value, tag in lit[key].get(pred, []):
            if lang is None or tag == lang:
                return value
        return ""

    def many(key: tuple[str, str], pred: str, kind: str | None = None) -> tuple[str, ...]:
        return tuple(sorted({i for k, i in rel[key].get(pred, []) if kind is None or k == kind}))

    label, start, end = SKOS + "prefLabel", SCHEMA + "startDate", SCHEMA + "endDate"
    land = Landscape(datasets=sorted(set(datasets.values())) if only is None else [only])
    subjects = sorted(set(lit) | set(rel))
    for key in subjects:
        kind, ident = key
        src = many(key, PROV + "wasDerivedFrom", "source")
        if kind == "actor" and "#" not in ident and one(key, str(IG.kind)):
            parents = many(key, ORG + "subOrganizationOf", "actor")
            land.actors[ident] = Actor(
                ident, one(key, label), one(key, str(IG.kind)), datasets.get(where[key], ""),
                parents[0] if parents else None, many(key, str(IG.activeIn)), many(key, str(IG.targets)), src)
        elif kind == "actor" and "#goal-" in ident:
            actor, goal = many(key, str(IG.contributor)), many(key, str(IG.goal))
            if actor and goal:
                land.actor_goals.append(ActorGoal(actor[0], goal[0], src))
        elif kind == "goal":
            broader = many(key, SKOS + "broader", "field")
            land.goals[ident] = Goal(ident, one(key, label, "de") or one(key, label), one(key, label, "en"),
                                     broader[0] if broader else "")
        elif kind == "field":
            land.fields[ident] = Field(ident, one(key, label, "de") or one(key, label), one(key, label, "en"))
        elif kind == "district":
            land.districts[ident] = one(key, label)
        elif kind == "target-group":
            land.target_groups[ident] = one(key, label, "de") or one(key, label)
        elif kind == "project":
            land.projects[ident] = Project(
                ident, one(key, label), "", (), many(key, str(IG.pursues), "goal"),
                parse_date(one(key, start)), parse_date(one(key, end), end=True),
                many(key, str(IG.fundedBy)), many(key, str(IG.activeIn)), many(key, str(IG.targets)), src)
        elif kind == "membership":
            actor, group = many(key, ORG + "member"), many(key, ORG + "organization")
            if actor and group:
                land.memberships.append(Membership(
                    ident, actor[0], group[0], one(key, str(IG.role)), parse_date(one(key, start)),
                    parse_date(one(key, end), end=True), src))
        elif kind == "cooperation":
            pair = many(key, str(IG.partner), "actor")
            if pair:
                a, b = pair[0], pair[-1]
                land.cooperations.append(Cooperation(
                    ident, a, b, one(key, str(IG.cooperationKind)), parse_date(one(key, start)),
                    parse_date(one(key, end), end=True), src))
        elif kind == "recommendation":
            land.recommendations[ident] = Recommendation(
                ident, one(key, label), many(key, str(IG.addresses), "goal"), one(key, str(IG.horizon)),
                many(key, str(IG.implementedBy), "project"), one(key, str(IG.status)))
    # Lead and partners are stated on the actor (``actor ig:leads project``).
    leads: dict[str, str] = {}
    partners: dict[str, set[str]] = defaultdict(set)
    for (kind, ident), preds in rel.items():
        if kind != "actor" or ident not in land.actors:
            continue
        for _, pid in preds.get(str(IG.leads), []):
            leads[pid] = ident
        for _, pid in preds.get(str(IG.partnerIn), []):
            partners[pid].add(ident)
    for pid, p in land.projects.items():
        land.projects[pid] = dataclasses.replace(
            p, lead=leads.get(pid, ""), partners=tuple(sorted(partners[pid] - {leads.get(pid, "")})))
    return land
