"""Reading CSV folders and XLSX workbooks the way Excel writes them."""

from __future__ import annotations

import shutil
from pathlib import Path

from graph.tables import parse_csv_bytes, read_tables
from graph.workbook import write_workbook


def test_semicolon_cp1252_crlf_and_multiline_cells() -> None:
    data = 'ID ; Name;Kind;Description;;\r\nmso;Türkischer Verein;migrant_organisation;"Zeile 1\r\nZeile 2";;\r\n;;;;;\r\n'
    table = parse_csv_bytes("actors.csv", data.encode("cp1252"))
    assert table.columns == ["id", "name", "kind", "description"]
    assert table.rows == [{"id": "mso", "name": "Türkischer Verein", "kind": "migrant_organisation",
                           "description": "Zeile 1\nZeile 2"}]
    assert table.line_numbers == [2]


def test_utf8_bom_and_comma() -> None:
    table = parse_csv_bytes("goals.csv", "\ufeffid,label_de\r\ng1,Übergänge\n".encode())
    assert table.columns == ["id", "label_de"]
    assert table.rows[0]["label_de"] == "Übergänge"


def test_line_numbers_follow_multiline_cells() -> None:
    data = b'id,title\ns1,"a\nb\nc"\ns2,x\n'
    table = parse_csv_bytes("sources.csv", data)
    assert table.line_numbers == [2, 5]


def test_unknown_file_and_column_are_warnings(tmp_path: Path, fixture_path: Path) -> None:
    shutil.copytree(fixture_path, tmp_path / "d")
    (tmp_path / "d" / "notes.csv").write_text("a,b\n1,2\n")
    text = (tmp_path / "d" / "districts.csv").read_text()
    (tmp_path / "d" / "districts.csv").write_text(text.replace("id,label_de", "id,label_de,colour"))
    tables = read_tables(tmp_path / "d")
    codes = {(p.code, p.severity) for p in tables.problems}
    assert codes == {("unknown_table", "warning"), ("unknown_column", "warning")}


def test_missing_required_column_is_named(tmp_path: Path, fixture_path: Path) -> None:
    shutil.copytree(fixture_path, tmp_path / "d")
    (tmp_path / "d" / "goals.csv").write_text("id,label_de\ng1,Ziel\n")
    problems = [p for p in read_tables(tmp_path / "d").problems if p.severity == "error"]
    assert [(p.file, p.column, p.code) for p in problems] == [("goals.csv", "action_field", "missing_column")]


def test_xls_and_ods_get_advice(tmp_path: Path) -> None:
    for suffix in (".xls", ".ods"):
        f = tmp_path / f"data{suffix}"
        f.write_bytes(b"x")
        problems = read_tables(f).problems
        assert len(problems) == 1 and "xlsx" in problems[0].message


def test_xlsx_template_round_trips_rows(tmp_path: Path) -> None:
    path = write_workbook(tmp_path / "w.xlsx", {"districts": [{"id": "nord", "label_de": "Nord"}]})
    tables = read_tables(path)
    assert tables.tables["districts"].rows == [{"id": "nord", "label_de": "Nord", "source": ""}]
    assert tables.tables["districts"].line_numbers == [2]
