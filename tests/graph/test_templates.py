"""The committed templates match SPEC §4 and what `integraph template` writes."""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook

from graph.tables import TABLES, read_tables
from graph.templates import write_templates
from graph.workbook import columns_of

REPO = Path(__file__).resolve().parents[2]


def test_committed_csv_templates_have_spec_headers() -> None:
    for table in TABLES:
        header = (REPO / "data" / "templates" / "csv" / f"{table}.csv").read_text().strip()
        assert header.split(",") == columns_of(table)


def test_xlsx_template_has_dropdowns_and_notes(tmp_path: Path) -> None:
    write_templates(tmp_path)
    wb = load_workbook(tmp_path / "integraph.xlsx")
    assert wb.sheetnames == list(TABLES)
    actors = wb["actors"]
    formulas = [dv.formula1 for dv in actors.data_validations.dataValidation]
    assert formulas and "migrant_organisation" in formulas[0]
    horizons = [dv.formula1 for dv in wb["recommendations"].data_validations.dataValidation]
    assert horizons == ['"short,medium,long"']
    assert actors["C1"].value == "kind" and "office" in actors["C1"].comment.text


def test_empty_template_reads_back_without_errors(tmp_path: Path) -> None:
    write_templates(tmp_path)
    tables = read_tables(tmp_path / "integraph.xlsx")
    errors = [p for p in tables.problems if p.severity == "error"]
    assert errors == []
    assert set(tables.tables) == set(TABLES)
