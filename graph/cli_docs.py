"""The CLI reference in ``docs/cli.md``, generated from the commands' own ``--help``.

Run ``python -m graph.cli_docs > docs/cli.md`` after changing a command; a
test fails when the committed reference drifts from the code (STYLE §12).
"""

from __future__ import annotations

import typer
import typer.cli
import typer.main

from .cli import app


def cli_reference() -> str:
    """Markdown for every command and option of ``integraph``."""
    command = typer.main.get_command(app)
    ctx = typer.Context(command, info_name="integraph")
    docs = typer.cli.get_docs_for_click(obj=command, ctx=ctx, name="integraph",
                                        title="integraph command reference")
    return docs.strip() + "\n"


if __name__ == "__main__":
    print(cli_reference(), end="")
