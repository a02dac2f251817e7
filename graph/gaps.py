"""Cooperation gaps (SPEC §6): who should work together, what nobody covers, where the network is fragile.

Every gap is a dict of the SPEC §5 contract shape ``{"kind", "score", "actors",
"goals", "evidence", "explanation"}`` with ``score`` in [0, 1]; the list is
sorted best first (score, then kind in the order of :data:`KINDS`, then ids).
The scoring of each kind is documented in ``docs/gaps.md``.

Without a ``limit`` every ``unlinked_peers`` pair is found and ranked as arrays
(:mod:`graph.peer_table`) and written out as a dict only when it is read
(:mod:`graph.gap_list`); with a ``limit`` only the best pairs are kept in a heap
and actors whose best possible score cannot enter it are skipped
(``research/perf-baseline.md``: one big SPARQL pair query takes ~10 s at 3,000
actors and never finishes at 30,000).

Examples:
    >>> from graph.store import open_store
    >>> from graph.importer import import_dataset, FIXTURE
    >>> from graph.landscape import load_landscape
    >>> store = open_store("memory:")
    >>> _ = import_dataset(store, FIXTURE)
    >>> land = load_landscape(store)
    >>> gap = find_gaps(land, kind="lapsed_tie", as_of=dt.date(2024, 1, 1))[0]
    >>> gap["actors"], gap["evidence"]["ended"][0]["project"]
    (['ihk', 'jobcenter'], 'p-ausbildung')
    >>> find_gaps(land, kind="lapsed_tie", as_of=dt.date(2014, 1, 1))
    []
"""

from __future__ import annotations

import datetime as dt
import heapq
import math
from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from functools import cached_property, partial
from itertools import combinations
from typing import Any

from .errors import InvalidInput, NotFound, TooLarge
from .gap_list import Gaps, Pending
from .landscape import Landscape, active, paused_gc
from .metrics import articulation_parts
from .network import SECTOR_LABELS, all_ties, goal_links, network_actors, today
from .peer_table import PeerTable

KINDS = ("unlinked_peers", "isolated_actor", "uncovered_goal", "single_sector_goal",
         "broker_dependency", "lapsed_tie", "unimplemented_recommendation")
#: unlinked_peers weights: shared goals (saturating at 3), districts and target groups (at 2), sectors.
W_GOALS, W_DISTRICTS, W_TARGETS, W_SECTORS = 0.45, 0.15, 0.15, 0.25
#: Without a limit, unlinked_peers lists every pair only when at most this many pairs share a goal
#: (the table holds 10 bytes per pair, about 3 GB here; 30,000 benchmark actors have 58 million).
MAX_PAIRS = 300_000_000
#: broker_dependency evidence lists the members of parts up to this size (larger ones: size only).
LISTED_PART_MAX = 50
HORIZON_SCORE = {"short": 0.9, "medium": 0.7, "long": 0.5}
HORIZON_LABEL = {"de": {"short": "kurzfristig", "medium": "mittelfristig", "long": "langfristig"},
                 "en": {"short": "short", "medium": "medium", "long": "long"}}


def sector_distance(a: str, b: str) -> float:
    """How far apart two sectors are: 0 the same, 1 public sector and migrant organisations, else 0.5.

    Examples:
        >>> sector_distance("public", "migrant"), sector_distance("migrant", "welfare")
        (1.0, 0.5)
    """
    if a == b:
        return 0.0
    return 1.0 if {a, b} == {"public", "migrant"} else 0.5


def peer_score(shared_goals: int, shared_districts: int, shared_targets: int, distance: float) -> float:
    """Score of an ``unlinked_peers`` pair (``docs/gaps.md``).

    Examples:
        >>> peer_score(2, 0, 0, 1.0) > peer_score(1, 2, 2, 0.0)   # office + MSO, 2 goals vs two MSOs, 1 goal
        True
    """
    return round(W_GOALS * min(shared_goals, 3) / 3 + W_DISTRICTS * min(shared_districts, 2) / 2
                 + W_TARGETS * min(shared_targets, 2) / 2 + W_SECTORS * distance, 4)


