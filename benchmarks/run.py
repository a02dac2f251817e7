"""``python -m benchmarks.run --profile quick|full``: measure integraph against the alternatives.

``quick`` (``make bench``) runs 300 and 3,000 actors; ``full`` (``make bench
BENCH=full``) adds 30,000 and 300,000. Per scale: generate the landscape
(:mod:`benchmarks.generate`, cached in ``benchmarks/out/data``), then run each
case of :mod:`benchmarks.cases` in a fresh process, in this order: import
(which leaves the reference store and its N-Quads dump), raw bulk loads,
who-works-on, gaps, metrics, the API under load, the mixed load with a runaway
query (issue 11), a plain Oxigraph server under load, the map. Raw records go
to ``benchmarks/out/results-{profile}.jsonl``; the tables and their reading to
``benchmarks/results.md`` (or ``--out``).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from benchmarks import generate
from benchmarks.harness import run_case
from benchmarks.report import write_report

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "benchmarks" / "out"

#: The mixed load test (load_mix, issue 11): clients (the slow one included), seconds, and the
#: server's query_timeout (small, so that the runaway query is cut several times in one run) and
#: query_workers (integraph's default).
MIX: dict[str, Any] = {"mix_clients": 50, "mix_duration": 60.0, "mix_query_timeout": 2.0,
                       "mix_query_workers": 2}
PROFILES: dict[str, dict[str, Any]] = {
    "quick": {"scales": [300, 3_000], "repeats": 5, "duration": 5.0, "concurrency": 8,
              "sparql_timeout": 60.0, "case_timeout": 1800.0, "max_rss_gb": 16.0,
              "rdflib_max_quads": 3_000_000, **MIX},
    "full": {"scales": list(generate.SCALES), "repeats": 5, "duration": 10.0, "concurrency": 8,
             "sparql_timeout": 120.0, "case_timeout": 4 * 3600.0, "max_rss_gb": 16.0,
             "rdflib_max_quads": 3_000_000, **MIX},
    # the smoke test: tiny data, one repeat, short load tests
    "smoke": {"scales": [50], "repeats": 1, "duration": 0.5, "concurrency": 2,
              "sparql_timeout": 10.0, "case_timeout": 120.0, "max_rss_gb": 4.0,
              "rdflib_max_quads": 3_000_000, **MIX, "mix_clients": 6, "mix_duration": 3.0},
}
#: Cases in run order; the later ones need the store the import case leaves behind.
ORDER = ["import", "import_raw", "import_memory_raw", "validate", "validate_pyshacl", "landscape",
         "who_graph", "who_api",
         "who_sparql_oxigraph", "who_sparql_rdflib", "gaps_top", "gaps", "gaps_sparql_oxigraph",
         "gaps_sparql_rdflib", "metrics", "server_store", "api_load", "load_mix", "oxigraph_server_load",
         "map"]


def log(msg: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def machine() -> dict[str, Any]:
    """Cores, memory, CPU model, load, versions: the context every figure needs."""
    info: dict[str, Any] = {"cores": os.cpu_count(), "python": platform.python_version(),
                            "platform": platform.platform(), "load_avg_start": os.getloadavg()}
    try:
        cpuinfo = Path("/proc/cpuinfo").read_text()
        info["cpu"] = next((ln.split(":", 1)[1].strip() for ln in cpuinfo.splitlines()
                            if ln.startswith("model name")), "?")
        mem = Path("/proc/meminfo").read_text().splitlines()[0].split()[1]
        info["ram_gib"] = round(int(mem) / 2**20, 1)
    except OSError:
        info["cpu"], info["ram_gib"] = "?", None
    from importlib.metadata import PackageNotFoundError, version

    versions = {}
    for pkg in ("integraph", "pyoxigraph", "rdflib", "pyshacl", "networkx", "igraph", "fastapi", "uvicorn",
                "httpx", "oxigraph"):
        try:
            versions[pkg] = version(pkg)
        except PackageNotFoundError:
            versions[pkg] = "not installed"
    info["versions"] = versions
    try:
        info["commit"] = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT,
                                        capture_output=True, text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        info["commit"] = "?"
    info["chromium"] = bool(shutil.which("chromium") or shutil.which("chromium-browser"))
    return info


def run(profile: str, *, scales: list[int] | None = None, repeats: int | None = None,
        cases: list[str] | None = None, out: Path | None = None, work: Path | None = None,
        seed: int = generate.DEFAULT_SEED, merge: bool = False, **overrides: Any) -> list[dict[str, Any]]:
    """Run a profile; return the records and write the report."""
    settings = {**PROFILES[profile], **{k: v for k, v in overrides.items() if v is not None}}
    if scales:
        settings["scales"] = scales
    if repeats is not None:
        settings["repeats"] = repeats
    work = work or OUT
    data_dir = work / "data"
    work.mkdir(parents=True, exist_ok=True)
    selected = [c for c in ORDER if cases is None or c in cases]
    info = machine()
    info.update(profile=profile, settings=settings, seed=seed,
                started=time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime()))
    records: list[dict[str, Any]] = []
    raw = work / f"results-{profile}.jsonl"
    kept: list[dict[str, Any]] = []
    if merge and raw.exists():
        kept = [json.loads(line) for line in raw.read_text(encoding="utf-8").splitlines() if line.strip()]
    with raw.open("w", encoding="utf-8") as fh:
        for n in settings["scales"]:
            cached = generate.is_cached(n, data_dir, seed=seed)
            t0 = time.perf_counter()
            meta = generate.ensure(n, data_dir, seed=seed)
            gen = {"case": "generate", "scale": n, "status": "ok",
                   "median_s": None if cached else time.perf_counter() - t0,
                   "meta": meta, "csv_mb": round(sum(f.stat().st_size for f in Path(meta["folder"]).iterdir())
                                                 / 2**20, 2)}
            records.append(gen)
            fh.write(json.dumps(gen, default=str) + "\n")
            scale_dir = work / f"scale-{n}"
            scale_dir.mkdir(exist_ok=True)
            ctx = {"scale": n, "folder": meta["folder"], "meta": meta, "work": str(scale_dir),
                   "store_dir": str(scale_dir / "store"), "nquads": str(scale_dir / "store.nq"),
                   "oxserver_dir": str(scale_dir / "oxserver"), "repeats": settings["repeats"],
                   "duration": settings["duration"], "concurrency": settings["concurrency"],
                   "sparql_timeout": settings["sparql_timeout"], "timeout": settings["case_timeout"],
                   "seed": seed, **{k: settings.get(k, v) for k, v in MIX.items()}}
            have_store = False
            if "import" in selected:  # never measure the other cases on an older store
                (scale_dir / "store.nq").unlink(missing_ok=True)
            quads = count_quads(scale_dir / "store.nq")
            for case in selected:
                if case != "import" and not have_store and not (scale_dir / "store.nq").exists():
                    rec = {"case": case, "scale": n, "status": "skipped",
                           "note": "no store: the import failed"}
                elif "rdflib" in case and quads > settings["rdflib_max_quads"]:
                    rec = {"case": case, "scale": n, "status": "na",
                           "note": f"not run: rdflib would hold {quads:,} quads (~{quads / 2**20:.0f} GB at "
                                   "~1 KB per triple; limit --rdflib-max-quads)"}
                else:
                    log(f"{n} actors: {case}")
                    budget = settings["case_timeout"]
                    if case.startswith(("gaps_sparql", "who_sparql_rdflib")):
                        budget = settings["sparql_timeout"] + 600
                    rec = run_case(case, ctx, timeout=budget, cwd=ROOT, log=log,
                                   max_rss_mb=settings["max_rss_gb"] * 1024)
                    rec.setdefault("scale", n)
                    if case == "import" and rec.get("status") != "ok":
                        # the other cases still need a store: write one without SHACL validation
                        log(f"{n} actors: import did not finish; reference store without SHACL instead")
                        fallback = run_case("reference_store", ctx, timeout=settings["case_timeout"],
                                            cwd=ROOT, log=log, max_rss_mb=settings["max_rss_gb"] * 1024)
                        fallback.setdefault("scale", n)
                        records.append(fallback)
                        fh.write(json.dumps(fallback, default=str) + "\n")
                        rec = {**rec, "fallback": fallback.get("status")}
                        if fallback.get("status") == "ok":
                            have_store, quads = True, int(fallback.get("triples") or 0)
                    if case == "import" and rec.get("status") == "ok":
                        have_store = True
                        quads = int(rec.get("triples") or 0)
                    log(f"{n} actors: {case}: {rec.get('status')} {summary(rec)}")
                records.append(rec)
                fh.write(json.dumps(rec, default=str) + "\n")
                fh.flush()
    if merge:  # earlier records of the cases not measured again, in their old order
        fresh = {(r["case"], r.get("scale")) for r in records}
        records = [r for r in kept if (r["case"], r.get("scale")) not in fresh] + records
        sort = ["generate", "import", "reference_store", *ORDER[1:]]
        records.sort(key=lambda r: (r.get("scale", 0), sort.index(r["case"]) if r["case"] in sort else 99))
        raw.write_text("".join(json.dumps(r, default=str) + "\n" for r in records), encoding="utf-8")
        old_info = work / f"run-{profile}.json"
        if old_info.exists():
            old = json.loads(old_info.read_text(encoding="utf-8"))
            info["merged_into"] = old.get("started")
            info["first_started"] = old.get("first_started") or old.get("started")
    info["finished"] = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime())
    info["load_avg_end"] = os.getloadavg()
    (work / f"run-{profile}.json").write_text(json.dumps(info, default=str, indent=1), encoding="utf-8")
    write_report(records, info, out or ROOT / "benchmarks" / "results.md")
    return records


def report_only(profile: str, *, out: Path | None = None, work: Path | None = None) -> None:
    """Rewrite the report from the raw records of the last run of ``profile``."""
    work = work or OUT
    lines = (work / f"results-{profile}.jsonl").read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in lines if line.strip()]
    info_file = work / f"run-{profile}.json"
    if info_file.exists():
        info = json.loads(info_file.read_text(encoding="utf-8"))
    else:
        info = {**machine(), "profile": profile, "settings": PROFILES[profile],
                "started": "?", "finished": "?", "load_avg_end": os.getloadavg()}
    write_report(records, info, out or ROOT / "benchmarks" / "results.md")


def count_quads(path: Path) -> int:
    """Lines of an N-Quads file (0 when it is missing): the size of the reference store."""
    if not path.exists():
        return 0
    with path.open("rb") as fh:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: fh.read(1 << 20), b""))


def summary(rec: dict[str, Any]) -> str:
    if rec.get("median_s") is not None:
        return f"{rec['median_s']:.4f} s (n={rec.get('n')}, peak {rec.get('peak_rss_mb')} MB)"
    return str(rec.get("note") or rec.get("timeout_s") or "")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__.split("\n")[0])
    ap.add_argument("--profile", choices=sorted(PROFILES), default="quick")
    ap.add_argument("--scales", type=int, nargs="+", help="override the profile's scales")
    ap.add_argument("--repeats", type=int, help="timed repeats per measurement")
    ap.add_argument("--cases", nargs="+", choices=ORDER, help="only these cases")
    ap.add_argument("--duration", type=float, help="seconds per load test")
    ap.add_argument("--concurrency", type=int, help="concurrent clients in load tests")
    ap.add_argument("--mix-clients", type=int,
                    help="clients of the mixed load test (load_mix), the slow one included")
    ap.add_argument("--mix-duration", type=float, help="seconds of the mixed load test")
    ap.add_argument("--mix-query-timeout", type=float,
                    help="the server's query_timeout in the mixed load test (cuts the runaway query)")
    ap.add_argument("--mix-query-workers", type=int, help="the server's query_workers in the mixed load test")
    ap.add_argument("--sparql-timeout", type=float, help="seconds before an alternative's query is stopped")
    ap.add_argument("--case-timeout", type=float, help="seconds before any case is killed")
    ap.add_argument("--max-rss-gb", type=float, help="stop a case whose processes hold more memory")
    ap.add_argument("--rdflib-max-quads", type=int, help="skip the rdflib alternatives above this size")
    ap.add_argument("--out", type=Path, help="report file [default: benchmarks/results.md]")
    ap.add_argument("--work", type=Path, help="data and stores [default: benchmarks/out]")
    ap.add_argument("--seed", type=int, default=generate.DEFAULT_SEED)
    ap.add_argument("--merge", action="store_true",
                    help="keep the last run's records of the cases not measured now (with --cases)")
    ap.add_argument("--report-only", action="store_true", help="rewrite the report from the last raw records")
    args = ap.parse_args(argv)
    if args.report_only:
        report_only(args.profile, out=args.out, work=args.work)
        return 0
    run(args.profile, scales=args.scales, repeats=args.repeats, cases=args.cases, out=args.out,
        work=args.work, seed=args.seed, merge=args.merge, duration=args.duration,
        concurrency=args.concurrency, mix_clients=args.mix_clients, mix_duration=args.mix_duration,
        mix_query_timeout=args.mix_query_timeout, mix_query_workers=args.mix_query_workers,
        sparql_timeout=args.sparql_timeout,
        case_timeout=args.case_timeout,
        max_rss_gb=args.max_rss_gb, rdflib_max_quads=args.rdflib_max_quads)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
