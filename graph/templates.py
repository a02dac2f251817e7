"""Empty import templates for a new municipality: CSV files and an XLSX workbook.

``integraph template DIR`` writes them; ``data/templates/`` holds a copy made
the same way, which a test keeps in step with SPEC §4.
"""

from __future__ import annotations

import csv
from pathlib import Path

from .tables import TABLES
from .workbook import columns_of, write_workbook


def write_templates(folder: Path) -> list[Path]:
    """Write one header-only CSV per table and ``integraph.xlsx`` into ``folder``.

    Examples:
        >>> import tempfile
        >>> paths = write_templates(Path(tempfile.mkdtemp()))
        >>> sorted(p.name for p in paths)[:3]
        ['action_fields.csv', 'actor_goals.csv', 'actors.csv']
    """
    folder = Path(folder)
    csv_dir = folder / "csv"
    csv_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for table in TABLES:
        path = csv_dir / f"{table}.csv"
        with path.open("w", newline="", encoding="utf-8") as fh:
            csv.writer(fh, lineterminator="\n").writerow(columns_of(table))
        written.append(path)
    written.append(write_workbook(folder / "integraph.xlsx"))
    return written
