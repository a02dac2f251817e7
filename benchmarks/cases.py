"""The measurements. Each case runs in its own process: ``python -m benchmarks.cases CASE CONTEXT``.

``CONTEXT`` is JSON from :mod:`benchmarks.run`: the scale, the dataset
folder and its meta data, where the reference store and its N-Quads dump
live, repeats and load-test settings. A case prints one result line
(:func:`benchmarks.harness.emit`): ``status`` ``ok`` or ``na`` (not
available, with a ``note``), the median time, and extras.

The alternatives are written the straightforward way a user would write
them: the same SPARQL text on rdflib's in-memory engine (what
``rdflib-endpoint`` serves), on embedded pyoxigraph and on a plain
``oxigraph serve``. They ignore dates (integraph answers for today), so they
return at least as many rows; the counts are in the results.
"""

from __future__ import annotations

import importlib
import importlib.util
import itertools
import json
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks.harness import deadline, emit, peak_rss_mb, timed, tree_peak_mb

IG = "https://w3id.org/integraph/ns#"
PREFIXES = f"""PREFIX ig: <{IG}>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX org: <http://www.w3.org/ns/org#>
"""


def base_iri(ctx: dict[str, Any]) -> str:
    return f"https://w3id.org/integraph/id/{ctx['meta']['dataset']}"


def who_sparql(ctx: dict[str, Any]) -> str:
    """Who works on goal G, directly or as lead/partner of a project pursuing it (join in each branch)."""
    goal = f"<{base_iri(ctx)}/goal/{ctx['meta']['goal_G']}>"
    return PREFIXES + f"""SELECT ?actor ?name ?kind ?via ?project WHERE {{
  {{ ?actor ig:worksOn {goal} ; skos:prefLabel ?name ; ig:kind ?kind . BIND("direct" AS ?via) }}
  UNION {{ ?actor ig:leads ?project ; skos:prefLabel ?name ; ig:kind ?kind .
          ?project ig:pursues {goal} . BIND("lead" AS ?via) }}
  UNION {{ ?actor ig:partnerIn ?project ; skos:prefLabel ?name ; ig:kind ?kind .
          ?project ig:pursues {goal} . BIND("partner" AS ?via) }}
}} ORDER BY ?name ?actor"""


#: unlinked_peers the straightforward way: pairs on a common goal with no tie, project or group in common.
UNLINKED_PEERS = PREFIXES + """SELECT ?a ?b (COUNT(DISTINCT ?g) AS ?shared) WHERE {
  ?a ig:worksOn|((ig:leads|ig:partnerIn)/ig:pursues) ?g .
  ?b ig:worksOn|((ig:leads|ig:partnerIn)/ig:pursues) ?g .
  FILTER(STR(?a) < STR(?b))
  FILTER NOT EXISTS { ?a ig:cooperatesWith ?b }
  FILTER NOT EXISTS { ?a ig:leads|ig:partnerIn ?p . ?b ig:leads|ig:partnerIn ?p }
  FILTER NOT EXISTS { ?a org:memberOf ?w . ?b org:memberOf ?w }
} GROUP BY ?a ?b ORDER BY DESC(?shared) ?a ?b LIMIT 100"""


def timeout_result(ctx: dict[str, Any], case: str, load: float) -> dict[str, Any]:
    """What a query that ran over ``sparql_timeout`` reports (the data load is not counted)."""
    return {"status": "timeout", "timeout_s": ctx["sparql_timeout"], "load_s": load, "case": case,
            "scale": ctx["scale"]}


def na(note: str) -> dict[str, Any]:
    return {"status": "na", "note": note}


def ok(t: dict[str, Any], **extra: Any) -> dict[str, Any]:
    t = {k: v for k, v in t.items() if k != "value"}
    return {"status": "ok", **t, **extra}