class _Context:
    """What every gap finder reads, computed once per call."""

    def __init__(self, land: Landscape, on: dt.date, field: str | None, lang: str) -> None:
        self.land, self.on, self.field, self.lang = land, on, field, lang
        self.nodes = network_actors(land)
        self.links = goal_links(land, on)
        self.field_goals = ({g for g, goal in land.goals.items() if goal.field == field}
                            if field else set(land.goals))
        self.works: dict[str, set[str]] = {
            a: set(gs) & self.field_goals for a, gs in self.links.items() if a in land.actors}
        self.adj: dict[str, set[str]] = {v: set() for v in self.nodes}
        self.ties = all_ties(land)
        self._group_sizes: dict[str, int] | None = None
        self._who: dict[str, str] = {}
        self._sectors: dict[str, str] = {}
        self._goals_text: dict[tuple[str, ...], str] = {}
        adj = self.adj
        for (a, b), reasons in self.ties.items():
            for t in reasons:
                if (t.start is None or t.start <= on) and (t.end is None or t.end >= on):
                    adj[a].add(b)
                    adj[b].add(a)
                    break

    @cached_property
    def goal_actors(self) -> dict[str, list[str]]:
        """goal → the actors working on it (within the field), in id order; three finders read it."""
        actors: dict[str, list[str]] = defaultdict(list)
        for a, goals in sorted(self.works.items()):
            for g in goals:
                actors[g].append(a)
        return actors

    def name(self, actor: str) -> str:
        return self.land.actors[actor].name

    def sector(self, actor: str) -> str:
        sector = self._sectors.get(actor)
        if sector is None:
            sector = self._sectors[actor] = self.land.actors[actor].sector
        return sector

    def who(self, actor: str) -> str:
        text = self._who.get(actor)
        if text is None:
            text = self._who[actor] = f"{self.name(actor)} ({SECTOR_LABELS[self.lang][self.sector(actor)]})"
        return text

    def goal_label(self, goal: str) -> str:
        g = self.land.goals.get(goal)
        return g.label(self.lang) if g else goal

    def goals_text(self, goals: Iterable[str]) -> str:
        key = tuple(sorted(goals))
        text = self._goals_text.get(key)
        if text is None:
            text = self._goals_text[key] = self._write_goals(key)
        return text

    def _write_goals(self, goals: tuple[str, ...]) -> str:
        labels = [f"„{self.goal_label(g)}“" if self.lang == "de" else f"'{self.goal_label(g)}'"
                  for g in sorted(goals)]
        more = len(labels) - 3
        joined = ", ".join(labels[:3])
        if more > 0:
            joined += f" und {more} weiteren" if self.lang == "de" else f" and {more} more"
        return joined

    def names_text(self, actors: list[str], most: int = 3) -> str:
        """Up to ``most`` names, then how many more."""
        names = ", ".join(self.name(a) for a in actors[:most])
        more = len(actors) - most
        if more > 0:
            names += f" und {more} weitere" if self.lang == "de" else f" and {more} more"
        return names

    def group_size(self, group: str) -> int:
        """Members a venue ever had (a tie through a large venue is a weak tie)."""
        if self._group_sizes is None:
            members: dict[str, set[str]] = defaultdict(set)
            for m in self.land.memberships:
                members[m.group].add(m.actor)
            self._group_sizes = {g: len(ms) for g, ms in members.items()}
        return self._group_sizes.get(group, 2)

    def strength(self, tie: Any) -> float:
        """1 for a cooperation or a two-party project, 1/(n − 1) for a project or venue of n actors."""
        if tie.kind == "project":
            n = len(self.land.projects[tie.ref].members)
        elif tie.kind == "working_group":
            n = self.group_size(tie.ref)
        else:
            return 1.0
        return 1.0 / max(n - 1, 1)

    def tie_text(self, item: dict[str, str]) -> str:
        """``the project „X“`` / ``den Arbeitskreis „Y“`` / ``eine Kooperation`` for an ended tie."""
        de = self.lang == "de"
        if item["type"] == "project":
            name = self.land.projects[item["project"]].name
            return f"das Projekt „{name}“" if de else f"the project '{name}'"
        if item["type"] == "working_group":
            group = self.land.actors.get(item["group"])
            name = group.name if group else item["group"]
            return f"das Gremium „{name}“" if de else f"the group '{name}'"
        return "eine Kooperation" if de else "a cooperation"

    def in_field(self, goals: Iterable[str]) -> bool:
        return not self.field or bool(set(goals) & self.field_goals)


def _score(score: float) -> float:
    """A gap's score as reported (and ranked): clamped to [0, 1], four decimals."""
    return round(min(max(score, 0.0), 1.0), 4)


