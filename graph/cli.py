"""The ``integraph`` command line (SPEC §5): a thin shell over the library.

Each command parses its options, calls one library function and prints the
result as a rich table or as JSON. Errors the user can fix are printed as
messages (with file, row and column for bad input) and exit with status 1;
no traceback is shown for them.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from .errors import IntegraphError, InvalidInput, Problem
from .settings import DEFAULT_STORE, Settings
from .store import Store, open_store

app = typer.Typer(
    help="integraph: the knowledge graph of a city's integration landscape.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
out = Console()
err = Console(stderr=True)


class Fmt(StrEnum):
    table = "table"
    json = "json"


class Lang(StrEnum):
    """Language of explanations, maps and reports."""

    de = "de"
    en = "en"


class QueryFmt(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


class State:
    """Options of the top-level command, shared with subcommands."""

    settings: Settings = Settings()


state = State()


@app.callback()
def main(
    store: Annotated[
        str | None,
        typer.Option("--store", envvar="INTEGRAPH_STORE",
                     help=f"oxigraph:PATH, memory: or sparql:URL [default: {DEFAULT_STORE}]"),
    ] = None,
) -> None:
    """Import, check, query and analyse a municipality's integration landscape."""
    state.settings = Settings.from_env(store=store)


@contextmanager
def opened(read_only: bool = False) -> Iterator[Store]:
    """The configured store, closed afterwards."""
    store = open_store(state.settings.store, read_only=read_only, settings=state.settings)
    try:
        yield store
    finally:
        store.close()


def fail(message: str) -> None:
    err.print(f"[bold red]error:[/] {message}", highlight=False)
    raise typer.Exit(1)


def date_option(value: str | None, option: str) -> dt.date | None:
    """A date option: ``YYYY-MM-DD`` or a year ``YYYY`` (its 1 January); exit 1 when neither."""
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value) if len(value) != 4 else dt.date(int(value), 1, 1)
    except ValueError:
        fail(f"{option} must be a date YYYY-MM-DD or a year YYYY, not {value!r}")
    return None


def problems_table(problems: list[Problem]) -> Table:
    """The import report as a table a data steward can read."""
    table = Table(title=f"{len(problems)} problem(s)", show_lines=False, highlight=False)
    for col in ("", "file", "row", "column", "value", "problem", "expected"):
        table.add_column(col, overflow="fold")
    for p in problems:
        mark = "[red]error[/]" if p.severity == "error" else "[yellow]warning[/]"
        table.add_row(mark, p.file, "" if p.row is None else str(p.row), p.column,
                      p.value, p.message, p.expected)
    return table


def run_command(fn: Callable[[], Any], fmt: Fmt = Fmt.table) -> Any:
    """Run ``fn`` and turn integraph errors into messages and exit status 1."""
    try:
        return fn()
    except InvalidInput as exc:
        if fmt is Fmt.json:
            print(json.dumps({"error": str(exc), "problems": [p.as_dict() for p in exc.problems]},
                             ensure_ascii=False, indent=2))
        else:
            if exc.problems:
                err.print(problems_table(exc.problems))
            err.print(f"[bold red]error:[/] {exc}", highlight=False)
        raise typer.Exit(1) from None
    except IntegraphError as exc:
        fail(str(exc))


@contextmanager
def progress_steps(enabled: bool, total: int = 6) -> Iterator[Callable[[str], None]]:
    """A progress bar over the import steps (read, check, map, validate, compare, write)."""
    if not enabled:
        yield lambda _step: None
        return
    with Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
                  MofNCompleteColumn(), TimeElapsedColumn(), console=err, transient=True) as bar:
        task = bar.add_task("starting", total=total)
        seen: list[str] = []

        def step(name: str) -> None:
            if seen:
                bar.advance(task)
            seen.append(name)
            bar.update(task, description=name)

        yield step
        bar.update(task, completed=total)


def print_report(report: Any, fmt: Fmt) -> None:
    if report.warnings:
        err.print(problems_table(report.warnings))
    verb = "would change" if report.dry_run else "imported"
    out.print(f"[bold]{report.dataset}[/] {verb}: {report.triples} triples "
              f"(+{report.private_triples} private) into {report.base}/graph", highlight=False)
    out.print(f"  added {len(report.added)}, changed {len(report.changed)}, "
              f"removed {len(report.removed)} entities", highlight=False)
    for label, items in (("+", report.added), ("~", report.changed), ("-", report.removed)):
        for item in items[:20]:
            out.print(f"    {label} {item}", highlight=False)
        if len(items) > 20:
            out.print(f"    {label} … and {len(items) - 20} more", highlight=False)


