"""RDF exports read back with pyoxigraph's parsers: same triples everywhere, named graphs, DCAT/VoID."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from collections.abc import Iterable, Iterator

import pyoxigraph as ox
import pytest

from graph.dataset_meta import PUBLIC, RESTRICTED, describe
from graph.errors import InvalidInput, NotFound
from graph.export import DEFAULT_ENDPOINT, FORMATS, export, export_stream
from graph.importer import FIXTURE, import_dataset
from graph.namespaces import ONTOLOGY_IRI, SHAPES_IRI
from graph.store import Store, open_store

RDF_FORMATS = [f for f, spec in FORMATS.items() if spec.family == "rdf"]
PARSE = {"turtle": ox.RdfFormat.TURTLE, "trig": ox.RdfFormat.TRIG, "jsonld": ox.RdfFormat.JSON_LD,
         "nt": ox.RdfFormat.N_TRIPLES, "nq": ox.RdfFormat.N_QUADS, "rdfxml": ox.RdfFormat.RDF_XML}
B = "https://w3id.org/integraph/id/testville"


@pytest.fixture(scope="module")
def store() -> Iterator[Store]:
    s = open_store("memory:")
    import_dataset(s, FIXTURE)
    yield s
    s.close()


def dump(store: Store, fmt: str, **kw: object) -> bytes:
    buf = io.BytesIO()
    export(store, fmt, buf, **kw)  # type: ignore[arg-type]
    return buf.getvalue()


def quads(data: bytes, fmt: str) -> list[ox.Quad]:
    return list(ox.parse(data, format=PARSE[fmt]))


def canonical(triples: Iterable[ox.Triple]) -> set[ox.Quad]:
    """The triples with blank nodes relabelled canonically (the ontology has OWL lists)."""
    ds = ox.Dataset(ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in triples)
    ds.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    return set(ds)


def triples(data: bytes, fmt: str) -> set[ox.Quad]:
    return canonical(q.triple for q in quads(data, fmt))


@pytest.fixture(scope="module")
def exported(store: Store) -> dict[str, bytes]:
    return {fmt: dump(store, fmt) for fmt in RDF_FORMATS}


def test_every_rdf_format_holds_the_same_triples(exported: dict[str, bytes]) -> None:
    reference = triples(exported["nt"], "nt")
    assert len(reference) > 500
    for fmt in RDF_FORMATS:
        assert triples(exported[fmt], fmt) == reference, fmt


def test_turtle_export_is_the_public_graph_plus_its_description(store: Store,
                                                                exported: dict[str, bytes]) -> None:
    loaded = ox.Store()
    loaded.load(exported["turtle"], format=ox.RdfFormat.TURTLE)
    got = [q.triple for q in loaded]
    public = [t for g in store.public_graphs() for t in store.triples(g)]
    meta = describe(store, base=B, graphs=[f"{B}/graph"], municipality="Testville",
                    endpoint=DEFAULT_ENDPOINT)
    assert canonical(got) == canonical(public + meta)
    assert canonical(got) != canonical(public)
    assert not any(t.predicate.value.startswith("http://data.europa.eu/m8g/") for t in got)


def test_trig_and_nquads_keep_the_named_graphs(store: Store, exported: dict[str, bytes]) -> None:
    for fmt in ("trig", "nq"):
        by_graph: dict[str, set[ox.Triple]] = {}
        for q in quads(exported[fmt], fmt):
            name = "" if isinstance(q.graph_name, ox.DefaultGraph) else q.graph_name.value
            by_graph.setdefault(name, set()).add(q.triple)
        assert set(by_graph) == {"", f"{B}/graph", ONTOLOGY_IRI}
        for g in (f"{B}/graph", ONTOLOGY_IRI):
            assert canonical(by_graph[g]) == canonical(store.triples(g)), (fmt, g)
        # the default graph holds only the description
        assert all(t.subject.value.split("#")[0] == B for t in by_graph[""])


def test_private_graph_only_when_asked(store: Store) -> None:
    data = dump(store, "nq", include_private=True)
    private = {q.triple for q in quads(data, "nq") if q.graph_name == ox.NamedNode(f"{B}/graph/private")}
    assert private == set(store.triples(f"{B}/graph/private"))
    assert len(private) >= 5


def test_jsonld_has_an_inline_context(exported: dict[str, bytes]) -> None:
    doc = json.loads(exported["jsonld"])
    assert isinstance(doc["@context"], dict)
    assert doc["@context"]["ig"] == "https://w3id.org/integraph/ns#"
    assert "ig:Goal" in json.dumps(doc)  # compacted against the context


def _fixture_rows(table: str) -> list[dict[str, str]]:
    with (FIXTURE / f"{table}.csv").open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _expected_period() -> tuple[str, str]:
    days = []
    for table in ("projects", "programmes", "memberships", "cooperations"):
        for row in _fixture_rows(table):
            for col, pad in (("start", "-01-01"), ("end", "-12-31")):
                if row.get(col):
                    days.append(row[col] + pad if len(row[col]) == 4 else row[col])
    return min(days), max(days)


def description(data: bytes) -> dict[str, object]:
    loaded = ox.Store()
    loaded.load(data, format=ox.RdfFormat.TURTLE)
    q = """
    PREFIX dct: <http://purl.org/dc/terms/> PREFIX dcat: <http://www.w3.org/ns/dcat#>
    PREFIX void: <http://rdfs.org/ns/void#> PREFIX foaf: <http://xmlns.com/foaf/0.1/>
    PREFIX ig: <https://w3id.org/integraph/ns#>
    SELECT * WHERE {
      ?d a dcat:Dataset, void:Dataset ; dct:title ?title ; ig:municipality ?municipality ;
         dct:license ?license ; dct:modified ?modified ; void:triples ?triples ;
         void:sparqlEndpoint ?endpoint ; dct:accessRights ?access ; dct:conformsTo ?shapes ;
         dct:publisher ?pub ; dct:temporal ?t .
      ?pub a foaf:Agent ; foaf:name ?publisher .
      ?t dcat:startDate ?start ; dcat:endDate ?end .
    }"""
    rows = list(loaded.query(q))
    assert len(rows) == 1
    row = {v.value: rows[0][v.value].value for v in loaded.query(q).variables}
    parts = loaded.query("""PREFIX void: <http://rdfs.org/ns/void#>
        SELECT ?c ?n WHERE { ?d void:classPartition [ void:class ?c ; void:entities ?n ] }""")
    row["classes"] = {re.split("[#/]", p["c"].value)[-1]: int(p["n"].value) for p in parts}
    return row


def test_dcat_void_description(store: Store, exported: dict[str, bytes]) -> None:
    d = description(exported["turtle"])
    meta = {r["key"]: r["value"] for r in _fixture_rows("dataset")}
    assert d["d"] == B
    assert d["title"] == meta["name"] and d["municipality"] == meta["municipality"]
    assert d["publisher"] == meta["municipality"] and d["license"] == meta["license"]
    assert (d["start"], d["end"]) == _expected_period()
    assert int(d["triples"]) == store.count(f"{B}/graph")
    stored_modified = store.select("SELECT ?m WHERE { ?d dct:modified ?m }")[0]["m"]
    assert d["modified"] == stored_modified
    assert d["endpoint"] == DEFAULT_ENDPOINT and d["access"] == PUBLIC and d["shapes"] == SHAPES_IRI
    classes = d["classes"]
    assert isinstance(classes, dict)
    kinds = [r["kind"] for r in _fixture_rows("actors")]
    assert classes["MigrantOrganisation"] == kinds.count("migrant_organisation")
    assert classes["PublicOffice"] == kinds.count("office")
    assert classes["Project"] == len(_fixture_rows("projects"))
    assert classes["Goal"] == len(_fixture_rows("goals"))
    assert "ContactPoint" not in classes


def test_description_with_private_graph_and_own_endpoint(store: Store) -> None:
    d = description(dump(store, "turtle", include_private=True, endpoint="https://example.org/sparql"))
    assert d["access"] == RESTRICTED and d["endpoint"] == "https://example.org/sparql"
    assert int(d["triples"]) == store.count(f"{B}/graph") + store.count(f"{B}/graph/private")
    assert d["classes"]["ContactPoint"] == len(_fixture_rows("contacts"))  # type: ignore[index]


def test_stream_gives_the_same_bytes(store: Store) -> None:
    chunks = list(export_stream(store, "nt", chunk_size=4096))
    assert len(chunks) > 1 and max(len(c) for c in chunks) <= 4096
    assert b"".join(chunks) == dump(store, "nt")


def test_progress_reaches_the_total(store: Store) -> None:
    seen: list[tuple[str, int, int | None]] = []
    dump(store, "turtle", progress=lambda step, done, total: seen.append((step, done, total)))
    totals = [(done, total) for step, done, total in seen if step == "writing triples"]
    assert totals[-1][0] == totals[-1][1] == store.count(f"{B}/graph") + store.count(ONTOLOGY_IRI)


def test_bad_parameters_are_clean_errors(store: Store, tmp_path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(NotFound, match="nowhere"):
        export(store, "turtle", tmp_path / "x.ttl", dataset="nowhere")
    with pytest.raises(InvalidInput, match="unknown export format"):
        export(store, "pdf", tmp_path / "x.pdf")
    with pytest.raises(InvalidInput, match="reference date"):
        export(store, "gexf", tmp_path / "x.gexf", as_of="last year")
    with pytest.raises(NotFound):
        export_stream(store, "nt", dataset="nowhere")
    assert not list(tmp_path.iterdir())  # nothing half-written


def test_one_dataset_or_all(tmp_path) -> None:  # type: ignore[no-untyped-def]
    s = open_store("memory:")
    import_dataset(s, FIXTURE)
    copy = tmp_path / "otherville"
    shutil.copytree(FIXTURE, copy)
    (copy / "dataset.csv").write_text("key,value\nname,otherville\nmunicipality,Otherville\n")
    import_dataset(s, copy)
    other = "https://w3id.org/integraph/id/otherville"
    one = quads(dump(s, "nt", dataset="testville"), "nt")
    assert not any(other in str(q) for q in one)
    both = quads(dump(s, "nq"), "nq")
    names = {q.graph_name.value for q in both if isinstance(q.graph_name, ox.NamedNode)}
    assert names == {f"{B}/graph", f"{other}/graph", ONTOLOGY_IRI}
    described = {q.subject.value for q in both if isinstance(q.graph_name, ox.DefaultGraph)
                 and q.predicate.value == "http://rdfs.org/ns/void#triples"}
    assert described == {B, other}


def test_backup_with_private_graph_restores_the_store(store: Store, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """SPEC §9: export trig --include-private, import into an empty store, get the same graphs."""
    from graph.importer import import_path

    path = tmp_path / "backup.trig"
    export(store, "trig", path, include_private=True)
    restored = open_store("memory:")
    import_path(restored, path)
    assert restored.named_graphs() == store.named_graphs()
    for g in store.named_graphs():
        assert canonical(restored.triples(g)) == canonical(store.triples(g)), g
