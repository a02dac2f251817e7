"""Hostile imports: zip bombs, macro workbooks and external links are refused and change nothing.

Every hostile file is a real zip built here with :mod:`zipfile` from a real
Testville workbook (openpyxl) or CSV folder, so apart from the one hostile
trait it would import. Each is sent through the library (``import_dataset``),
the command line (``integraph import``) and ``POST /api/import``; each
refusal must name the file and the reason, and the store must hold exactly
the triples it held before.
"""

from __future__ import annotations

import io
import json
import os
import re
import struct
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from api import tokens
from graph.archive_guard import CHUNK, Meter, ZipLimits
from graph.cli import app as cli_app
from graph.errors import InvalidInput
from graph.importer import FIXTURE, import_dataset
from graph.store import Store, open_store
from graph.tables import read_tables
from graph.workbook import write_workbook
from tests.api.conftest import fixture_store, make_client

ZEROS = bytes(5_000_000)  # deflates about 1000:1
EMPTY_ZIP = b"PK\x05\x06" + bytes(18)  # just the end record
Snapshot = dict[str, set[str]]

# --- building the files -----------------------------------------------------------------------


def rebuild(base: bytes, add: dict[str, bytes] | None = None,
            edit: dict[str, Callable[[str], str]] | None = None) -> bytes:
    """``base`` (a zip) with members added and XML members edited, everything deflated."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(base)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            if edit and info.filename in edit:
                data = edit[info.filename](data.decode()).encode()
            dst.writestr(info.filename, data)
        for name, data in (add or {}).items():
            dst.writestr(name, data)
    return out.getvalue()


def forge_sizes(data: bytes, member: str, file_size: int, compress_size: int | None = None) -> bytes:
    """``data`` with the sizes ``member`` declares (central directory and local header) replaced."""
    buf = bytearray(data)
    eocd = buf.rfind(b"PK\x05\x06")
    count, _, offset = struct.unpack_from("<HII", buf, eocd + 10)
    for _ in range(count):
        n, m, k = struct.unpack_from("<HHH", buf, offset + 28)
        if buf[offset + 46:offset + 46 + n] == member.encode():
            local = struct.unpack_from("<I", buf, offset + 42)[0]
            for at, local_at in ((offset + 20, local + 18), (offset + 24, local + 22)):
                size = compress_size if at == offset + 20 else file_size
                if size is not None:
                    struct.pack_into("<I", buf, at, size)
                    struct.pack_into("<I", buf, local_at, size)
            return bytes(buf)
        offset += 46 + n + m + k
    raise AssertionError(f"{member} is not in the zip")


def ratio_bomb(base: bytes, folder: str) -> bytes:
    return rebuild(base, {f"{folder}padding.bin": ZEROS})


def declared_bomb(base: bytes, folder: str) -> bytes:
    """Three members that each declare 80 MB from 1 MB (ratio 80, under the limit): 240 MB in all."""
    names = [f"{folder}pad{i}.bin" for i in range(3)]
    data = rebuild(base, {n: os.urandom(1000) for n in names})
    for n in names:
        data = forge_sizes(data, n, file_size=80_000_000, compress_size=1_000_000)
    return data


def lying_bomb(base: bytes, folder: str) -> bytes:
    """5 MB of zeros declared as 1,000 bytes: passes every declared check, caught while reading."""
    return forge_sizes(rebuild(base, {f"{folder}padding.bin": ZEROS}), f"{folder}padding.bin", 1000)


def many_members(base: bytes, folder: str) -> bytes:
    return rebuild(base, {f"{folder}m{i}.txt": b"x" for i in range(1001)})


def huge_directory(base: bytes, folder: str) -> bytes:
    """Few members with long names: a central directory too big to parse for 1,000 members."""
    return rebuild(base, {f"{folder}{i}{'n' * 1500}.txt": b"" for i in range(900)})


VBA = "http://schemas.microsoft.com/office/2006/relationships/vbaProject"
MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
MACRO_MAIN = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
LINKED_BOOK = "file:///C:/Finanzen/geheim.xlsx"


def macros(base: bytes, _: str) -> bytes:
    """What Excel writes for an .xlsm: the VBA part, its relationship and content types."""
    return rebuild(
        base, {"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)},
        {"[Content_Types].xml": lambda t: t.replace(MAIN, MACRO_MAIN).replace(
            "<Default ", '<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/>'
                        "<Default ", 1),
         "xl/_rels/workbook.xml.rels": lambda t: t.replace(
             "</Relationships>", f'<Relationship Id="rIdVba" Type="{VBA}" Target="vbaProject.bin"/>'
                                 "</Relationships>")})


def macro_content_type(base: bytes, _: str) -> bytes:
    """Only the macro-enabled content type (the VBA part renamed): still refused."""
    return rebuild(base, edit={"[Content_Types].xml": lambda t: t.replace(MAIN, MACRO_MAIN)})


def external_link(base: bytes, _: str) -> bytes:
    """A link to another workbook, as Excel writes it when a formula refers to one."""
    link = (f'<externalLink xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            f'xmlns:r="{REL}"><externalBook r:id="rId1"><sheetNames><sheetName val="Tabelle1"/>'
            '</sheetNames></externalBook></externalLink>')
    rels = ('<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{REL}/externalLinkPath" Target="{LINKED_BOOK}" '
            'TargetMode="External"/></Relationships>')
    return rebuild(
        base, {"xl/externalLinks/externalLink1.xml": link.encode(),
               "xl/externalLinks/_rels/externalLink1.xml.rels": rels.encode()},
        {"xl/workbook.xml": lambda t: t.replace(
            # the r prefix is declared here: openpyxl with lxml does not declare it on the root
            "</sheets>", f'</sheets><externalReferences><externalReference xmlns:r="{REL}" r:id="rIdX"/>'
                         "</externalReferences>"),
         "xl/_rels/workbook.xml.rels": lambda t: t.replace(
             "</Relationships>", f'<Relationship Id="rIdX" Type="{REL}/externalLink" '
                                 'Target="/xl/externalLinks/externalLink1.xml"/></Relationships>'),
         "[Content_Types].xml": lambda t: t.replace(
             "</Types>", '<Override PartName="/xl/externalLinks/externalLink1.xml" ContentType='
                         '"application/vnd.openxmlformats-officedocument.spreadsheetml.externalLink+xml"/>'
                         "</Types>")})


def external_object(base: bytes, _: str) -> bytes:
    """An embedded object fetched from an address when the file is opened."""
    return rebuild(base, edit={"xl/worksheets/_rels/sheet1.xml.rels": lambda t: t.replace(
        "</Relationships>", f'<Relationship Id="rIdOle" Type="{REL}/oleObject" '
                            'Target="http://127.0.0.1:9/payload" TargetMode="External"/></Relationships>')})


#: name → (how to make it from a good file and the folder its members go in, what the error says)
HOSTILE: dict[str, tuple[Callable[[bytes, str], bytes], str]] = {
    "ratio": (ratio_bomb, r"padding\.bin would unpack 5,000,000 bytes from [\d,]+ "
                          r"\(ratio [\d,]+:1, more than max_unpack_ratio = 100\): a zip bomb"),
    "declared_total": (declared_bomb, r"would unpack to more than max_unpacked_bytes = 200,000,000 "
                                      r"bytes \(declared sizes\): a zip bomb"),
    "lying_sizes": (lying_bomb, r"padding\.bin does not match the size and checksum the zip declares"
                                r" for it \(a forged or damaged archive\)"),
    "too_many_members": (many_members, r"it holds [\d,]+ members, more than max_zip_members = 1,000"),
    "huge_directory": (huge_directory, r"its central directory takes [\d,]+ bytes, too many for "
                                       r"max_zip_members = 1,000"),
}
WORKBOOK_ONLY: dict[str, tuple[Callable[[bytes, str], bytes], str]] = {
    "macros": (macros, r"contains macros \(xl/vbaProject\.bin\); save it as \.xlsx without macros"),
    "macro_content_type": (macro_content_type, r"contains macros \(xl/workbook\.xml: "
                                               r"application/vnd\.ms-excel\.sheet\.macroEnabled"),
    "external_link": (external_link, rf"links to an external file or address '{LINKED_BOOK}' "
                                     r"\(xl/externalLinks/_rels/externalLink1\.xml\.rels\)"),
    "external_object": (external_object, r"links to an external file or address "
                                         r"'http://127\.0\.0\.1:9/payload' \(xl/worksheets/_rels/"),
}
ALL_WORKBOOK = {**HOSTILE, **WORKBOOK_ONLY}


@pytest.fixture(scope="module")
def workbook(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """The Testville dataset as a good XLSX workbook, written by openpyxl."""
    path = tmp_path_factory.mktemp("wb") / "testville.xlsx"
    write_workbook(path, {name: t.rows for name, t in read_tables(FIXTURE).tables.items()})
    return path.read_bytes()


@pytest.fixture(scope="module")
def csv_zip() -> bytes:
    """The Testville CSV folder as a good zip upload."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for f in sorted(FIXTURE.glob("*.csv")):
            z.write(f, "testville/" + f.name)
    return buf.getvalue()


