"""Hypothesis on the query guard: nothing but a clean rejection, no hidden SERVICE/FROM/update, no false alarm.

The hostile queries are valid SPARQL with one forbidden part written the
ways an attacker would: keywords in random case, letters as ``\\uXXXX`` or
``\\UXXXXXXXX`` escapes, comments and odd whitespace between the tokens,
nested in OPTIONAL, UNION, MINUS, FILTER EXISTS, GRAPH and subqueries. Each
must be refused *for that part* (a syntax error would mean the generator
made nonsense and proved nothing). Whatever the guard accepts is then run on
Oxigraph, the engine behind ``/sparql``: a ``SERVICE`` the guard did not see
would make it try an HTTP request to port 9, which it refuses with an error.
"""

from __future__ import annotations

import contextlib
import re
from functools import cache

import pyoxigraph as ox
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from graph.errors import QueryRejected
from graph.guard import UpdateRejected, check_query, decode_escapes

SERVICE_URL = "<http://127.0.0.1:9/>"  # Oxigraph refuses port 9 at once: an attempt shows as an error
FAST = settings(max_examples=80, deadline=None)
_ENGINE = ox.Store()
_ENGINE.add(ox.Quad(ox.NamedNode("http://x/s"), ox.NamedNode("http://x/p"), ox.Literal("o")))


def run_on_engine(text: str) -> None:
    """Run accepted text on Oxigraph over one triple; a SERVICE it still sees raises OSError here."""
    result = _ENGINE.query(text)
    if isinstance(result, ox.QuerySolutions | ox.QueryTriples):
        list(result)


def assert_no_outbound(text: str) -> None:
    """Oxigraph may refuse what rdflib's grammar took (the worker reports that as a rejection),
    but it must never try to reach a SERVICE."""
    with contextlib.suppress(SyntaxError, RuntimeError, ValueError):
        run_on_engine(text)


# --- building blocks --------------------------------------------------------------------------


def _escape(ch: str, long: bool, upper_hex: bool) -> str:
    digits = f"{ord(ch):08x}" if long else f"{ord(ch):04x}"
    return ("\\U" if long else "\\u") + (digits.upper() if upper_hex else digits)


@cache
def letter(ch: str) -> st.SearchStrategy[str]:
    """One letter of a keyword: either case, or an escape of either case with hex digits in either case."""
    cases = [ch.lower(), ch.upper()] if ch.isalpha() else [ch]
    return st.one_of(
        st.sampled_from(cases),
        st.builds(_escape, st.sampled_from(cases), st.booleans(), st.booleans()),
    )


@cache
def hide(word: str) -> st.SearchStrategy[str]:
    """``word`` spelt with :func:`letter`: ``sErV\\u0049ce``, ``\\U00000053ERVICE``..."""
    return st.tuples(*(letter(c) for c in word)).map("".join)


#: Comment text: no line end and no backslash (an escape could decode to a line end), odd characters kept.
comment_text = st.text(st.sampled_from(list("aZ #{}<>?.:;'\"é€\x00\x0b\x0c\x85\u2028\ufeff\U0001f642")),
                       max_size=6)
noise = st.sampled_from(["SERVICE <http://127.0.0.1:9/> { ?a ?b ?c }", "FROM <file:///etc/passwd>",
                         "}", "{", "LOAD <http://x/>", ""])
ANY_END = ("\n", "\r\n", "\r")
SAFE_END = ("\n", "\r\n")


@cache
def gap(terminators: tuple[str, ...] = ANY_END) -> st.SearchStrategy[str]:
    """Whitespace between two tokens: blanks, tabs, line ends, an escaped space, ``#`` comments."""
    piece = st.one_of(
        st.sampled_from([" ", "  ", "\t", "\n", "\r\n", "\\u0020", "\\U00000009"]),
        st.builds(lambda a, b, end: f"#{a}{b}{end}", comment_text, noise, st.sampled_from(terminators)),
    )
    return st.lists(piece, min_size=1, max_size=2).map("".join)


def spaced(draw: st.DrawFn, parts: list[str], terminators: tuple[str, ...] = ANY_END) -> str:
    """The parts, each followed by a random gap."""
    return "".join(part + draw(gap(terminators)) for part in parts)


