"""``benchmarks/results.md`` from the records of one run: machine, tables, targets and a reading.

Examples:
    >>> ratio(2.0, 0.5)
    '×4.0'
    >>> cell({"status": "timeout", "timeout_s": 60})
    '> 60 s'
    >>> cell({"status": "na", "note": "graph/maps.py not available"})
    'not available'
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks.harness import fmt_seconds

Rec = dict[str, Any]


def cell(rec: Rec | None, key: str = "median_s") -> str:
    """A time for a table cell, or why there is none."""
    if rec is None:
        return "–"
    status = rec.get("status")
    if status == "timeout":
        return f"> {rec.get('timeout_s', 0):g} s"
    if status == "na":
        return "not available"
    if status == "memory":
        return "> memory limit"
    if status == "refused":
        return f"refused after {fmt_seconds(rec.get('median_s'))}"
    if status in ("error", "skipped"):
        return str(status)

    value = rec.get(key)
    n = rec.get("n")
    text = fmt_seconds(value) if value is not None else "–"
    return f"{text} (n={n})" if n == 1 and key == "median_s" else text


def ratio(a: float | None, b: float | None) -> str:
    if not a or not b:
        return "–"
    return f"×{a / b:.1f}" if a / b >= 1 else f"×{a / b:.2f}"


def mb(rec: Rec | None, key: str = "peak_rss_mb") -> str:
    value = (rec or {}).get(key)
    return f"{value:.0f}" if isinstance(value, int | float) else "–"


def seconds(rec: Rec | None, key: str = "median_s") -> float | None:
    if rec is None or rec.get("status", "ok") != "ok":
        return None
    value = rec.get(key)
    return float(value) if isinstance(value, int | float) else None


def sub(rec: Rec | None, name: str) -> Rec | None:
    if rec is None:
        return None
    if rec.get("status") != "ok":
        return rec
    value = rec.get(name)
    return value if isinstance(value, dict) else None


def load_cells(rec: Rec | None) -> list[str]:
    """req/s, p50, p99, errors of one load test."""
    if rec is None:
        return ["–"] * 4
    if "rps" not in rec:
        return [cell(rec), "", "", ""]
    return [f"{rec['rps']:.0f}", fmt_seconds(rec.get("p50_s")), fmt_seconds(rec.get("p99_s")),
            str(rec.get("errors", 0))]


def table(head: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines)


#: (scale, name, limit, unit, how to read the measured value from the records of that scale, what it measures)
Target = tuple[int, str, float, str, Callable[[dict[str, Rec]], float | None]]


def _api(key: str, field: str) -> Callable[[dict[str, Rec]], float | None]:
    return lambda r: seconds(sub(r.get("api_load"), key), field)


def triples(r: dict[str, Rec]) -> int:
    """Quads in the reference store: from the import, or from the fallback that skipped SHACL."""
    for case in ("import", "reference_store"):
        if (r.get(case) or {}).get("triples"):
            return int(r[case]["triples"])
    return 0


def top100(r: dict[str, Rec]) -> Rec | None:
    """``find_gaps(limit=100)``: its own case, or (older records) a field of the gaps case."""
    if r.get("gaps_top"):
        return r["gaps_top"]
    gaps = r.get("gaps")
    if gaps and gaps.get("top100_s") is not None:
        return {"status": "ok", "median_s": gaps["top100_s"], "per_kind_s": gaps.get("per_kind_s")}
    return None


def per_kind(r: dict[str, Rec]) -> dict[str, float]:
    return (top100(r) or {}).get("per_kind_s") or (r.get("gaps") or {}).get("per_kind_s") or {}


def _import_ratio(r: dict[str, Rec]) -> float | None:
    a, b = seconds(r.get("import")), seconds(r.get("import_raw"))
    return a / b if a and b else None


def _gaps_total(r: dict[str, Rec]) -> float | None:
    """``integraph gaps`` right after a write: the landscape is built from the store."""
    a, b = seconds(r.get("gaps")), seconds(r.get("landscape"))
    return a + b if a is not None and b is not None else None


def _gaps_saved(r: dict[str, Rec]) -> float | None:
    """``integraph gaps`` on an unchanged store: the saved landscape is read."""
    a, b = seconds(r.get("gaps")), (r.get("landscape") or {}).get("snapshot_s")
    return a + float(b) if a is not None and isinstance(b, int | float) else None


def _peak(r: dict[str, Rec]) -> float | None:
    values = [float(v.get(k) or 0) for v in r.values() for k in ("peak_rss_mb", "server_peak_rss_mb")
              if isinstance(v.get(k), int | float)]
    return max(values) / 1024 if values else None


def _drawn(r: dict[str, Rec]) -> float | None:
    return seconds(sub(r.get("map"), "browser"))


TARGETS: list[Target] = [
    (3_000, "all gap kinds (find_gaps, landscape loaded)", 0.5, "s", lambda r: seconds(r.get("gaps"))),
    (3_000, "all gap kinds, best 100 (find_gaps(limit=100))", 0.5, "s",
     lambda r: seconds(top100(r))),
    (3_000, "all gap kinds incl. reading the saved landscape (integraph gaps)", 0.5, "s", _gaps_saved),
    (3_000, "all gap kinds incl. building the landscape (first integraph gaps after a write)", 0.5, "s",
     _gaps_total),
    (3_000, "full metric set (compute_metrics)", 2.0, "s", lambda r: seconds(r.get("metrics"))),
    (3_000, "who-works-on through graph", 0.010, "s", lambda r: seconds(r.get("who_graph"))),
    (3_000, "who-works-on p50 through the API (one client, HTTP)", 0.020, "s", _api("who_seq", "p50_s")),
    (3_000, "map of 3,000 actors drawn in Chromium", 5.0, "s", _drawn),
    (30_000, "import ÷ raw bulk load on disk", 10.0, "×", _import_ratio),
    (30_000, "all gap kinds (find_gaps, landscape loaded)", 10.0, "s", lambda r: seconds(r.get("gaps"))),
    (30_000, "all gap kinds, best 100 (find_gaps(limit=100))", 10.0, "s",
     lambda r: seconds(top100(r))),
    (30_000, "full metric set (compute_metrics)", 30.0, "s", lambda r: seconds(r.get("metrics"))),
    (30_000, "who-works-on p50 through the API (one client, HTTP)", 0.050, "s", _api("who_seq", "p50_s")),
    (30_000, "who-works-on throughput through the API (concurrent clients)", -200.0, "req/s",
     lambda r: (sub(r.get("api_load"), "who") or {}).get("rps")),
    (300_000, "peak memory of any case", 8.0, "GB", _peak),
]


def fmt_value(value: float, unit: str) -> str:
    if unit == "s":
        return fmt_seconds(value)
    if unit == "×":
        return f"×{value:.1f}"
    if unit == "GB":
        return f"{value:.2f} GB"
    return f"{value:.0f} {unit}"


def bound(limit: float, unit: str) -> str:
    """``≤ limit`` (``≥`` for a negative limit, which is a minimum)."""
    return ("≥ " if limit < 0 else "≤ ") + fmt_value(abs(limit), unit)


def one_line(text: object) -> str:
    """A note fit for a table cell: its last line, no pipes, at most 160 characters."""
    lines = [ln.strip() for ln in str(text or "").splitlines() if ln.strip()]
    return (lines[-1] if lines else "").replace("|", "/")[:160]


def check_targets(by_scale: dict[int, dict[str, Rec]]) -> list[list[str]]:
    """One row per target: measured, limit, verdict (a negative limit is a minimum)."""
    rows = []
    for scale, name, limit, unit, read in TARGETS:
        if scale not in by_scale:
            rows.append([f"{scale:,}", name, bound(limit, unit), "not run", "–"])
            continue
        value = read(by_scale[scale])
        if value is None:
            rows.append([f"{scale:,}", name, bound(limit, unit), "not measured", "–"])
            continue
        met = value >= -limit if limit < 0 else value <= limit
        factor = (-limit / value if value else float("inf")) if limit < 0 else value / limit
        verdict = "met" if met else f"missed (×{factor:.2f})" if factor < 2 else f"missed (×{factor:.0f})"
        rows.append([f"{scale:,}", name, bound(limit, unit), fmt_value(value, unit), verdict])
    return rows


def write_report(records: list[Rec], info: dict[str, Any], path: Path) -> None:
    by_scale: dict[int, dict[str, Rec]] = defaultdict(dict)
    for rec in records:
        by_scale[int(rec.get("scale", 0))][rec["case"]] = rec
    scales = sorted(by_scale)
    v = info.get("versions", {})
    parts = [
        "# Benchmarks: integraph against the alternatives",
        "",
        "Regenerated by `make bench` (`python -m benchmarks.run --profile "
        f"{info.get('profile')}`); do not edit by hand. Raw records: `benchmarks/out/results-"
        f"{info.get('profile')}.jsonl`. How to read and rerun: `benchmarks/README.md`.",
        "",
        "## Machine",
        "",
        f"* {info.get('cores')} cores, {info.get('ram_gib')} GiB RAM, {info.get('cpu')}; "
        f"{info.get('platform')}",
        f"* load average at start {tuple(round(x, 2) for x in info.get('load_avg_start', ()))}, at end "
        f"{tuple(round(x, 2) for x in info.get('load_avg_end', ()))} (above the core count = shared, noisy)",
        f"* Python {info.get('python')}; " + ", ".join(f"{k} {val}" for k, val in v.items()),
        f"* commit {info.get('commit')}; run {info.get('started')} → {info.get('finished')}; "
        f"profile `{info.get('profile')}`, seed {info.get('seed')}, settings {info.get('settings')}",
        *([f"* merged (`--merge`): this last run measured only the cases and scales above; the other "
           f"records come from earlier runs of the same profile, the first started "
           f"{info.get('first_started') or info.get('merged_into')}"] if info.get("merged_into") else []),
        "",
        "Every case runs in a fresh process; times are medians of the timed repeats after one warm-up "
        "(`n=1`: one run only, because it took over a few seconds). Peak RSS is the process's `ru_maxrss` in "
        "MB (an interpreter with the libraries imported is ~100 MB of it); for servers, the peak of the "
        "server and its workers. Ratios are to integraph in the same run.",
        "",
        "## Data sets",
        "",
    ]
    rows = []
    for n in scales:
        g = by_scale[n].get("generate", {})
        m = g.get("meta", {})
        imp = by_scale[n].get("import", {})
        rows.append([f"{n:,}", str(m.get("projects", "–")), str(m.get("goals", "–")),
                     str(m.get("districts", "–")),
                     str(m.get("working_groups", "–")), str(m.get("actor_goals", "–")),
                     str(m.get("memberships", "–")), str(m.get("cooperations", "–")),
                     f"{triples(by_scale[n]):,}" if triples(by_scale[n]) else "–", str(g.get("csv_mb", "–")),
                     fmt_seconds(g["median_s"]) if g.get("median_s") is not None else "cached"])
    parts += [table(["actors", "projects", "goals", "districts", "working groups", "actor–goal rows",
                     "memberships", "cooperations", "triples (incl. ontology, private)", "CSV MB",
                     "generated in"], rows), ""]

    # import
    rows = []
    for n in scales:
        r = by_scale[n]
        imp, raw, mem = r.get("import"), r.get("import_raw"), r.get("import_memory_raw")
        steps = (imp or {}).get("steps") or {}
        total = sum(steps.values()) or 1
        top = ", ".join(f"{k} {fmt_seconds(s)} ({100 * s / total:.0f} %)"
                        for k, s in sorted(steps.items(), key=lambda kv: -kv[1])[:3])
        rows.append([f"{n:,}", cell(imp), cell(raw), ratio(seconds(imp), seconds(raw)), cell(mem),
                     f"{mb(imp)} / {mb(raw)}", top or "–"])
    parts += ["## Import: tables → checked → mapped → validated → stored (on disk)", "",
              "Alternative: `pyoxigraph.Store(path).bulk_load()` of the same quads (the N-Quads dump of the "
              "imported store): the floor. In-memory bulk load for reference.", "",
              table(["actors", "integraph import", "raw bulk_load on disk", "× raw",
                     "raw bulk_load in memory", "peak RSS MB (import / raw)", "slowest import steps"], rows),
              ""]

    # SHACL engines
    rows = []
    for n in scales:
        r = by_scale[n]
        ours, ref = r.get("validate"), r.get("validate_pyshacl")
        if ours or ref:
            rows.append([f"{n:,}", f"{(ours or ref or {}).get('triples', 0):,}", cell(ours),
                         f"{cell(ref)} · {ratio(seconds(ref), seconds(ours))}", f"{mb(ours)} / {mb(ref)}"])
    if rows:
        parts += ["## SHACL validation: shapes compiled to SPARQL vs pySHACL", "",
                  "The same mapped triples against `ontology/shapes.ttl`: integraph's engine "
                  "(`graph/shacl_sparql.py`: one SPARQL query per constraint over all focus nodes, on "
                  "in-memory pyoxigraph, queries in 4 threads) against pySHACL (the reference; "
                  "`INTEGRAPH_SHACL_ENGINE=pyshacl`), stopped after the SPARQL timeout. "
                  "`tests/graph/test_shacl_engines.py` holds both to the same verdicts.", "",
                  table(["actors", "triples", "integraph engine", "pySHACL",
                         "peak RSS MB (integraph / pySHACL)"], rows), ""]

    # issue 9: the same work on an Oxigraph server through the sparql: store
    rows = []
    for n in scales:
        r = by_scale[n]
        srv = r.get("server_store")
        if srv:
            emb_imp, emb_land, emb_gaps = seconds(r.get("import")), seconds(r.get("landscape")), seconds(
                top100(r))
            if srv.get("status") != "ok":
                rows.append([f"{n:,}", cell(r.get("import")), cell(srv), "", "", "", "", ""])
                continue
            pairs = [(r.get("import"), "import_s", emb_imp), (r.get("landscape"), "landscape_s", emb_land),
                     (top100(r), "gaps_top_s", emb_gaps)]
            rows.append([f"{n:,}", *[x for emb, key, base in pairs
                                     for x in (cell(emb), f"{cell(srv, key)} · {ratio(srv.get(key), base)}")],
                         mb(srv, "server_peak_rss_mb")])
    if rows:
        parts += ["## Embedded store vs an Oxigraph server (`sparql:` store, issue 9)", "",
                  "The same import, `load_landscape` and best-100 gaps as above, with integraph pointed at "
                  "`oxigraph serve` on loopback (`sparql:URL`; Graph Store Protocol for the load, one SPARQL "
                  "update to commit it, SPARQL protocol for reads). Ratios are server / embedded.", "",
                  table(["actors", "import embedded", "import server", "landscape embedded",
                         "landscape server", "gaps (best 100) embedded", "gaps server", "server peak RSS MB"],
                        rows), ""]

    # who
    rows = []
    for n in scales:
        r = by_scale[n]
        g, api, oxq, rdf = r.get("who_graph"), r.get("who_api"), r.get("who_sparql_oxigraph"), \
            r.get("who_sparql_rdflib")
        base = seconds(g)
        first = fmt_seconds((g or {}).get("first_s"))
        land = r.get("landscape") or {}
        rows.append([f"{n:,}", str((g or {}).get("rows", "–")), cell(g), first, cell(r.get("landscape")),
                     f"{fmt_seconds(land.get('snapshot_s'))} (saving {fmt_seconds(land.get('save_s'))}, "
                     f"{land.get('snapshot_mb', '–')} MB)",
                     cell(api),
                     f"{cell(oxq)} · {ratio(seconds(oxq), base)}",
                     f"{cell(rdf)} · {ratio(seconds(rdf), base)} "
                     f"(load {fmt_seconds((rdf or {}).get('load_s'))})",
                     str((rdf or {}).get("rows", "–")),
                     f"{mb(g)} / {mb(api)} / {mb(rdf)}"])
    parts += ["## Who works on goal G (the 3rd most worked-on goal)", "",
              "integraph: `graph.coverage.who(landscape, G)` with the landscape loaded once (as the API "
              "holds it; loading it is its own column; the first call on a landscape builds the index of "
              "goals to actors for the date, also its own column; after the first load the landscape comes "
              "from the snapshot saved beside the store until the next write, column \"from snapshot\"), "
              "and `GET /api/goals/G/actors` in-process "
              "(TestClient). "
              "Alternatives: the same question as one SPARQL query (union of direct, lead and partner "
              "branches, no dates) on the integraph store and on rdflib's in-memory engine.", "",
              table(["actors", "rows", "graph", "first call (index)", "load landscape (from the store)",
                     "from snapshot", "API in-process", "SPARQL on pyoxigraph", "SPARQL on rdflib",
                     "SPARQL rows (no dates)", "peak RSS MB (graph / API / rdflib)"], rows), ""]

    # gaps
    rows = []
    for n in scales:
        r = by_scale[n]
        g, ox, rdf = r.get("gaps"), r.get("gaps_sparql_oxigraph"), r.get("gaps_sparql_rdflib")
        base = seconds(g)
        kinds = per_kind(r)
        slow = max(kinds.items(), key=lambda kv: kv[1]) if kinds else None
        written = ((f"{fmt_seconds(g['write_all_s'])} ({g['json_mb']} MB)" if "write_all_s" in g
                    else "not run") if g else "–")
        rows.append([f"{n:,}", str((g or {}).get("gaps", "–")), cell(g), written, cell(top100(r)),
                     f"{slow[0]} {fmt_seconds(slow[1])}" if slow else "–",
                     f"{cell(ox)} · {ratio(seconds(ox), base)}", f"{cell(rdf)} · {ratio(seconds(rdf), base)}",
                     f"{mb(g)} / {mb(ox)} / {mb(rdf)}"])
    parts += ["## All gap kinds vs. `unlinked_peers` in SPARQL", "",
              "integraph: `find_gaps(landscape)`, every kind found and ranked, no limit (landscape loaded; "
              "add the load from the table above for `integraph gaps`); pair gaps are explained when read, "
              "and the next column writes every gap out as JSON (`integraph gaps --format json`). "
              "Alternative: `unlinked_peers` alone as one "
              "`FILTER NOT EXISTS` query (top 100 pairs by shared goals, no dates), on embedded pyoxigraph "
              "in memory and on rdflib; stopped after the SPARQL timeout (data load not counted).", "",
              table(["actors", "gaps found", "integraph, all kinds", "+ every gap as JSON",
                     "all kinds, best 100", "slowest kind",
                     "SPARQL unlinked_peers, pyoxigraph", "SPARQL unlinked_peers, rdflib",
                     "peak RSS MB (integraph / pyoxigraph / rdflib)"], rows), ""]
    per_kind_rows = []
    for n in scales:
        kinds = per_kind(by_scale[n])
        counts = (by_scale[n].get("gaps") or {}).get("counts") or {}
        if kinds:
            per_kind_rows.append([f"{n:,}"] + [f"{fmt_seconds(s)} ({counts[k]})" if k in counts
                                               else f"{fmt_seconds(s)} (–)" for k, s in kinds.items()])
            kind_names = list(kinds)
    if per_kind_rows:
        parts += ["Per kind (one run each, the best 100 of the kind; in brackets the gaps found without a "
                  "limit):", "",
                  table(["actors", *kind_names], per_kind_rows), ""]

    # metrics
    rows = []
    for n in scales:
        m = by_scale[n].get("metrics")
        rows.append([f"{n:,}", str((m or {}).get("nodes", "–")), str((m or {}).get("edges", "–")),
                     fmt_seconds((m or {}).get("network_s")), cell(m), str((m or {}).get("betweenness", "–")),
                     str((m or {}).get("communities", "–")), mb(m)])
    parts += ["## Network metrics", "",
              "`compute_metrics(cooperation_network(landscape), seed=0)`: degree, betweenness, PageRank, "
              "eigenvector, k-core, Louvain communities, Burt's constraint, articulation points, bridges, "
              "E-I index. (networkx alone: ~26 s exact betweenness and ~29 s constraint at 3,000 actors, "
              "`research/perf-baseline.md`.)", "",
              table(["actors", "nodes", "edges", "build network", "compute_metrics", "betweenness",
                     "communities", "peak RSS MB"], rows), ""]

    # api load
    rows = []
    for n in scales:
        r = by_scale[n]
        api, oxs = r.get("api_load"), r.get("oxigraph_server_load")
        for label, rec, key in (("integraph `/api/goals/G/actors`", api, "who"),
                                ("integraph `/sparql` (who query)", api, "sparql"),
                                ("plain `oxigraph serve` `/query` (who query)", oxs, "sparql")):
            seq, par = sub(rec, f"{key}_seq"), sub(rec, key)
            rows.append([f"{n:,}", label, *load_cells(seq)[1:3], *load_cells(par),
                         mb(rec, "server_peak_rss_mb")])
    parts += ["## API under load (loopback)", "",
              "One uvicorn process serving `create_app` over the on-disk store (its `/sparql` runs in the "
              "query sandbox's worker processes) against a plain `oxigraph serve --union-default-graph` "
              "over the same quads. First one client in sequence (latency), then the concurrent clients "
              "(throughput; the load generator is a Python asyncio client on the same 2 cores, so it "
              "takes CPU from the server).", "",
              table(["actors", "endpoint", "p50 one client", "p99 one client", "req/s concurrent",
                     "p50 concurrent", "p99 concurrent", "errors", "server peak RSS MB"], rows), ""]

    parts += mix_section(by_scale, scales)

    # map
    rows = []
    for n in scales:
        m = by_scale[n].get("map")
        rows.append([f"{n:,}", cell(m), str((m or {}).get("html_mb", "–")), mb(m), cell(sub(m, "browser")),
                     mb(sub(m, "browser")),
                     one_line((m or {}).get("note") or (sub(m, "browser") or {}).get("note"))])
    parts += ["## Map", "", "`integraph map --out FILE.html` (a CLI process, whole network), then the file "
              "in headless Chromium: from `Page.navigate` until the page reports the network drawn and its "
              "layout settled (`window.integraphMap.drawn` and `.stabilized`, polled over the DevTools "
              "protocol).", "",
              table(["actors", "write HTML (CLI)", "HTML MB", "peak RSS MB (CLI)", "drawn in Chromium",
                     "peak RSS MB (Chromium)", "note"], rows), ""]

    parts += ["## Targets (issue 10)", "", table(["actors", "target", "limit", "measured", "verdict"],
                                                   check_targets(by_scale)), ""]
    parts += ["## Reading", "", *reading(by_scale, info), ""]
    problems = [r for r in records if r.get("status") in ("error", "skipped", "memory")]
    if problems:
        parts += ["## Cases that failed", ""]
        parts += [f"* {r.get('scale'):,} actors, `{r['case']}`: {r.get('status')}: {one_line(r.get('note'))}"
                  + ("; the other cases ran on a reference store written without SHACL validation"
                     if r.get("fallback") == "ok" else "")
                  for r in problems]
        parts.append("")
    path.write_text("\n".join(parts), encoding="utf-8")


#: The request kinds of the mixed load, as the table names them.
MIX_LABELS = {"goal_actors": "`/api/goals/{id}/actors`", "actor": "`/api/actors/{id}`",
              "goals": "`/api/goals`", "gaps": "`/api/gaps?limit=20`", "sparql": "`/sparql` (who query)",
              "slow": "`/sparql` runaway query (one client)"}
MIX_TEXT = (
    "The same uvicorn process as above, with a small `query_timeout` so that a runaway query is cut "
    "several times in one run. All but one client pick, for every request, one of: who works on a random "
    "goal, a random actor, the goal list, the best 20 gaps, the who query on `/sparql` (weights "
    "3 : 3 : 2 : 1 : 2). The one slow client sends a counted cartesian product (`SELECT (COUNT(*) AS ?n) "
    "WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }`) to `/sparql` again and again; the server must cut it with "
    "its limit answer, 503 `query_timeout`. Every other answer is an error: any status but 200 (503 `busy` "
    "included), a client timeout (30 s), a connection error. There should be none. The server's memory is "
    "the RSS of its process tree (uvicorn and the query workers), sampled every second: at the start of the "
    "load, its peak, and at the end once the workers killed at the limit have been replaced.")


def error_note(kinds: dict[str, int] | None) -> str:
    """The commonest unintended answers of a request kind, e.g. ``503 busy ×5``."""
    return ", ".join(f"{k} ×{v}" for k, v in (kinds or {}).items())


def mix_kind_row(n: int, kind: str, k: Rec) -> list[str]:
    """One request kind of the mixed load; the slow client's row counts its limit answers."""
    label, errors, note = MIX_LABELS[kind], str(k.get("errors", 0)), error_note(k.get("error_kinds"))
    if kind == "slow":
        cut = (f"{k.get('limited', 0)} limit answers (503 `query_timeout`), p50 "
               f"{fmt_seconds(k.get('limit_p50_s'))}")
        return [f"{n:,}", label, str(k.get("requests", 0)), "–", "–", "–", errors,
                "; ".join(x for x in (cut, note) if x)]
    return [f"{n:,}", label, str(k.get("requests", 0)), f"{k.get('rps', 0):.0f}", fmt_seconds(k.get("p50_s")),
            fmt_seconds(k.get("p99_s")), errors, note]


