"""Table exports: the import workbook (``xlsx``) and a zip of CSV tables (``csv``).

Both are the inverse of :mod:`graph.mapping`: every table of SPEC §4 is
rebuilt from the store with one SPARQL query per table
(``graph/queries/export_table_*.rq``), so a steward can edit the workbook in
Excel and import it again, and importing it gives the same graph back (the
tests check this). ``contacts`` is filled only when the private graph is
asked for.

The CSV zip is for researchers: the import tables as UTF-8 CSV, the actor
cooperation network as ``nodes.csv`` and ``edges.csv``, and a ``README.txt``
that describes every column of every file.

Examples:
    >>> natural_key("https://x.org/d/membership/a--g-10") > natural_key("https://x.org/d/membership/a--g-2")
    True
    >>> to_id("https://x.org/d/actor/awo", "https://x.org/d"), to_id("https://example.org/", "https://x.org/d")
    ('awo', 'https://example.org/')
"""

from __future__ import annotations

import csv
import io
import re
import tempfile
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import BinaryIO

from . import queries
from .export import DatasetInfo, ExportJob, Pseudonyms
from .namespaces import dataset_base
from .tables import MULTI_SEPARATOR, TABLES
from .workbook import columns_of

#: Columns that hold ids of other rows (IRIs in the graph, ids in the tables).
REFERENCES = {
    "parent", "districts", "target_groups", "source", "funder", "lead", "partners", "goals",
    "funded_by", "actor", "goal", "group", "actor_a", "actor_b", "action_field", "implemented_by",
}
#: Columns that a pseudonymised export empties for pseudonymised actors: they would name them.
REVEALING_COLUMNS = ("description", "website")

#: What every column of every exported file holds (README.txt of the CSV zip).
TABLE_DOCS: dict[str, str] = {
    "dataset": "key/value pairs describing the dataset: name, municipality, base (IRI prefix, "
               "only when not the default), license, description",
    "sources": "documents, pages or meetings the facts come from",
    "action_fields": "action fields (Handlungsfelder) of the integration concept",
    "goals": "goals of the integration concept, each in one action field",
    "target_groups": "target groups (Zielgruppen)",
    "districts": "districts (Stadtteile)",
    "actors": "organisations taking part in integration work",
    "programmes": "funding programmes",
    "projects": "projects with lead, partners, goals and period",
    "actor_goals": "an actor works on a goal directly (not only through a project)",
    "memberships": "membership of an actor in a working group or committee",
    "cooperations": "an explicit cooperation between two actors",
    "recommendations": "recommendations of the integration concept",
    "contacts": "contact persons (personal data; only in exports that include the private graph)",
}
COLUMN_DOCS: dict[str, str] = {
    "key": "name of a dataset property", "value": "its value",
    "id": "id of the row (letters, digits, - _ .), unique in its table; the last part of the "
          "row's IRI {base}/{type}/{id}",
    "title": "title of the source", "date": "date of the source (YYYY-MM-DD or YYYY)",
    "url": "web address of the source",
    "label_de": "German label", "label_en": "English label", "description": "description (German)",
    "action_field": "id of the action field (action_fields.csv) the goal belongs to",
    "name": "name", "kind": "actors: one of office, public_body, welfare_association, association, "
            "migrant_organisation, education_provider, religious_community, company, committee, "
            "working_group, other; cooperations: the kind of cooperation (free text)",
    "parent": "id of the parent organisation (actors.csv)",
    "districts": "ids of districts (districts.csv), separated by |",
    "target_groups": "ids of target groups (target_groups.csv), separated by |",
    "website": "web site", "funder": "id of the funding actor (actors.csv)",
    "start": "start (YYYY-MM-DD or YYYY; YYYY means 1 January); empty = open",
    "end": "end (YYYY-MM-DD or YYYY; YYYY means 31 December); empty = still running",
    "lead": "id of the leading actor (actors.csv)",
    "partners": "ids of partner actors (actors.csv), separated by |",
    "goals": "ids of goals (goals.csv), separated by |",
    "funded_by": "ids of funding programmes (programmes.csv) or actors, separated by |",
    "actor": "id of an actor (actors.csv)", "goal": "id(s) of goals (goals.csv), separated by |",
    "group": "id of the working group or committee (actors.csv)",
    "role": "role of the member or contact person",
    "actor_a": "id of one actor (actors.csv)", "actor_b": "id of the other actor (actors.csv)",
    "text": "text of the recommendation (German)", "horizon": "short, medium or long",
    "implemented_by": "ids of projects (projects.csv) implementing it, separated by |",
    "status": "implementation status (free text)",
    "email": "e-mail address (personal data)", "phone": "telephone number (personal data)",
    "source": "ids of sources (sources.csv) the row comes from, separated by |",
}


