"""Writes: bearer tokens with roles, and ``POST /api/import`` through the all-or-nothing importer."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api import tokens
from graph.importer import FIXTURE
from tests.api.conftest import EMAIL, make_client


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    entries, secrets = [], {}
    for role in tokens.ROLES:
        entry, secret = tokens.new_token(f"{role}-user", role)
        entries.append(entry)
        secrets[role] = secret
    path = tmp_path_factory.mktemp("keys") / "tokens.json"
    tokens.save(path, entries)
    return path, secrets


@pytest.fixture(scope="module")
def writer(keys: tuple[Path, dict[str, str]]) -> Iterator[tuple[TestClient, dict[str, str]]]:
    path, secrets = keys
    with make_client(tokens_file=path, query_workers=1) as c:
        yield c, secrets


def zipped(folder: Path, prefix: str = "testville/") -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for f in sorted(folder.glob("*.csv")):
            z.write(f, prefix + f.name)
    return buf.getvalue()


def changed_fixture(tmp_path: Path, extra_actor: bool = True, bad_kind: bool = False) -> Path:
    folder = tmp_path / "testville"
    shutil.copytree(FIXTURE, folder)
    with open(folder / "actors.csv", "a", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        if extra_actor:
            w.writerow(["neu", "Neuer Verein", "association", "", "", "", "", "", "s1"])
        if bad_kind:
            w.writerow(["drache", "Drachenverein", "dragon", "", "", "", "", "", "s1"])
    if extra_actor:
        with open(folder / "actor_goals.csv", "a", encoding="utf-8", newline="") as f:
            csv.writer(f).writerow(["neu", "g-kita", "s1"])
    return folder


def post(c: TestClient, data: bytes, token: str | None, name: str = "testville.zip",
         **params: str) -> object:
    headers = {"authorization": f"Bearer {token}"} if token else {}
    return c.post("/api/import", files={"file": (name, data)}, headers=headers, params=params)


def count(c: TestClient) -> int:
    r = c.get("/sparql", params={"query": "SELECT (COUNT(*) AS ?n) { ?a ig:kind ?k }"})
    return int(r.json()["results"]["bindings"][0]["n"]["value"])


def test_tokens_are_stored_hashed(keys: tuple[Path, dict[str, str]]) -> None:
    path, secrets = keys
    text = path.read_text()
    assert all(secret not in text for secret in secrets.values())
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    assert tokens.find(secrets["editor"], tokens.load(path)).role == "editor"  # type: ignore[union-attr]


@pytest.mark.parametrize(("token", "status"), [(None, 401), ("not-a-token", 401), ("viewer", 403)])
def test_import_needs_an_editor_token(writer: tuple[TestClient, dict[str, str]], tmp_path: Path,
                                      token: str | None, status: int) -> None:
    c, secrets = writer
    r = post(c, zipped(changed_fixture(tmp_path)), secrets.get(token or "", token))  # type: ignore[arg-type]
    assert r.status_code == status  # type: ignore[attr-defined]
    assert r.json()["error"] in ("unauthorized", "forbidden")  # type: ignore[attr-defined]
    assert count(c) == 12


def test_editor_imports_a_zip_and_sparql_sees_it(keys: tuple[Path, dict[str, str]], tmp_path: Path) -> None:
    with make_client(tokens_file=keys[0], query_workers=1) as c:
        check_import(c, keys[1], zipped(changed_fixture(tmp_path)))


def check_import(c: TestClient, secrets: dict[str, str], data: bytes) -> None:
    assert "neu" not in {n["id"] for n in c.get("/api/network").json()["nodes"]}  # warms the cache
    assert "neu" not in {r["id"] for r in c.get("/api/goals/g-kita/actors").json()}
    dry = post(c, data, secrets["editor"], dry_run="true")
    assert dry.status_code == 200 and dry.json()["dry_run"] is True  # type: ignore[attr-defined]
    assert dry.json()["added"] == ["actor/neu"]  # type: ignore[attr-defined]
    assert count(c) == 12
    r = post(c, data, secrets["editor"])
    report = r.json()  # type: ignore[attr-defined]
    assert r.status_code == 200, report  # type: ignore[attr-defined]
    assert (report["dataset"], report["added"], report["removed"]) == ("testville", ["actor/neu"], [])
    assert report["counts"]["actors"] == 13
    assert c.get("/api/actors/neu").json()["name"] == "Neuer Verein"
    assert count(c) == 13
    assert "neu" in {n["id"] for n in c.get("/api/network").json()["nodes"]}
    assert "neu" in {r["id"] for r in c.get("/api/goals/g-kita/actors").json()}
    assert EMAIL not in r.text  # type: ignore[attr-defined]
    who = c.get("/sparql", params={"query": "SELECT ?n WHERE { ?a a prov:Activity ; "
                                   "prov:wasAssociatedWith/rdfs:label ?n }"},
                headers={"accept": "application/sparql-results+json"}).json()
    assert [b["n"]["value"] for b in who["results"]["bindings"]] == ["token:editor-user"]


def test_invalid_upload_changes_nothing(writer: tuple[TestClient, dict[str, str]], tmp_path: Path) -> None:
    c, secrets = writer
    r = post(c, zipped(changed_fixture(tmp_path, bad_kind=True)), secrets["editor"])
    assert r.status_code == 400  # type: ignore[attr-defined]
    body = r.json()  # type: ignore[attr-defined]
    assert body["error"] == "invalid_input"
    assert any(p["file"] == "actors.csv" and p["column"] == "kind" and p["value"] == "dragon"
               for p in body["problems"])
    assert c.get("/api/actors/neu").status_code == 404
    assert count(c) == 12


def test_xlsx_workbook_upload(writer: tuple[TestClient, dict[str, str]], tmp_path: Path) -> None:
    c, secrets = writer
    out = tmp_path / "testville.xlsx"
    from graph.tables import read_tables
    from graph.workbook import write_workbook

    tables = read_tables(changed_fixture(tmp_path))
    write_workbook(out, {name: t.rows for name, t in tables.tables.items()})
    r = post(c, out.read_bytes(), secrets["editor"], name="testville.xlsx", dry_run="true")
    assert r.status_code == 200, r.text  # type: ignore[attr-defined]
    assert r.json()["added"] == ["actor/neu"]  # type: ignore[attr-defined]


@pytest.mark.parametrize("member", ["../evil/dataset.csv", "/abs/dataset.csv"])
def test_zip_path_tricks_are_refused(writer: tuple[TestClient, dict[str, str]], member: str) -> None:
    c, secrets = writer
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr(member, "key,value\n")
    r = post(c, buf.getvalue(), secrets["admin"])
    assert r.status_code == 400 and "unsafe path" in json.dumps(r.json())  # type: ignore[attr-defined]


def test_not_a_dataset_is_400(writer: tuple[TestClient, dict[str, str]]) -> None:
    c, secrets = writer
    assert post(c, b"hello", secrets["editor"], name="x.zip").status_code == 400  # type: ignore[attr-defined]


def test_upload_size_cap(keys: tuple[Path, dict[str, str]], tmp_path: Path) -> None:
    path, secrets = keys
    with make_client(tokens_file=path, max_upload_bytes=1000, query_workers=1) as c:
        r = post(c, zipped(changed_fixture(tmp_path)), secrets["editor"])
        assert r.status_code == 413 and "max_upload_bytes" in r.json()["message"]  # type: ignore[attr-defined]


def test_no_tokens_file_means_no_writes(tmp_path: Path) -> None:
    with make_client(query_workers=1) as c:
        r = post(c, zipped(changed_fixture(tmp_path)), "anything")
        assert r.status_code == 401  # type: ignore[attr-defined]


@pytest.mark.parametrize("role", tokens.ROLES)
def test_sparql_updates_stay_refused_with_any_token(writer: tuple[TestClient, dict[str, str]],
                                                    role: str) -> None:
    c, secrets = writer
    auth = {"authorization": f"Bearer {secrets[role]}"}
    for r in (c.post("/sparql", data={"update": "CLEAR ALL"}, headers=auth),
              c.post("/sparql", content=b"CLEAR ALL",
                     headers={**auth, "content-type": "application/sparql-update"}),
              c.get("/sparql", params={"query": "CLEAR ALL"}, headers=auth)):
        assert r.status_code == 403
    assert count(c) == 12


def test_token_command_writes_a_hash(tmp_path: Path) -> None:
    path = tmp_path / "t.json"
    exe = str(Path(sys.executable).with_name("integraph"))
    r = subprocess.run([exe, "token", "steward", "--role", "admin"], capture_output=True, text=True,
                       env={"INTEGRAPH_TOKENS_FILE": str(path), "PATH": "/usr/bin:/bin"})
    assert r.returncode == 0, r.stderr
    secret = r.stdout.strip()
    entry = tokens.find(secret, tokens.load(path))
    assert entry is not None and entry.role == "admin" and secret not in path.read_text()