def hostile_workbook(workbook: bytes, kind: str, folder: Path) -> Path:
    path = folder / f"{kind}.xlsx"
    path.write_bytes(ALL_WORKBOOK[kind][0](workbook, "xl/media/"))
    return path


def snapshot(store: Store) -> Snapshot:
    return {g: {str(t) for t in store.triples(g)} for g in store.named_graphs()}


# --- library ----------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ALL_WORKBOOK)
def test_library_import_refuses_hostile_workbook(workbook: bytes, tmp_path: Path, kind: str) -> None:
    store = fixture_store()
    before = snapshot(store)
    path = hostile_workbook(workbook, kind, tmp_path)
    with pytest.raises(InvalidInput) as info:
        import_dataset(store, path)
    [problem] = info.value.problems
    assert problem.file == path.name and problem.severity == "error"
    assert str(info.value).startswith(f"{path.name} is refused: ")
    assert "nothing was changed" in str(info.value)
    assert re.search(ALL_WORKBOOK[kind][1], problem.message), problem.message
    assert snapshot(store) == before


@pytest.mark.parametrize("kind", ["macros", "external_link"])
def test_openpyxl_alone_would_open_them(workbook: bytes, tmp_path: Path, kind: str) -> None:
    """The guard is what refuses these: openpyxl reads macro workbooks and external links happily."""
    from openpyxl import load_workbook

    wb = load_workbook(hostile_workbook(workbook, kind, tmp_path), read_only=True)
    assert "actors" in wb.sheetnames
    wb.close()


