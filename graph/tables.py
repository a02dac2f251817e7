"""Reading the spreadsheet format of SPEC §4 into plain rows.

Data stewards export from Excel, so the reader accepts what Excel writes:
``,`` or ``;`` as delimiter, UTF-8 with or without BOM or Windows-1252,
CRLF line ends, quoted cells with line breaks, trailing empty rows and
columns, and header names in any case and spacing. An XLSX workbook with one
sheet per table is read the same way. The reader never raises on bad content:
every problem becomes a :class:`~graph.errors.Problem` in the result.

Examples:
    >>> t = parse_csv_bytes("actors.csv", "ID; Name ;kind\\r\\na;Ä;office\\r\\n;;\\r\\n".encode("cp1252"))
    >>> t.columns, t.rows
    (['id', 'name', 'kind'], [{'id': 'a', 'name': 'Ä', 'kind': 'office'}])
    >>> t.line_numbers
    [2]
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from .errors import Problem

#: table → (required columns, optional columns), exactly as SPEC §4.
TABLES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "dataset": (("key", "value"), ()),
    "sources": (("id", "title"), ("date", "url")),
    "action_fields": (("id", "label_de"), ("label_en", "description")),
    "goals": (("id", "label_de", "action_field"), ("label_en", "description")),
    "target_groups": (("id", "label_de"), ("label_en",)),
    "districts": (("id", "label_de"), ()),
    "actors": (
        ("id", "name", "kind"),
        ("parent", "districts", "target_groups", "website", "description"),
    ),
    "programmes": (("id", "name"), ("funder", "start", "end")),
    "projects": (
        ("id", "name", "lead"),
        (
            "partners", "goals", "funded_by", "start", "end", "districts",
            "target_groups", "description",
        ),
    ),
    "actor_goals": (("actor", "goal"), ()),
    "memberships": (("actor", "group"), ("role", "start", "end")),
    "cooperations": (("actor_a", "actor_b"), ("kind", "start", "end")),
    "recommendations": (
        ("id", "text", "goal", "horizon"), ("implemented_by", "status"),
    ),
    "contacts": (("actor",), ("role", "name", "email", "phone")),
}
#: Column order of each table exactly as SPEC §4 lists it (templates and exports use it).
SPEC_ORDER: dict[str, tuple[str, ...]] = {
    "goals": ("id", "label_de", "label_en", "action_field", "description"),
    "actors": ("id", "name", "kind", "parent", "districts", "target_groups", "website", "description"),
    "projects": ("id", "name", "lead", "partners", "goals", "funded_by", "start", "end", "districts",
                 "target_groups", "description"),
    "recommendations": ("id", "text", "goal", "horizon", "implemented_by", "status"),
}
#: Tables a dataset must have; the others may be absent.
REQUIRED_TABLES = ("dataset",)
#: Every table may carry a ``source`` column.
SOURCE_COLUMN = "source"
MULTI_SEPARATOR = "|"


@dataclass
class Table:
    """One table as read: normalised column names and the non-empty rows."""

    name: str
    file: str
    columns: list[str] = field(default_factory=list)
    rows: list[dict[str, str]] = field(default_factory=list)
    #: line number in the file (header = 1) of each row in ``rows``
    line_numbers: list[int] = field(default_factory=list)

    def rows_by_id(self) -> dict[str, dict[str, str]]:
        """Rows keyed by their ``id`` cell (first one wins)."""
        out: dict[str, dict[str, str]] = {}
        for row in self.rows:
            out.setdefault(row.get("id", ""), row)
        return out

    def located(self) -> list[tuple[int, dict[str, str]]]:
        """``(line number, row)`` pairs, for checks that report where a problem is."""
        return list(zip(self.line_numbers, self.rows, strict=True))


@dataclass
class Tables:
    """Every table of a dataset plus the problems met while reading them."""

    origin: str
    tables: dict[str, Table] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    raw_bytes: bytes = b""

    def get(self, name: str) -> Table:
        """The table, or an empty one if the dataset does not have it."""
        return self.tables.get(name) or Table(name=name, file=f"{name}.csv")


def normalise_header(name: str) -> str:
    """Header as matched against SPEC §4: trimmed, lower case, inner spaces as ``_``.

    Examples:
        >>> normalise_header("  Label DE ")
        'label_de'
    """
    return "_".join(name.replace("\ufeff", "").strip().lower().split())


def decode(data: bytes) -> tuple[str, str]:
    """Text and encoding name: UTF-8 (BOM removed) if it decodes, else Windows-1252.

    Examples:
        >>> decode("Ausländer".encode("cp1252"))
        ('Ausländer', 'cp1252')
        >>> decode(b"\\xef\\xbb\\xbfa")
        ('a', 'utf-8-sig')
    """
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace"), "cp1252"


def sniff_delimiter(text: str) -> str:
    """``;`` or ``,``: whichever splits the header line into more cells (outside quotes).

    Examples:
        >>> sniff_delimiter('id;name\\n1;"a,b"\\n')
        ';'
        >>> sniff_delimiter("id,name\\n")
        ','
    """
    first = text.split("\n", 1)[0]
    counts = {d: len(next(csv.reader([first], delimiter=d), [])) for d in (",", ";")}
    return ";" if counts[";"] > counts[","] else ","


def parse_csv_bytes(file: str, data: bytes) -> Table:
    """Parse one CSV file's bytes into a :class:`Table` (no validation beyond shape)."""
    name = Path(file).stem
    text, _ = decode(data)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    delimiter = sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    table = Table(name=name, file=file)
    try:
        header = next(reader)
    except StopIteration:
        return table
    except csv.Error:
        return table
    columns = [normalise_header(h) for h in header]
    while columns and not columns[-1]:
        columns.pop()
    table.columns = columns
    line = 1
    try:
        for cells in reader:
            line = reader.line_num
            values = [c.strip() for c in cells]
            if not any(values):
                continue
            row = {}
            for i, col in enumerate(columns):
                if col:
                    row[col] = values[i] if i < len(values) else ""
            table.rows.append(row)
            table.line_numbers.append(line_start(reader.line_num, cells))
    except csv.Error as exc:
        table.columns = columns
        raise CsvShapeError(file, line + 1, str(exc)) from exc
    return table