def _gap(kind: str, score: float, actors: list[str], goals: list[str], evidence: dict[str, Any],
         explanation: str) -> dict[str, Any]:
    return {"kind": kind, "score": _score(score), "actors": actors,
            "goals": sorted(goals), "evidence": evidence, "explanation": explanation}


class _PairIndex:
    """Actors (as ints) by sector and by each combination of k of their goals, built per k on demand.

    A pair must share at least ``need`` goals to reach the heap's floor; the actors that
    share a given k-combination of goals with actor i, in a given sector, are one list lookup.
    Lists are in increasing actor order, so ``bisect`` yields each pair once (j > i).
    """

    def __init__(self, goals: list[tuple[int, ...]], sec: list[int]) -> None:
        self.goals, self.sec = goals, sec
        self.by_k: dict[int, dict[tuple[tuple[int, ...], int], list[int]]] = {}

    def __call__(self, k: int) -> dict[tuple[tuple[int, ...], int], list[int]]:
        if k not in self.by_k:
            index: dict[tuple[tuple[int, ...], int], list[int]] = defaultdict(list)
            for j, gs in enumerate(self.goals):
                for combo in combinations(gs, k):
                    index[(combo, self.sec[j])].append(j)
            self.by_k[k] = index
        return self.by_k[k]


def _top_pairs(ctx: _Context, limit: int) -> tuple[list[str], list[tuple[float, int, int]]]:
    """The actors on goals and ``(score, -i, -j)`` of the best ``limit`` unlinked pairs among them."""
    land = ctx.land
    ids, goals, sec, sector_names, _ = _peer_inputs(ctx)
    index = {a: i for i, a in enumerate(ids)}
    goal_sets = [frozenset(gs) for gs in goals]
    # Score tables, built with the same arithmetic as peer_score so that the results are identical.
    g_part = [W_GOALS * c / 3 for c in range(4)]
    d_part = [W_DISTRICTS * c / 2 for c in range(3)]
    t_part = [W_TARGETS * c / 2 for c in range(3)]
    s_part = [[W_SECTORS * sector_distance(x, y) for y in sector_names] for x in sector_names]
    districts = [frozenset(land.actors[a].districts) for a in ids]
    targets = [frozenset(land.actors[a].target_groups) for a in ids]
    # The most that shared districts and target groups can add for actor i (plus rounding).
    slack = [d_part[min(len(districts[i]), 2)] + t_part[min(len(targets[i]), 2)] + 1e-4
             for i in range(len(ids))]
    potential = [g_part[min(len(goals[i]), 3)] + max(s_part[sec[i]]) + slack[i] for i in range(len(ids))]
    adj = [{index[b] for b in ctx.adj[a] if b in index} for a in ids]
    combos = _PairIndex(goals, sec)
    heap: list[tuple[float, int, int]] = []
    floor = -1.0
    # Actors with the highest possible score first: the heap's floor rises early, and once it
    # passes an actor's potential, no later actor can enter the heap.
    for i in sorted(range(len(ids)), key=lambda k: (-potential[k], k)):
        if potential[i] < floor:
            break
        row, mine, room = s_part[sec[i]], goals[i], slack[i]
        best_g = g_part[min(len(mine), 3)]
        sectors = [s for s, sp in enumerate(row) if best_g + sp + room >= floor]
        if not sectors:
            continue
        need = next(c for c in (1, 2, 3) if g_part[c] + max(row[s] for s in sectors) + room >= floor)
        if need > len(mine):
            continue
        index_k = combos(need)
        candidates: set[int] = set()
        for combo in combinations(mine, need):
            for s in sectors:
                lst = index_k.get((combo, s))
                if lst:
                    candidates.update(lst[bisect_right(lst, i):])
        near, di, ti, gi = adj[i], districts[i], targets[i], goal_sets[i]
        for j in candidates:
            if j in near:
                continue
            c = len(gi & goal_sets[j])
            gp, sp = g_part[c if c < 3 else 3], row[sec[j]]
            if gp + sp + room < floor:
                continue
            d, t = len(di & districts[j]), len(ti & targets[j])
            entry = (round(gp + d_part[d if d < 2 else 2] + t_part[t if t < 2 else 2] + sp, 4), -i, -j)
            if len(heap) < limit:
                heapq.heappush(heap, entry)
                if len(heap) == limit:
                    floor = heap[0][0]
            elif entry > heap[0]:
                heapq.heapreplace(heap, entry)
                floor = heap[0][0]
    return ids, heap


