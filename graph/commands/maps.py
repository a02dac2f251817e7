"""``integraph map`` and ``integraph report``: offline map and monitoring report (SPEC §5)."""

from __future__ import annotations

import datetime as dt
import time
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from graph.cli import Lang, app, date_option, fail, opened, out, run_command


class Metric(StrEnum):
    """The node-size metrics of :data:`graph.maps.METRICS` (kept in step by a test)."""

    degree = "degree"
    betweenness = "betweenness"
    pagerank = "pagerank"
    eigenvector = "eigenvector"
    core_number = "core_number"
    none = "none"


def _landscape(dataset: str | None) -> Any:
    from graph.landscape import load_landscape

    with opened(read_only=True) as store:
        return load_landscape(store, dataset)


@app.command("map")
def map_cmd(
    out_file: Annotated[Path, typer.Option("--out", help="HTML file to write")],
    field: Annotated[str | None, typer.Option("--field", help="only actors of this action field")] = None,
    goal: Annotated[str | None, typer.Option("--goal", help="only actors working on this goal")] = None,
    gaps: Annotated[bool, typer.Option("--gaps", help="draw cooperation gaps as red dashed edges")] = False,
    as_of: Annotated[str | None, typer.Option("--as-of", help="reference date [default: today]")] = None,
    metric: Annotated[Metric, typer.Option("--metric", help="what sizes the nodes")] = Metric.degree,
    seed: Annotated[int, typer.Option("--seed", help="layout seed")] = 0,
    lang: Annotated[Lang, typer.Option("--lang", help="language of the page")] = Lang.de,
    dataset: Annotated[str | None, typer.Option("--dataset", help="one dataset [default: all]")] = None,
) -> None:
    """Write an interactive cooperation map as one HTML file that works offline."""
    from graph.maps import write_map

    on = date_option(as_of, "--as-of")
    started = time.perf_counter()
    path = run_command(lambda: write_map(_landscape(dataset), out_file, field=field, goal=goal, gaps=gaps,
                                         as_of=on, metric=metric.value, seed=seed, lang=lang.value))
    out.print(f"wrote {path} ({path.stat().st_size / 2**20:.1f} MB, "
              f"{time.perf_counter() - started:.1f} s)", highlight=False)


@app.command()
def report(
    out_file: Annotated[Path, typer.Option("--out", help="HTML file to write")],
    as_of: Annotated[str | None, typer.Option("--as-of", help="reference date [default: today]")] = None,
    since: Annotated[str | None, typer.Option("--since", help="show what changed since this date")] = None,
    lang: Annotated[Lang, typer.Option("--lang", help="language of the report")] = Lang.de,
    dataset: Annotated[str | None, typer.Option("--dataset", help="one dataset [default: all]")] = None,
    seed: Annotated[int, typer.Option("--seed", help="seed of the network figure's layout")] = 0,
) -> None:
    """Write the printable monitoring report: goals, recommendations, coverage, gaps, change."""
    from graph.report import write_report

    on, start = date_option(as_of, "--as-of"), date_option(since, "--since")
    if start is not None and start > (on or dt.date.today()):
        fail(f"--since {start.isoformat()} is after the reference date")
    path = run_command(lambda: write_report(_landscape(dataset), out_file, as_of=on, since=start,
                                            lang=lang.value, seed=seed))
    out.print(f"wrote {path} ({path.stat().st_size / 2**10:.0f} KB)", highlight=False)
