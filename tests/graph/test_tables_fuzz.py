"""Hypothesis: whatever bytes a steward's file holds, the reader answers with a report."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graph.checks import check_tables
from graph.errors import InvalidInput
from graph.importer import validate_dataset
from graph.tables import TABLES, parse_csv_bytes, read_tables

cells = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12)
columns = st.sampled_from(["id", "name", "kind", "parent", "start", "end", "source", "x", " ID "])


@given(st.binary(max_size=400))
@settings(max_examples=200, deadline=None)
def test_random_bytes_never_raise(data: bytes) -> None:
    try:
        table = parse_csv_bytes("actors.csv", data)
    except ValueError as exc:  # CsvShapeError: reported by read_tables as a problem
        assert "actors.csv" in str(exc)
        return
    assert all(isinstance(r, dict) for r in table.rows)


@given(
    table=st.sampled_from(sorted(TABLES)),
    header=st.lists(columns, min_size=1, max_size=6),
    body=st.lists(st.lists(cells, max_size=7), max_size=6),
    delimiter=st.sampled_from([",", ";"]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]),
)
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_random_tables_give_reports_not_tracebacks(tmp_path_factory, table, header, body, delimiter,
                                                   encoding) -> None:  # type: ignore[no-untyped-def]
    folder: Path = tmp_path_factory.mktemp("ds")
    (folder / "dataset.csv").write_text("key,value\nname,fuzz\nmunicipality,Fuzz\n")
    lines = [delimiter.join(header)] + [delimiter.join(c.replace(delimiter, " ") for c in row) for row in body]
    text = "\r\n".join(lines)
    (folder / f"{table}.csv").write_bytes(text.encode(encoding, errors="replace"))
    tables = read_tables(folder)
    problems = tables.problems + check_tables(tables)
    assert all(p.message for p in problems)
    try:
        validate_dataset(folder)
    except InvalidInput as exc:
        assert exc.problems
