"""The mixed load of issue 11: many clients, several kinds of request, one runaway query at once.

The ``api_load`` case hammers one URL at a time, which shows throughput but
not what users of a shared server meet: REST reads, SPARQL queries and now and
then someone's accidental cartesian product, all at the same time. Here
``clients - 1`` clients each pick a request kind at random (weighted, seeded)
for every request, while one slow client sends a runaway SPARQL query again and
again. The server has to cut that query off at its ``query_timeout`` with its
limit answer (503 ``query_timeout``) and keep serving everyone else, without
errors and with memory that stays bounded; a thread samples the server's
memory (its process tree: uvicorn and the query workers) every second.

Loopback only, bounded in time (``duration`` plus one client timeout) and in
count (``max_requests``). The client runs in the benchmark worker's process,
the server in its own.

Examples:
    >>> percentile([0.1, 0.2, 0.3, 0.4], 0.5), percentile([], 0.5) is None
    (0.3, True)
    >>> classify_slow(503, b'{"error": "query_timeout", "message": "..."}')
    'limited'
    >>> classify_slow(503, b'{"error": "busy"}')
    '503 busy'
"""

from __future__ import annotations

import asyncio
import json
import random
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from benchmarks.harness import process_tree, tree_rss_mb

#: Request kinds of the regular clients and how often each is picked (weights, not shares).
MIX: dict[str, int] = {"goal_actors": 3, "actor": 3, "goals": 2, "gaps": 1, "sparql": 2}
#: A cartesian product of every triple with itself three times, counted: no engine finishes it,
#: and COUNT makes it enumerate every row instead of stopping at the row cap.
RUNAWAY_SPARQL = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
GAPS_LIMIT = 20
JSON_RESULTS = {"Accept": "application/sparql-results+json"}


def percentile(sorted_values: list[float], p: float) -> float | None:
    """The ``p`` quantile of already sorted values (nearest rank), None when there are none."""
    if not sorted_values:
        return None
    return sorted_values[min(len(sorted_values) - 1, int(p * len(sorted_values)))]


def error_code(body: bytes) -> str:
    """The ``error`` code of integraph's JSON error body ('' when there is none)."""
    try:
        parsed = json.loads(body)
    except ValueError:
        return ""
    return str(parsed.get("error", "")) if isinstance(parsed, dict) else ""


def classify_slow(status: int, body: bytes) -> str:
    """What an answer to the runaway query is: ``limited`` (the intended 503), else an error label.

    A 200 is an error too: the query was meant to be cut, so an answer means no limit was applied.
    Another 503 (``busy``, ``store_unavailable``) is not the limit answer either.
    """
    code = error_code(body)
    if status == 503 and code == "query_timeout":
        return "limited"
    return f"{status} {code}".strip()


@dataclass
class Tally:
    """What one kind of request saw: latencies of the good answers, errors by label."""

    latencies: list[float] = field(default_factory=list)
    errors: Counter[str] = field(default_factory=Counter)

    def record(self, elapsed: float) -> dict[str, Any]:
        """The summary of this kind for the results record."""
        lat = sorted(self.latencies)
        return {"requests": len(lat) + sum(self.errors.values()), "ok": len(lat),
                "errors": sum(self.errors.values()), "error_kinds": dict(self.errors.most_common(5)),
                "rps": len(lat) / elapsed if elapsed else 0.0, "p50_s": percentile(lat, 0.5),
                "p99_s": percentile(lat, 0.99), "max_s": lat[-1] if lat else None}


def server_memory(pid: int) -> tuple[float, int]:
    """(resident MiB, processes) of the server and its descendants (the query workers).

    psutil when it is installed (it sees every child), else ``/proc`` through the harness.
    """
    try:
        import psutil
    except ImportError:
        return tree_rss_mb(pid), len(process_tree(pid))
    try:
        root = psutil.Process(pid)
        procs = [root, *root.children(recursive=True)]
    except psutil.Error:
        return 0.0, 0
    total, alive = 0, 0
    for p in procs:
        try:
            total += p.memory_info().rss
            alive += 1
        except psutil.Error:  # a worker killed at the limit between listing and reading
            continue
    return total / 2**20, alive


