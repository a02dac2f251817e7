"""Measuring one case: repeats and medians inside a worker, a fresh process per case outside.

Every case runs in its own process (``python -m benchmarks.cases CASE CONTEXT``,
started in its own session), so its peak memory (``ru_maxrss``) is its own and
a case that runs over its budget is killed with its whole process group (the
servers it started included) and recorded as ``> N s`` instead of hanging the run.

Examples:
    >>> r = timed(lambda: sum(range(1000)), repeats=3)
    >>> r["n"], r["median_s"] >= 0
    (3, True)
    >>> fmt_seconds(0.0123), fmt_seconds(2.5), fmt_seconds(0.0004)
    ('12.3 ms', '2.50 s', '0.400 ms')
"""

from __future__ import annotations

import contextlib
import json
import os
import resource
import signal
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

RESULT_MARK = "BENCH-RESULT "


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far, in MiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def proc_memory_mb(pid: int) -> tuple[float | None, float | None]:
    """(current, peak) resident memory of another process, from ``/proc/PID/status``."""
    values: dict[str, float] = {}
    try:
        with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as fh:
            for line in fh:
                if line.startswith(("VmRSS:", "VmHWM:")):
                    key, value = line.split(":", 1)
                    values[key] = int(value.split()[0]) / 1024
    except OSError:
        return None, None
    return values.get("VmRSS"), values.get("VmHWM")


def process_tree(pid: int) -> list[int]:
    """``pid`` and all its descendants (from ``/proc/*/task/*/children``)."""
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        try:
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children", encoding="ascii") as fh:
                    todo += [int(c) for c in fh.read().split()]
        except OSError:
            continue
    return out


def tree_peak_mb(pid: int) -> float:
    """Sum of the peak RSS of a process and its live descendants (a server and its workers)."""
    return sum(proc_memory_mb(p)[1] or 0.0 for p in process_tree(pid))


def timed(fn: Callable[[], Any], *, repeats: int, warmup: bool = True, slow: float = 3.0) -> dict[str, Any]:
    """Median of ``repeats`` timed calls after one warm-up call.

    When one call takes longer than ``slow`` seconds the warm-up call is the
    only sample (``n=1``): the big scales would otherwise take hours.
    """
    samples: list[float] = []
    value = None
    if warmup:
        t0 = time.perf_counter()
        value = fn()
        first = time.perf_counter() - t0
        if first > slow or repeats <= 0:
            return {"median_s": first, "min_s": first, "n": 1, "samples": [first], "value": value}
    for _ in range(max(1, repeats)):
        t0 = time.perf_counter()
        value = fn()
        samples.append(time.perf_counter() - t0)
        if samples[-1] > slow:
            break
    return {"median_s": statistics.median(samples), "min_s": min(samples), "n": len(samples),
            "samples": samples, "value": value}


def fmt_seconds(s: float | None) -> str:
    """A duration for a table cell."""
    if s is None:
        return "–"
    if s >= 1:
        return f"{s:.2f} s"
    if s >= 0.01:
        return f"{s * 1000:.1f} ms"
    return f"{s * 1000:.3f} ms"


def emit(result: dict[str, Any]) -> None:
    """Print a worker's result as the one line the runner reads."""
    result.setdefault("peak_rss_mb", round(peak_rss_mb(), 1))
    print(RESULT_MARK + json.dumps(result, default=str), flush=True)


class deadline:
    """Stop this process after ``seconds``, reporting ``result`` (a query no engine can cancel).

    A forked watchdog sleeps, then prints ``result`` (with the peak memory read
    from ``/proc``) as this worker's result line and kills the worker. It works
    whether or not the engine releases the GIL.
    """

    def __init__(self, seconds: float, result: dict[str, Any]) -> None:
        self.seconds, self.result = seconds, result
        self.child = 0

    def __enter__(self) -> deadline:
        sys.stdout.flush()
        parent = os.getpid()
        self.child = os.fork()
        if self.child == 0:  # the watchdog
            try:
                time.sleep(self.seconds)
                peak = proc_memory_mb(parent)[1]
                self.result["peak_rss_mb"] = round(peak, 1) if peak else None
                line = RESULT_MARK + json.dumps(self.result, default=str) + "\n"
                os.write(1, line.encode())
                os.kill(parent, signal.SIGKILL)
            finally:
                os._exit(0)
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            os.kill(self.child, signal.SIGKILL)
            os.waitpid(self.child, 0)
        except (ProcessLookupError, ChildProcessError):
            pass


def tree_rss_mb(pid: int) -> float:
    """Current RSS of a process and its descendants."""
    return sum(proc_memory_mb(p)[0] or 0.0 for p in process_tree(pid))


def run_case(case: str, context: dict[str, Any], *, timeout: float, cwd: Path, max_rss_mb: float = 16_384,
             log: Callable[[str], None] = lambda _: None) -> dict[str, Any]:
    """Run one case in a fresh process; kill its process group after ``timeout`` seconds or when
    it and its children hold more than ``max_rss_mb`` (the machine is shared: never let a case
    push it into the OOM killer)."""
    import threading

    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "benchmarks.cases", case, json.dumps(context)],
        cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    streams: dict[str, str] = {}

    def drain(name: str, stream: Any) -> None:
        streams[name] = stream.read()

    readers = [threading.Thread(target=drain, args=(n, s), daemon=True)
               for n, s in (("out", proc.stdout), ("err", proc.stderr))]
    for reader in readers:
        reader.start()
    stopped: dict[str, Any] | None = None
    peak = 0.0
    try:
        while proc.poll() is None:
            elapsed = time.perf_counter() - started
            rss = tree_rss_mb(proc.pid)
            peak = max(peak, rss)
            if elapsed > timeout:
                stopped = {"status": "timeout", "timeout_s": timeout}
            elif rss > max_rss_mb:
                stopped = {"status": "memory", "note": f"stopped at {rss / 1024:.1f} GB (limit "
                           f"{max_rss_mb / 1024:g} GB)", "peak_rss_mb": round(rss, 1)}
            if stopped:
                with_group(proc.pid, signal.SIGKILL)
                proc.wait()
                break
            time.sleep(0.2)
    finally:
        with_group(proc.pid, signal.SIGKILL)  # servers a worker may have left behind
    for reader in readers:
        reader.join(10)
    wall = time.perf_counter() - started
    if stopped:
        return {"case": case, **stopped, "wall_s": wall}
    out, err = streams.get("out", ""), streams.get("err", "")
    for line in reversed(out.splitlines()):
        if line.startswith(RESULT_MARK):
            result: dict[str, Any] = json.loads(line[len(RESULT_MARK):])
            result.setdefault("case", case)
            result["wall_s"] = wall
            result["tree_peak_rss_mb"] = round(peak, 1)
            return result
    tail = (err or out).strip().splitlines()[-12:]
    log("\n".join(tail))
    return {"case": case, "status": "error", "note": tail[-1] if tail else f"exit {proc.returncode}",
            "wall_s": wall}


def with_group(pid: int, sig: int) -> None:
    """Signal the process group a worker leads (it was started in its own session)."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, sig)