def _peer_inputs(ctx: _Context) -> tuple[list[str], list[tuple[int, ...]], list[int], list[str], list[str]]:
    """The actors that work on a goal (in id order), their goal numbers, sector numbers, sector names
    and goal names (by number)."""
    ids = sorted(a for a in ctx.nodes if ctx.works.get(a))
    goal_names = sorted({g for a in ids for g in ctx.works[a]})
    goal_ids = {g: n for n, g in enumerate(goal_names)}
    goals = [tuple(sorted(goal_ids[g] for g in ctx.works[a])) for a in ids]
    sector_names = sorted({ctx.sector(a) for a in ids})
    number = {s: n for n, s in enumerate(sector_names)}
    return ids, goals, [number[ctx.sector(a)] for a in ids], sector_names, goal_names


def peer_table(ctx: _Context) -> PeerTable:
    """Every unlinked pair, ranked, as arrays (:mod:`graph.peer_table`).

    Refuses (:class:`TooLarge`) when more than :data:`MAX_PAIRS` pairs may share a goal:
    300,000 actors on 60 goals are about two billion, 20 GB of table and terabytes of JSON.
    """
    ids, goals, sec, sector_names, goal_names = _peer_inputs(ctx)
    on_goal = Counter(g for gs in goals for g in gs)
    bound = sum(k * (k - 1) // 2 for k in on_goal.values())
    if bound > MAX_PAIRS:
        where = f" in the field {ctx.field!r}" if ctx.field else ""
        raise TooLarge(f"up to {bound:,} pairs of actors share a goal{where}: too many to list every "
                       f"unlinked pair (the most is {MAX_PAIRS:,}); ask for the best with a limit "
                       "(--limit N, limit=N) or narrow the question (--kind, --field)")
    index = {a: i for i, a in enumerate(ids)}
    linked = [(i, index[b]) for i, a in enumerate(ids) for b in ctx.adj[a] if b in index and index[b] > i]
    land = ctx.land

    def score(c: int, d: int, t: int, si: int, sj: int) -> float:
        # the arithmetic of _top_pairs (and peer_score), term by term
        return round(W_GOALS * c / 3 + W_DISTRICTS * d / 2 + W_TARGETS * t / 2
                     + W_SECTORS * sector_distance(sector_names[si], sector_names[sj]), 4)

    return PeerTable(ids, goals, sec, [land.actors[a].districts for a in ids],
                     [land.actors[a].target_groups for a in ids], linked, score, goal_names)


def _peer_gap(ctx: _Context, a: str, b: str, score: float) -> dict[str, Any]:
    """One ``unlinked_peers`` gap, explained."""
    shared = sorted(ctx.works[a] & ctx.works[b])
    pa, pb = ctx.land.actors[a], ctx.land.actors[b]
    evidence = {"shared_goals": shared,
                "shared_districts": sorted(set(pa.districts) & set(pb.districts)),
                "shared_target_groups": sorted(set(pa.target_groups) & set(pb.target_groups)),
                "sectors": [pa.sector, pb.sector]}
    if ctx.lang == "en":
        text = f"{ctx.who(a)} and {ctx.who(b)} both work on {ctx.goals_text(shared)} but do not cooperate."
    else:
        text = (f"{ctx.who(a)} und {ctx.who(b)} arbeiten beide an {ctx.goals_text(shared)}, "
                "kooperieren aber nicht.")
    return _gap("unlinked_peers", score, [a, b], shared, evidence, text)


def unlinked_peers(ctx: _Context, limit: int | None) -> list[dict[str, Any]]:
    """Pairs working on a common goal without cooperating, best first (all of them: :func:`peer_table`)."""
    if limit is None:
        table = peer_table(ctx)
        return [_peer_gap(ctx, table.ids[i], table.ids[j], score)
                for i, j, score in (table.pair(k) for k in range(len(table)))]
    ids, heap = _top_pairs(ctx, limit)
    return [_peer_gap(ctx, ids[-i], ids[-j], score) for score, i, j in sorted(heap, reverse=True)]


def isolated_actors(ctx: _Context, limit: int | None) -> list[dict[str, Any]]:
    """Network actors without any tie on the date; migrant organisations first."""
    former = defaultdict(set)
    for (a, b), ties in ctx.ties.items():
        if any(t.end and t.end < ctx.on for t in ties):
            former[a].add(b)
            former[b].add(a)
    out = []
    for a in sorted(ctx.nodes):
        goals = sorted(ctx.works.get(a, ()))
        if ctx.adj[a] or (ctx.field and not goals):
            continue
        sector = ctx.sector(a)
        base = 0.7 if sector == "migrant" else 0.35 if sector == "civil_society" else 0.3
        actor = ctx.land.actors[a]
        evidence = {"sector": sector, "kind": actor.kind, "goals": goals, "districts": list(actor.districts),
                    "target_groups": list(actor.target_groups), "former_partners": sorted(former[a])}
        if ctx.lang == "en":
            text = f"{ctx.who(a)} cooperates with nobody" + (
                f" although it works on {ctx.goals_text(goals)}." if goals else ".")
        else:
            text = f"{ctx.who(a)} kooperiert mit niemandem" + (
                f", obwohl es an {ctx.goals_text(goals)} arbeitet." if goals else ".")
        out.append(_gap("isolated_actor", base + 0.3 * min(len(goals), 3) / 3, [a], goals, evidence, text))
    return out


def uncovered_goals(ctx: _Context, limit: int | None) -> list[dict[str, Any]]:
    """Goals with no active project and at most one actor working on them."""
    actors = ctx.goal_actors
    running, ended = set(), defaultdict(list)
    for p in ctx.land.projects.values():
        for g in p.goals:
            if active(p.start, p.end, ctx.on):
                running.add(g)
            elif p.end and p.end < ctx.on:
                ended[g].append(p.id)
    recs = defaultdict(list)
    for r in ctx.land.recommendations.values():
        for g in r.goals:
            recs[g].append(r.id)
    out = []
    for g in sorted(ctx.field_goals):
        who = actors.get(g, [])
        if g in running or len(who) > 1:
            continue
        score = (0.8 if not who else 0.5) + (0.2 if recs[g] else 0.0)
        evidence = {"field": ctx.land.goals[g].field, "actors": who, "recommendations": sorted(recs[g]),
                    "ended_projects": sorted(ended[g])}
        label = ctx.goals_text([g])
        if ctx.lang == "en":
            text = f"No project pursues {label} and " + (
                "nobody works on it." if not who else f"only {ctx.who(who[0])} works on it.")
        else:
            text = f"Kein Projekt verfolgt {label}, und " + (
                "niemand arbeitet daran." if not who else f"nur {ctx.who(who[0])} arbeitet daran.")
        out.append(_gap("uncovered_goal", score, who, [g], evidence, text))
    return out


def single_sector_goals(ctx: _Context, limit: int | None) -> list[dict[str, Any]]:
    """Goals worked on by two or more actors that all come from one sector (venues not counted)."""
    out = []
    for g, who in sorted(ctx.goal_actors.items()):
        who = [a for a in who if ctx.sector(a) != "venue"]
        sectors = {ctx.sector(a) for a in who}
        if len(who) < 2 or len(sectors) != 1:
            continue
        sector = sectors.pop()
        label = SECTOR_LABELS[ctx.lang][sector]
        evidence = {"sector": sector, "actors": who, "migrant_organisations_involved": sector == "migrant"}
        names = ctx.names_text(who)
        if ctx.lang == "en":
            text = f"Only actors of one sector ({label}) work on {ctx.goals_text([g])}: {names}."
        else:
            text = f"An {ctx.goals_text([g])} arbeiten nur Akteure eines Sektors ({label}): {names}."
        out.append(_gap("single_sector_goal", 0.45 + 0.05 * min(len(who), 5), who, [g], evidence, text))
    return out


def broker_dependencies(ctx: _Context, limit: int | None) -> list[dict[str, Any]]:
    """Actors whose removal splits the cooperation network (of the field, when one is given)."""
    if ctx.field:
        keep = {a for a in ctx.nodes if ctx.works.get(a)}
        adj = {a: ctx.adj[a] & keep for a in keep}
    else:
        adj = ctx.adj
    cuts = articulation_parts(adj)
    largest = max((c.component_size for c in cuts.values()), default=1)
    scored = []
    for v, cut in cuts.items():
        others = cut.component_size - 1
        # actors cut off from the biggest remaining part, on a log scale up to half the component
        cut_off = others - cut.part_sizes[0]
        balance = min(1.0, math.log2(1 + cut_off) / math.log2(1 + others / 2))
        scored.append((round(0.5 * balance + 0.5 * cut.component_size / largest, 4), v))
    scored.sort(key=lambda x: (-x[0], x[1]))
    out = []
    for score, v in scored[:limit] if limit is not None else scored:
        parts = cuts[v].parts(largest=LISTED_PART_MAX)
        goals = sorted(ctx.works.get(v, ()))
        listed = zip(cuts[v].part_sizes, parts, strict=True)
        evidence = {"component_size": cuts[v].component_size,
                    "parts": [{"size": n, "actors": p} for n, p in listed], "sector": ctx.sector(v)}
        sizes = ", ".join(str(n) for n in cuts[v].part_sizes)
        if ctx.lang == "en":
            text = (f"{ctx.who(v)} holds the network together: without it, it falls apart into "
                    f"{len(parts)} parts ({sizes} actors).")
        else:
            text = (f"{ctx.who(v)} hält das Netzwerk zusammen: ohne es zerfällt es in {len(parts)} Teile "
                    f"({sizes} Akteure).")
        out.append(_gap("broker_dependency", score, [v], goals, evidence, text))
    return out


def _ended_goals(ctx: _Context, pair: tuple[str, str], ended: list) -> set[str]:
    goals = ctx.works.get(pair[0], set()) & ctx.works.get(pair[1], set())
    for t in ended:
        if t.kind == "project":
            goals = goals | set(ctx.land.projects[t.ref].goals)
    return goals


def lapsed_ties(ctx: _Context, limit: int | None) -> list[Pending]:
    """Pairs that cooperated through projects, venues or cooperations that have all ended."""
    on, empty = ctx.on, frozenset[str]()
    scored = []
    for pair, ties in ctx.ties.items():
        a, b = pair
        if b in ctx.adj.get(a, empty):
            continue
        ended = [t for t in ties if t.end is not None and t.end < on]
        if not ended or (ctx.field and not ctx.in_field(_ended_goals(ctx, pair, ended))):
            continue
        shared = len(ctx.works.get(a, empty) & ctx.works.get(b, empty))
        strength = max(ctx.strength(t) for t in ended)
        score = round(0.3 + 0.3 * min(shared, 2) / 2 + 0.2 * sector_distance(ctx.sector(a), ctx.sector(b))
                      + 0.2 * strength, 4)
        scored.append((-score, pair, strength, ended))
    chosen = heapq.nsmallest(limit, scored) if limit is not None else sorted(scored)
    kind = KINDS.index("lapsed_tie")
    # actor pairs are unique among lapsed ties: (score, kind, actors) ranks them, goals never decide
    return [Pending("lapsed_tie", -neg, (neg, kind, list(pair), [], ""),
                    partial(_lapsed_gap, ctx, pair, -neg, strength, ended))
            for neg, pair, strength, ended in chosen]


def _lapsed_gap(ctx: _Context, pair: tuple[str, str], score: float, strength: float,
                ended: list) -> dict[str, Any]:
    """One ``lapsed_tie`` gap, explained."""
    a, b = pair
    items = []
    for t in sorted(ended, key=lambda t: (t.end, t.kind, t.ref)):
        key = {"project": "project", "working_group": "group", "cooperation": "cooperation"}[t.kind]
        items.append({"type": t.kind, key: t.ref, "start": t.start.isoformat() if t.start else "",
                      "end": t.end.isoformat() if t.end else ""})
    shared_goals = sorted(ctx.works.get(a, set()) & ctx.works.get(b, set()))
    evidence = {"ended": items, "shared_goals": shared_goals, "sectors": [ctx.sector(a), ctx.sector(b)],
                "strength": round(strength, 4)}
    last = items[-1]
    via = ctx.tie_text(last)
    if ctx.lang == "en":
        text = (f"{ctx.who(a)} and {ctx.who(b)} cooperated through {via} until {last['end']}; "
                "they have had no tie since.")
    else:
        text = (f"{ctx.who(a)} und {ctx.who(b)} kooperierten über {via} bis {last['end']}; "
                "seitdem besteht keine Verbindung mehr.")
    return _gap("lapsed_tie", score, [a, b], sorted(_ended_goals(ctx, pair, ended)), evidence, text)


def unimplemented_recommendations(ctx: _Context, limit: int | None) -> list[dict[str, Any]]:
    """Recommendations that no project implements.

    Ranked on their score before the evidence is built: the actors on a
    recommendation's goals are a union of index lists, and with a limit only the
    kept recommendations get them (walking every actor per recommendation took
    46 s at 300,000 actors).
    """
    goal_actors = ctx.goal_actors
    ranked = []
    for r in ctx.land.recommendations.values():
        if any(p in ctx.land.projects for p in r.implemented_by) or not ctx.in_field(r.goals):
            continue
        nobody = not any(goal_actors.get(g) for g in r.goals)
        score = _score(HORIZON_SCORE.get(r.horizon, 0.5) + (0.1 if nobody else 0.0))
        ranked.append((-score, sorted(r.goals), r.id))
    ranked.sort()
    out = []
    for neg_score, goals, rid in ranked[:limit] if limit is not None else ranked:
        r = ctx.land.recommendations[rid]
        actors = sorted(set().union(*(goal_actors.get(g, ()) for g in goals)))
        evidence = {"recommendation": r.id, "text": r.text, "horizon": r.horizon, "status": r.status,
                    "actors_on_goals": actors}
        horizon = HORIZON_LABEL[ctx.lang].get(r.horizon, r.horizon)
        if ctx.lang == "en":
            text = f"No project implements the recommendation '{r.text}' ({horizon} term, {r.id})."
        else:
            text = f"Kein Projekt setzt die Empfehlung „{r.text}“ um ({horizon}, {r.id})."
        out.append(_gap("unimplemented_recommendation", -neg_score, [], goals, evidence, text))
    return out


FINDERS: dict[str, Callable[[_Context, int | None], Sequence[dict[str, Any] | Pending]]] = {
    "unlinked_peers": unlinked_peers,
    "isolated_actor": isolated_actors,
    "uncovered_goal": uncovered_goals,
    "single_sector_goal": single_sector_goals,
    "broker_dependency": broker_dependencies,
    "lapsed_tie": lapsed_ties,
    "unimplemented_recommendation": unimplemented_recommendations,
}


def sort_key(gap: dict[str, Any] | Pending) -> tuple[Any, ...]:
    """Best first: score, then kind (order of :data:`KINDS`), then actors, goals and evidence ids."""
    if isinstance(gap, Pending):
        return gap.key
    return (-gap["score"], KINDS.index(gap["kind"]), gap["actors"], gap["goals"],
            str(gap["evidence"].get("recommendation", "")))


def find_gaps(land: Landscape, *, kind: str | None = None, field: str | None = None,
              as_of: dt.date | None = None, limit: int | None = None, lang: str = "de",
              without: Iterable[str] = (), add_ties: Iterable[tuple[str, str]] = ()) -> Gaps:
    """The cooperation gaps of SPEC §6 on ``as_of`` (default today), best first.

    ``kind`` restricts to one kind, ``field`` to the goals of one action field,
    ``limit`` keeps the best ``limit`` gaps. ``without`` (actor ids) and
    ``add_ties`` (id pairs) compute the gaps of a what-if landscape. Explanations
    are German, English with ``lang="en"``.

    The answer is a read-only list (:class:`graph.gap_list.Gaps`). Without a limit
    the ``unlinked_peers`` pairs are found and ranked as arrays and each is written
    out as a dict when it is first read; with one, only the best pairs are ever built.
    """
    if kind is not None and kind not in FINDERS:
        raise InvalidInput([], f"unknown gap kind {kind!r}; use one of {', '.join(KINDS)}")
    if lang not in ("de", "en"):
        raise InvalidInput([], f"unknown language {lang!r}; use de or en")
    if field is not None and field not in land.fields:
        raise NotFound(f"no action field with id {field!r}")
    if limit is not None and limit < 0:
        raise InvalidInput([], "limit must not be negative")
    land = land.without(without).with_ties(add_ties)
    if limit == 0:
        return Gaps([])
    gaps: list[dict[str, Any] | Pending] = []
    table = None
    with paused_gc():
        ctx = _Context(land, as_of or today(), field, lang)
        for name in [kind] if kind else KINDS:
            if name == "unlinked_peers" and limit is None:
                table = peer_table(ctx)
            else:
                gaps.extend(FINDERS[name](ctx, limit))
        gaps.sort(key=sort_key)
    if table is None:
        return Gaps(gaps[:limit] if limit is not None else gaps)
    ids = table.ids
    return Gaps(gaps, table, lambda i, j, score: _peer_gap(ctx, ids[i], ids[j], score))
