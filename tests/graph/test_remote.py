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


def _testville_graphs(fixture_path: Path) -> dict[str, list[ox.Triple]]:
    from graph.importer import prepare

    prepared = prepare(fixture_path)[0]
    base = prepared.report.base
    return {f"{base}/graph": prepared.public, f"{base}/graph/private": prepared.private}


def _all_graphs(url: str) -> list[str]:
    """Every named graph on the server, hidden ones included (a plain SPARQL request, no dataset)."""
    import httpx

    answer = httpx.post(url, data={"query": "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"},
                        headers={"Accept": "application/sparql-results+json"})
    return sorted(b["g"]["value"] for b in answer.json()["results"]["bindings"])


def _contents(store: RemoteStore) -> dict[str, list[str]]:
    return {g: sorted(map(str, store.triples(g))) for g in store.named_graphs()}


def test_first_import_loads_in_place_under_a_journal(tmp_path: Path, fixture_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    import graph.store as st

    graphs = _testville_graphs(fixture_path)
    contents = []
    for threshold in (10**9, 10):  # staging + MOVE, then straight into place
        monkeypatch.setattr(st, "BULK_THRESHOLD", threshold)
        with oxigraph_server(tmp_path / f"s{threshold}") as url:
            store = RemoteStore(url, Settings())
            store.replace_graphs(graphs)
            contents.append(_contents(store))
            assert _all_graphs(url) == sorted(graphs)  # no journal, no staging left
            store.close()
    assert contents[0] == contents[1] and len(contents[0]) == 2


def test_a_killed_in_place_load_is_hidden_and_then_cleared(tmp_path: Path, fixture_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    import graph.store as st

    monkeypatch.setattr(st, "BULK_THRESHOLD", 10)
    graphs = _testville_graphs(fixture_path)
    public = next(g for g in graphs if g.endswith("/graph"))
    with oxigraph_server(tmp_path / "s") as url:
        store = RemoteStore(url, Settings())
        # a writer that dies after loading, before its commit: the journal and the loaded graph stay
        original = store._update

        def dies_at_commit(text: str, what: str) -> None:
            if what == "swapping in the new graphs":
                raise KeyboardInterrupt  # nothing in replace_graphs may clean up after this
            original(text, what)

        monkeypatch.setattr(store, "_update", dies_at_commit)
        monkeypatch.setattr(store, "_request", _no_cleanup(store._request))
        with pytest.raises(KeyboardInterrupt):
            store.replace_graphs(graphs)
        reader = RemoteStore(url, Settings())
        raw = _all_graphs(url)
        assert public in raw and any(g.startswith(st.JOURNAL_PREFIX) for g in raw)  # loaded in place
        assert public not in reader.named_graphs()
        assert reader.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ig:kind ?k }")[0]["n"] == 0
        # the next write clears what the killed one left and commits
        reader.replace_graphs(graphs)
        assert public in reader.named_graphs()
        assert reader.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ig:kind ?k }")[0]["n"] > 5
        assert _all_graphs(url) == sorted(graphs)


def _no_cleanup(request):  # type: ignore[no-untyped-def]
    """Let every request through except the cleanup a killed process would never send."""
    def wrapped(method, url, what, **kwargs):  # type: ignore[no-untyped-def]
        if what == "removing staging graphs":
            raise StoreError("killed")
        return request(method, url, what, **kwargs)
    return wrapped