class MemorySampler:
    """Samples :func:`server_memory` every ``interval`` s in a thread, so a busy event loop cannot
    skip samples; ``series`` holds ``(seconds since start, MiB)``.

    The start sample is taken on entry, before the load. The end sample is taken after the load
    once the server has as many processes as at the start again and its memory has held still for
    1.5 s: right after the runaway query is cut, its worker is gone and its replacement still
    loading the snapshot, which would make the end look smaller than it is.
    """

    def __init__(self, pid: int, interval: float = 1.0) -> None:
        self.pid, self.interval = pid, interval
        self.series: list[tuple[float, float]] = []
        self.start: tuple[float, int] = (0.0, 0)
        self.end: float | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._t0 = time.perf_counter()

    def _sample(self) -> tuple[float, int]:
        mb, procs = server_memory(self.pid)
        self.series.append((round(time.perf_counter() - self._t0, 2), round(mb, 1)))
        return mb, procs

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self._sample()

    def __enter__(self) -> MemorySampler:
        self._t0 = time.perf_counter()
        self.start = self._sample()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(10)
        settle, steady, last = time.monotonic() + 30, 0, -1.0
        while time.monotonic() < settle and steady < 3:
            mb, procs = server_memory(self.pid)
            back = procs >= self.start[1] and abs(mb - last) < 0.01 * mb
            steady, last = (steady + 1 if back else 0), mb
            time.sleep(0.5)
        self.end = round(last, 1)

    def summary(self) -> dict[str, Any]:
        """Start, peak and end RSS, and the series (at most ~120 points, evenly thinned)."""
        values = [mb for _, mb in self.series]
        step = max(1, len(self.series) // 120)
        peak = max([*values, self.end or 0.0], default=None)
        return {"rss_start_mb": round(self.start[0], 1), "rss_peak_mb": peak,
                "rss_end_mb": self.end, "rss_processes": self.start[1], "rss_samples": len(values),
                "rss_series": [list(s) for s in self.series[::step]]}


def run_mix(base: str, *, server_pid: int, clients: int, duration: float, goal_ids: list[str],
            actor_ids: list[str], sparql: str, query_timeout: float, client_timeout: float = 30.0,
            max_requests: int = 200_000, seed: int = 0, runaway: bool = True) -> dict[str, Any]:
    """Run the mixed load against ``base`` (``http://127.0.0.1:PORT``); return the results record.

    ``clients`` includes the one slow client. Requests still in flight at the deadline are
    waited for (up to their timeout) and counted. ``runaway=False`` leaves the slow client idle:
    the baseline that tells what the runaway query costs the others.
    """
    import httpx

    if not base.startswith("http://127.0.0.1:"):
        raise ValueError("load tests run on loopback only")
    if clients < 2:
        raise ValueError("the mix needs at least one regular and the slow client")
    if not goal_ids or not actor_ids:
        raise ValueError("the mix needs goal and actor ids")
    tallies = {kind: Tally() for kind in [*MIX, "slow"]}
    limited: list[float] = []  # latencies of the intended limit answers
    sparql_url = f"{base}/sparql?query={quote(sparql)}"
    slow_url = f"{base}/sparql?query={quote(RUNAWAY_SPARQL)}"
    kinds, weights = list(MIX), list(MIX.values())
    sent = 0
    started = time.perf_counter()
    #: (sent at, kind, answer, seconds) of the first errors and limit answers: when they happen
    #: relative to each other (errors right after a cut point at the worker pool) is the diagnosis
    events: list[tuple[float, str, str, float]] = []

    def note(kind: str, label: str, t0: float) -> None:
        if len(events) < 100:
            now = time.perf_counter()
            events.append((round(t0 - started, 3), kind, label, round(now - t0, 3)))

    def url_for(kind: str, rng: random.Random) -> tuple[str, dict[str, str] | None]:
        if kind == "goal_actors":
            return f"{base}/api/goals/{rng.choice(goal_ids)}/actors", None
        if kind == "actor":
            return f"{base}/api/actors/{rng.choice(actor_ids)}", None
        if kind == "goals":
            return f"{base}/api/goals", None
        if kind == "gaps":
            return f"{base}/api/gaps?limit={GAPS_LIMIT}", None
        return sparql_url, JSON_RESULTS

    async def send(http: httpx.AsyncClient, url: str, headers: dict[str, str] | None,
                   ) -> tuple[int, bytes] | str:
        try:
            resp = await http.get(url, headers=headers)
            return resp.status_code, await resp.aread()
        except httpx.TimeoutException:
            return "timeout"
        except httpx.HTTPError as exc:
            return type(exc).__name__

    async def regular(http: httpx.AsyncClient, index: int, deadline: float) -> None:
        nonlocal sent
        rng = random.Random(seed * 1_000 + index)
        while time.perf_counter() < deadline and sent < max_requests:
            kind = rng.choices(kinds, weights)[0]
            url, headers = url_for(kind, rng)
            sent += 1
            t0 = time.perf_counter()
            answer = await send(http, url, headers)
            if not isinstance(answer, str) and answer[0] == 200:
                tallies[kind].latencies.append(time.perf_counter() - t0)
                continue
            label = answer if isinstance(answer, str) else f"{answer[0]} {error_code(answer[1])}".strip()
            tallies[kind].errors[label] += 1
            note(kind, label, t0)

    async def slow(http: httpx.AsyncClient, deadline: float) -> None:
        nonlocal sent
        while time.perf_counter() < deadline and sent < max_requests:
            sent += 1
            t0 = time.perf_counter()
            answer = await send(http, slow_url, JSON_RESULTS)
            label = answer if isinstance(answer, str) else classify_slow(*answer)
            if label == "limited":
                limited.append(time.perf_counter() - t0)
            else:
                tallies["slow"].errors[label] += 1
            note("slow", label, t0)

    async def main() -> float:
        nonlocal started
        # one connection per regular client: a spare one would sit idle past uvicorn's keep-alive
        # timeout and be closed by the server just as it is picked, a client-side ReadError. And the
        # client drops an idle connection after 2 s, before uvicorn's 5 s: with equal timeouts (httpx's
        # default is also 5 s) a request sent as the server closes the connection is lost.
        limits = httpx.Limits(max_connections=clients - 1, max_keepalive_connections=clients - 1,
                              keepalive_expiry=2.0)
        async with httpx.AsyncClient(limits=limits, timeout=client_timeout) as http, \
                httpx.AsyncClient(timeout=query_timeout + client_timeout) as slow_http:
            started = time.perf_counter()
            deadline = started + duration
            jobs = [regular(http, i, deadline) for i in range(clients - 1)]
            if runaway:
                jobs.append(slow(slow_http, deadline))
            # the hard bound: nothing outlives the deadline by more than a slow request's timeout
            await asyncio.wait_for(asyncio.gather(*jobs), duration + query_timeout + client_timeout + 30)
            return time.perf_counter() - started

    with MemorySampler(server_pid) as sampler:
        elapsed = asyncio.run(main())
    per_kind = {kind: tally.record(elapsed) for kind, tally in tallies.items()}
    lim = sorted(limited)
    per_kind["slow"].update(limited=len(lim), requests=len(lim) + per_kind["slow"]["errors"],
                            limit_p50_s=percentile(lim, 0.5), limit_max_s=lim[-1] if lim else None)
    answered = sum(k["ok"] for k in per_kind.values()) + len(lim)
    errors = sum(k["errors"] for k in per_kind.values())
    return {"kinds": per_kind, "requests": answered + errors, "answered": answered, "errors": errors,
            "limited": len(lim), "elapsed_s": elapsed, "rps": answered / elapsed if elapsed else 0.0,
            "clients": clients, "duration_s": duration, "query_timeout_s": query_timeout,
            "client_timeout_s": client_timeout, "mix": MIX, "max_requests": max_requests,
            "runaway_query": RUNAWAY_SPARQL if runaway else None, "events": events, **sampler.summary()}
