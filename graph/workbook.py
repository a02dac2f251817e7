"""XLSX workbooks: one sheet per table of SPEC §4, read and written.

The same writer makes the empty template (``data/templates/integraph.xlsx``)
and a dataset's export, so both carry the header notes and the drop-down
lists for ``kind`` and ``horizon`` that keep stewards' typos out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from pathlib import Path

from .archive_guard import ZipLimits, check_workbook
from .errors import Problem
from .namespaces import HORIZONS, KIND_CLASS
from .tables import SOURCE_COLUMN, SPEC_ORDER, TABLES, Table, normalise_header

#: What each column holds, shown as a note on its header cell.
COLUMN_NOTES: dict[str, str] = {
    "id": "Kennung: Buchstaben, Ziffern, - _ . (eindeutig in dieser Tabelle)",
    "source": "Quelle: Kennung aus sources oder eine URL; mehrere mit | trennen",
    "kind": "Art: " + ", ".join(KIND_CLASS),
    "horizon": "Horizont: short, medium oder long",
    "start": "Beginn: JJJJ-MM-TT oder JJJJ",
    "end": "Ende: JJJJ-MM-TT oder JJJJ (leer = läuft noch)",
    "districts": "Stadtteile (Kennungen aus districts), mehrere mit | trennen",
    "target_groups": "Zielgruppen (Kennungen aus target_groups), mehrere mit | trennen",
    "partners": "Partner (Kennungen aus actors), mehrere mit | trennen",
    "goals": "Ziele (Kennungen aus goals), mehrere mit | trennen",
    "lead": "Federführung (Kennung aus actors)",
    "group": "Arbeitskreis oder Gremium (Kennung eines actors mit kind working_group/committee)",
    "email": "nur im privaten Graphen gespeichert, nie veröffentlicht",
    "phone": "nur im privaten Graphen gespeichert, nie veröffentlicht",
    "name": "Name",
}


def columns_of(table: str) -> list[str]:
    """Header of a table in the template: required, optional, then ``source``.

    Examples:
        >>> columns_of("memberships")
        ['actor', 'group', 'role', 'start', 'end', 'source']
    """
    required, optional = TABLES[table]
    cols = list(SPEC_ORDER.get(table, (*required, *optional)))
    if table != "dataset":
        cols.append(SOURCE_COLUMN)
    return cols


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_workbook(path: Path, problems: list[Problem], limits: ZipLimits | None = None) -> list[Table]:
    """Tables from the sheets of an XLSX workbook; unknown sheets become warnings.

    The file is inspected first (:func:`graph.archive_guard.check_workbook`):
    a zip bomb, a workbook with macros or with links to other files raises
    :class:`~graph.errors.InvalidInput` before openpyxl opens it, since
    openpyxl itself inflates any size and reads external links' cached values.
    """
    from openpyxl import load_workbook

    check_workbook(path, limits)
    try:
        wb = load_workbook(path, read_only=True, data_only=True, keep_links=False)
    except Exception as exc:  # openpyxl raises many kinds for broken files
        problems.append(
            Problem(f"the workbook cannot be read: {exc}", file=path.name, code="bad_xlsx")
        )
        return []
    tables = []
    try:
        for ws in wb.worksheets:
            name = normalise_header(ws.title).removesuffix(".csv")
            where = f"{path.name}[{ws.title}]"
            if name not in TABLES:
                problems.append(
                    Problem(f"unknown sheet {ws.title!r} is ignored", file=where,
                            severity="warning", code="unknown_table")
                )
                continue
            table = Table(name=name, file=where)
            rows = ws.iter_rows(values_only=True)
            header = next(rows, None)
            if header is None:
                tables.append(table)
                continue
            columns = [normalise_header(_cell_text(h)) for h in header]
            while columns and not columns[-1]:
                columns.pop()
            table.columns = columns
            for line, cells in enumerate(rows, start=2):
                values = [_cell_text(c) for c in cells]
                if not any(values):
                    continue
                table.rows.append(
                    {c: (values[i] if i < len(values) else "") for i, c in enumerate(columns) if c}
                )
                table.line_numbers.append(line)
            tables.append(table)
    finally:
        wb.close()
    return tables


def write_workbook(path: Path, rows: Mapping[str, Sequence[Mapping[str, str]]] | None = None) -> Path:
    """Write an import workbook: one sheet per table with notes and drop-downs.

    ``rows`` maps table names to their rows; without it the result is the
    empty template.
    """
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    rows = rows or {}
    wb = Workbook()
    wb.remove(wb.active)
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")
    for table in TABLES:
        ws = wb.create_sheet(table)
        cols = columns_of(table)
        required = set(TABLES[table][0])
        ws.append(cols)
        for i, col in enumerate(cols, start=1):
            cell = ws.cell(row=1, column=i)
            cell.font = bold
            if col in required:
                cell.fill = fill
            note = COLUMN_NOTES.get(col, "")
            if col in required:
                note = (note + " (Pflichtfeld)").strip()
            if note:
                cell.comment = Comment(note, "integraph")
            ws.column_dimensions[cell.column_letter].width = max(12, len(col) + 4)
        for row in rows.get(table, ()):
            ws.append([row.get(c, "") for c in cols])
        ws.freeze_panes = "A2"
        for col, values in (("kind", KIND_CLASS), ("horizon", HORIZONS)):
            if col in cols and table in ("actors", "recommendations"):
                letter = ws.cell(row=1, column=cols.index(col) + 1).column_letter
                dv = DataValidation(
                    type="list", formula1='"' + ",".join(values) + '"', allow_blank=False,
                    showErrorMessage=True, errorTitle="Ungültiger Wert",
                    error=f"Erlaubt: {', '.join(values)}",
                )
                dv.add(f"{letter}2:{letter}10000")
                ws.add_data_validation(dv)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path
