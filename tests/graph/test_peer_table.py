"""Every ``unlinked_peers`` pair as arrays (graph.peer_table) against the definition, pair by pair.

The reference below enumerates all pairs of network actors in plain Python from
SPEC §6 and ``docs/gaps.md`` (shared goals at the date, no cooperation at the
date, score by :func:`graph.gaps.peer_score`), with no code in common with the
sparse product, the bit counts or the block merge it checks.
"""

from __future__ import annotations

import datetime as dt
import random
from itertools import combinations

import numpy as np
import pytest

from graph import peer_table
from graph.gaps import find_gaps, peer_score, sector_distance
from graph.landscape import Actor, ActorGoal, Cooperation, Field, Goal, Landscape, Project
from graph.network import all_ties, network_actors
from graph.peer_table import SharedCounter

DAY = dt.date(2024, 6, 1)
KINDS = ["office", "welfare_association", "association", "migrant_organisation", "education_provider",
         "school", "club"]


def landscape(n: int, seed: int, districts: int = 3) -> Landscape:
    """Random actors with goals in two fields, dated cooperations and projects (some ended)."""
    rng = random.Random(seed)
    places = [f"d{k}" for k in range(districts)]
    actors = {f"a{i:03d}": Actor(f"a{i:03d}", f"A{i}", rng.choice(KINDS),
                                 districts=tuple(rng.sample(places, rng.randint(0, min(2, districts)))),
                                 target_groups=tuple(rng.sample(["t1", "t2", "t3"], rng.randint(0, 3))))
              for i in range(n)}
    goals = {f"g{i}": Goal(f"g{i}", f"G{i}", field="f1" if i < 5 else "f2") for i in range(9)}
    ids = sorted(actors)
    links = [ActorGoal(a, g) for a in ids for g in rng.sample(sorted(goals), rng.randint(1, 4))]
    coops = [Cooperation(f"c{i}", *rng.sample(ids, 2), start=dt.date(2010 + rng.randint(0, 10), 1, 1),
                         end=rng.choice([None, dt.date(2020, 1, 1), dt.date(2030, 1, 1)])) for i in range(n)]
    projects = {f"p{i}": Project(f"p{i}", f"P{i}", lead=rng.choice(ids), partners=tuple(rng.sample(ids, 2)),
                                 goals=(rng.choice(sorted(goals)),), start=dt.date(2012, 1, 1),
                                 end=rng.choice([dt.date(2015, 1, 1), dt.date(2030, 1, 1)]))
                for i in range(n // 10)}
    return Landscape(actors=actors, goals=goals, fields={"f1": Field("f1", "F1"), "f2": Field("f2", "F2")},
                     actor_goals=links, cooperations=coops, projects=projects)


def reference(land: Landscape, on: dt.date, field: str | None) -> list[tuple[float, list[str], list[str]]]:
    """``(score, actors, shared goals)`` of every unlinked pair, best first, straight from the definition."""
    in_field = {g for g, goal in land.goals.items() if field is None or goal.field == field}
    works: dict[str, set[str]] = {a: set() for a in land.actors}
    for link in land.actor_goals:
        works[link.actor].add(link.goal)
    for p in land.projects.values():
        if (p.start is None or p.start <= on) and (p.end is None or p.end >= on):
            for member in p.members:
                works[member].update(p.goals)
    linked = {pair for pair, ties in all_ties(land).items()
              if any((t.start is None or t.start <= on) and (t.end is None or t.end >= on) for t in ties)}
    out = []
    for a, b in combinations(sorted(network_actors(land)), 2):
        shared = works[a] & works[b] & in_field
        if not shared or (a, b) in linked:
            continue
        x, y = land.actors[a], land.actors[b]
        score = peer_score(len(shared), len(set(x.districts) & set(y.districts)),
                           len(set(x.target_groups) & set(y.target_groups)), sector_distance(x.sector, y.sector))
        out.append((score, [a, b], sorted(shared)))
    out.sort(key=lambda r: (-r[0], r[1]))
    return out


@pytest.mark.parametrize(("seed", "field", "on"), [(1, None, DAY), (2, "f1", DAY), (3, None, dt.date(2013, 1, 1)),
                                                   (4, "f2", dt.date(2031, 1, 1))])
def test_every_pair_matches_the_definition(seed: int, field: str | None, on: dt.date) -> None:
    land = landscape(120, seed)
    found = find_gaps(land, kind="unlinked_peers", field=field, as_of=on)
    expected = reference(land, on, field)
    assert len(expected) > 500
    assert [(g["score"], g["actors"], g["goals"]) for g in found] == expected


def test_blocks_of_a_few_pairs_give_the_same_table(monkeypatch: pytest.MonkeyPatch) -> None:
    land = landscape(90, 7)
    whole = [(g["score"], g["actors"]) for g in find_gaps(land, kind="unlinked_peers", as_of=DAY)]
    monkeypatch.setattr(peer_table, "BLOCK_PAIRS", 5)
    blocks = [(g["score"], g["actors"]) for g in find_gaps(land, kind="unlinked_peers", as_of=DAY)]
    assert blocks == whole
    assert blocks == [(s, a) for s, a, _ in reference(land, DAY, None)]


def test_many_districts_are_counted_exactly() -> None:
    """150 districts: the districts are counted in value slots; the reference counts sets."""
    land = landscape(100, 11, districts=150)
    found = [(g["score"], g["actors"]) for g in find_gaps(land, kind="unlinked_peers", as_of=DAY)]
    assert found == [(s, a) for s, a, _ in reference(land, DAY, None)]


@pytest.mark.parametrize("values", [3, 70, 200, 600])
@pytest.mark.parametrize("most", [1, 2, 6, 40, 400])
def test_shared_counter_counts_set_intersections(values: int, most: int) -> None:
    rng = random.Random(values * 100 + most)
    pool = [f"v{k}" for k in range(values)]
    sets = [tuple(rng.sample(pool, rng.randint(0, min(most, values)))) for _ in range(60)]
    sets[5] = sets[5] + sets[5][:1]  # a value given twice counts once
    counter = SharedCounter(sets)
    i, j = np.array([a for a in range(60) for b in range(60)]), np.array([b for a in range(60) for b in range(60)])
    for cap in (2, 191):
        expected = [min(len(set(sets[a]) & set(sets[b])), cap) for a, b in zip(i, j, strict=True)]
        assert counter.count(i, j, cap).tolist() == expected


def test_the_layout_follows_the_cheaper_pass() -> None:
    """300 values, at most two per item: slots; 37 values, many per item: one bit word."""
    two_of_many = SharedCounter([(f"d{k}", f"d{k + 1}") for k in range(299)])
    many_of_few = SharedCounter([tuple(f"t{k}" for k in range(m, 37)) for m in range(30)])
    assert two_of_many.left and not two_of_many.masks
    assert many_of_few.masks and not many_of_few.left


def test_nobody_on_a_goal_gives_no_pairs() -> None:
    land = Landscape(actors={"a": Actor("a", "A", "office"), "b": Actor("b", "B", "club")},
                     goals={"g": Goal("g", "G")})
    assert find_gaps(land, kind="unlinked_peers") == []
    land = Landscape(actors={"a": Actor("a", "A", "office")}, goals={"g": Goal("g", "G")},
                     actor_goals=[ActorGoal("a", "g")])
    assert find_gaps(land, kind="unlinked_peers") == []


def test_too_many_pairs_to_list_ask_for_a_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    """Above MAX_PAIRS every pair is not listed (300,000 actors: billions); a limit or another kind still is."""
    from graph import gaps
    from graph.errors import TooLarge

    land = landscape(60, 3)
    full = find_gaps(land, as_of=DAY)
    monkeypatch.setattr(gaps, "MAX_PAIRS", 100)
    with pytest.raises(TooLarge, match=r"pairs of actors share a goal: too many .*--limit N"):
        find_gaps(land, as_of=DAY)
    with pytest.raises(TooLarge, match="in the field 'f1'"):
        find_gaps(land, as_of=DAY, field="f1", kind="unlinked_peers")
    assert find_gaps(land, as_of=DAY, limit=30) == full[:30]
    assert find_gaps(land, as_of=DAY, kind="lapsed_tie") == [g for g in full if g["kind"] == "lapsed_tie"]
