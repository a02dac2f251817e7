"""The benchmark harness runs end to end at the smallest size and writes its results table."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from benchmarks.run import run

pytestmark = pytest.mark.slow


def test_smoke_run_writes_results(tmp_path: Path) -> None:
    out = tmp_path / "results.md"
    records = run("smoke", cases=["import", "import_raw", "validate", "validate_pyshacl", "gaps",
                                  "gaps_sparql_rdflib", "map"],
                  work=tmp_path, out=out, sparql_timeout=0.3)
    status = {r["case"]: r for r in records}
    assert status["import"]["status"] == "ok", status["import"]
    assert status["import"]["triples"] > 1000
    assert status["import_raw"]["status"] == "ok"
    # both SHACL engines ran on the same triples and found the generated data valid
    assert status["validate"]["status"] == "ok" and status["validate"]["problems"] == 0
    assert status["validate_pyshacl"]["status"] in ("ok", "timeout")
    assert "## SHACL validation" in out.read_text(encoding="utf-8")
    assert status["import"]["peak_rss_mb"] > 0
    # a query over its budget is recorded, not waited for
    assert status["gaps_sparql_rdflib"]["status"] == "timeout", status["gaps_sparql_rdflib"]
    text = out.read_text(encoding="utf-8")
    assert "## Machine" in text and "## Targets (issue 10)" in text
    assert "| 50 |" in text  # a row of the smallest scale
    assert "> 0.3 s" in text  # the timed-out alternative
    assert status["gaps"]["status"] in ("ok", "na"), status["gaps"]
    assert status["map"]["status"] in ("ok", "na")
    if status["map"]["status"] == "na":
        assert "not available" in text
    lines = (tmp_path / "results-smoke.jsonl").read_text(encoding="utf-8").splitlines()
    assert json.loads(lines[0])["case"] == "generate"
