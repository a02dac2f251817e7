"""Table exports: the xlsx workbook and the CSV zip import again to the same graph."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from graph.errors import InvalidInput
from graph.export import export
from graph.importer import FIXTURE, import_dataset
from graph.landscape import load_landscape
from graph.network import cooperation_network
from graph.store import Store, open_store
from graph.tables import TABLES, read_tables
from graph.workbook import columns_of

B = "https://w3id.org/integraph/id/testville"
PROV = "http://www.w3.org/ns/prov#"


@pytest.fixture(scope="module")
def store() -> Iterator[Store]:
    s = open_store("memory:")
    import_dataset(s, FIXTURE)
    yield s
    s.close()


def without_import_activity(triples: list[ox.Triple]) -> set[ox.Triple]:
    """A dataset graph minus what records the import itself (time stamps, file name, hash)."""
    activities = {t.subject for t in triples
                  if t.object == ox.NamedNode(PROV + "Activity")}
    skip = {PROV + "wasGeneratedBy", "http://purl.org/dc/terms/modified"}
    return {t for t in triples if t.subject not in activities and t.predicate.value not in skip}


def reimported(path: Path) -> Store:
    s = open_store("memory:")
    import_dataset(s, path)
    return s


def same_graphs(a: Store, b: Store, graphs: list[str]) -> None:
    for g in graphs:
        left, right = list(a.triples(g)), list(b.triples(g))
        assert len(left) > 0
        assert without_import_activity(left) == without_import_activity(right), g


def test_xlsx_imports_again_to_the_same_graph(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "testville.xlsx"
    export(store, "xlsx", path, include_private=True)
    tables = read_tables(path)
    assert not [p for p in tables.problems if p.severity == "error"]
    assert set(tables.tables) == set(TABLES)
    for name, table in tables.tables.items():
        assert table.columns == columns_of(name)
    same_graphs(store, reimported(path), [f"{B}/graph", f"{B}/graph/private"])


def test_xlsx_without_private_has_an_empty_contacts_sheet(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "public.xlsx"
    export(store, "xlsx", path)
    tables = read_tables(path)
    assert tables.get("contacts").rows == []
    assert len(tables.get("actors").rows) == len(read_tables(FIXTURE).get("actors").rows)
    again = reimported(path)
    same_graphs(store, again, [f"{B}/graph"])
    assert f"{B}/graph/private" not in again.named_graphs() or again.count(f"{B}/graph/private") == 0


@pytest.fixture(scope="module")
def csv_zip(store: Store) -> zipfile.ZipFile:
    buf = io.BytesIO()
    export(store, "csv", buf)
    return zipfile.ZipFile(buf)


def test_csv_zip_tables_import_again(store: Store, csv_zip: zipfile.ZipFile, tmp_path: Path) -> None:
    folder = tmp_path / "tables"
    names = [n for n in csv_zip.namelist() if n.removesuffix(".csv") in TABLES]
    assert "contacts.csv" not in names and "actors.csv" in names
    for n in names:
        (folder / n).parent.mkdir(parents=True, exist_ok=True)
        (folder / n).write_bytes(csv_zip.read(n))
    same_graphs(store, reimported(folder), [f"{B}/graph"])


def rows(zf: zipfile.ZipFile, name: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(zf.read(name).decode("utf-8"))))


def test_csv_zip_nodes_and_edges_are_the_network(store: Store, csv_zip: zipfile.ZipFile) -> None:
    g = cooperation_network(load_landscape(store))
    nodes = rows(csv_zip, "nodes.csv")
    assert {r["id"] for r in nodes} == set(g.nodes)
    for r in nodes:
        assert r["name"] == g.nodes[r["id"]]["name"]
        assert (r["goals"].split("|") if r["goals"] else []) == g.nodes[r["id"]]["goals"]
        assert int(r["degree"]) == g.degree(r["id"])
    edges = rows(csv_zip, "edges.csv")
    assert {frozenset((r["source"], r["target"])) for r in edges} == {frozenset(e) for e in g.edges}
    for r in edges:
        assert r["kinds"].split("|") == g.edges[r["source"], r["target"]]["kinds"]


def test_csv_readme_describes_every_column(csv_zip: zipfile.ZipFile) -> None:
    readme = csv_zip.read("README.txt").decode("utf-8")
    described: dict[str, dict[str, str]] = {}
    current = ""
    for line in readme.splitlines():
        if m := re.match(r"^(\S+\.csv): (.+)$", line):
            current = m[1]
            described[current] = {}
        elif (m := re.match(r"^  (\w+): (.+)$", line)) and current:
            described[current][m[1]] = m[2]
    files = [n for n in csv_zip.namelist() if n.endswith(".csv")]
    assert sorted(described) == sorted(files)
    for name in files:
        header = csv_zip.read(name).decode("utf-8").splitlines()[0].split(",")
        assert list(described[name]) == header, name
    assert "not in this export" in readme


def test_xlsx_needs_one_dataset(tmp_path: Path) -> None:
    s = open_store("memory:")
    import_dataset(s, FIXTURE)
    copy = tmp_path / "otherville"
    import shutil

    shutil.copytree(FIXTURE, copy)
    (copy / "dataset.csv").write_text("key,value\nname,otherville\nmunicipality,Otherville\n")
    import_dataset(s, copy)
    with pytest.raises(InvalidInput, match="--dataset"):
        export(s, "xlsx", tmp_path / "both.xlsx")
    export(s, "xlsx", tmp_path / "other.xlsx", dataset="otherville")
    first = read_tables(tmp_path / "other.xlsx").get("dataset").rows[0]
    assert first == {"key": "name", "value": "otherville"}
    buf = io.BytesIO()
    export(s, "csv", buf)
    names = zipfile.ZipFile(buf).namelist()
    assert "testville/actors.csv" in names and "otherville/actors.csv" in names and "nodes.csv" in names


def test_xlsx_round_trip_of_the_tricky_rows(tmp_path: Path) -> None:
    """Own base, URL sources, repeated memberships and cooperations, several goals per row."""
    import shutil

    data = tmp_path / "tricky"
    shutil.copytree(FIXTURE, data)
    with (data / "dataset.csv").open("a", encoding="utf-8") as fh:
        fh.write("base,https://example.org/tricky/\n")
    with (data / "memberships.csv").open("a", encoding="utf-8") as fh:
        fh.write("amt,ak-sprache,Mitglied,2008,2010,https://example.org/protokoll\n")
        fh.write("amt,ak-sprache,Gast,2011,2012,s2|https://example.org/protokoll\n")
    with (data / "cooperations.csv").open("a", encoding="utf-8") as fh:
        fh.write("awo,amt,vertrag,2020-02-01,2021,s2\n")
    with (data / "recommendations.csv").open("a", encoding="utf-8") as fh:
        fh.write('r-zwei,"Zwei Ziele, ein Satz",g-kita|g-sprache,medium,p-sprachcafe|p-ausbildung,,s1\n')
    s = open_store("memory:")
    import_dataset(s, data)
    base = "https://example.org/tricky"
    subjects = {t.subject.value for t in s.triples(f"{base}/graph")}
    assert f"{base}/membership/amt--ak-sprache-3" in subjects
    path = tmp_path / "tricky.xlsx"
    export(s, "xlsx", path, include_private=True)
    same_graphs(s, reimported(path), [f"{base}/graph", f"{base}/graph/private"])
