"""The answer of find_gaps as a list: merge order, list behaviour, JSON written piece by piece."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from graph import gap_list
from graph.gap_list import Gaps
from graph.gaps import find_gaps, sort_key
from graph.landscape import Landscape
from tests.graph.conftest import generated_landscape

DAY = dt.date(2024, 6, 1)


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Landscape:
    return generated_landscape(tmp_path_factory.mktemp("generated"), seed=5)


def test_pairs_and_other_kinds_merge_in_sort_key_order(generated: Landscape) -> None:
    gaps = find_gaps(generated, as_of=DAY)
    everything = list(gaps)
    kinds = {g["kind"] for g in everything}
    assert len(kinds) >= 5 and len(everything) > 5_000
    assert everything == sorted(everything, key=sort_key)
    # scores the pairs share with gaps of other kinds: those places decide the merge
    peer_scores = {g["score"] for g in everything if g["kind"] == "unlinked_peers"}
    assert any(g["score"] in peer_scores for g in everything if g["kind"] != "unlinked_peers")


def test_every_kind_alone_is_the_same_as_in_the_merged_list(generated: Landscape) -> None:
    gaps = list(find_gaps(generated, as_of=DAY))
    for kind in {g["kind"] for g in gaps}:
        assert list(find_gaps(generated, kind=kind, as_of=DAY)) == [g for g in gaps if g["kind"] == kind]


def test_a_limit_gives_the_head_of_the_whole_list(generated: Landscape) -> None:
    gaps = find_gaps(generated, as_of=DAY)
    for limit in (1, 30, 700):
        assert find_gaps(generated, as_of=DAY, limit=limit) == gaps[:limit]


def test_behaves_as_a_read_only_list(generated: Landscape) -> None:
    gaps = find_gaps(generated, as_of=DAY, lang="en")
    items = list(gaps)
    assert len(gaps) == len(items)
    assert gaps[0] == items[0] and gaps[-1] == items[-1] and gaps[len(items) // 2] == items[len(items) // 2]
    assert gaps[10:20] == items[10:20] and gaps[::997] == items[::997]
    assert gaps == items and items == gaps and gaps != items[:-1]
    with pytest.raises(IndexError):
        gaps[len(items)]
    with pytest.raises(IndexError):
        gaps[-len(items) - 1]
    assert repr(Gaps([])) == "[]" and find_gaps(generated, limit=0) == []


@pytest.mark.parametrize("chunk", [1, 3, 10_000])
def test_json_pieces_join_to_one_gap_per_line(generated: Landscape, chunk: int,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(gap_list, "CHUNK", chunk)
    gaps = find_gaps(generated, as_of=DAY)
    lines = "".join(gaps.json_parts()).split("\n")
    assert lines[0] == "[" and lines[-1] == "]" and len(lines) == len(gaps) + 2
    assert [json.loads(line.rstrip(",")) for line in lines[1:-1]] == list(gaps)
    assert json.loads("\n".join(lines)) == list(gaps)
    assert "".join(Gaps([]).json_parts()) == "[]"


def test_counts_per_kind_without_writing_out(generated: Landscape) -> None:
    gaps = find_gaps(generated, as_of=DAY)
    counts = gaps.counts()
    assert counts == {k: sum(1 for g in gaps if g["kind"] == k) for k in {g["kind"] for g in gaps}}
    assert sum(counts.values()) == len(gaps)


def test_where_chooses_the_same_gaps_as_filtering_the_list(generated: Landscape) -> None:
    gaps = find_gaps(generated, as_of=DAY)
    everything = list(gaps)
    pair = next(g for g in everything if g["kind"] == "unlinked_peers")
    actor, goal = pair["actors"][1], pair["goals"][0]
    field_goals = {g for g, x in generated.goals.items() if x.field == generated.goals[goal].field}
    some = set(sorted(generated.actors)[::3])
    cases = [
        ({"kind": "unlinked_peers"}, lambda g: g["kind"] == "unlinked_peers"),
        ({"kind": "lapsed_tie"}, lambda g: g["kind"] == "lapsed_tie"),
        ({"actor": actor}, lambda g: actor in g["actors"]),
        ({"actor": "nobody"}, lambda g: False),
        ({"goal": goal}, lambda g: goal in g["goals"]),
        ({"goals": field_goals}, lambda g: bool(field_goals & set(g["goals"]))),
        ({"goals": set()}, lambda g: False),
        ({"kind": "unlinked_peers", "goal": goal, "actor": actor},
         lambda g: g["kind"] == "unlinked_peers" and goal in g["goals"] and actor in g["actors"]),
        ({"peers_within": some}, lambda g: g["kind"] != "unlinked_peers" or set(g["actors"]) <= some),
    ]
    for where, keep in cases:
        expected = [g for g in everything if keep(g)]
        assert list(gaps.where(**where)) == expected, where  # type: ignore[arg-type]
        assert list(find_gaps(generated, as_of=DAY, limit=900).where(**where)) == [  # type: ignore[arg-type]
            g for g in everything[:900] if keep(g)], where
    assert 0 < len(gaps.where(actor=actor)) < len(gaps)


def test_a_pair_read_twice_is_written_once(generated: Landscape) -> None:
    gaps = find_gaps(generated, as_of=DAY)
    k = next(k for k in range(len(gaps)) if gaps[k]["kind"] == "unlinked_peers")
    assert gaps[k] is gaps[k]