def have(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False


def open_ref(ctx: dict[str, Any]) -> Any:
    from graph.store import open_store

    return open_store(f"oxigraph:{ctx['store_dir']}", read_only=True)


def landscape(ctx: dict[str, Any]) -> Any:
    if not have("graph.landscape"):
        return None
    from graph.landscape import load_landscape

    return load_landscape(open_ref(ctx))


# -- import --------------------------------------------------------------------------------


def case_import(ctx: dict[str, Any]) -> dict[str, Any]:
    """tables → checked → mapped → validated → stored, on disk; the first store is kept as reference."""
    import pyoxigraph as ox

    from graph.importer import import_dataset
    from graph.store import open_store

    work = Path(ctx["work"])
    runs: list[float] = []
    steps: dict[str, float] = {}
    triples = 0
    for r in range(max(1, ctx["repeats"])):
        target = Path(tempfile.mkdtemp(prefix="import-", dir=work))
        marks: list[tuple[str, float]] = []

        def mark(step: str, marks: list[tuple[str, float]] = marks) -> None:
            marks.append((step, time.perf_counter()))

        _forget_verdicts()  # every run validates; the verdict cache would make repeats free
        t0 = time.perf_counter()
        store = open_store(f"oxigraph:{target}")
        report = import_dataset(store, Path(ctx["folder"]), progress=mark)
        store.close()
        runs.append(time.perf_counter() - t0)
        if r == 0:
            triples = report.triples + report.private_triples
            points = [*marks, ("end", t0 + runs[0])]
            steps = {a[0]: round(b[1] - a[1], 4) for a, b in itertools.pairwise(points)}
            ref = Path(ctx["store_dir"])
            shutil.rmtree(ref, ignore_errors=True)
            shutil.move(str(target), ref)
            dump = ox.Store.read_only(str(ref))
            dump.dump(output=ctx["nquads"], format=ox.RdfFormat.N_QUADS)
            del dump
        else:
            shutil.rmtree(target, ignore_errors=True)
        if runs[-1] > 5:
            break
    import statistics

    return {"status": "ok", "median_s": statistics.median(runs), "min_s": min(runs), "n": len(runs),
            "samples": runs, "steps": steps, "triples": triples}


def _forget_verdicts() -> None:
    from graph import validation

    validation._VERDICTS.clear()


def _mapped(ctx: dict[str, Any]) -> Any:
    """The dataset's triples as the importer validates them (read, checked, mapped; not validated)."""
    from graph.importer import dataset_base
    from graph.mapping import map_tables
    from graph.tables import read_tables

    tables = read_tables(Path(ctx["folder"]))
    meta = {r.get("key", "").lower(): r.get("value", "") for r in tables.get("dataset").rows}
    name = meta.get("name", "")
    mapped = map_tables(tables, dataset_base(name, meta.get("base") or None), name)
    return mapped.public + mapped.private


def _validate_with(engine: str, ctx: dict[str, Any]) -> dict[str, Any]:
    from graph.validation import validate_triples

    triples = _mapped(ctx)

    def run() -> int:
        _forget_verdicts()
        return len(validate_triples(triples, engine=engine))

    case = "validate" if engine == "oxigraph" else f"validate_{engine}"
    with deadline(ctx["sparql_timeout"], {**timeout_result(ctx, case, 0.0), "triples": len(triples)}):
        t = timed(run, repeats=ctx["repeats"], slow=3)
    return ok(t, problems=t["value"], triples=len(triples))


def case_validate(ctx: dict[str, Any]) -> dict[str, Any]:
    """SHACL validation of the mapped triples with integraph's engine (shapes as SPARQL on Oxigraph)."""
    return _validate_with("oxigraph", ctx)


def case_validate_pyshacl(ctx: dict[str, Any]) -> dict[str, Any]:
    """The same validation with pySHACL (the reference implementation, rdflib underneath)."""
    return _validate_with("pyshacl", ctx)


def case_reference_store(ctx: dict[str, Any]) -> dict[str, Any]:
    """Fallback when the import did not finish: the same graphs, written without SHACL validation.

    read → check → map (the importer's own functions) → one bulk write, so the other cases can
    still run at scales where validation runs out of time or memory. Not a measurement of import.
    """
    import pyoxigraph as ox

    from graph.checks import check_tables, errors_in
    from graph.mapping import map_tables
    from graph.namespaces import ONTOLOGY_IRI, dataset_base, dataset_graph, private_graph
    from graph.ontology import ontology_triples
    from graph.store import open_store
    from graph.tables import read_tables

    t0 = time.perf_counter()
    tables = read_tables(Path(ctx["folder"]))
    problems = errors_in(list(tables.problems) + check_tables(tables))
    if problems:
        return {"status": "error", "note": f"{len(problems)} table errors: {problems[0]}"}
    meta = {r.get("key", "").lower(): r.get("value", "") for r in tables.get("dataset").rows}
    base = dataset_base(meta["name"], meta.get("base") or None)
    mapped = map_tables(tables, base)
    ref = Path(ctx["store_dir"])
    shutil.rmtree(ref, ignore_errors=True)
    store = open_store(f"oxigraph:{ref}")
    store.replace_graphs({ONTOLOGY_IRI: ontology_triples(),
                          dataset_graph(base): mapped.public, private_graph(base): mapped.private})
    store.close()
    dump = ox.Store.read_only(str(ref))
    dump.dump(output=ctx["nquads"], format=ox.RdfFormat.N_QUADS)
    del dump
    took = time.perf_counter() - t0
    return {"status": "ok", "median_s": took, "n": 1, "triples": len(mapped.public) + len(mapped.private),
            "note": "reference store written without SHACL validation (the import did not finish)"}


def case_import_raw(ctx: dict[str, Any]) -> dict[str, Any]:
    """The floor: pyoxigraph ``bulk_load`` of the same quads (the N-Quads dump) into an on-disk store."""
    import pyoxigraph as ox

    work = Path(ctx["work"])
    keep = Path(ctx["oxserver_dir"])

    def load() -> Path:
        target = Path(tempfile.mkdtemp(prefix="bulk-", dir=work))
        store = ox.Store(str(target))
        store.bulk_load(path=ctx["nquads"], format=ox.RdfFormat.N_QUADS)
        store.flush()
        del store
        return target

    dirs: list[Path] = []
    t = timed(lambda: dirs.append(load()), repeats=ctx["repeats"], warmup=False, slow=5)
    shutil.rmtree(keep, ignore_errors=True)
    shutil.move(str(dirs[-1]), keep)  # the plain Oxigraph server serves this one
    for d in dirs[:-1]:
        shutil.rmtree(d, ignore_errors=True)
    return ok(t)


def case_import_memory_raw(ctx: dict[str, Any]) -> dict[str, Any]:
    """pyoxigraph in memory, ``bulk_load`` of the same quads (for reference)."""
    import pyoxigraph as ox

    def load() -> None:
        ox.Store().bulk_load(path=ctx["nquads"], format=ox.RdfFormat.N_QUADS)

    return ok(timed(load, repeats=ctx["repeats"], warmup=False, slow=5))


# -- who works on goal G --------------------------------------------------------------------


def case_landscape(ctx: dict[str, Any]) -> dict[str, Any]:
    """``load_landscape`` from the on-disk store (what every analysis command does first).

    The median is the load from the store itself (``snapshot=False``: the first command after a
    write). ``save_s`` is a load that also writes the snapshot beside the store, ``snapshot_s`` a
    load that reads it (every later command until the next write).
    """
    if not have("graph.landscape"):
        return na("graph/landscape.py not available")
    from graph.landscape import load_landscape

    store = open_ref(ctx)
    t = timed(lambda: load_landscape(store, snapshot=False), repeats=ctx["repeats"], slow=5)
    land = t["value"]
    extra: dict[str, Any] = {}
    if have("graph.landscape_snapshot"):
        from graph.landscape_snapshot import snapshot_path

        path = snapshot_path(Path(ctx["store_dir"]))
        path.unlink(missing_ok=True)
        t0 = time.perf_counter()
        load_landscape(store)
        extra["save_s"] = time.perf_counter() - t0
        snap = timed(lambda: load_landscape(store), repeats=ctx["repeats"], slow=5)
        extra.update(snapshot_s=snap["median_s"], snapshot_mb=round(path.stat().st_size / 1e6, 1)
                     if path.exists() else None, snapshot_equal=snap["value"] == land)
    return ok(t, actors=len(land.actors), projects=len(land.projects), **extra)


def case_who_graph(ctx: dict[str, Any]) -> dict[str, Any]:
    """``graph.coverage.who(landscape, G)`` on a loaded landscape (as the API answers it)."""
    if not have("graph.coverage"):
        return na("graph/coverage.py not available")
    from graph.coverage import who

    land = landscape(ctx)
    goal = ctx["meta"]["goal_G"]
    t0 = time.perf_counter()
    who(land, goal)  # the first call builds the per-date index every later call reads
    first = time.perf_counter() - t0
    t = timed(lambda: who(land, goal), repeats=ctx["repeats"] * 5, warmup=False, slow=60)
    return ok(t, rows=len(t["value"]), first_s=round(first, 4))


def case_who_api(ctx: dict[str, Any]) -> dict[str, Any]:
    """``GET /api/goals/G/actors`` in-process (FastAPI TestClient), landscape already cached."""
    if not have("api.app"):
        return na("api/app.py not available")
    from fastapi.testclient import TestClient

    from api.app import create_app
    from graph.settings import Settings

    spec = f"oxigraph:{ctx['store_dir']}"
    app = create_app(Settings(store=spec, query_workers=1), store=open_ref(ctx))
    if "/api/goals/{id}/actors" not in app.openapi().get("paths", {}):
        return na("route /api/goals/{id}/actors not available")
    url = f"/api/goals/{ctx['meta']['goal_G']}/actors"
    with TestClient(app) as client:
        client.get(url)  # the first request loads the landscape (see the landscape case), not timed

        def get() -> int:
            resp = client.get(url)
            if resp.status_code != 200:
                raise RuntimeError(f"{url}: {resp.status_code} {resp.text[:200]}")
            return len(resp.json())

        t = timed(get, repeats=ctx["repeats"] * 5)
    return ok(t, rows=t["value"])


def _rdflib_dataset(ctx: dict[str, Any]) -> tuple[Any, float]:
    import rdflib

    t0 = time.perf_counter()
    ds = rdflib.Dataset(default_union=True)
    ds.parse(ctx["nquads"], format="nquads")
    return ds, time.perf_counter() - t0


def _ox_memory(ctx: dict[str, Any]) -> tuple[Any, float]:
    import pyoxigraph as ox

    t0 = time.perf_counter()
    store = ox.Store()
    store.bulk_load(path=ctx["nquads"], format=ox.RdfFormat.N_QUADS)
    return store, time.perf_counter() - t0


def case_who_sparql_rdflib(ctx: dict[str, Any]) -> dict[str, Any]:
    """The who query on rdflib's in-memory engine (default graph = union of the graphs)."""
    ds, load = _rdflib_dataset(ctx)
    text = who_sparql(ctx)
    with deadline(ctx["sparql_timeout"], timeout_result(ctx, "who_sparql_rdflib", load)):
        t = timed(lambda: len(list(ds.query(text))), repeats=ctx["repeats"], slow=5)
    return ok(t, rows=t["value"], load_s=load)


def case_who_sparql_oxigraph(ctx: dict[str, Any]) -> dict[str, Any]:
    """The who query on the integraph store (pyoxigraph on disk) through ``Store.select``."""
    store = open_ref(ctx)
    text = who_sparql(ctx)
    t = timed(lambda: len(store.select(text)), repeats=ctx["repeats"] * 5, slow=5)
    return ok(t, rows=t["value"])


# -- gaps and metrics ------------------------------------------------------------------------


def case_gaps_top(ctx: dict[str, Any]) -> dict[str, Any]:
    """``find_gaps(landscape, limit=100)``: every kind, the best 100; then each kind alone (best 100)."""
    if not have("graph.gaps"):
        return na("graph/gaps.py not available")
    from graph.gaps import KINDS, find_gaps

    land = landscape(ctx)
    t = timed(lambda: find_gaps(land, limit=100), repeats=ctx["repeats"], slow=3)
    per_kind = {}
    for kind in KINDS:
        t0 = time.perf_counter()
        find_gaps(land, kind=kind, limit=100)
        per_kind[kind] = round(time.perf_counter() - t0, 4)
    return ok(t, gaps=len(t["value"]), per_kind_s=per_kind)


#: Write every gap out as JSON (``integraph gaps --format json``) only up to this many gaps.
WRITE_ALL_MAX = 2_000_000


def case_gaps(ctx: dict[str, Any]) -> dict[str, Any]:
    """``find_gaps(landscape)``: every kind found and ranked, no limit (``integraph gaps`` without --limit).

    Pair gaps are explained when read (graph/gap_list.py), so this is the time to the ranked
    answer; ``write_all_s`` is the time to write every gap as JSON text on top of it.
    """
    if not have("graph.gaps"):
        return na("graph/gaps.py not available")
    from graph.errors import TooLarge
    from graph.gaps import find_gaps

    land = landscape(ctx)
    t0 = time.perf_counter()
    try:
        t = timed(lambda: find_gaps(land), repeats=ctx["repeats"], slow=3)
    except TooLarge as exc:  # more pairs than graph.gaps.MAX_PAIRS: a clear refusal, not a crash
        return {"status": "refused", "note": str(exc), "median_s": time.perf_counter() - t0, "n": 1}
    gaps = t["value"]
    extra: dict[str, Any] = {"gaps": len(gaps), "counts": gaps.counts()}
    if len(gaps) <= WRITE_ALL_MAX:
        t0 = time.perf_counter()
        extra["json_mb"] = round(sum(len(part.encode()) for part in gaps.json_parts()) / 1e6, 1)
        extra["write_all_s"] = round(time.perf_counter() - t0, 3)
    return ok(t, **extra)


def case_gaps_sparql_oxigraph(ctx: dict[str, Any]) -> dict[str, Any]:
    """unlinked_peers as one FILTER NOT EXISTS query on embedded pyoxigraph (in memory, union default)."""
    store, load = _ox_memory(ctx)

    def run() -> int:
        return len(list(store.query(UNLINKED_PEERS, use_default_graph_as_union=True)))

    with deadline(ctx["sparql_timeout"], timeout_result(ctx, "gaps_sparql_oxigraph", load)):
        t = timed(run, repeats=ctx["repeats"], slow=3)
    return ok(t, rows=t["value"], load_s=load)


def case_gaps_sparql_rdflib(ctx: dict[str, Any]) -> dict[str, Any]:
    """unlinked_peers as one FILTER NOT EXISTS query on rdflib's in-memory engine."""
    ds, load = _rdflib_dataset(ctx)
    with deadline(ctx["sparql_timeout"], timeout_result(ctx, "gaps_sparql_rdflib", load)):
        t = timed(lambda: len(list(ds.query(UNLINKED_PEERS))), repeats=ctx["repeats"], slow=3)
    return ok(t, rows=t["value"], load_s=load)


def case_metrics(ctx: dict[str, Any]) -> dict[str, Any]:
    """``compute_metrics(cooperation_network(landscape))``: betweenness, constraint, communities, ..."""
    if not (have("graph.metrics") and have("graph.network")):
        return na("graph/metrics.py or graph/network.py not available")
    from graph.metrics import compute_metrics
    from graph.network import cooperation_network

    land = landscape(ctx)
    net = timed(lambda: cooperation_network(land), repeats=ctx["repeats"], slow=3)
    graph = net["value"]
    t = timed(lambda: compute_metrics(graph, seed=0), repeats=ctx["repeats"], slow=3)
    m = t["value"]
    return ok(t, network_s=net["median_s"], nodes=graph.number_of_nodes(), edges=graph.number_of_edges(),
              betweenness=m.get("betweenness_method"), communities=len(m.get("communities", [])))


# -- API throughput --------------------------------------------------------------------------


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_http(url: str, proc: subprocess.Popen[bytes], timeout: float, accept: Callable[[Any], bool]) -> None:
    import httpx

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}")
        try:
            if accept(httpx.get(url, timeout=10, headers={"Accept": "application/sparql-results+json"})):
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.25)
    raise RuntimeError(f"{url} not ready after {timeout} s")


