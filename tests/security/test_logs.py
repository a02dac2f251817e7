"""A real ``integraph serve`` never writes a bearer token or personal data to its logs.

The server runs in a subprocess over an on-disk Testville store; its stdout
and stderr (uvicorn's access and error logs included) are captured and
searched for the secret, the fixture's e-mail address and phone number.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from api import tokens
from graph.importer import FIXTURE, import_dataset
from graph.store import open_store
from tests.servers import free_port

pytestmark = pytest.mark.server
INTEGRAPH = str(Path(sys.executable).with_name("integraph"))
EMAIL = "erika.mustermann@example.org"
PHONE = "+49 6441 99999"
ROLES = {role: tokens.new_token(f"{role}-user", role) for role in tokens.ROLES}


class Server:
    """A running ``integraph serve`` whose combined output is read with :meth:`logs` after it stops."""

    def __init__(self, url: str, proc: subprocess.Popen[bytes], log: Path) -> None:
        self.url, self.proc, self.log = url, proc, log

    def stop(self) -> str:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.log.read_text(encoding="utf-8", errors="replace")


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    spec = f"oxigraph:{tmp_path / 'store'}"
    tokens.save(tmp_path / "tokens.json", [entry for entry, _ in ROLES.values()])
    store = open_store(spec)
    import_dataset(store, FIXTURE)
    store.close()
    port = free_port()
    env = {**os.environ, "INTEGRAPH_QUERY_WORKERS": "1", "INTEGRAPH_TOKENS_FILE": str(tmp_path / "tokens.json")}
    log = tmp_path / "server.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen([INTEGRAPH, "--store", spec, "serve", "--host", "127.0.0.1", "--port", str(port)],
                                env=env, stdout=out, stderr=subprocess.STDOUT)
    server = Server(f"http://127.0.0.1:{port}", proc, log)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{server.url}/api/goals", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(server.stop() or "the server did not start")
            time.sleep(0.2)
        yield server
    finally:
        server.stop()


def fixture_zip() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for f in sorted(FIXTURE.glob("*.csv")):
            z.write(f, "testville/" + f.name)
    return buf.getvalue()


def test_tokens_and_personal_data_never_reach_the_logs(server: Server) -> None:
    secrets = {role: secret for role, (_, secret) in ROLES.items()}
    with httpx.Client(base_url=server.url, timeout=30) as c:
        for role, secret in secrets.items():
            auth = {"authorization": f"Bearer {secret}"}
            assert c.get("/api/goals", headers=auth).status_code == 200
            r = c.post("/api/import", params={"dry_run": "true"}, headers=auth,
                       files={"file": ("testville.zip", fixture_zip())})
            assert r.status_code == (403 if role == "viewer" else 200), (role, r.text[:200])
        assert c.post("/api/import", headers={"authorization": "Bearer wrong-token"}).status_code == 401
        assert c.post("/api/import", headers={"authorization": "Basic dXNlcjpwYXNz"}).status_code == 401
        actors = c.get("/api/actors").json()["items"]
        for a in actors:
            assert c.get(f"/api/actors/{a['id']}").status_code == 200
            assert c.get(f"/actors/{a['id']}", headers={"accept": "text/html"}).status_code == 200
        r = c.post("/sparql", data={"query": "SELECT * { GRAPH ?g { ?s ?p ?o } }"})
        assert r.status_code == 200
        assert c.get("/api/export", params={"format": "trig"}).status_code == 200
    logs = server.stop()
    assert "GET /api/goals" in logs  # the access log is on, so the check below means something
    for secret in secrets.values():
        assert secret not in logs
    assert "dXNlcjpwYXNz" not in logs
    assert EMAIL not in logs and PHONE not in logs


def test_a_token_in_the_query_string_is_not_logged(server: Server) -> None:
    secret = ROLES["viewer"][1]
    with httpx.Client(base_url=server.url, timeout=30) as c:
        assert c.get("/api/goals", params={"x": secret}).status_code == 200
    assert secret not in server.stop()