@app.command("import")
def import_cmd(
    path: Annotated[Path, typer.Argument(help="CSV folder, XLSX workbook or RDF file")],
    dataset: Annotated[str | None, typer.Option(help="dataset name (default: from dataset.csv)")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="check and diff, write nothing")] = False,
    fmt: Annotated[Fmt, typer.Option("--format", help="report as table or json")] = Fmt.table,
) -> None:
    """Import a dataset; on invalid input print every problem and change nothing."""
    from .importer import import_path

    def go() -> Any:
        with opened() as store, progress_steps(fmt is Fmt.table and sys.stderr.isatty()) as step:
            return import_path(store, path, dataset=dataset, dry_run=dry_run, progress=step,
                               agent="integraph-cli")

    reports = run_command(go, fmt)
    if fmt is Fmt.json:
        body = [r.as_dict() for r in reports]
        print(json.dumps(body[0] if len(body) == 1 else body, ensure_ascii=False, indent=2))
        return
    for report in reports:
        print_report(report, fmt)


@app.command()
def validate(
    path: Annotated[Path, typer.Argument(help="CSV folder, XLSX workbook or RDF file")],
    fmt: Annotated[Fmt, typer.Option("--format", help="report as table or json")] = Fmt.table,
) -> None:
    """Validate a dataset (table checks and SHACL) without importing it."""
    from .importer import validate_path

    reports = run_command(lambda: validate_path(path), fmt)
    if fmt is Fmt.json:
        body = [r.as_dict() for r in reports]
        print(json.dumps(body[0] if len(body) == 1 else body, ensure_ascii=False, indent=2))
        return
    for report in reports:
        if report.warnings:
            err.print(problems_table(report.warnings))
        out.print(f"[green]valid:[/] {report.dataset}: {report.triples} triples, "
                  + ", ".join(f"{n} {t}" for t, n in report.counts.items()), highlight=False)


@app.command()
def stats(
    fmt: Annotated[Fmt, typer.Option("--format", help="table or json")] = Fmt.table,
) -> None:
    """Counts per class, per dataset."""
    from .stats import store_stats

    def go() -> Any:
        with opened(read_only=True) as store:
            return store_stats(store)

    result = run_command(go)
    if fmt is Fmt.json:
        print(json.dumps(result, ensure_ascii=False, indent=2, default=str))
        return
    if not result["datasets"]:
        out.print("the store is empty: run `integraph import data/wetzlar`")
    for name, ds in result["datasets"].items():
        table = Table(title=f"{name} ({ds['municipality']}), {ds['triples']} triples")
        table.add_column("class")
        table.add_column("count", justify="right")
        for cls, n in ds["counts"].items():
            table.add_row(cls, str(n))
        out.print(table)


@app.command()
def query(
    query_or_file: Annotated[str, typer.Argument(help="SPARQL text or a .rq/.sparql file")],
    fmt: Annotated[QueryFmt, typer.Option("--format", help="table, json or csv")] = QueryFmt.table,
) -> None:
    """Run a read-only SPARQL query over the public graphs."""
    from .sparql import run_query

    text = query_or_file
    candidate = Path(query_or_file)
    if len(query_or_file) < 4096 and "\n" not in query_or_file and candidate.is_file():
        text = candidate.read_text(encoding="utf-8")

    def go() -> Any:
        with opened(read_only=True) as store:
            return run_query(store, text, fmt.value)

    result = run_command(go)
    if isinstance(result, bytes):
        sys.stdout.write(result.decode("utf-8"))
        if not result.endswith(b"\n"):
            sys.stdout.write("\n")
        return
    variables, rows = result
    table = Table(highlight=False)
    for v in variables:
        table.add_column(v, overflow="fold")
    for row in rows:
        table.add_row(*row)
    out.print(table)
    out.print(f"{len(rows)} row(s)", highlight=False)


def _register_commands() -> None:
    """Import every module of :mod:`graph.commands` so that it adds its commands."""
    import importlib
    import pkgutil

    from . import commands

    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        importlib.import_module(f"{commands.__name__}.{info.name}")


_register_commands()