def mix_section(by_scale: dict[int, dict[str, Rec]], scales: list[int]) -> list[str]:
    """The ``load_mix`` case (issue 11): a row per request kind, then the whole run and its memory."""
    recs = {n: by_scale[n]["load_mix"] for n in scales if by_scale[n].get("load_mix")}
    if not recs:
        return []
    kind_rows, run_rows = [], []
    for n, rec in recs.items():
        if rec.get("status") != "ok":
            run_rows.append([f"{n:,}", cell(rec), "", "", "", "", "", "", one_line(rec.get("note"))])
            continue
        kinds = rec.get("kinds") or {}
        kind_rows += [mix_kind_row(n, kind, kinds[kind]) for kind in MIX_LABELS if kind in kinds]
        memory = f"{mb(rec, 'rss_start_mb')} / {mb(rec, 'rss_peak_mb')} / {mb(rec, 'rss_end_mb')}"
        run_rows.append([f"{n:,}", str(rec.get("clients", "–")), f"{rec.get('duration_s', 0):g} s",
                         f"{rec.get('query_timeout_s', 0):g} s / {rec.get('query_workers', '–')}",
                         f"{rec.get('rps', 0):.0f}", str(rec.get("answered", "–")),
                         str(rec.get("errors", "–")), str(rec.get("limited", "–")), memory])
    out = ["## Mixed load with a runaway query (issue 11)", "", MIX_TEXT, ""]
    if kind_rows:
        out += [table(["actors", "request", "requests", "req/s", "p50", "p99", "errors", "note"], kind_rows),
                ""]
    out += [table(["actors", "clients", "duration", "query_timeout / workers", "answers/s", "answered",
                   "errors", "limit answers", "server RSS MB (start / peak / end)"], run_rows), ""]
    return out