WRAPPERS = [  # (keywords to hide, template with {X} for the pattern inside)
    (("OPTIONAL",), "{0} {{ {X} }}"),
    (("UNION",), "{{ {X} }} {0} {{ ?s ?p ?o }}"),
    (("UNION",), "{{ ?s ?p ?o }} {0} {{ {X} }}"),
    (("SELECT", "WHERE"), "{{ {0} * {1} {{ {X} }} }}"),
    (("MINUS",), "?s ?p ?o {0} {{ {X} }}"),
    (("FILTER", "EXISTS"), "?s ?p ?o {0} {1} {{ {X} }}"),
    (("FILTER", "NOT", "EXISTS"), "?s ?p ?o {0} {1} {2} {{ {X} }}"),
    (("GRAPH",), "{0} ?g {{ {X} }}"),
    ((), "?s ?p ?o . {X}"),
    ((), "{{ {X} }}"),
]


@st.composite
def nested(draw: st.DrawFn, core: st.SearchStrategy[str], terminators: tuple[str, ...]) -> str:
    """``core`` inside up to three random wrappers, their keywords hidden too."""
    pattern = draw(core)
    for keywords, template in draw(st.lists(st.sampled_from(WRAPPERS), max_size=3)):
        words = [draw(hide(k)) for k in keywords]
        pieces = [pattern if piece == "{X}" else piece.format(*words) for piece in template.split(" ")]
        pattern = spaced(draw, pieces, terminators)
    return pattern


def hide_keywords(draw: st.DrawFn, text: str) -> list[str]:
    """The words of ``text``, the upper-case keywords among them hidden."""
    return [draw(hide(w)) if w.isalpha() and w.isupper() else w for w in text.split(" ")]


@st.composite
def in_query(draw: st.DrawFn, pattern: st.SearchStrategy[str], terminators: tuple[str, ...]) -> str:
    """A query of any form whose WHERE clause is ``pattern``."""
    head = draw(st.sampled_from(["SELECT *", "ASK", "CONSTRUCT { ?s ?p ?o }", "DESCRIBE ?s", "SELECT ?s"]))
    prologue = draw(st.sampled_from(["", "PREFIX ex: <http://x/> ", "BASE <http://x/> "]))
    parts = [*hide_keywords(draw, head), draw(hide("WHERE")), "{", draw(pattern), "}"]
    return prologue + spaced(draw, parts, terminators)


# --- (b) hostile queries ----------------------------------------------------------------------

@st.composite
def service_core(draw: st.DrawFn) -> str:
    silent = [draw(hide("SILENT"))] if draw(st.booleans()) else []
    target = draw(st.sampled_from([SERVICE_URL, "?svc", "<file:///etc/passwd>", "ex:svc"]))
    return spaced(draw, [draw(hide("SERVICE")), *silent, target, "{", "?a ?b ?c", "}"])


service_queries = in_query(nested(service_core(), ANY_END), ANY_END)


@st.composite
def from_queries(draw: st.DrawFn) -> str:
    head = draw(st.sampled_from(["SELECT *", "ASK", "CONSTRUCT { ?s ?p ?o }", "DESCRIBE ?s"]))
    named = [draw(hide("NAMED"))] if draw(st.booleans()) else []
    source = draw(st.sampled_from(["<http://127.0.0.1:9/x>", "<file:///etc/passwd>", "ex:g"]))
    pattern = draw(nested(st.just("?s ?p ?o"), ANY_END))
    prologue = draw(st.sampled_from(["", "PREFIX ex: <http://x/> "]))
    parts = [*hide_keywords(draw, head), draw(hide("FROM")), *named, source, draw(hide("WHERE")), "{",
             pattern, "}"]
    return prologue + spaced(draw, parts)


UPDATES = [
    "LOAD SILENT? <http://127.0.0.1:9/x>",
    "LOAD SILENT? <file:///etc/passwd> INTO GRAPH <http://x/g>",
    "INSERT DATA { <http://x/s> <http://x/p> 1 }",
    "DELETE DATA { <http://x/s> <http://x/p> 1 }",
    "DELETE WHERE { ?s ?p ?o }",
    "DELETE { ?s ?p ?o } WHERE { PATTERN }",
    "INSERT { ?s ?p 1 } WHERE { PATTERN }",
    "WITH <http://x/g> DELETE { ?s ?p ?o } INSERT { ?s ?p 1 } WHERE { PATTERN }",
    "DROP SILENT? ALL", "DROP SILENT? GRAPH <http://x/g>", "CLEAR SILENT? DEFAULT", "CLEAR SILENT? NAMED",
    "CREATE GRAPH <http://x/g>", "COPY DEFAULT TO <http://x/g>", "ADD <http://x/a> TO <http://x/b>",
]


