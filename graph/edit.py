"""Edits of single rows (create, replace, delete) through the same importer as a spreadsheet.

The JSON write API must validate exactly like an import (table checks and
SHACL), be all-or-nothing, report the entity diff and record who changed
what. Rather than a second write path, an edit rebuilds the dataset's tables
from the store (the inverse mapping behind the XLSX export, contacts
included so that nothing private is dropped), changes one row, and imports
the result: one transaction, one provenance record.

Rows are keyed by their ``id``; cooperations and memberships, which have no
id column, by the key of their IRI (``docs/model.md``): ``a--b`` with the
two actor ids sorted, or ``actor--group``, and ``-2``, ``-3`` … for repeats.

Examples:
    >>> from graph.store import open_store
    >>> from graph.importer import import_dataset, FIXTURE
    >>> store = open_store("memory:")
    >>> _ = import_dataset(store, FIXTURE)
    >>> report = edit_row(store, "districts", "create", row={"id": "mitte", "label_de": "Mitte"})
    >>> report.added
    ['district/mitte']
"""

from __future__ import annotations

import csv
import tempfile
from collections import defaultdict
from pathlib import Path
from typing import Literal

from .errors import InvalidInput, NotFound, Problem
from .importer import ImportReport, import_path
from .store import Store
from .workbook import columns_of

Operation = Literal["create", "replace", "delete"]
#: Tables the write API edits row by row.
EDITABLE = ("actors", "projects", "programmes", "goals", "action_fields", "target_groups", "districts",
            "sources", "actor_goals", "cooperations", "memberships", "recommendations")


def row_keys(table: str, rows: list[dict[str, str]]) -> list[str]:
    """The key of every row, as in the IRIs the importer mints.

    Examples:
        >>> row_keys("cooperations", [{"actor_a": "b", "actor_b": "a"}, {"actor_a": "a", "actor_b": "b"}])
        ['a--b', 'a--b-2']
        >>> row_keys("actor_goals", [{"actor": "a", "goal": "g"}])
        ['a--g']
    """
    counts: dict[str, int] = defaultdict(int)
    keys = []
    for row in rows:
        if table == "cooperations":
            key = "--".join(sorted((row.get("actor_a", ""), row.get("actor_b", ""))))
        elif table == "memberships":
            key = f"{row.get('actor', '')}--{row.get('group', '')}"
        elif table == "actor_goals":
            key = f"{row.get('actor', '')}--{row.get('goal', '')}"
        else:
            keys.append(row.get("id", ""))
            continue
        counts[key] += 1
        keys.append(key if counts[key] == 1 else f"{key}-{counts[key]}")
    return keys


class Conflict(InvalidInput):
    """A create of a row whose key exists already."""


def edit_row(store: Store, table: str, op: Operation, key: str | None = None,
             row: dict[str, str] | None = None, *, dataset: str | None = None,
             agent: str | None = None, dry_run: bool = False) -> ImportReport:
    """Create, replace or delete one row of one dataset and import the result all-or-nothing."""
    from .export import make_job
    from .export_tables import table_rows

    if table not in EDITABLE:
        raise InvalidInput([Problem(f"table {table!r} cannot be edited row by row", column="table",
                                    value=table, expected=", ".join(EDITABLE), code="bad_table")])
    job = make_job(store, "csv", dataset=dataset, include_private=True)
    if len(job.datasets) > 1:
        raise InvalidInput([Problem("the store holds several datasets: name one", column="dataset",
                                    code="no_dataset")])
    info = job.datasets[0]
    tables = table_rows(job, info)
    rows = tables.setdefault(table, [])
    keys = row_keys(table, rows)
    clean = {k: "" if v is None else str(v) for k, v in (row or {}).items()}
    if op == "create":
        new_key = row_keys(table, [*rows, clean])[-1]
        if new_key in keys:
            raise Conflict([Problem(f"{table} {new_key!r} exists already", file=f"{table}.csv",
                                    value=new_key, code="duplicate_id")])
        rows.append(clean)
    else:
        if key not in keys:
            raise NotFound(f"no row {key!r} in {table}")
        index = keys.index(key)
        if op == "replace":
            rows[index] = clean
        else:
            del rows[index]
    with tempfile.TemporaryDirectory(prefix="integraph-edit-") as tmp:
        folder = Path(tmp) / info.name
        folder.mkdir()
        for name, content in tables.items():
            write_csv(folder / f"{name}.csv", columns_of(name), content)
        return import_path(store, folder, dataset=info.name, dry_run=dry_run, agent=agent)[0]


def write_csv(path: Path, columns: list[str], rows: list[dict[str, str]]) -> None:
    """One table in the import format (UTF-8, comma); cells of unknown columns are kept."""
    extra = sorted({c for r in rows for c in r} - set(columns))
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=[*columns, *extra], lineterminator="\n",
                                extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