def natural_key(value: str) -> tuple[object, ...]:
    """Sort key that puts ``x-2`` before ``x-10`` (the importer numbers repeated rows so)."""
    return tuple(int(p) if p.isdigit() else p for p in re.split(r"(\d+)", value))


def to_id(value: str, base: str, p: Pseudonyms | None = None) -> str:
    """The dataset id of an instance IRI ``{base}/{type}/{id}``; other values unchanged."""
    if p:
        value = p.iri(value)
    if not value.startswith(base + "/"):
        return value
    return value[len(base) + 1:].partition("/")[2]


def _row(raw: dict[str, object], table: str, info: DatasetInfo, p: Pseudonyms | None) -> dict[str, str]:
    row: dict[str, str] = {}
    subject = str(raw.get("s", ""))
    for col in columns_of(table):
        value = str(raw.get(col, "") or "")
        if col == "id":
            value = to_id(subject, info.base, p)
        elif col in REFERENCES:
            ids = (to_id(v, info.base, p) for v in value.split(MULTI_SEPARATOR) if v)
            value = MULTI_SEPARATOR.join(sorted(ids))
        elif p and value:
            value = p.text(value)
        row[col] = value
    if p and subject in p.names:
        if table == "actors":
            row["name"] = p.names[subject]
        for col in REVEALING_COLUMNS:
            if col in row:
                row[col] = ""
    return row


def table_rows(job: ExportJob, info: DatasetInfo) -> dict[str, list[dict[str, str]]]:
    """Every table of SPEC §4 of one dataset, rebuilt from the store."""
    p = job.pseudonyms(info)
    out: dict[str, list[dict[str, str]]] = {}
    meta = queries.run(job.store, "export_table_dataset", graph=queries.node(info.graph))
    values = meta[0] if meta else {}
    pairs = [("name", values.get("name", info.name)), ("municipality", values.get("municipality", ""))]
    if info.base != dataset_base(str(values.get("name", info.name))):
        pairs.append(("base", info.base))
    pairs += [("license", values.get("license", "")), ("description", values.get("description", ""))]
    out["dataset"] = [{"key": k, "value": str(v)} for k, v in pairs if v]
    for n, table in enumerate(t for t in TABLES if t != "dataset"):
        job.step(f"reading {table}", n, len(TABLES))
        if table == "contacts":
            if not job.include_private:
                continue
            raw = queries.run(job.store, "export_table_contacts", include_private=True,
                              graph=queries.node(info.private))
        else:
            raw = queries.run(job.store, f"export_table_{table}", graph=queries.node(info.graph))
        raw.sort(key=lambda r: natural_key(str(r.get("s", ""))))
        out[table] = [_row(r, table, info, p) for r in raw]
    return out


def csv_bytes(columns: list[str], rows: Sequence[Mapping[str, object]]) -> bytes:
    """UTF-8 CSV (comma, quoted where needed, LF line ends) of ``rows``.

    Examples:
        >>> csv_bytes(["id", "name"], [{"id": "a", "name": "Süd, Nord"}])
        b'id,name\\na,"S\\xc3\\xbcd, Nord"\\n'
    """
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=columns, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue().encode("utf-8")


