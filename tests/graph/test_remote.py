"""The sparql: store's failure modes: clear errors, no hangs, no leaked credentials."""

from __future__ import annotations

import base64
import http.server
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pyoxigraph as ox
import pytest

from graph.errors import QueryRejected, StoreError
from graph.remote import RemoteStore
from graph.settings import Settings
from tests.servers import free_port, oxigraph_server


def test_unreachable_server_names_the_server() -> None:
    port = free_port()
    store = RemoteStore(f"http://127.0.0.1:{port}/query", Settings(remote_timeout=2))
    with pytest.raises(StoreError, match=f"cannot reach the SPARQL server http://127.0.0.1:{port}/query"):
        store.select("SELECT * WHERE { ?s ?p ?o }")


def test_silent_server_times_out() -> None:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(5)
        port = listener.getsockname()[1]
        store = RemoteStore(f"http://127.0.0.1:{port}/query", Settings(remote_timeout=0.5))
        with pytest.raises(StoreError, match="did not answer in time"):
            store.named_graphs()


@contextmanager
def recording_server(status: int = 401) -> Iterator[tuple[str, list[dict[str, str]]]]:
    seen: list[dict[str, str]] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            seen.append(dict(self.headers))
            self.send_response(status)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/query", seen
    finally:
        server.shutdown()


def test_basic_credentials_are_sent_but_never_shown() -> None:
    with recording_server(401) as (url, seen):
        store = RemoteStore(url, Settings(sparql_user="steward", sparql_password="s3cret-pw"))
        with pytest.raises(StoreError) as info:
            store.named_graphs()
    assert "refused access (401)" in str(info.value)
    assert "s3cret-pw" not in str(info.value) and "steward" not in str(info.value)
    expected = "Basic " + base64.b64encode(b"steward:s3cret-pw").decode()
    assert seen[0]["Authorization"] == expected


def test_bearer_token_is_sent() -> None:
    with recording_server(403) as (url, seen):
        store = RemoteStore(url, Settings(sparql_token="tok-123"))
        with pytest.raises(StoreError, match="403"):
            store.named_graphs()
    assert seen[0]["Authorization"] == "Bearer tok-123"


def test_bindings_need_an_explicit_where() -> None:
    store = RemoteStore("http://127.0.0.1:1/query", Settings())
    with pytest.raises(QueryRejected, match="WHERE"):
        store.query("SELECT ?s { ?s ?p ?o }", {"o": ox.Literal("x")})


def test_server_that_goes_away_and_returns(tmp_path: Path) -> None:
    location = tmp_path / "db"
    g = "https://example.org/d/graph"
    t = ox.Triple(ox.NamedNode("https://example.org/a"), ox.NamedNode("https://example.org/p"),
                  ox.Literal("1"))
    with oxigraph_server(location) as url:
        store = RemoteStore(url, Settings(remote_timeout=3))
        store.replace_graphs({g: [t]})
    with pytest.raises(StoreError, match="cannot reach"):
        store.select("SELECT ?o WHERE { ?s ?p ?o }")
    with oxigraph_server(location) as url2:
        again = RemoteStore(url2, Settings(remote_timeout=3))
        assert again.select("SELECT ?o WHERE { ?s ?p ?o }") == [{"o": "1"}]