@st.composite
def update_queries(draw: st.DrawFn) -> str:
    template = draw(st.sampled_from(UPDATES))
    words = []
    for word in template.split(" "):
        if word == "SILENT?":
            words += [draw(hide("SILENT"))] if draw(st.booleans()) else []
        elif word == "PATTERN":
            words.append(draw(nested(st.just("?s ?p ?o"), ANY_END)))
        else:
            words += hide_keywords(draw, word)
    prologue = draw(st.sampled_from(["", "PREFIX ex: <http://x/> "]))
    return prologue + spaced(draw, words)


def _refused_for(text: str, what: str) -> None:
    """The guard refuses ``text`` for ``what`` (or for a lone CR), not for a generator's syntax slip."""
    with pytest.raises(QueryRejected) as info:
        check_query(text)
    message = str(info.value)
    if "carriage return" in message:
        assert re.search("\r(?!\n)", decode_escapes(text)), message
    elif what == "update":
        assert isinstance(info.value, UpdateRejected), (message, text)
    else:
        assert what in message, (message, text)


REGRESSION_CR = "SELECT * WHERE { ?s ?p ?o . #x\r SERVICE <http://127.0.0.1:9/> { ?a ?b ?c } \n }"


@given(service_queries)
@example("SELECT * { \\u0053ERVICE <http://127.0.0.1:9/> { ?a ?b ?c } }")
@example(REGRESSION_CR)
@FAST
def test_hidden_service_is_rejected(text: str) -> None:
    """SERVICE (SILENT, with a variable), however spelt and wherever nested, is refused as SERVICE."""
    _refused_for(text, "SERVICE")


@given(from_queries())
@example("SELECT * #x\r FROM <http://127.0.0.1:9/x> \n WHERE { ?s ?p ?o }")
@FAST
def test_hidden_from_is_rejected(text: str) -> None:
    """FROM and FROM NAMED, however spelt, are refused in every query form."""
    _refused_for(text, "FROM")


@given(update_queries())
@example("COPY\\u0020DEFAULT TO <http://x/g>")  # rdflib's decoder read \u0020DEFA as one code point
@FAST
def test_hidden_updates_are_rejected(text: str) -> None:
    """LOAD, INSERT, DELETE, DROP, CLEAR... however spelt, are refused as updates (403 read_only)."""
    _refused_for(text, "update")


# --- (a) arbitrary text -----------------------------------------------------------------------

TOKENS = ["SELECT", "ASK", "WHERE", "{", "}", "?s", "?p", "?o", ".", "SERVICE", SERVICE_URL, "FROM",
          "<http://x/g>", "#", "\n", "\r", "\r\n", " ", '"', "'''", "\\", "\\u", "\\U", "0053", "005C",
          "D800", "FFFFFFFF", "0010FFFF", "LOAD", "INSERT", "DATA", "OPTIONAL", "UNION", "(", ")", "*",
          "ex:", "PREFIX", "@en", "^^", "1", "$x", "\x00", "\ufeff", "\u2028"]
text_like_queries = st.one_of(
    st.text(st.characters(blacklist_categories=()), max_size=80),  # surrogates included
    st.lists(st.sampled_from(TOKENS), max_size=25).map("".join),
    st.lists(st.sampled_from(TOKENS), max_size=25).map(" ".join),
)


@given(text_like_queries)
@example("SELECT * { ?s ?p \"\\UFFFFFFFF\" }")  # beyond U+10FFFF: rdflib raised ValueError
@example("SELECT * { ?s ?p \"\\uD800\" }")  # a surrogate: the engine cannot encode it
@example("SELECT * { ?s ?p \"\\u005CU0053\" }")  # decodes to \U0053, read by rdflib as an escape
@example("SELECT * { ?s ?p ?o \ud800 }")
@settings(max_examples=250, deadline=None)
def test_any_text_is_accepted_or_cleanly_rejected(text: str) -> None:
    """Whatever the text, the guard answers with a query or a QueryRejected, never another exception."""
    try:
        checked = check_query(text)
    except QueryRejected as exc:
        assert str(exc)
        return
    assert checked.form in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
    assert_no_outbound(checked.text)