def readme(files: dict[str, list[str]], job: ExportJob) -> str:
    """README.txt of the CSV zip: what each file is and what each of its columns holds."""
    from .export_network import EDGE_DOCS, NODE_DOCS

    lines = [
        "integraph export: tables of the integration landscape",
        "",
        "Datasets: " + ", ".join(f"{d.name} ({d.municipality})" for d in job.datasets),
        "Encoding UTF-8, comma-separated, first row = column names. Several values in one cell are "
        "separated by |. Dates are YYYY-MM-DD or YYYY.",
        "The import tables (SPEC section 4) can be imported again with `integraph import FOLDER`.",
        "Personal data (contacts.csv) is " + ("INCLUDED in this export: do not publish it."
                                              if job.include_private else "not in this export."),
    ]
    if job.pseudonymise:
        lines.append("Migrant organisations and religious communities are pseudonymised "
                     "(names and ids replaced, descriptions and web sites left out).")
    lines.append("")
    docs = {**{f"{t}.csv": TABLE_DOCS[t] for t in TABLES},
            "nodes.csv": "actors of the cooperation network (one row per node)",
            "edges.csv": "ties of the cooperation network (one row per pair of actors that cooperate)"}
    for path, columns in files.items():
        name = path.rsplit("/", 1)[-1]
        lines.append(f"{path}: {docs.get(name, '')}")
        for col in columns:
            text = NODE_DOCS.get(col, "") if name == "nodes.csv" else (
                EDGE_DOCS.get(col, "") if name == "edges.csv" else COLUMN_DOCS.get(col, ""))
            lines.append(f"  {col}: {text}")
        lines.append("")
    return "\n".join(lines)


def write_csv_zip(job: ExportJob, fh: BinaryIO) -> None:
    """The ``csv`` export: import tables, nodes.csv, edges.csv and README.txt in one zip."""
    from .export_network import edge_rows, network_for, node_rows

    files: dict[str, list[str]] = {}
    with zipfile.ZipFile(fh, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for info in job.datasets:
            folder = f"{info.name}/" if len(job.datasets) > 1 else ""
            for table, rows in table_rows(job, info).items():
                columns = columns_of(table)
                zf.writestr(f"{folder}{table}.csv", csv_bytes(columns, rows))
                files[f"{folder}{table}.csv"] = columns
        job.step("building the cooperation network")
        graph = network_for(job)
        for name, (columns, rows) in (("nodes.csv", node_rows(graph)), ("edges.csv", edge_rows(graph))):
            zf.writestr(name, csv_bytes(columns, rows))
            files[name] = columns
        zf.writestr("README.txt", readme(files, job))


def write_xlsx(job: ExportJob, fh: BinaryIO) -> None:
    """The ``xlsx`` export: the import workbook of one dataset, with notes and drop-downs."""
    from .errors import InvalidInput, Problem
    from .workbook import write_workbook

    if len(job.datasets) != 1:
        names = ", ".join(d.name for d in job.datasets)
        raise InvalidInput([Problem("the xlsx export holds one dataset: choose one with --dataset",
                                    column="dataset", expected=names, code="dataset_required")],
                           f"the xlsx export holds one dataset: choose one of {names} with --dataset")
    rows = table_rows(job, job.datasets[0])
    job.step("writing the workbook")
    with tempfile.TemporaryDirectory() as tmp:
        path = write_workbook(Path(tmp) / "export.xlsx", rows)
        fh.write(path.read_bytes())


def write_tables(job: ExportJob, fh: BinaryIO) -> None:
    """Write the ``csv`` or ``xlsx`` export to ``fh``."""
    if job.fmt.name == "xlsx":
        write_xlsx(job, fh)
    else:
        write_csv_zip(job, fh)