def line_start(end_line: int, cells: list[str]) -> int:
    """The first line of a record that ended on ``end_line`` (cells may span lines)."""
    return end_line - sum(c.count("\n") for c in cells)


class CsvShapeError(ValueError):
    """A CSV file that the csv module cannot split into records."""

    def __init__(self, file: str, line: int, detail: str) -> None:
        super().__init__(f"{file}:{line}: {detail}")
        self.file, self.line, self.detail = file, line, detail


def read_tables(path: Path) -> Tables:
    """Read a dataset: a folder of CSV files or an XLSX workbook.

    Unknown files and columns become warnings; a missing table that SPEC §4
    requires, or a file that cannot be read, becomes an error.
    """
    path = Path(path)
    result = Tables(origin=str(path))
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.suffix.lower() == ".csv")
        digest = bytearray()
        for f in files:
            data = f.read_bytes()
            digest += f.name.encode() + b"\0" + data + b"\0"
            _add_csv(result, f.name, data)
        result.raw_bytes = bytes(digest)
    elif path.suffix.lower() == ".xlsx":
        from .workbook import read_workbook

        result.raw_bytes = path.read_bytes()
        for table in read_workbook(path, result.problems):
            result.tables[table.name] = table
    elif path.suffix.lower() in (".xls", ".ods"):
        result.problems.append(
            Problem(
                f"{path.suffix} files cannot be read: open the file in Excel or LibreOffice and "
                "save it as .xlsx (Excel workbook) or as one CSV file per sheet",
                file=path.name, code="unsupported_format",
            )
        )
        return result
    elif path.suffix.lower() == ".csv":
        result.problems.append(
            Problem(
                "a dataset is a folder of CSV files (dataset.csv, actors.csv, ...) or one .xlsx "
                "workbook: pass the folder that holds this file",
                file=path.name, code="unsupported_format",
            )
        )
        return result
    elif not path.exists():
        result.problems.append(Problem(f"{path} does not exist", file=str(path), code="not_found"))
        return result
    else:
        result.problems.append(
            Problem(
                f"unknown kind of file {path.name}: expected a folder of CSV files or an .xlsx",
                file=path.name, code="unsupported_format",
            )
        )
        return result
    check_columns(result)
    return result


def _add_csv(result: Tables, file: str, data: bytes) -> None:
    name = Path(file).stem.lower()
    if name not in TABLES:
        result.problems.append(
            Problem(
                f"unknown table {file}: it is ignored", file=file, severity="warning",
                expected=", ".join(f"{t}.csv" for t in TABLES), code="unknown_table",
            )
        )
        return
    try:
        table = parse_csv_bytes(file, data)
    except CsvShapeError as exc:
        result.problems.append(
            Problem(f"the file cannot be read as CSV: {exc.detail}", file=file, row=exc.line,
                    code="bad_csv")
        )
        return
    table.name = name
    result.tables[name] = table


def check_columns(result: Tables) -> None:
    """Problems for missing required tables/columns and warnings for unknown columns."""
    for name in REQUIRED_TABLES:
        if name not in result.tables:
            result.problems.append(
                Problem(f"the dataset has no {name} table", file=f"{name}.csv",
                        code="missing_table")
            )
    for name, table in result.tables.items():
        required, optional = TABLES[name]
        known = set(required) | set(optional) | {SOURCE_COLUMN}
        seen: set[str] = set()
        for col in table.columns:
            if col in seen and col:
                result.problems.append(
                    Problem(f"column {col!r} appears twice", file=table.file, row=1, column=col,
                            code="duplicate_column")
                )
            seen.add(col)
            if col and col not in known:
                result.problems.append(
                    Problem(
                        f"unknown column {col!r} is ignored", file=table.file, row=1, column=col,
                        severity="warning", expected=", ".join(sorted(known)),
                        code="unknown_column",
                    )
                )
        for col in required:
            if col not in seen:
                result.problems.append(
                    Problem(
                        f"required column {col!r} is missing", file=table.file, row=1,
                        column=col, expected=", ".join(required), code="missing_column",
                    )
                )


def split_multi(cell: str) -> list[str]:
    """The values of a multi-value cell (``a | b``), empty parts dropped.

    Examples:
        >>> split_multi(" a| b ||")
        ['a', 'b']
    """
    return [v.strip() for v in cell.split(MULTI_SEPARATOR) if v.strip()]