def test_good_workbook_with_cell_hyperlinks_still_imports(workbook: bytes, tmp_path: Path) -> None:
    """A URL typed into a cell becomes an external hyperlink relationship; that is not refused."""
    from openpyxl import load_workbook

    path = tmp_path / "links.xlsx"
    path.write_bytes(workbook)
    wb = load_workbook(path)
    cell = wb["actors"]["G2"]
    cell.hyperlink = "https://example.org/verein"
    wb.save(path)
    with zipfile.ZipFile(path) as z:
        assert any(b'TargetMode="External"' in z.read(n) for n in z.namelist() if n.endswith(".rels"))
    report = import_dataset(fixture_store(), path, dry_run=True)
    assert report.dataset == "testville"


def test_the_meter_stops_inflating_at_the_limit(tmp_path: Path) -> None:
    """Declared sizes aside, reading stops once the bytes really inflated pass the limit."""
    path = tmp_path / "zeros.zip"
    path.write_bytes(ratio_bomb(EMPTY_ZIP, ""))
    meter = Meter("zeros.zip", ZipLimits(max_unpacked_bytes=100_000))
    seen = 0
    with zipfile.ZipFile(path) as z, pytest.raises(InvalidInput, match="max_unpacked_bytes = 100,000") as info:
        for chunk in meter.read(z, z.getinfo("padding.bin")):
            seen += len(chunk)
    assert seen <= 100_000 and meter.total <= 100_000 + CHUNK
    assert info.value.problems[0].value == "padding.bin"


# --- command line -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def cli_store(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Snapshot]:
    """An embedded store with Testville imported through the CLI, and what it holds."""
    path = tmp_path_factory.mktemp("cli") / "store"
    result = CliRunner().invoke(cli_app, ["--store", f"oxigraph:{path}", "import", str(FIXTURE)])
    assert result.exit_code == 0, result.output
    store = open_store(f"oxigraph:{path}", read_only=True)
    try:
        return path, snapshot(store)
    finally:
        store.close()


@pytest.mark.parametrize("kind", ALL_WORKBOOK)
def test_cli_import_refuses_hostile_workbook(workbook: bytes, tmp_path: Path, kind: str,
                                             cli_store: tuple[Path, Snapshot]) -> None:
    store_path, before = cli_store
    path = hostile_workbook(workbook, kind, tmp_path)
    result = CliRunner().invoke(cli_app, ["--store", f"oxigraph:{store_path}", "import", str(path),
                                          "--format", "json"])
    assert result.exit_code == 1
    report = json.loads(result.output)
    assert report["error"].startswith(f"{path.name} is refused: ")
    [problem] = report["problems"]
    assert problem["file"] == path.name
    assert re.search(ALL_WORKBOOK[kind][1], problem["message"]), problem["message"]
    store = open_store(f"oxigraph:{store_path}", read_only=True)
    try:
        assert snapshot(store) == before
    finally:
        store.close()


