"""``integraph template``: empty spreadsheets to start a new municipality."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from graph.cli import app, out


@app.command()
def template(
    folder: Annotated[Path, typer.Argument(help="folder to write csv/*.csv and integraph.xlsx into")],
) -> None:
    """Write empty import templates (CSV files and an XLSX workbook with drop-downs)."""
    from graph.templates import write_templates

    for path in write_templates(folder):
        out.print(f"wrote {path}", highlight=False)