# --- (c) harmless queries ---------------------------------------------------------------------

literal_text = st.text(st.sampled_from(list("aZ #{}<>?.:;'é€\u2028\U0001f642")), max_size=8)
literals = st.builds(lambda t, k: f'"{t} {k}"', literal_text,
                     st.sampled_from(["SERVICE <http://127.0.0.1:9/> {}", "# FROM <file:///etc/passwd>",
                                      "LOAD <x>", "DROP ALL", "\\u0053ERVICE", ""]))
terms = st.one_of(
    st.sampled_from(["?s", "?o", "?service", "?from", "?load", "?SERVICE", "ex:SERVICE", "ex:from",
                     "<http://x/s>", "<http://127.0.0.1:9/#SERVICE>", "1", "true", "ex:a"]),
    literals,
)
triple = st.builds(lambda s, p, o: f"{s} {p} {o}",
                   st.sampled_from(["?s", "?x", "<http://x/s>", "ex:a"]),
                   st.sampled_from(["?p", "ex:SERVICE", "<http://x/p>", "a"]), terms)
filters = st.builds(lambda kw, t: f"{kw}(CONTAINS(STR(?o), {t}))", hide("FILTER"), literals)
harmless_core = st.lists(st.one_of(triple.map(lambda t: t + " ."), filters), min_size=1, max_size=3).map(
    " ".join)


@st.composite
def harmless_queries(draw: st.DrawFn) -> str:
    pattern = draw(nested(harmless_core, SAFE_END))
    limit = draw(st.sampled_from(["", " LIMIT 5", " ORDER BY ?s", " OFFSET 1"]))
    projection = draw(st.sampled_from(["*", "?s", "DISTINCT ?s"]))
    parts = [draw(hide("SELECT")), *hide_keywords(draw, projection), draw(hide("WHERE")), "{", pattern, "}"]
    return "PREFIX ex: <http://x/> " + spaced(draw, parts, SAFE_END) + limit


@given(harmless_queries())
@example('PREFIX ex: <http://x/> SELECT * WHERE { ?s ?p "\\u0020caffe" }')  # \u takes 4 digits, not 8
@example("PREFIX ex: <http://x/> SELECT ?service WHERE { ?service ex:SERVICE \"SERVICE <x> # FROM\" . }")
@example("PREFIX ex: <http://x/> SELECT * WHERE { ?s ?p ?o . # SERVICE <http://127.0.0.1:9/> {}\r\n }")
@FAST
def test_harmless_select_is_accepted_and_runs(text: str) -> None:
    """No false alarm: keywords in literals, IRIs, names and comments, escapes and odd case are fine."""
    checked = check_query(text)
    assert checked.form == "SELECT"
    assert checked.text == decode_escapes(text)
    run_on_engine(checked.text)


# --- comments hide text from both parsers or from neither --------------------------------------


@given(st.builds(lambda a, end, rest: f"SELECT * WHERE {{ ?s ?p ?o . #{a}{end} SERVICE {SERVICE_URL} "
                                     f"{{ ?a ?b ?c }} {rest} }}",
                 comment_text,
                 st.sampled_from(["\n", "\r", "\r\n", "\u2028", "\u0085", "\x0b", "\x0c", "\\u000A",
                                  "\\u000D", "\\U0000000D", ""]),
                 st.sampled_from(["", "\n", "\r\n", "# c\n", "\\u000A"])))
@example(REGRESSION_CR)
@FAST
def test_comment_ends_where_the_engine_ends_it(text: str) -> None:
    """If the guard lets it through, the SERVICE was a comment to the engine as well."""
    try:
        checked = check_query(text)
    except QueryRejected:
        return
    assert_no_outbound(checked.text)  # an unseen SERVICE raises OSError (port 9) here


def test_lone_carriage_return_no_longer_hides_service() -> None:
    """Regression: rdflib ran this comment to the \\n, Oxigraph ended it at the \\r and called SERVICE."""
    with pytest.raises(QueryRejected, match="carriage return"):
        check_query(REGRESSION_CR)
    with pytest.raises(OSError, match="port 9"):
        run_on_engine(REGRESSION_CR)
    with pytest.raises(QueryRejected, match="SERVICE"):  # with \r\n both parsers end the comment
        check_query(REGRESSION_CR.replace("\r", "\r\n"))
