"""The parsed-query guard: what it lets through and what it refuses, escapes included."""

from __future__ import annotations

import pytest

from graph.errors import QueryRejected
from graph.guard import UpdateRejected, check_query, decode_escapes

ALLOWED = [
    ("SELECT * WHERE { ?s ?p ?o }", "SELECT"),
    ("ASK {}", "ASK"),
    ("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", "CONSTRUCT"),
    ("DESCRIBE <http://example.org/>", "DESCRIBE"),
    ("PREFIX ex: <http://example.org/> SELECT ?s { ?s ex:p 'SERVICE <http://x/>' }", "SELECT"),
    ("SELECT ?service WHERE { ?service a ig:Service }", "SELECT"),
    ("SELECT * { GRAPH ?g { ?s ?p ?o } }", "SELECT"),
    ("SELECT * { { SELECT ?s WHERE { ?s ?p ?o } LIMIT 1 } }", "SELECT"),
    ('SELECT ?x { BIND("\\u00fc" AS ?x) }', "SELECT"),
]


@pytest.mark.parametrize(("query", "form"), ALLOWED)
def test_allowed(query: str, form: str) -> None:
    assert check_query(query).form == form


def test_engine_gets_the_decoded_text() -> None:
    assert check_query('SELECT ?x { BIND("\\u00fc" AS ?x) }').text == 'SELECT ?x { BIND("ü" AS ?x) }'


SERVICE = [
    "SELECT * { SERVICE <http://127.0.0.1/> { ?s ?p ?o } }",
    "SELECT * { SERVICE SILENT <http://127.0.0.1/> { ?s ?p ?o } }",
    "SELECT * { sErViCe <http://127.0.0.1/> { ?s ?p ?o } }",
    "SELECT * { \\u0053ERVICE <http://127.0.0.1/> { ?s ?p ?o } }",
    "SELECT * { \\U00000053ERVICE <http://127.0.0.1/> { ?s ?p ?o } }",
    "SELECT * { SERVIC\\u0045 <http://127.0.0.1/> { ?s ?p ?o } }",
    "SELECT * { OPTIONAL { SERVICE ?x { ?s ?p ?o } } }",
    "ASK { FILTER NOT EXISTS { SERVICE <http://127.0.0.1/> { ?s ?p ?o } } }",
    "SELECT * { { SELECT * { MINUS { SERVICE <http://127.0.0.1/> { ?s ?p ?o } } } } }",
    "CONSTRUCT { ?s ?p ?o } WHERE { SERVICE <http://127.0.0.1/> { ?s ?p ?o } }",
]


@pytest.mark.parametrize("query", SERVICE)
def test_service_is_rejected_wherever_it_hides(query: str) -> None:
    with pytest.raises(QueryRejected, match="SERVICE"):
        check_query(query)


@pytest.mark.parametrize("query", [
    "SELECT * FROM <file:///etc/passwd> { ?s ?p ?o }",
    "SELECT * FROM NAMED <http://127.0.0.1/x> { GRAPH ?g { ?s ?p ?o } }",
    "SELECT * \\u0046ROM <http://127.0.0.1/x> { ?s ?p ?o }",
    "ASK FROM <http://127.0.0.1/x> { ?s ?p ?o }",
    "CONSTRUCT { ?s ?p ?o } FROM <http://127.0.0.1/x> WHERE { ?s ?p ?o }",
    "DESCRIBE ?s FROM <http://127.0.0.1/x> WHERE { ?s ?p ?o }",
])
def test_dataset_clauses_are_rejected(query: str) -> None:
    with pytest.raises(QueryRejected, match="FROM"):
        check_query(query)


@pytest.mark.parametrize("update", [
    "LOAD <http://127.0.0.1/x>", "LOAD SILENT <file:///etc/passwd> INTO GRAPH <http://x/g>",
    "\\u004cOAD <http://127.0.0.1/x>", "INSERT DATA { <http://x/s> <http://x/p> 1 }",
    "DELETE WHERE { ?s ?p ?o }", "CLEAR ALL", "DROP SILENT GRAPH <http://x/g>",
    "CREATE GRAPH <http://x/g>", "COPY DEFAULT TO <http://x/g>",
    "WITH <http://x/g> DELETE { ?s ?p ?o } INSERT { ?s ?p 1 } WHERE { ?s ?p ?o }",
])
def test_updates_are_rejected(update: str) -> None:
    with pytest.raises(UpdateRejected, match="read-only"):
        check_query(update)


@pytest.mark.parametrize("text", ["ASK {", "SELECT ?x WHERE { ?x ?y }", "", "garbage", "SELECT * {} }"])
def test_syntax_errors_carry_the_parser_message(text: str) -> None:
    with pytest.raises(QueryRejected, match=r"SPARQL syntax error: .+") as info:
        check_query(text)
    assert not isinstance(info.value, UpdateRejected)


def test_an_escape_that_decodes_to_an_escape_is_refused() -> None:
    # \u005C is a backslash: after one decoding round the text holds \u0053 again, which the
    # engine would read differently from the guard.
    with pytest.raises(QueryRejected, match="escape"):
        check_query('SELECT * { ?s ?p "\\u005Cu0053" }')


def test_deep_nesting_is_a_clean_rejection() -> None:
    with pytest.raises(QueryRejected):
        check_query("SELECT * WHERE " + "{ " * 3000 + "?s ?p ?o" + " }" * 3000)


def test_decode_escapes_is_the_sparql_rule() -> None:
    assert decode_escapes("\\u0053ERVICE \\U00000046ROM") == "SERVICE FROM"
