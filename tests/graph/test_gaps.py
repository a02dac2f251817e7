"""Cooperation gaps on the hand-made Gapsville fixture: exact set and order of every kind (SPEC §6).

Gapsville is Testville plus a Volkshochschule (education, tied to the Grundschule),
a goal only education providers work on (g-eltern) and two more goals for the
office and the second migrant organisation. Expected answers are worked out by
hand from ``docs/gaps.md`` (the comments give the arithmetic).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
from pathlib import Path

import pytest

from graph.errors import InvalidInput, NotFound
from graph.gaps import KINDS, find_gaps, peer_score
from graph.importer import FIXTURE, import_dataset
from graph.landscape import Actor, ActorGoal, Cooperation, Goal, Landscape, Recommendation, load_landscape
from graph.network import goal_links
from graph.store import open_store
from tests.graph.conftest import generated_landscape

GAPSVILLE = Path(__file__).resolve().parents[1] / "fixtures" / "gapsville"
DAY = dt.date(2024, 6, 1)


@pytest.fixture(scope="module")
def land() -> Landscape:
    store = open_store("memory:")
    import_dataset(store, GAPSVILLE)
    return load_landscape(store)


def summary(gaps: list[dict]) -> list[tuple]:
    return [(g["kind"], g["score"], g["actors"], g["goals"]) for g in gaps]


def test_unlinked_peers_exact(land: Landscape) -> None:
    assert summary(find_gaps(land, kind="unlinked_peers", as_of=DAY)) == [
        # 0.45·2/3 + 0.15·(1 district)/2 + 0 + 0.25·1 (public–migrant)
        ("unlinked_peers", 0.625, ["amt", "mso2"], ["g-kita", "g-sprache"]),
        # 0.45/3 + 0.15/2 + 0 + 0.25·0.5
        ("unlinked_peers", 0.35, ["amt", "verein"], ["g-kita"]),
        ("unlinked_peers", 0.35, ["mso2", "schule"], ["g-kita"]),
        # 0.45/3 + 0.25·0.5
        ("unlinked_peers", 0.275, ["awo", "mso2"], ["g-sprache"]),
        ("unlinked_peers", 0.275, ["mso2", "verein"], ["g-kita"]),
        ("unlinked_peers", 0.275, ["schule", "verein"], ["g-kita"]),
        # two migrant organisations, one goal, nothing else shared
        ("unlinked_peers", 0.15, ["mso1", "mso2"], ["g-sprache"]),
    ]


def test_unlinked_peers_evidence_and_languages(land: Landscape) -> None:
    top = find_gaps(land, kind="unlinked_peers", as_of=DAY, limit=1)[0]
    assert top["evidence"] == {"shared_goals": ["g-kita", "g-sprache"], "shared_districts": ["sued"],
                               "shared_target_groups": [], "sectors": ["public", "migrant"]}
    assert "kooperieren aber nicht" in top["explanation"] and "Integrationsbüro" in top["explanation"]
    en = find_gaps(land, kind="unlinked_peers", as_of=DAY, limit=1, lang="en")[0]
    assert "do not cooperate" in en["explanation"] and "'Improve German skills'" in en["explanation"]


def test_ranking_rule_office_and_mso_outrank_two_msos() -> None:
    """An office and an MSO sharing two goals outrank two MSOs sharing one goal, whatever else they share."""
    actors = {
        "office": Actor("office", "Amt", "office"),
        "m1": Actor("m1", "M1", "migrant_organisation", districts=("d1", "d2"), target_groups=("t1", "t2")),
        "m2": Actor("m2", "M2", "migrant_organisation", districts=("d1", "d2"), target_groups=("t1", "t2")),
        "m3": Actor("m3", "M3", "migrant_organisation"),
    }
    goals = {g: Goal(g, g.upper(), field="f") for g in ("g1", "g2", "g3")}
    land = Landscape(actors=actors, goals=goals, actor_goals=[
        ActorGoal("office", "g1"), ActorGoal("office", "g2"), ActorGoal("m3", "g1"), ActorGoal("m3", "g2"),
        ActorGoal("m1", "g3"), ActorGoal("m2", "g3")])
    peers = find_gaps(land, kind="unlinked_peers")
    assert [g["actors"] for g in peers] == [["m3", "office"], ["m1", "m2"]]
    assert peers[0]["score"] > peers[1]["score"]
    assert peer_score(2, 0, 0, 1.0) > peer_score(1, 9, 9, 0.0)


def test_isolated_actors_exact(land: Landscape) -> None:
    assert summary(find_gaps(land, kind="isolated_actor", as_of=DAY)) == [
        ("isolated_actor", 0.9, ["mso2"], ["g-kita", "g-sprache"]),   # migrant 0.7 + 0.3·2/3
        ("isolated_actor", 0.45, ["moschee"], ["g-anerkennung"]),     # civil society 0.35 + 0.3/3
        ("isolated_actor", 0.45, ["verein"], ["g-kita"]),
        ("isolated_actor", 0.3, ["ihk"], []),
        ("isolated_actor", 0.3, ["jobcenter"], []),
        ("isolated_actor", 0.3, ["ministerium"], []),
    ]
    ihk = find_gaps(land, kind="isolated_actor", as_of=DAY)[3]
    assert ihk["evidence"]["former_partners"] == ["jobcenter"]


def test_uncovered_goals_exact(land: Landscape) -> None:
    gaps = find_gaps(land, kind="uncovered_goal", as_of=DAY)
    assert summary(gaps) == [
        ("uncovered_goal", 0.8, [], ["g-ausbildung"]),        # nobody, its project ended in 2016
        ("uncovered_goal", 0.8, [], ["g-leer"]),
        ("uncovered_goal", 0.7, ["moschee"], ["g-anerkennung"]),  # one actor 0.5 + recommendation 0.2
    ]
    assert gaps[0]["evidence"]["ended_projects"] == ["p-ausbildung"]
    assert gaps[2]["evidence"]["recommendations"] == ["r-anerkennung"]


def test_single_sector_goal_exact(land: Landscape) -> None:
    gaps = find_gaps(land, kind="single_sector_goal", as_of=DAY)
    assert summary(gaps) == [("single_sector_goal", 0.55, ["schule", "vhs"], ["g-eltern"])]  # 0.45 + 0.05·2
    assert gaps[0]["evidence"]["sector"] == "education"
    assert "Bildung" in gaps[0]["explanation"]


def test_broker_dependency_exact(land: Landscape) -> None:
    gaps = find_gaps(land, kind="broker_dependency", as_of=DAY)
    # component of 6; each broker cuts off one actor: 0.5·log2(1 + 1)/log2(1 + 5/2) + 0.5·6/6
    assert summary(gaps) == [
        ("broker_dependency", 0.7766, ["amt"], ["g-kita", "g-sprache"]),
        ("broker_dependency", 0.7766, ["schule"], ["g-eltern", "g-kita"]),
    ]
    assert gaps[0]["evidence"]["parts"] == [{"size": 4, "actors": ["awo", "mso1", "schule", "vhs"]},
                                            {"size": 1, "actors": ["stadt"]}]
    assert gaps[1]["evidence"]["parts"][1] == {"size": 1, "actors": ["vhs"]}


def test_lapsed_tie_and_as_of(land: Landscape) -> None:
    gaps = find_gaps(land, kind="lapsed_tie", as_of=DAY)
    assert summary(gaps) == [("lapsed_tie", 0.6, ["ihk", "jobcenter"], ["g-ausbildung"])]
    assert gaps[0]["evidence"]["ended"] == [{"type": "project", "project": "p-ausbildung",
                                              "start": "2012-03-01", "end": "2016-12-31"}]
    assert gaps[0]["evidence"]["strength"] == 1.0  # a two-party project: 0.3 + 0 + 0.2·0.5 + 0.2·1
    assert "Ausbildungslotsen" in gaps[0]["explanation"]
    # inside the project's period the pair cooperates: no lapsed tie, neither of them isolated
    during = dt.date(2014, 6, 1)
    assert find_gaps(land, kind="lapsed_tie", as_of=during) == []
    isolated = {g["actors"][0] for g in find_gaps(land, kind="isolated_actor", as_of=during)}
    assert not {"ihk", "jobcenter"} & isolated
    assert find_gaps(land, kind="lapsed_tie", as_of=dt.date(2016, 12, 31)) == []
    assert len(find_gaps(land, kind="lapsed_tie", as_of=dt.date(2017, 1, 1))) == 1


def test_unimplemented_recommendation_exact(land: Landscape) -> None:
    gaps = find_gaps(land, kind="unimplemented_recommendation", as_of=DAY)
    assert summary(gaps) == [("unimplemented_recommendation", 0.5, [], ["g-anerkennung"])]
    assert gaps[0]["evidence"]["recommendation"] == "r-anerkennung"


def test_all_kinds_merged_best_first(land: Landscape) -> None:
    gaps = find_gaps(land, as_of=DAY)
    assert [(g["kind"], g["actors"] or g["goals"]) for g in gaps] == [
        ("isolated_actor", ["mso2"]),
        ("uncovered_goal", ["g-ausbildung"]),
        ("uncovered_goal", ["g-leer"]),
        ("broker_dependency", ["amt"]),
        ("broker_dependency", ["schule"]),
        ("uncovered_goal", ["moschee"]),
        ("unlinked_peers", ["amt", "mso2"]),
        ("lapsed_tie", ["ihk", "jobcenter"]),
        ("single_sector_goal", ["schule", "vhs"]),
        ("unimplemented_recommendation", ["g-anerkennung"]),
        ("isolated_actor", ["moschee"]),
        ("isolated_actor", ["verein"]),
        ("unlinked_peers", ["amt", "verein"]),
        ("unlinked_peers", ["mso2", "schule"]),
        ("isolated_actor", ["ihk"]),
        ("isolated_actor", ["jobcenter"]),
        ("isolated_actor", ["ministerium"]),
        ("unlinked_peers", ["awo", "mso2"]),
        ("unlinked_peers", ["mso2", "verein"]),
        ("unlinked_peers", ["schule", "verein"]),
        ("unlinked_peers", ["mso1", "mso2"]),
    ]
    assert {g["kind"] for g in gaps} == set(KINDS)
    assert all(0 <= g["score"] <= 1 and set(g) == {"kind", "score", "actors", "goals", "evidence",
                                                   "explanation"} for g in gaps)
    assert find_gaps(land, as_of=DAY, limit=5) == gaps[:5]


def test_field_filter(land: Landscape) -> None:
    arbeit = find_gaps(land, field="arbeit", as_of=DAY)
    assert {(g["kind"], tuple(g["goals"])) for g in arbeit} == {
        ("uncovered_goal", ("g-ausbildung",)), ("uncovered_goal", ("g-leer",)),
        ("uncovered_goal", ("g-anerkennung",)), ("isolated_actor", ("g-anerkennung",)),
        ("lapsed_tie", ("g-ausbildung",)), ("unimplemented_recommendation", ("g-anerkennung",))}
    with pytest.raises(NotFound):
        find_gaps(land, field="nope")


def test_what_if_options(land: Landscape) -> None:
    tied = find_gaps(land, kind="unlinked_peers", as_of=DAY, add_ties=[("amt", "mso2")])
    assert ["amt", "mso2"] not in [g["actors"] for g in tied]
    gone = find_gaps(land, as_of=DAY, without=["amt"])
    assert all("amt" not in g["actors"] for g in gone)
    assert ("isolated_actor", ["stadt"]) in [(g["kind"], g["actors"]) for g in gone]
    with pytest.raises(NotFound):
        find_gaps(land, without=["nobody"])


def test_bad_arguments(land: Landscape) -> None:
    with pytest.raises(InvalidInput):
        find_gaps(land, kind="nonsense")
    with pytest.raises(InvalidInput):
        find_gaps(land, lang="fr")


def test_testville_has_the_lapsed_project_pair() -> None:
    store = open_store("memory:")
    import_dataset(store, FIXTURE)
    land = load_landscape(store)
    assert [g["actors"] for g in find_gaps(land, kind="lapsed_tie")] == [["ihk", "jobcenter"]]


def random_landscape(n: int, seed: int) -> Landscape:
    rng = random.Random(seed)
    kinds = ["office", "welfare_association", "association", "migrant_organisation", "education_provider"]
    actors = {f"a{i:03d}": Actor(f"a{i:03d}", f"A{i}", rng.choice(kinds),
                                 districts=tuple(rng.sample(["d1", "d2", "d3"], rng.randint(0, 2))),
                                 target_groups=tuple(rng.sample(["t1", "t2"], rng.randint(0, 2))))
              for i in range(n)}
    goals = {f"g{i}": Goal(f"g{i}", f"G{i}", field="f") for i in range(8)}
    ids = sorted(actors)
    links = [ActorGoal(a, g) for a in ids for g in rng.sample(sorted(goals), rng.randint(1, 4))]
    coops = [Cooperation(f"c{i}", *rng.sample(ids, 2)) for i in range(n)]
    return Landscape(actors=actors, goals=goals, actor_goals=links, cooperations=coops)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_heap_with_limit_equals_full_ranking(seed: int) -> None:
    land = random_landscape(80, seed)
    full = find_gaps(land, kind="unlinked_peers")
    assert len(full) > 100
    for limit in (1, 7, 50):
        assert find_gaps(land, kind="unlinked_peers", limit=limit) == full[:limit]
    scores = [g["score"] for g in full]
    assert scores == sorted(scores, reverse=True)


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Landscape:
    """The benchmark generator's 300-actor landscape (48 recommendations, most not implemented)."""
    return generated_landscape(tmp_path_factory.mktemp("generated"), seed=3)


