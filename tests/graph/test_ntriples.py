"""The N-Triples buffer that carries mapped triples through validation into the store."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pyoxigraph as ox
from hypothesis import given, settings
from hypothesis import strategies as st

from graph import ntriples
from graph.ntriples import TripleBuffer

EX = "https://example.org/"
S, P = ox.NamedNode(EX + "s"), ox.NamedNode(EX + "p")
XSD_INT = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")

TRICKY = [
    ox.Triple(S, P, ox.Literal('quote " and backslash \\ and\nnewline\r\tand tab')),
    ox.Triple(S, P, ox.Literal("Verein für Integration – ñ 𝄞", language="de")),
    ox.Triple(S, P, ox.Literal("42", datatype=XSD_INT)),
    ox.Triple(S, P, ox.NamedNode(EX + "o?q=1&r=%20#frag")),
    ox.Triple(ox.BlankNode("b1"), P, ox.BlankNode("b2")),
    ox.Triple(S, P, ox.Literal("")),
]

# Literal text as pyoxigraph takes it: any Unicode scalar value (no lone surrogates).
literal_text = st.text(st.characters(exclude_categories=("Cs",)), max_size=40)


def test_triples_come_back_equal_and_lines_match_pyoxigraph() -> None:
    buf = TripleBuffer(TRICKY)
    assert len(buf) == len(TRICKY)
    assert list(buf) == TRICKY
    assert list(buf.lines()) == [str(t) for t in TRICKY]
    assert buf.to_bytes() == ox.serialize(TRICKY, format=ox.RdfFormat.N_TRIPLES)


@settings(max_examples=300, deadline=None)
@given(values=st.lists(literal_text, min_size=1, max_size=20), lang=st.sampled_from([None, "de", "en-GB"]))
def test_any_literal_survives_the_round_trip(values: list[str], lang: str | None) -> None:
    triples = [ox.Triple(S, P, ox.Literal(v, language=lang) if lang else ox.Literal(v)) for v in values]
    buf = TripleBuffer(triples)
    assert list(buf) == triples
    assert list(buf.lines()) == [str(t) for t in triples]


def test_chunks_reader_and_digest_agree_across_many_chunks() -> None:
    n = ntriples.CHUNK_LINES * 2 + 17
    buf = TripleBuffer()
    for i in range(n):
        buf.add(ox.NamedNode(f"{EX}s{i}"), P, ox.Literal(f"wert {i} ä"))
    assert len(buf) == n
    chunks = list(buf.chunks())
    assert len(chunks) == 3
    whole = buf.to_bytes()
    assert whole.count(b"\n") == n
    reader = buf.reader()
    streamed = b""
    while piece := reader.read(1000):
        streamed += piece
    assert streamed == whole
    h1, h2 = hashlib.sha256(), hashlib.sha256(whole)
    buf.digest(h1)
    assert h1.digest() == h2.digest()


def test_concatenation_shares_chunks_and_leaves_operands_alone() -> None:
    a, b = TripleBuffer(TRICKY[:2]), TripleBuffer(TRICKY[2:4])
    joined = a + b + [TRICKY[5]]
    assert list(joined) == [*TRICKY[:4], TRICKY[5]]
    assert (len(a), len(b), len(joined)) == (2, 2, 5)
    assert list(a) == TRICKY[:2] and list(b) == TRICKY[2:4]
    a.append(TRICKY[4])
    assert len(joined) == 5 and list(a) == [*TRICKY[:2], TRICKY[4]]


def test_blank_nodes_are_noticed() -> None:
    assert not TripleBuffer(TRICKY[:4]).blank_nodes
    assert TripleBuffer(TRICKY).blank_nodes
    assert (TripleBuffer(TRICKY[:1]) + TripleBuffer(TRICKY[4:5])).blank_nodes
    assert TripleBuffer.of(buf := TripleBuffer()) is buf
    assert not buf and len(buf) == 0 and list(buf) == []


def test_a_store_bulk_loads_the_stream_into_a_named_graph(tmp_path: Path) -> None:
    buf = TripleBuffer()
    for i in range(ntriples.CHUNK_LINES + 5):
        buf.add(ox.NamedNode(f"{EX}s{i}"), P, ox.Literal(str(i), datatype=XSD_INT))
    buf.extend(TRICKY[:4])
    store = ox.Store(str(tmp_path / "db"))
    g = ox.NamedNode(EX + "graph")
    store.bulk_load(buf.reader(), format=ox.RdfFormat.N_TRIPLES, to_graph=g)
    stored = {ox.Triple(q.subject, q.predicate, q.object) for q in store.quads_for_pattern(None, None, None, g)}
    assert stored == set(buf)
    assert len(stored) == len(buf)


def test_split_gives_the_terms_parsing_gives() -> None:
    buf = TripleBuffer(TRICKY)
    for (line, s, p, o), t in zip(buf.split(), TRICKY, strict=True):
        assert line == str(t)
        assert s == (t.subject.value if isinstance(t.subject, ox.NamedNode) else str(t.subject))
        assert p == t.predicate.value
        assert o == (t.object.value if isinstance(t.object, ox.NamedNode) else str(t.object))
