"""``integraph export``: the public graph as RDF, a Gephi network or tables (SPEC §5).

A thin shell over :func:`graph.export.export`: it parses the options, shows a
progress bar on a terminal (large exports take a while) and reports what it
wrote. ``--out -`` writes to standard output, for pipes.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from graph.cli import app, err, opened, out, run_command
from graph.export import DEFAULT_ENDPOINT, FORMATS, export

ExportFmt = Enum("ExportFmt", {name: name for name in FORMATS}, type=str)  # type: ignore[misc]


@contextmanager
def progress_bar(enabled: bool) -> Iterator[Callable[[str, int, int | None], None] | None]:
    """A rich progress bar on stderr fed by the export's (step, done, total) reports."""
    if not enabled:
        yield None
        return
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), console=err, transient=True) as bar:
        task = bar.add_task("starting", total=None)

        def report(step: str, done: int, total: int | None) -> None:
            bar.update(task, description=step, completed=done, total=total)

        yield report


@app.command("export")
def export_cmd(
    fmt: Annotated[ExportFmt, typer.Option("--format", help="output format")],  # type: ignore[valid-type]
    out_path: Annotated[str, typer.Option("--out", help="file to write, or - for standard output")],
    dataset: Annotated[str | None, typer.Option(help="export only this dataset (default: all)")] = None,
    include_private: Annotated[bool, typer.Option(
        "--include-private", help="include the private graph (contact persons): never publish the result")
    ] = False,
    pseudonymise: Annotated[bool, typer.Option(
        "--pseudonymise", help="replace names and ids of migrant organisations and religious communities")
    ] = False,
    as_of: Annotated[str | None, typer.Option(
        "--as-of", help="reference date of the network formats, YYYY-MM-DD (default: today)")] = None,
    field: Annotated[str | None, typer.Option(
        "--field", help="network formats: only actors working on this action field (id)")] = None,
    endpoint: Annotated[str, typer.Option(
        envvar="INTEGRAPH_SPARQL_ENDPOINT", help="SPARQL endpoint named in the dataset description")
    ] = DEFAULT_ENDPOINT,
) -> None:
    """Export the public graph as turtle, trig, jsonld, nt, nq, rdfxml, graphml, gexf, csv or xlsx."""
    name = fmt.value
    to_stdout = out_path == "-"

    def go() -> Any:
        with opened(read_only=True) as store, progress_bar(not to_stdout and sys.stderr.isatty()) as bar:
            target: Any = sys.stdout.buffer if to_stdout else Path(out_path)
            return export(store, name, target, dataset=dataset, include_private=include_private,
                          pseudonymise=pseudonymise, endpoint=endpoint, as_of=as_of, field=field,
                          progress=bar)

    run_command(go)
    if to_stdout:
        return
    size = Path(out_path).stat().st_size
    out.print(f"wrote {out_path} ({name}, {size:,} bytes)", highlight=False, soft_wrap=True)
    if include_private:
        err.print("[yellow]warning:[/] the export contains personal data (contact persons): "
                  "do not publish it", highlight=False, soft_wrap=True)
