"""The mixed load case (issue 11) runs end to end at the smallest size: a runaway query is cut with
the limit answer while the other clients get no error, and the report shows it."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.load_mix import MIX, RUNAWAY_SPARQL, classify_slow
from benchmarks.report import mix_section
from benchmarks.run import run

pytestmark = [pytest.mark.slow, pytest.mark.server]


def test_smoke_load_mix(tmp_path: Path) -> None:
    out = tmp_path / "results.md"
    records = run("smoke", cases=["import", "load_mix"], work=tmp_path, out=out)
    mix = {r["case"]: r for r in records}["load_mix"]
    assert mix["status"] == "ok", mix
    assert mix["server_alive"], "the server died under the load"
    kinds = mix["kinds"]
    unintended = {k: v["error_kinds"] for k, v in kinds.items() if v["errors"]}
    assert mix["errors"] == 0, (unintended, mix.get("events"))
    # the runaway query was sent and cut with the limit answer, more than once in 3 s at a 2 s limit
    assert kinds["slow"]["limited"] >= 1 and mix["limited"] == kinds["slow"]["limited"]
    assert kinds["slow"]["limit_p50_s"] >= mix["query_timeout_s"]
    for kind in MIX:  # every regular kind was asked and answered
        assert kinds[kind]["ok"] > 0, (kind, kinds[kind])
        assert 0 < kinds[kind]["p50_s"] <= kinds[kind]["p99_s"]
    assert mix["answered"] == sum(k["ok"] for k in kinds.values()) + mix["limited"]
    # memory sampled before, during and after the load
    assert mix["rss_samples"] >= 3 and mix["rss_series"]
    assert 0 < mix["rss_start_mb"] <= mix["rss_peak_mb"] and 0 < mix["rss_end_mb"] <= mix["rss_peak_mb"]
    text = out.read_text(encoding="utf-8")
    assert "## Mixed load with a runaway query (issue 11)" in text
    assert "| 50 | `/sparql` runaway query (one client) |" in text
    assert "limit answers (503 `query_timeout`)" in text
    assert "50 actors, mixed load:" in text and "0 unintended errors" in text


def test_only_the_limit_answer_is_intended() -> None:
    assert classify_slow(503, b'{"error": "query_timeout", "message": "stopped"}') == "limited"
    assert classify_slow(503, b'{"error": "busy"}') == "503 busy"
    assert classify_slow(200, b'{"results": {}}') == "200"  # an answer means no limit was applied
    assert classify_slow(500, b"Internal Server Error") == "500"
    assert "COUNT(*)" in RUNAWAY_SPARQL


def test_a_failed_mix_is_listed_not_tabulated() -> None:
    rows = "\n".join(mix_section({300: {"load_mix": {"case": "load_mix", "status": "error",
                                                     "note": "RuntimeError: server exited with 1"}}}, [300]))
    assert "| 300 | error |" in rows and "server exited with 1" in rows
    assert mix_section({300: {}}, [300]) == []