# --- POST /api/import -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def editor(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    entry, secret = tokens.new_token("editor-user", "editor")
    path = tmp_path_factory.mktemp("keys") / "tokens.json"
    tokens.save(path, [entry])
    return path, secret


@pytest.fixture(scope="module")
def api(editor: tuple[Path, str]) -> Iterator[tuple[TestClient, str]]:
    with make_client(tokens_file=editor[0], query_workers=1) as c:
        yield c, editor[1]


def upload(c: TestClient, secret: str, name: str, data: bytes) -> dict[str, object]:
    """POST the file; check it was refused with 400 and changed nothing; return the answer."""
    store = c.app.state.store  # type: ignore[attr-defined]
    before, generation = snapshot(store), c.app.state.generation  # type: ignore[attr-defined]
    r = c.post("/api/import", files={"file": (name, data)}, headers={"authorization": f"Bearer {secret}"})
    assert r.status_code == 400, r.text
    body: dict[str, object] = r.json()
    assert body["error"] == "invalid_input"
    assert snapshot(store) == before
    assert c.app.state.generation == generation  # type: ignore[attr-defined]
    return body


def problem_of(body: dict[str, object]) -> dict[str, str]:
    problems = body["problems"]
    assert isinstance(problems, list) and len(problems) == 1
    return problems[0]  # type: ignore[no-any-return]


@pytest.mark.parametrize("kind", ALL_WORKBOOK)
def test_api_refuses_hostile_workbook(api: tuple[TestClient, str], workbook: bytes, kind: str) -> None:
    c, secret = api
    body = upload(c, secret, "testville.xlsx", ALL_WORKBOOK[kind][0](workbook, "xl/media/"))
    assert str(body["message"]).startswith("testville.xlsx is refused: ")
    problem = problem_of(body)
    assert problem["file"] == "testville.xlsx"
    assert re.search(ALL_WORKBOOK[kind][1], problem["message"]), problem["message"]


@pytest.mark.parametrize("kind", HOSTILE)
def test_api_refuses_hostile_csv_zip(api: tuple[TestClient, str], csv_zip: bytes, kind: str) -> None:
    c, secret = api
    body = upload(c, secret, "testville.zip", HOSTILE[kind][0](csv_zip, "testville/"))
    problem = problem_of(body)
    assert problem["file"] == "testville.zip"
    assert re.search(HOSTILE[kind][1], problem["message"]), problem["message"]


def test_api_refuses_a_file_and_a_folder_of_the_same_name(api: tuple[TestClient, str],
                                                           csv_zip: bytes) -> None:
    c, secret = api
    data = rebuild(csv_zip, {"testville/notes": b"x", "testville/notes/a.csv": b"x"})
    problem = problem_of(upload(c, secret, "testville.zip", data))
    assert problem["value"] == "testville/notes/a.csv" and "cannot be unpacked" in problem["message"]


def test_api_unpacked_size_follows_the_setting(editor: tuple[Path, str], csv_zip: bytes) -> None:
    """An honest zip (random bytes, ratio 1) over a lowered ``max_unpacked_bytes`` is refused."""
    data = rebuild(csv_zip, {"testville/notes.bin": os.urandom(1_500_000)})
    with make_client(tokens_file=editor[0], query_workers=1, max_unpacked_bytes=1_000_000) as c:
        body = upload(c, editor[1], "testville.zip", data)
    assert "more than max_unpacked_bytes = 1,000,000 bytes" in problem_of(body)["message"]


def test_api_still_imports_a_good_zip_and_workbook(api: tuple[TestClient, str], csv_zip: bytes,
                                                   workbook: bytes) -> None:
    c, secret = api
    auth = {"authorization": f"Bearer {secret}"}
    for name, data in (("testville.zip", csv_zip), ("testville.xlsx", workbook)):
        r = c.post("/api/import", files={"file": (name, data)}, headers=auth, params={"dry_run": "true"})
        assert r.status_code == 200, r.text
        assert r.json()["dataset"] == "testville"
