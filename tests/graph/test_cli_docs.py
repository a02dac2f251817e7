"""docs/cli.md is the generated --help of every command, never hand-edited."""

from __future__ import annotations

from pathlib import Path

from graph.cli_docs import cli_reference

DOC = Path(__file__).resolve().parents[2] / "docs" / "cli.md"


def test_cli_reference_is_current() -> None:
    assert DOC.read_text(encoding="utf-8") == cli_reference(), (
        "docs/cli.md is stale: run `python -m graph.cli_docs > docs/cli.md`")