def mix_reading(n: int, mix: Rec) -> str:
    """One sentence on the mixed load of one scale: errors, cuts, memory."""
    kinds = mix.get("kinds") or {}
    wrong = "; ".join(f"{k}: {error_note(v.get('error_kinds'))}" for k, v in kinds.items() if v.get("errors"))
    slow = kinds.get("slow") or {}
    return (f"* {n:,} actors, mixed load: {mix.get('clients')} clients for {mix.get('duration_s', 0):g} s, "
            f"{mix.get('rps', 0):.0f} answers/s, {mix.get('errors', 0)} unintended errors"
            + (f" ({wrong})" if wrong else "")
            + f"; the runaway query was cut {mix.get('limited', 0)} times (answer after "
            f"{fmt_seconds(slow.get('limit_p50_s'))}; query_timeout {mix.get('query_timeout_s', 0):g} s, "
            f"{mix.get('query_workers', '?')} query workers). Server memory {mb(mix, 'rss_start_mb')} MB at "
            f"the start, {mb(mix, 'rss_peak_mb')} MB at the peak, {mb(mix, 'rss_end_mb')} MB at the end.")


def reading(by_scale: dict[int, dict[str, Rec]], info: dict[str, Any] | None = None) -> list[str]:
    """A short generated reading: what dominates, where targets are missed and why."""
    out = []
    info = info or {}
    load = (info.get("load_avg_start") or [0])[0]
    cores = info.get("cores") or 1
    if load > cores:
        out.append(f"* The machine was shared during this run (load average {load:.1f} on {cores} cores "
                   "at the start): absolute times are inflated, by several times where the load was highest; "
                   "the "
                   "ratios within one scale are the figures to compare. Rerun `make bench` on a quiet "
                   "machine.")
    for n in sorted(by_scale):
        r = by_scale[n]
        imp, raw = r.get("import"), r.get("import_raw")
        steps = (imp or {}).get("steps") or {}
        if seconds(imp) and seconds(raw) and steps:
            ranked = sorted(steps.items(), key=lambda kv: -kv[1])
            total = sum(steps.values()) or 1
            out.append(f"* {n:,} actors, import: {fmt_seconds(seconds(imp))}, "
                       f"{ratio(seconds(imp), seconds(raw))} the raw bulk load of the same quads. "
                       + ", ".join(f"“{k}” takes {fmt_seconds(v)} ({100 * v / total:.0f} %)"
                                   for k, v in ranked[:2])
                       + f"; peak {mb(imp)} MB against {mb(raw)} MB for the bulk load.")
        ox, rdf = r.get("gaps_sparql_oxigraph"), r.get("gaps_sparql_rdflib")
        if r.get("gaps") or top100(r):
            gaps = r.get("gaps") or {}
            counts = gaps.get("counts") or {}
            kinds = per_kind(r)
            slow = max(kinds.items(), key=lambda kv: kv[1]) if kinds else ("?", 0.0)
            alt = [f"{name} {cell(rec)}" for name, rec in (("pyoxigraph", ox), ("rdflib", rdf)) if rec]
            every = f"every kind in {cell(gaps)}, " if gaps and gaps.get("status") != "refused" else ""
            written = (f" Writing every gap out as JSON takes {fmt_seconds(gaps['write_all_s'])} more "
                       f"({gaps['json_mb']} MB)." if "write_all_s" in gaps else "")
            refused = gaps.get("status") == "refused"
            unlimited = (f"without a limit it finds and ranks {counts[slow[0]]:,} of them.{written}"
                         if slow[0] in counts else
                         f"without a limit it refuses ({gaps.get('note')})." if refused else
                         f"without a limit: {cell(gaps)}." if gaps else "without a limit: not run.")
            sparql = (" `unlinked_peers` as one SPARQL query: " + ", ".join(alt) + "." if alt else "")
            peak = f" integraph, all kinds, peak {mb(gaps)} MB." if gaps else ""
            out.append(f"* {n:,} actors, gaps: {every}the best 100 in {cell(top100(r))} "
                       f"(+ {cell(r.get('landscape'))} to load the landscape). The slowest kind is {slow[0]} "
                       f"({fmt_seconds(slow[1])} for its best 100); {unlimited}{sparql}{peak}")
        who, api_in = seconds(r.get("who_graph")), seconds(r.get("who_api"))
        seq = sub(r.get("api_load"), "who_seq") or {}
        if who is not None and api_in is not None:
            out.append(f"* {n:,} actors, who works on G: {fmt_seconds(who)} in the library, "
                       f"{fmt_seconds(api_in)} through FastAPI in-process, "
                       f"p50 {fmt_seconds(seq.get('p50_s'))} over HTTP with one client; the same question "
                       f"in SPARQL takes {cell(r.get('who_sparql_oxigraph'))} on "
                       f"pyoxigraph and {cell(r.get('who_sparql_rdflib'))} on rdflib. The difference between "
                       "library and API is routing, response validation and JSON.")
        api = r.get("api_load")
        who_load, sparql = sub(api, "who"), sub(api, "sparql")
        if who_load and "rps" in who_load:
            oxs = sub(r.get("oxigraph_server_load"), "sparql") or {}
            sparql_seq = sub(api, "sparql_seq") or {}
            out.append(f"* {n:,} actors, API under load: `/api/goals/G/actors` {who_load['rps']:.0f} req/s "
                       f"with {who_load.get('concurrency')} clients "
                       f"(p50 {fmt_seconds(who_load.get('p50_s'))}); "
                       f"`/sparql` {(sparql or {}).get('rps', 0):.0f} req/s (one client p50 "
                       f"{fmt_seconds(sparql_seq.get('p50_s'))}); the plain Oxigraph server answers the same "
                       f"SPARQL at {oxs.get('rps', 0):.0f} req/s.")
        mix = r.get("load_mix")
        if mix and mix.get("status") == "ok":
            out.append(mix_reading(n, mix))
    missed = [row for row in check_targets(by_scale) if row[4].startswith("missed")]
    if missed:
        out.append("* Missed targets: " + "; ".join(f"{row[1]} at {row[0]} actors: {row[3]} against {row[2]} "
                                                    f"({row[4]})" for row in missed)
                   + ". What lies behind each is in `benchmarks/README.md` (“Known causes”).")
    return out
