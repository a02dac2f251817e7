"""``integraph who``, ``gaps`` and ``diff``: the network analysis on the command line (SPEC §5)."""

from __future__ import annotations

import datetime as dt
import json
import sys
from enum import StrEnum
from typing import Annotated, Any

import typer
from rich.table import Table

from graph.cli import Fmt, Lang, app, date_option, fail, opened, out, run_command


class GapKind(StrEnum):
    """The gap kinds of SPEC §6 (kept in step with :data:`graph.gaps.KINDS` by a test)."""

    unlinked_peers = "unlinked_peers"
    isolated_actor = "isolated_actor"
    uncovered_goal = "uncovered_goal"
    single_sector_goal = "single_sector_goal"
    broker_dependency = "broker_dependency"
    lapsed_tie = "lapsed_tie"
    unimplemented_recommendation = "unimplemented_recommendation"


def _dump(data: Any) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2))


def _landscape() -> Any:
    from graph.landscape import load_landscape

    with opened(read_only=True) as store:
        return load_landscape(store)


@app.command()
def who(
    goal_id: Annotated[str, typer.Argument(help="goal id from goals.csv")],
    as_of: Annotated[str | None, typer.Option("--as-of", help="reference date [default: today]")] = None,
    fmt: Annotated[Fmt, typer.Option("--format", help="table or json")] = Fmt.table,
) -> None:
    """Who works on this goal at the date, directly or through projects (lead/partner)."""
    from graph.coverage import who as who_fn

    on = date_option(as_of, "--as-of")
    rows = run_command(lambda: who_fn(_landscape(), goal_id, on), fmt)
    if fmt is Fmt.json:
        _dump(rows)
        return
    table = Table(title=f"{goal_id}: {len(rows)} actor(s)", highlight=False)
    for col in ("id", "name", "kind", "via"):
        table.add_column(col, overflow="fold")
    for r in rows:
        via = ", ".join("direct" if v["type"] == "direct" else f"{v['role']} {v['project']}"
                        for v in r["via"])
        table.add_row(r["id"], r["name"], r["kind"], via)
    out.print(table)


def _ties(values: list[str], extra: list[str]) -> list[tuple[str, str]]:
    """``--add-tie A B`` pairs: click hands over A as the option value and B as an extra argument."""
    rest = list(extra)
    pairs = []
    for v in values:
        if "," in v:
            a, _, b = v.partition(",")
        elif rest:
            a, b = v, rest.pop(0)
        else:
            fail(f"--add-tie needs two actor ids: --add-tie {v} OTHER")
        pairs.append((a.strip(), b.strip()))
    if rest:
        fail(f"unexpected argument(s): {' '.join(rest)}")
    return pairs


@app.command(context_settings={"allow_extra_args": True})
def gaps(
    ctx: typer.Context,
    kind: Annotated[GapKind | None, typer.Option("--kind", help="one gap kind of SPEC §6")] = None,
    field: Annotated[str | None, typer.Option("--field", help="action field id")] = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="reference date [default: today]")] = None,
    limit: Annotated[int | None, typer.Option("--limit", min=0, help="best N gaps [default: all]")] = None,
    fmt: Annotated[Fmt, typer.Option("--format", help="table or json")] = Fmt.table,
    without: Annotated[list[str] | None, typer.Option(
        "--without", help="what-if: leave this actor out (repeatable)")] = None,
    add_tie: Annotated[list[str] | None, typer.Option(
        "--add-tie", help="what-if: tie two actors, --add-tie A B (repeatable)")] = None,
    lang: Annotated[Lang, typer.Option("--lang", help="language of the explanations")] = Lang.de,
) -> None:
    """Ranked cooperation gaps (SPEC §6), best first; with --without/--add-tie for a what-if landscape."""
    from graph.gaps import find_gaps

    on = date_option(as_of, "--as-of")
    ties = _ties(add_tie or [], ctx.args)
    result = run_command(lambda: find_gaps(
        _landscape(), kind=kind.value if kind else None, field=field, as_of=on, limit=limit, lang=lang.value,
        without=without or [], add_ties=ties), fmt)
    if fmt is Fmt.json:
        for part in result.json_parts():
            sys.stdout.write(part)
        sys.stdout.write("\n")
        return
    title = f"{len(result)} gap(s)"
    if without or ties:
        title += " after " + ", ".join([f"without {a}" for a in without or []]
                                       + [f"tie {a}–{b}" for a, b in ties])
    table = Table(title=title, highlight=False, show_lines=True)
    for col, width in (("#", None), ("score", None), ("kind", None), ("actors", None), ("explanation", 70)):
        table.add_column(col, overflow="fold", max_width=width)
    for i, g in enumerate(result, 1):
        actors = ", ".join(g["actors"][:3]) + (f" +{len(g['actors']) - 3}" if len(g["actors"]) > 3 else "")
        table.add_row(str(i), f"{g['score']:.2f}", g["kind"], actors or ", ".join(g["goals"]),
                      g["explanation"])
    out.print(table)


@app.command()
def diff(
    date_from: Annotated[str, typer.Option("--from", help="earlier date, e.g. 2013-07-01")],
    date_to: Annotated[str | None, typer.Option("--to", help="later date [default: today]")] = None,
    fmt: Annotated[Fmt, typer.Option("--format", help="table or json")] = Fmt.table,
) -> None:
    """How the network changed between two dates: ties, isolated actors, goal coverage."""
    from graph.timeline import diff as diff_fn

    start = date_option(date_from, "--from")
    end = date_option(date_to, "--to") or dt.date.today()
    result = run_command(lambda: diff_fn(_landscape(), start, end), fmt)  # type: ignore[arg-type]
    if fmt is Fmt.json:
        _dump(result)
        return
    out.print(f"[bold]{result['from']} → {result['to']}[/]", highlight=False)
    for key, label in (("ties_gained", "ties gained"), ("ties_lost", "ties lost")):
        out.print(f"{label}: {len(result[key])}", highlight=False)
        for t in result[key]:
            out.print(f"  {' – '.join(t['actors'])} ({', '.join(t['kinds'])})", highlight=False)
    for key in ("newly_isolated", "no_longer_isolated", "goals_newly_covered", "goals_newly_uncovered"):
        out.print(f"{key.replace('_', ' ')}: {', '.join(result[key]) or '–'}", highlight=False)
    for g in result["goals"]:
        out.print(f"  {g['goal']}: {g['actors_before']} → {g['actors_after']} actors "
                  f"(+{', '.join(g['gained']) or '–'} / -{', '.join(g['lost']) or '–'})", highlight=False)