@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_with_limit_equals_its_full_ranking(generated: Landscape, kind: str) -> None:
    full = find_gaps(generated, kind=kind, as_of=DAY)
    for limit in (1, 5, 40):
        assert find_gaps(generated, kind=kind, as_of=DAY, limit=limit) == full[:limit]


def test_unimplemented_recommendations_name_the_actors_on_their_goals(generated: Landscape) -> None:
    gaps = find_gaps(generated, kind="unimplemented_recommendation", as_of=DAY)
    assert len(gaps) > 5
    works = {a: set(goals) for a, goals in goal_links(generated, DAY).items() if a in generated.actors}
    for gap in gaps:
        rec = generated.recommendations[gap["evidence"]["recommendation"]]
        assert not any(p in generated.projects for p in rec.implemented_by)
        assert gap["goals"] == sorted(rec.goals)
        assert gap["evidence"]["actors_on_goals"] == sorted(a for a, gs in works.items() if gs & set(rec.goals))


def test_a_recommendation_on_several_goals_names_the_actors_of_each() -> None:
    land = dataclasses.replace(random_landscape(40, 5), recommendations={
        "r1": Recommendation("r1", "Mehr Kooperation", goals=("g1", "g6"), horizon="short")})
    works = {a: set(gs) for a, gs in goal_links(land).items()}
    [gap] = find_gaps(land, kind="unimplemented_recommendation")
    assert gap["goals"] == ["g1", "g6"]
    assert gap["evidence"]["actors_on_goals"] == sorted(a for a, gs in works.items() if gs & {"g1", "g6"})
    assert set(gap["evidence"]["actors_on_goals"]) > {a for a, gs in works.items() if "g1" in gs}