def stop(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def load_test(url: str, *, concurrency: int, duration: float, max_requests: int,
              headers: dict[str, str] | None = None) -> dict[str, Any]:
    """``concurrency`` keep-alive clients GET ``url`` in a loop for ``duration`` s (loopback only)."""
    import asyncio

    import httpx

    if not url.startswith("http://127.0.0.1:"):
        raise ValueError("load tests run on loopback only")
    latencies: list[float] = []
    errors: list[str] = []

    async def client(http: httpx.AsyncClient, deadline: float) -> None:
        while time.perf_counter() < deadline and len(latencies) + len(errors) < max_requests:
            t0 = time.perf_counter()
            try:
                resp = await http.get(url, headers=headers)
                await resp.aread()
                if resp.status_code == 200:
                    latencies.append(time.perf_counter() - t0)
                else:
                    errors.append(str(resp.status_code))
            except httpx.HTTPError as exc:
                errors.append(type(exc).__name__)

    async def main() -> float:
        limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
        async with httpx.AsyncClient(limits=limits, timeout=60) as http:
            await http.get(url, headers=headers)  # warm-up
            t0 = time.perf_counter()
            deadline = t0 + duration
            await asyncio.gather(*(client(http, deadline) for _ in range(concurrency)))
            return time.perf_counter() - t0

    elapsed = asyncio.run(main())
    latencies.sort()

    def pct(p: float) -> float | None:
        return latencies[min(len(latencies) - 1, int(p * len(latencies)))] if latencies else None

    return {"requests": len(latencies), "errors": len(errors), "error_kinds": sorted(set(errors))[:5],
            "elapsed_s": elapsed, "rps": len(latencies) / elapsed if elapsed else 0.0,
            "p50_s": pct(0.5), "p99_s": pct(0.99), "median_s": pct(0.5), "concurrency": concurrency}


def both_loads(name: str, url: str, ctx: dict[str, Any], headers: dict[str, str] | None = None,
               ) -> dict[str, Any]:
    """One client in sequence (latency), then ``concurrency`` clients (throughput)."""
    seq = load_test(url, headers=headers, concurrency=1, duration=ctx["duration"] / 2, max_requests=5_000)
    par = load_test(url, headers=headers, concurrency=ctx["concurrency"], duration=ctx["duration"],
                    max_requests=50_000)
    return {f"{name}_seq": seq, name: par}


def case_api_load(ctx: dict[str, Any]) -> dict[str, Any]:
    """uvicorn serving ``create_app`` over the on-disk store; who route and /sparql under concurrent load."""
    if not have("api.app"):
        return na("api/app.py not available")
    from urllib.parse import quote

    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "benchmarks.serve_app", f"oxigraph:{ctx['store_dir']}", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_http(f"{base}/sparql?query=ASK%7B%7D", server, 300, lambda r: r.status_code == 200)
        import httpx

        paths = httpx.get(f"{base}/openapi.json", timeout=30).json().get("paths", {})
        out: dict[str, Any] = {"status": "ok", "port": port}
        if "/api/goals/{id}/actors" in paths:
            url = f"{base}/api/goals/{ctx['meta']['goal_G']}/actors"
            httpx.get(url, timeout=300)  # the first request loads the landscape
            out.update(both_loads("who", url, ctx))
        else:
            out["who"] = out["who_seq"] = na("route /api/goals/{id}/actors not available")
        url = f"{base}/sparql?query={quote(who_sparql(ctx))}"
        out.update(both_loads("sparql", url, ctx, {"Accept": "application/sparql-results+json"}))
        out["server_peak_rss_mb"] = round(tree_peak_mb(server.pid), 1)
        return out
    finally:
        stop(server)


def case_load_mix(ctx: dict[str, Any]) -> dict[str, Any]:
    """uvicorn serving ``create_app``; REST reads, /sparql and one runaway query at once (issue 11).

    The server gets a small ``query_timeout`` (``mix_query_timeout``) so that the runaway query is
    cut several times within the run; everything else is as ``integraph serve`` runs it.
    """
    if not have("api.app"):
        return na("api/app.py not available")
    import os

    import httpx

    from benchmarks.load_mix import run_mix
    from graph.settings import Settings

    timeout = float(ctx.get("mix_query_timeout", 2.0))
    workers = int(ctx.get("mix_query_workers") or Settings().query_workers)  # as integraph serve runs
    env = {**os.environ, "INTEGRAPH_QUERY_TIMEOUT": f"{timeout:g}", "INTEGRAPH_QUERY_WORKERS": str(workers)}
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "benchmarks.serve_app", f"oxigraph:{ctx['store_dir']}", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_http(f"{base}/sparql?query=ASK%7B%7D", server, 300, lambda r: r.status_code == 200)
        paths = httpx.get(f"{base}/openapi.json", timeout=30).json().get("paths", {})
        missing = [p for p in ("/api/goals", "/api/goals/{id}/actors", "/api/actors/{id}", "/api/gaps")
                   if p not in paths]
        if missing:
            return na(f"routes not available: {', '.join(missing)}")
        rss_ready = round(tree_peak_mb(server.pid), 1)
        # warm-up, not measured: the landscape load, the first gaps, the guard's parse of the who query
        goals = [g["id"] for g in httpx.get(f"{base}/api/goals", timeout=300).json()]
        actors = [a["id"] for a in httpx.get(f"{base}/api/actors", params={"limit": 1000},
                                             timeout=300).json()["items"]]
        for url in (f"{base}/api/goals/{ctx['meta']['goal_G']}/actors", f"{base}/api/actors/{actors[0]}",
                    f"{base}/api/gaps?limit=20"):
            httpx.get(url, timeout=300).raise_for_status()
        sparql = who_sparql(ctx)
        httpx.get(f"{base}/sparql", params={"query": sparql}, timeout=300,
                  headers={"Accept": "application/sparql-results+json"}).raise_for_status()
        out = run_mix(base, server_pid=server.pid, clients=int(ctx.get("mix_clients", 50)),
                      duration=float(ctx.get("mix_duration", 60.0)), goal_ids=goals, actor_ids=actors,
                      sparql=sparql, query_timeout=timeout, seed=int(ctx.get("seed", 0)),
                      runaway=bool(ctx.get("mix_runaway", True)))
        alive = server.poll() is None
        # the killed workers' peaks are gone from /proc: the sampled peak may be the higher one
        peak = max(tree_peak_mb(server.pid), out.get("rss_peak_mb") or 0.0)
        return {"status": "ok", "port": port, "query_workers": workers, "server_alive": alive,
                "server_peak_rss_mb": round(peak, 1), "rss_ready_peak_mb": rss_ready,
                "goals": len(goals), "actor_ids": len(actors), **out}
    finally:
        stop(server)


def case_oxigraph_server_load(ctx: dict[str, Any]) -> dict[str, Any]:
    """A plain ``oxigraph serve`` (same quads, union default graph) under the same /sparql load."""
    from urllib.parse import quote

    binary = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
    if not Path(binary).exists():
        return na("oxigraph server binary not installed (pip install oxigraph)")
    if not Path(ctx["oxserver_dir"]).exists():
        return na("no bulk-loaded store (the import_raw case did not run)")
    port = free_port()
    server = subprocess.Popen([binary, "serve", "--location", ctx["oxserver_dir"], "--bind",
                               f"127.0.0.1:{port}", "--union-default-graph", "--timeout-s", "60"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_http(f"{base}/query?query=ASK%7B%7D", server, 120, lambda r: r.status_code == 200)
        url = f"{base}/query?query={quote(who_sparql(ctx))}"
        accept = {"Accept": "application/sparql-results+json"}
        out = {"status": "ok", **both_loads("sparql", url, ctx, accept)}
        out["server_peak_rss_mb"] = round(tree_peak_mb(server.pid), 1)
        return out
    finally:
        stop(server)


def case_server_store(ctx: dict[str, Any]) -> dict[str, Any]:
    """integraph on a ``sparql:`` store backed by ``oxigraph serve`` (issue 9): import, landscape, gaps.

    The same three steps as the ``import``, ``landscape`` and ``gaps_top`` cases on the embedded store;
    the import writes through the Graph Store Protocol and one SPARQL update, the reads go through
    the SPARQL protocol. The server starts on an empty directory, so the import is a first import.
    """
    binary = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
    if not Path(binary).exists():
        return na("oxigraph server binary not installed (pip install oxigraph)")
    from graph.gaps import find_gaps
    from graph.importer import import_dataset
    from graph.landscape import load_landscape
    from graph.settings import Settings
    from graph.store import open_store

    location = Path(tempfile.mkdtemp(prefix="server-store-", dir=ctx["work"]))
    port = free_port()
    server = subprocess.Popen([binary, "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_http(f"{base}/query?query=ASK%7B%7D", server, 120, lambda r: r.status_code == 200)
        store = open_store(f"sparql:{base}/query", settings=Settings(remote_timeout=3600.0))
        _forget_verdicts()
        t0 = time.perf_counter()
        import_dataset(store, Path(ctx["folder"]))
        imported = time.perf_counter() - t0
        land_t = timed(lambda: load_landscape(store), repeats=ctx["repeats"], slow=5)
        land = land_t["value"]
        gaps_t = timed(lambda: find_gaps(land, limit=100), repeats=ctx["repeats"], slow=3)
        return {"status": "ok", "median_s": imported, "n": 1, "import_s": imported,
                "landscape_s": land_t["median_s"], "gaps_top_s": gaps_t["median_s"],
                "gaps": len(gaps_t["value"]), "server_peak_rss_mb": round(tree_peak_mb(server.pid), 1)}
    finally:
        stop(server)
        shutil.rmtree(location, ignore_errors=True)


# -- map -------------------------------------------------------------------------------------


def chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "/usr/bin/chromium"):
        found = shutil.which(name)
        if found:
            return found
    return None


def case_map(ctx: dict[str, Any]) -> dict[str, Any]:
    """``integraph map --out FILE.html`` (whole network), then the page in headless Chromium."""
    if not have("graph.maps"):
        return na("graph/maps.py not available")
    html = Path(ctx["work"]) / f"map-{ctx['scale']}.html"
    cli = shutil.which("integraph") or str(Path(sys.executable).parent / "integraph")
    cmd = [cli, "--store", f"oxigraph:{ctx['store_dir']}", "map", "--out", str(html)]

    def write() -> None:
        subprocess.run(cmd, check=True, capture_output=True, timeout=ctx["timeout"])

    try:
        t = timed(write, repeats=ctx["repeats"], warmup=False, slow=5)
    except subprocess.CalledProcessError as exc:
        lines = (exc.stderr or b"").decode(errors="replace").strip().splitlines()
        return {"status": "error", "note": f"integraph map failed: {lines[-1] if lines else exc.returncode}"}
    import resource

    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    out = ok(t, html_mb=round(html.stat().st_size / 2**20, 2), peak_rss_mb=round(children, 1))
    browser = chromium()
    if browser is None:
        out["browser"] = na("headless Chromium not installed")
        return out
    from benchmarks.browser import Chromium

    chrome = Chromium(browser)
    try:
        page: list[float] = []

        def draw() -> None:
            page.append(chrome.time_to_drawn(html, timeout=ctx["timeout"])[1])

        draw_t = timed(draw, repeats=ctx["repeats"], warmup=True, slow=5)
        browser_peak = tree_peak_mb(chrome.proc.pid)
    finally:
        chrome.close()
    out["browser"] = ok(draw_t, in_page_s=page[-1], peak_rss_mb=round(browser_peak, 1),
                        method="Page.navigate until integraphMap.drawn and .stabilized (DevTools pipe)")
    return out


CASES: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "import": case_import,
    "server_store": case_server_store,
    "validate": case_validate,
    "validate_pyshacl": case_validate_pyshacl,
    "reference_store": case_reference_store,
    "import_raw": case_import_raw,
    "import_memory_raw": case_import_memory_raw,
    "landscape": case_landscape,
    "who_graph": case_who_graph,
    "who_api": case_who_api,
    "who_sparql_oxigraph": case_who_sparql_oxigraph,
    "who_sparql_rdflib": case_who_sparql_rdflib,
    "gaps_top": case_gaps_top,
    "gaps": case_gaps,
    "gaps_sparql_oxigraph": case_gaps_sparql_oxigraph,
    "gaps_sparql_rdflib": case_gaps_sparql_rdflib,
    "metrics": case_metrics,
    "api_load": case_api_load,
    "load_mix": case_load_mix,
    "oxigraph_server_load": case_oxigraph_server_load,
    "map": case_map,
}


def main(argv: list[str]) -> int:
    case, ctx = argv[0], json.loads(argv[1])
    base_rss = peak_rss_mb()
    try:
        result = CASES[case](ctx)
    except Exception as exc:  # a failing case is a result, not a crash of the run
        result = {"status": "error", "note": f"{type(exc).__name__}: {exc}"[:300]}
    result.update(case=case, scale=ctx["scale"], base_rss_mb=round(base_rss, 1))
    emit(result)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
