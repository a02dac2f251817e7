"""Change between two dates (graph/timeline.py)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from graph.importer import import_dataset
from graph.landscape import load_landscape
from graph.store import open_store
from graph.timeline import diff

GAPSVILLE = Path(__file__).resolve().parents[1] / "fixtures" / "gapsville"


def test_diff_since_the_concept() -> None:
    store = open_store("memory:")
    import_dataset(store, GAPSVILLE)
    change = diff(load_landscape(store), dt.date(2013, 1, 1), dt.date(2024, 6, 1))
    assert [t["actors"] for t in change["ties_gained"]] == [
        ["amt", "awo"], ["amt", "mso1"], ["amt", "schule"], ["awo", "mso1"], ["mso1", "schule"],
        ["schule", "vhs"]]
    assert change["ties_lost"] == [{"actors": ["ihk", "jobcenter"], "kinds": ["project"],
                                    "projects": ["p-ausbildung"], "groups": []}]
    assert change["newly_isolated"] == ["ihk", "jobcenter"]
    assert change["no_longer_isolated"] == ["awo", "mso1", "schule", "vhs"]
    assert change["goals"] == [
        {"goal": "g-ausbildung", "actors_before": 2, "actors_after": 0, "gained": [],
         "lost": ["ihk", "jobcenter"]},
        {"goal": "g-sprache", "actors_before": 3, "actors_after": 4, "gained": ["mso1"], "lost": []},
    ]
    assert change["goals_newly_uncovered"] == ["g-ausbildung"] and change["goals_newly_covered"] == []
    back = diff(load_landscape(store), dt.date(2024, 6, 1), dt.date(2013, 1, 1))
    assert back["ties_lost"] == change["ties_gained"] and back["ties_gained"] == change["ties_lost"]
    assert back["goals_newly_covered"] == ["g-ausbildung"]
