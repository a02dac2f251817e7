"""Faults (issue 11): a read-only store, a full disk, a killed server, a SPARQL server that goes away.

Each test makes one thing go wrong for real (a read-only mount, a small tmpfs filled to the brim,
SIGKILL of a running uvicorn, an Oxigraph server stopped and started again on its port) and checks
that integraph says clearly what happened and where, changes nothing it could not finish, and
keeps what it had: afterwards the store holds exactly the state before or after a write, never a
mix, and its backup passes ``integraph validate``.

Root ignores file permissions, so as root (CI) a read-only store is a read-only bind mount and a
full disk a small tmpfs; mounting needs root, so without it those tests use chmod where that is
enough, and are skipped with the reason where it is not.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import json
import os
import queue
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner, Result

from api import tokens
from api.app import create_app
from graph.cli import app as cli_app
from graph.edit import edit_row
from graph.errors import StoreError
from graph.importer import FIXTURE, import_dataset
from graph.remote import RemoteStore
from graph.settings import Settings
from graph.store import STAGING_MARK, OxigraphStore
from graph.workbook import write_workbook
from tests.servers import free_port, oxigraph_server, wait_until_up

ROOT = Path(__file__).resolve().parents[2]
runner = CliRunner()
EDITOR, EDITOR_TOKEN = tokens.new_token("steward", "editor")
AUTH = {"authorization": f"Bearer {EDITOR_TOKEN}"}
LABEL_QUERY = "SELECT ?l WHERE { ?a dct:identifier 'verein' ; skos:prefLabel ?l }"
NEW_ACTOR = {"id": "neu", "name": "Neuer Verein", "kind": "association", "source": "s1"}
MODIFIED = "http://purl.org/dc/terms/modified"
PROVENANCE_MARKS = ("#import-", "#agent-")


# -- what a store holds ----------------------------------------------------------------------------

def state(path: Path) -> tuple[str, int]:
    """A digest of every quad in the store and the number of imports it records.

    The record of an import names the time it ran, so the digest leaves out the import activities
    (and the dataset's ``dct:modified``) and counts them instead; blank nodes (the ontology) are
    canonicalised. Two stores with equal states hold the same data from the same number of writes.
    """
    store = OxigraphStore(path, read_only=True)
    try:
        assert not [g for g in store.named_graphs() if STAGING_MARK in g], "a half-written staging graph"
        data = ox.Dataset()
        imports: set[str] = set()
        for g in store.named_graphs():
            for t in store.triples(g):
                marked = [x.value for x in (t.subject, t.object)
                          if isinstance(x, ox.NamedNode) and any(m in x.value for m in PROVENANCE_MARKS)]
                if marked:
                    imports.update(v for v in marked if "#import-" in v)
                elif t.predicate.value != MODIFIED:
                    data.add(ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(g)))
        data.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
        text = "\n".join(sorted(str(q) for q in data))
        return hashlib.sha256(text.encode()).hexdigest(), len(imports)
    finally:
        store.close()


def label(path: Path) -> str:
    store = OxigraphStore(path, read_only=True)
    try:
        return str(store.select(LABEL_QUERY)[0]["l"])
    finally:
        store.close()


def cli(*args: str) -> Result:
    return runner.invoke(cli_app, list(args))


def flat(text: str) -> str:
    """CLI output with rich's line wrapping undone."""
    return " ".join(text.split())


def assert_valid(path: Path, workdir: Path) -> None:
    """``integraph validate`` on the store: its full backup (private graph included) passes every check."""
    backup = workdir / "backup.trig"
    r = cli("--store", f"oxigraph:{path}", "export", "--format", "trig", "--include-private",
            "--out", str(backup))
    assert r.exit_code == 0, r.output
    r = cli("validate", str(backup))
    assert r.exit_code == 0 and "valid:" in r.output, r.output


def assert_clear_error(r: Result, store: Path, cause: str) -> None:
    """Exit status 1, a message naming the store and the cause, no traceback."""
    out = flat(r.output)
    assert r.exit_code == 1 and isinstance(r.exception, SystemExit), r.output
    assert "Traceback" not in r.output
    assert out.startswith("error:") or " error: " in out, out
    assert str(store) in out and any(c in out.lower() for c in cause.split("|")), out


def assert_503(r: httpx.Response, store: Path, cause: str) -> None:
    """The API's answer to a write the store cannot take: 503 JSON naming the store and the cause."""
    assert r.status_code == 503, r.text
    body = r.json()
    assert body["error"] == "store_unavailable" and "Traceback" not in r.text
    assert str(store) in body["message"], body
    assert any(c in body["message"].lower() for c in cause.split("|")), body


def changed_fixture(dst: Path) -> Path:
    shutil.copytree(FIXTURE, dst)
    text = (dst / "actors.csv").read_text(encoding="utf-8").replace("Sportverein Nord", "SV Nord 1920")
    (dst / "actors.csv").write_text(text, encoding="utf-8")
    return dst


def zipped(folder: Path) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for f in sorted(folder.glob("*.csv")):
            z.write(f, f"testville/{f.name}")
    return buf.getvalue()


def seeded(path: Path) -> Path:
    store = OxigraphStore(path)
    import_dataset(store, FIXTURE)
    store.close()
    return path


def tokens_file(folder: Path) -> Path:
    path = folder / "tokens.json"
    tokens.save(path, [EDITOR])
    return path


# -- mounts ----------------------------------------------------------------------------------------

def _run(*cmd: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(list(cmd), capture_output=True, text=True, check=False)


@contextmanager
def mounted(target: Path, *args: str) -> Iterator[Path]:
    """``mount ARGS target`` for the block, unmounted afterwards; skips the test where mounting is not allowed."""
    if os.geteuid() != 0:
        pytest.skip("mounting a read-only or small file system needs root (CI runs the tests as root)")
    if shutil.which("mount") is None:
        pytest.skip("no mount command on this machine")
    target.mkdir(parents=True, exist_ok=True)
    r = _run("mount", *args, str(target))
    if r.returncode != 0:
        pytest.skip(f"`mount {' '.join(args)}` is not permitted here: {r.stderr.strip()}")
    try:
        yield target
    finally:
        if _run("umount", str(target)).returncode != 0:
            _run("umount", "-l", str(target))


@contextmanager
def read_only(folder: Path, view: Path) -> Iterator[Path]:
    """``folder`` as a read-only directory: a read-only bind mount as root, else chmod a-w."""
    if os.geteuid() == 0:
        with mounted(view, "--bind", str(folder)):
            r = _run("mount", "-o", "remount,bind,ro", str(view))
            if r.returncode != 0:
                pytest.skip(f"cannot remount a bind mount read-only here: {r.stderr.strip()}")
            yield view
        return
    paths = [folder, *folder.rglob("*")]
    modes = {p: p.stat().st_mode for p in paths}
    for p in paths:
        p.chmod(modes[p] & ~0o222)
    try:
        try:
            (folder / "probe").touch()
        except OSError:
            yield folder
        else:
            (folder / "probe").unlink()
            pytest.skip("chmod a-w does not stop this user from writing (CAP_DAC_OVERRIDE?)")
    finally:
        for p in paths:
            p.chmod(modes[p])


def fill(disk: Path) -> Path:
    """Fill the file system at ``disk`` to the last byte; returns the filler to delete."""
    filler = disk / "filler"
    with open(filler, "wb", buffering=0) as f:
        for block in (1 << 20, 1 << 12, 1):
            try:
                while True:
                    f.write(b"\0" * block)
            except OSError:
                pass
    assert shutil.disk_usage(disk).free == 0
    return filler


# -- 1. a read-only store --------------------------------------------------------------------------

def test_read_only_store_cli(tmp_path: Path) -> None:
    """Imports into a read-only store fail naming it and the cause; reads keep working; nothing changes."""
    store = seeded(tmp_path / "rw" / "store")
    before = state(store)
    new = changed_fixture(tmp_path / "new")
    with read_only(tmp_path / "rw", tmp_path / "ro") as ro:
        cause = "read-only|permission denied"
        assert_clear_error(cli("--store", f"oxigraph:{ro / 'store'}", "import", str(new)), ro / "store", cause)
        # a store that does not exist yet cannot be created there either
        assert_clear_error(cli("--store", f"oxigraph:{ro / 'fresh'}", "import", str(new)), ro / "fresh", cause)
        r = cli("--store", f"oxigraph:{ro / 'store'}", "stats", "--format", "json")
        assert r.exit_code == 0, r.output
        assert json.loads(r.stdout)["datasets"]["testville"]["triples"] > 200
        r = cli("--store", f"oxigraph:{ro / 'store'}", "query", LABEL_QUERY, "--format", "csv")
        assert r.exit_code == 0 and "Sportverein Nord" in r.stdout, r.output
        assert state(ro / "store") == before
        assert not (ro / "fresh").exists()
    assert state(store) == before


def test_read_only_store_api(tmp_path: Path) -> None:
    """The server starts on a read-only store, serves reads, and answers writes 503 with the cause."""
    store = seeded(tmp_path / "rw" / "store")
    before = state(store)
    keys = tokens_file(tmp_path)
    new = changed_fixture(tmp_path / "new")
    with read_only(tmp_path / "rw", tmp_path / "ro") as ro:
        settings = Settings(store=f"oxigraph:{ro / 'store'}", tokens_file=keys, query_workers=1)
        with TestClient(create_app(settings)) as c:
            assert c.get("/api/actors/verein").json()["name"] == "Sportverein Nord"
            r = c.get("/sparql", params={"query": LABEL_QUERY},
                      headers={"accept": "application/sparql-results+json"})
            assert r.status_code == 200 and "Sportverein Nord" in r.text
            cause = "read-only|permission denied"
            upload = {"file": ("testville.zip", zipped(new), "application/zip")}
            assert_503(c.post("/api/import", files=upload, headers=AUTH), ro / "store", cause)
            assert_503(c.post("/api/edit/actors", json=NEW_ACTOR, headers=AUTH), ro / "store", cause)
            with open(FIXTURE / "actors.csv", encoding="utf-8") as f:
                verein = next(r for r in csv.DictReader(f) if r["id"] == "verein")
            renamed = {**verein, "name": "SV Nord 1920"}
            assert_503(c.put("/api/edit/actors/verein", json=renamed, headers=AUTH), ro / "store", cause)
            assert c.get("/api/actors/neu").status_code == 404
        assert state(ro / "store") == before
    assert state(store) == before


# -- 2. a full disk --------------------------------------------------------------------------------

def test_full_disk_keeps_the_previous_state(tmp_path: Path) -> None:
    """An import that cannot be written says "no space left on device" and leaves the store as it was."""
    with mounted(tmp_path / "disk", "-t", "tmpfs", "-o", "size=8m", "tmpfs") as disk:
        store = seeded(disk / "store")
        before = state(store)
        new = changed_fixture(tmp_path / "new")
        running = OxigraphStore(store)          # a server holding the store when the disk fills up
        filler = fill(disk)
        with pytest.raises(StoreError, match="no space left on device") as info:
            import_dataset(running, new)
        assert str(store) in str(info.value) and "nothing was changed" in str(info.value)
        assert running.select(LABEL_QUERY) == [{"l": "Sportverein Nord"}], "reads go on"
        running.close()
        # the command line on the full disk: a clear error, no traceback
        assert_clear_error(cli("--store", f"oxigraph:{store}", "import", str(new)), store,
                           "no space left on device")
        filler.unlink()
        assert state(store) == before
        assert label(store) == "Sportverein Nord"
        assert_valid(store, tmp_path)


def test_full_disk_api_writes_again_once_space_is_freed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A running server answers 503 while the disk is full (the store's or the uploads' temporary
    files') and takes the same write once space is freed."""
    with mounted(tmp_path / "disk", "-t", "tmpfs", "-o", "size=8m", "tmpfs") as disk:
        store = seeded(disk / "store")
        before = state(store)
        settings = Settings(store=f"oxigraph:{store}", tokens_file=tokens_file(tmp_path), query_workers=1)
        with TestClient(create_app(settings)) as c:
            filler = fill(disk)
            assert_503(c.post("/api/edit/actors", json=NEW_ACTOR, headers=AUTH), store,
                       "no space left on device")
            with monkeypatch.context() as m:
                (disk / "tmp").mkdir()
                m.setattr(tempfile, "tempdir", str(disk / "tmp"))   # uploads are spooled there
                upload = {"file": ("testville.zip", zipped(FIXTURE), "application/zip")}
                r = c.post("/api/import", files=upload, headers=AUTH)
                assert r.status_code == 503 and r.json()["error"] == "storage_unavailable", r.text
                assert "no space left on device" in r.json()["message"].lower()
                assert str(disk) not in r.text, "no file names"
            assert c.get("/api/actors/verein").status_code == 200
            assert c.get("/api/actors/neu").status_code == 404
            filler.unlink()
            r = c.post("/api/edit/actors", json=NEW_ACTOR, headers=AUTH)
            assert r.status_code == 201, r.text
            assert c.get("/api/actors/neu").json()["name"] == "Neuer Verein"
        after = state(store)
        assert after[1] == before[1] + 1 and after[0] != before[0]
        assert_valid(store, tmp_path)


# -- 3. SIGKILL of a real server during a write ----------------------------------------------------

SERVER = r"""
import os, sys, time
from graph import store as st
from graph.cli import app

pause = os.environ["FAULT_PAUSE"]


class Hooked:
    '''The real RocksDB handle, announcing the one write transaction (and pausing where asked).'''

    def __init__(self, inner):
        self.inner = inner

    def __getattr__(self, name):
        return getattr(self.inner, name)

    def update(self, text):
        print("WRITING", flush=True)
        if pause == "before":
            time.sleep(60)
        self.inner.update(text)
        print("COMMITTED", flush=True)
        if pause == "after":
            time.sleep(60)


_init = st.OxigraphStore.__init__


def init(self, *args, **kwargs):
    _init(self, *args, **kwargs)
    self._store = Hooked(self._store)


st.OxigraphStore.__init__ = init
app(["--store", sys.argv[1], "serve", "--host", "127.0.0.1", "--port", sys.argv[2]], prog_name="integraph")
"""
ACTORS = 150  # landscape-150: ~6,000 triples, written in one transaction of about a second


@dataclass
class Landscape:
    """A generated landscape A in a store, another (B) as a workbook, and the data each write leaves."""

    store: Path
    workbook: Path
    key: str                    # an actor of B, renamed by the row edit
    row: dict[str, str]
    imported: str               # digest of the data after importing B
    edited: str                 # digest of the data after the row edit on B


def _copy(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst)
    return dst


def landscape(root: Path) -> Landscape:
    """Generate A and B (two seeds of the benchmark generator), and the expected states in-process."""
    sys.path.insert(0, str(ROOT))
    from benchmarks.generate import generate

    generate(ACTORS, root / "a", seed=1)
    generate(ACTORS, root / "b", seed=2)
    b = root / "b" / f"landscape-{ACTORS}"
    rows = {f.stem: list(csv.DictReader(f.open(encoding="utf-8"))) for f in b.glob("*.csv")}
    workbook = write_workbook(root / "landscape-b.xlsx", rows)
    row = {**rows["actors"][0], "name": rows["actors"][0]["name"] + " (umbenannt)"}
    store = root / "store"
    first = OxigraphStore(store)
    import_dataset(first, root / "a" / f"landscape-{ACTORS}")
    first.close()
    other = OxigraphStore(_copy(store, root / "expected"))
    import_dataset(other, workbook, agent="token:steward")
    other.close()
    imported = state(root / "expected")[0]
    other = OxigraphStore(root / "expected")
    edit_row(other, "actors", "replace", row["id"], row, agent="token:steward")
    other.close()
    land = Landscape(store, workbook, row["id"], row, imported, state(root / "expected")[0])
    assert len({state(store)[0], land.imported, land.edited}) == 3
    return land


class Server:
    """``integraph serve`` (hooked as above, or the plain command) in its own process group."""

    def __init__(self, store: Path, folder: Path, pause: str | None) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, "INTEGRAPH_QUERY_WORKERS": "1", "INTEGRAPH_TOKENS_FILE": str(tokens_file(folder)),
               "PYTHONPATH": str(ROOT)}
        spec = f"oxigraph:{store}"
        if pause is None:
            cmd = [str(Path(sys.executable).with_name("integraph")), "--store", spec, "serve",
                   "--host", "127.0.0.1", "--port", str(self.port)]
        else:
            env["FAULT_PAUSE"] = pause
            cmd = [sys.executable, "-c", SERVER, spec, str(self.port)]
        self.log = folder / f"server-{self.port}.log"
        with open(self.log, "wb") as log:
            self.proc = subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=log,
                                         text=True, start_new_session=True)
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()
        try:
            wait_until_up(f"{self.url}/api/goals", self.proc, 60)
        except RuntimeError:
            self.stop()
            raise

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.put(line.strip())

    def serves(self, actors: int) -> None:
        """The server answers from the store (after a kill: the restart worked)."""
        r = httpx.get(f"{self.url}/api/actors", params={"limit": 1}, timeout=30)
        assert r.status_code == 200 and r.json()["total"] == actors, r.text

    def wait_for(self, marker: str, seconds: float = 120) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                if self.lines.get(timeout=0.1) == marker:
                    return
            except queue.Empty:
                if self.proc.poll() is not None:
                    break
        raise AssertionError(f"no {marker} from the server: {self.log.read_text()[-2000:]}")

    def kill(self) -> None:
        """SIGKILL the server and its query worker at once, like a crash of the whole process tree."""
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(10)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.kill()


def _send(request: httpx.Request) -> None:
    with httpx.Client(timeout=120) as client, contextlib.suppress(httpx.HTTPError):
        client.send(request)  # killed before it answered: no answer


def kill_during(server: Server, pause: str, method: str, path: str, **kwargs: object) -> None:
    """Send a write to ``server`` and SIGKILL it at the commit (``pause``: during, or after it)."""
    request = httpx.Request(method, f"{server.url}{path}", headers=AUTH, **kwargs)  # type: ignore[arg-type]
    sender = threading.Thread(target=_send, args=(request,), daemon=True)
    try:
        sender.start()
        server.wait_for("COMMITTED" if pause == "after" else "WRITING")
    finally:
        server.kill()
    sender.join(30)


@pytest.mark.slow
@pytest.mark.server
def test_sigkill_during_api_writes(tmp_path: Path) -> None:
    """SIGKILL of ``integraph serve`` in the middle of writing a large workbook (``POST /api/import``),
    right after that commit (before the flush and the answer), and in a JSON row edit
    (``PUT /api/edit/actors/{id}``). Each kill is followed by a restart on the same store, which
    must serve exactly the state before or after the write, never a mix; the last state passes
    ``integraph validate``."""
    land = landscape(tmp_path)
    upload: dict[str, object] = {
        "files": {"file": ("landscape-b.xlsx", land.workbook.read_bytes(), "application/octet-stream")}}
    edit: dict[str, object] = {"json": land.row}
    steps: list[tuple[str, str, str, str, dict[str, object]]] = [
        ("import", "during", "POST", "/api/import", upload),
        ("import", "after", "POST", "/api/import", upload),
        ("edit", "during", "PUT", f"/api/edit/actors/{land.key}", edit),
    ]
    previous = state(land.store)
    for write, pause, method, path, kwargs in steps:
        server = Server(land.store, tmp_path, pause)   # after a kill, this is the restart
        server.serves(ACTORS)
        kill_during(server, pause, method, path, **kwargs)
        found = state(land.store)
        after = (land.imported if write == "import" else land.edited, previous[1] + 1)
        allowed = [previous, after] if pause == "during" else [after]
        assert found in allowed, f"SIGKILL {pause} the {write}: the store holds neither state"
        previous = found
    server = Server(land.store, tmp_path, None)
    try:
        server.serves(ACTORS)
    finally:
        server.stop()
    assert state(land.store) == previous
    assert_valid(land.store, tmp_path)


# -- 4. a remote SPARQL server that goes away and comes back ---------------------------------------

@pytest.mark.server
def test_remote_server_away_and_back_on_the_same_port(tmp_path: Path) -> None:
    """While the server is down every call fails naming it; then the same Store object (and the
    app over it) works again, and the write that failed meanwhile left nothing behind."""
    location, port = tmp_path / "db", free_port()
    with oxigraph_server(location, port) as url:
        store = RemoteStore(url, Settings(remote_timeout=3))
        import_dataset(store, FIXTURE)
        client = TestClient(create_app(Settings(store=f"sparql:{url}", query_workers=1), store=store))
        client.__enter__()
    try:
        where = f"http://127.0.0.1:{port}/query"
        with pytest.raises(StoreError, match=f"cannot reach the SPARQL server {where} while"):
            store.select(LABEL_QUERY)
        with pytest.raises(StoreError, match="cannot reach the SPARQL server"):
            import_dataset(store, changed_fixture(tmp_path / "new"))
        time.sleep(2.1)  # past the cache of the graph list: the API must ask the server
        r = client.get("/api/actors/verein")
        assert r.status_code == 503 and r.json()["error"] == "store_unavailable", r.text
        assert where in r.json()["message"] and "Traceback" not in r.text
        with oxigraph_server(location, port):
            assert store.select(LABEL_QUERY) == [{"l": "Sportverein Nord"}], "the failed write changed nothing"
            assert not [g for g in store.named_graphs() if STAGING_MARK in g]
            assert client.get("/api/actors/verein").json()["name"] == "Sportverein Nord"
            import_dataset(store, tmp_path / "new")
            assert store.select(LABEL_QUERY) == [{"l": "SV Nord 1920"}]
    finally:
        client.__exit__(None, None, None)
