"""Importing RDF files: backups restore exactly, contexts are never fetched."""

from __future__ import annotations

import http.server
import threading
from pathlib import Path

import pyoxigraph as ox
import pytest

from graph.errors import InvalidInput
from graph.importer import import_dataset, import_path
from graph.store import OxigraphStore, Store

B = "https://w3id.org/integraph/id/testville"


def dump(store: Store, graphs: list[str], path: Path, fmt: ox.RdfFormat) -> Path:
    quads = [ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(g))
             for g in graphs for t in store.triples(g)]
    path.write_bytes(ox.serialize(quads, format=fmt))
    return path


def canon(store: Store, graph: str) -> set[str]:
    return {str(t) for t in store.triples(graph)}


def test_trig_backup_restores_every_graph_exactly(testville: Store, tmp_path: Path) -> None:
    graphs = [f"{B}/graph", f"{B}/graph/private"]
    backup = dump(testville, graphs, tmp_path / "backup.trig", ox.RdfFormat.TRIG)
    restored = OxigraphStore(None)
    reports = import_path(restored, backup)
    assert [r.dataset for r in reports] == ["testville"]
    for g in graphs:
        assert canon(restored, g) == canon(testville, g)


def test_turtle_file_without_graphs_is_one_dataset(testville: Store, tmp_path: Path) -> None:
    triples = list(testville.triples(f"{B}/graph"))
    ttl = tmp_path / "public.ttl"
    ttl.write_bytes(ox.serialize(triples, format=ox.RdfFormat.TURTLE))
    target = OxigraphStore(None)
    report = import_dataset(target, ttl)
    assert report.dataset == "testville"
    assert canon(target, f"{B}/graph") == canon(testville, f"{B}/graph")


def test_contact_points_in_public_file_move_to_private(testville: Store, tmp_path: Path) -> None:
    triples = list(testville.triples(f"{B}/graph")) + list(testville.triples(f"{B}/graph/private"))
    nt = tmp_path / "mixed.nt"
    nt.write_bytes(ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES))
    target = OxigraphStore(None)
    report = import_dataset(target, nt)
    assert any(p.code == "moved_private" for p in report.problems)
    assert canon(target, f"{B}/graph/private") == canon(testville, f"{B}/graph/private")
    assert "example.org" not in "".join(canon(target, f"{B}/graph")).replace("https://example.org/", "")


def test_invalid_rdf_is_rejected_by_the_shapes(testville: Store, tmp_path: Path) -> None:
    triples = [t for t in testville.triples(f"{B}/graph")
               if not (t.subject.value == f"{B}/actor/amt" and t.predicate.value.endswith("#kind"))]
    ttl = tmp_path / "bad.ttl"
    ttl.write_bytes(ox.serialize(triples, format=ox.RdfFormat.TURTLE))
    with pytest.raises(InvalidInput) as info:
        import_dataset(OxigraphStore(None), ttl)
    assert any("amt" in p.message for p in info.value.problems)


def test_jsonld_remote_context_is_never_fetched(tmp_path: Path) -> None:
    hits: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            hits.append(self.path)
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b'{"@context": {}}')

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        doc = tmp_path / "remote.jsonld"
        port = server.server_address[1]
        doc.write_text(f'{{"@context": "http://127.0.0.1:{port}/ctx", "@id": "https://x.org/a", "name": "A"}}')
        with pytest.raises(InvalidInput, match="problem"):
            import_dataset(OxigraphStore(None), doc, dataset="x")
    finally:
        server.shutdown()
    assert hits == []
