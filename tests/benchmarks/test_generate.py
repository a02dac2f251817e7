"""The benchmark generator: SPEC §4 tables that import, deterministic per seed, realistic shape."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest

from benchmarks.generate import COLUMNS, KINDS, SCALES, generate, goal_count
from graph.importer import import_dataset, validate_dataset
from graph.store import open_store
from graph.tables import TABLES


def rows(folder: Path, table: str) -> list[dict[str, str]]:
    with open(folder / f"{table}.csv", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> dict:
    return generate(50, tmp_path_factory.mktemp("gen"), seed=7)


def test_same_seed_same_bytes(tmp_path: Path, small: dict) -> None:
    again = generate(50, tmp_path, seed=7)
    first, second = Path(small["folder"]), Path(again["folder"])
    names = sorted(p.name for p in first.iterdir())
    assert names == sorted(p.name for p in second.iterdir())
    for name in names:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name
    assert {k: v for k, v in small.items() if k != "folder"} == {k: v for k, v in again.items() if k != "folder"}


def test_other_seed_other_data(tmp_path: Path, small: dict) -> None:
    other = generate(50, tmp_path, seed=8)
    assert (Path(other["folder"]) / "actors.csv").read_bytes() != (Path(small["folder"]) / "actors.csv").read_bytes()


def test_spec_tables_and_columns(small: dict) -> None:
    folder = Path(small["folder"])
    assert sorted(p.stem for p in folder.iterdir()) == sorted(TABLES)
    for table, columns in COLUMNS.items():
        with open(folder / f"{table}.csv", encoding="utf-8") as fh:
            header = fh.readline().strip().split(",")
        assert tuple(header) == columns
        required, optional = TABLES[table]
        assert set(required) <= set(header)
        assert set(header) <= set(required) | set(optional) | {"source"}


def test_validates_and_imports(small: dict) -> None:
    folder = Path(small["folder"])
    report = validate_dataset(folder)
    assert not [p for p in report.problems if p.severity == "error"]
    assert not report.warnings, [p.message for p in report.warnings][:5]
    store = open_store("memory:")
    imported = import_dataset(store, folder)
    assert imported.dataset == "bench-50"
    assert imported.counts["actors"] == 50
    assert imported.counts["projects"] == 25
    assert imported.private_triples > 0  # contacts go to the private graph


def test_realistic_shape(tmp_path: Path) -> None:
    meta = generate(3000, tmp_path)
    folder = Path(meta["folder"])
    actors = rows(folder, "actors")
    assert len(actors) == 3000
    kinds = Counter(a["kind"] for a in actors)
    for kind, share, _, _ in KINDS:
        assert abs(kinds[kind] / 3000 - share) < 0.01, kind
    venues = {a["id"] for a in actors if a["kind"] in ("working_group", "committee")}
    goals_per_actor = Counter(r["actor"] for r in rows(folder, "actor_goals"))
    assert all(1 <= goals_per_actor[a["id"]] <= 3 for a in actors if a["id"] not in venues)
    projects = rows(folder, "projects")
    assert len(projects) == 1500
    partners = [len(p["partners"].split("|")) if p["partners"] else 0 for p in projects]
    assert max(partners) <= 4 and 1.0 < sum(partners) / len(partners) < 2.5
    years = [int(p[c][:4]) for p in projects for c in ("start", "end") if p[c]]
    assert min(years) >= 2010 and max(years) <= 2033
    assert 0.7 < meta["cooperations"] / 3000 < 1.4  # about one explicit cooperation per actor
    assert all(m["group"] in venues for m in rows(folder, "memberships"))
    assert meta["districts"] == 30 and meta["goals"] == 36
    assert meta["goal_G"] in {g["id"] for g in rows(folder, "goals")}


def test_goal_counts() -> None:
    assert [goal_count(n) for n in SCALES] == [24, 36, 48, 60]
