"""Deciding whether a user-written SPARQL query may run on the public endpoint (SPEC §8).

The decision is taken on the **parsed** query, never on its text: both rdflib
and Oxigraph make outbound HTTP requests for ``SERVICE`` (and rdflib reads
files for ``FROM``), and SPARQL codepoint escapes such as ``\\u0053ERVICE``
are decoded *before* parsing, so a text filter is easy to bypass.

How the two engines are kept in agreement: the engine that runs the query
(pyoxigraph) decodes codepoint escapes only inside strings and IRIs, rdflib's
parser everywhere (keywords included). The guard therefore decodes the
escapes once itself (as the SPARQL grammar prescribes: ``\\u`` and 4 hex
digits, ``\\U`` and 8), parses the decoded text with rdflib's grammar and
hands the same text to the engine, so both see the same characters. Text
that still holds an escape after decoding (``\\u005Cu0053…``) is rejected
outright, so no escape can mean one thing to the guard and another to the
engine. For the same reason a lone carriage return is rejected: Oxigraph ends
a ``#`` comment there, rdflib only at the next line feed, so text after it was
hidden from the guard but run by the engine (regression examples in
``tests/graph/test_guard_fuzz.py``). Escapes beyond U+10FFFF and surrogates
are rejected as what they are, not as a crash.

Rejected: anything that does not parse (with the parser's message), any
update (``INSERT``, ``DROP``, ``LOAD``…), ``SERVICE`` (also ``SILENT`` and
nested), and dataset clauses (``FROM``, ``FROM NAMED``). The protocol's
``default-graph-uri`` / ``named-graph-uri`` parameters are handled by the
endpoint, which only ever selects graphs the store hosts.

Examples:
    >>> check_query("SELECT * WHERE { ?s ?p ?o }").form
    'SELECT'
    >>> check_query("SELECT * WHERE { \\\\u0053ERVICE <http://127.0.0.1/> { ?s ?p ?o } }")
    Traceback (most recent call last):
    ...
    graph.errors.QueryRejected: SERVICE is not allowed: this endpoint never queries other services
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from .errors import QueryRejected

#: Query forms as rdflib's grammar names them → the SPARQL keyword.
FORMS = {
    "SelectQuery": "SELECT",
    "ConstructQuery": "CONSTRUCT",
    "AskQuery": "ASK",
    "DescribeQuery": "DESCRIBE",
}
#: What either parser could still read as a codepoint escape (rdflib: ``\u`` or ``\U`` with 4 or
#: 8 hex digits, either case; Oxigraph: inside strings and IRIs).
_ESCAPE = re.compile(r"\\[uU][0-9A-Fa-f]{4}")
_CODEPOINT = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
#: Not Unicode scalar values: no engine can be handed them (UTF-8 cannot encode them).
_SURROGATE = re.compile("[\ud800-\udfff]")
#: A carriage return not followed by a line feed. It ends a ``#`` comment for Oxigraph (and the
#: SPARQL grammar) but not for rdflib, whose comments run to the next ``\n``: so
#: ``# x \r SERVICE <…> {…} \n`` was a comment to the guard and a SERVICE call to the engine.
_LONE_CR = re.compile("\r(?!\n)")


class UpdateRejected(QueryRejected):
    """A SPARQL Update (or LOAD) sent to the read-only endpoint."""


@dataclass(frozen=True)
class CheckedQuery:
    """A query that passed the guard: the text to run and its form."""

    text: str
    form: str


def decode_escapes(text: str) -> str:
    r"""Decode SPARQL codepoint escapes, as the grammar does before parsing.

    ``\u`` takes exactly 4 hex digits and ``\U`` exactly 8 (SPARQL 1.1 §19.2).
    rdflib's own decoder also reads 8 digits after ``\u``, so ``\u0020default``
    failed as code point 0x0020DEFA; this one follows the grammar, and the guard
    hands rdflib text that holds no escape any more. A code point beyond
    U+10FFFF raises ``ValueError``.

    Examples:
        >>> decode_escapes(r"\u0053ERVICE"), decode_escapes(r"\u0020default")
        ('SERVICE', ' default')
    """
    return _CODEPOINT.sub(_codepoint, text)


def _codepoint(match: re.Match[str]) -> str:
    code = int(match.group(1) or match.group(2), 16)
    if code > 0x10FFFF:
        raise ValueError(f"invalid code point escape {match.group(0)} (beyond U+10FFFF)")
    return chr(code)


def _walk(node: Any) -> Iterator[Any]:
    """Every node of an rdflib parse tree (CompValues, ParseResults, lists)."""
    from pyparsing import ParseResults
    from rdflib.plugins.sparql.parserutils import CompValue

    stack = [node]
    while stack:
        item = stack.pop()
        yield item
        if isinstance(item, CompValue):
            stack.extend(item.values())
        elif isinstance(item, ParseResults | list | tuple):
            stack.extend(item)
        elif isinstance(item, dict):
            stack.extend(item.values())


def _names(tree: Any) -> set[str]:
    from rdflib.plugins.sparql.parserutils import CompValue

    return {n.name for n in _walk(tree) if isinstance(n, CompValue)}


def _is_update(text: str) -> bool:
    from rdflib.plugins.sparql.parser import parseUpdate

    try:
        update = parseUpdate(text)
    except Exception:  # any parser failure: not an update
        return False
    return "request" in update and bool(update["request"])


def parser_message(exc: BaseException) -> str:
    """The parser's own explanation of a syntax error, on one line."""
    text = " ".join(str(exc).split())
    return text[:500] or type(exc).__name__


def check_query(text: str) -> CheckedQuery:
    """Parse ``text`` and return what the engine may run, or raise :class:`QueryRejected`.

    Accepted queries up to 10,000 characters are cached by text (rdflib's parser takes
    milliseconds; applications repeat their queries); rejections are not.

    Examples:
        >>> check_query("ASK {}").form
        'ASK'
        >>> check_query("CLEAR ALL")
        Traceback (most recent call last):
        ...
        graph.guard.UpdateRejected: updates are not allowed: this endpoint is read-only
        >>> check_query("ASK {")  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        graph.errors.QueryRejected: SPARQL syntax error: ...
    """
    return _check_cached(text) if len(text) <= 10_000 else _check(text)


@lru_cache(maxsize=1024)
def _check_cached(text: str) -> CheckedQuery:
    return _check(text)


def _check(text: str) -> CheckedQuery:
    from rdflib.plugins.sparql.parser import parseQuery

    try:
        decoded = decode_escapes(text)
    except ValueError as exc:  # \UFFFFFFFF: beyond U+10FFFF
        raise QueryRejected(f"SPARQL syntax error: {exc}") from None
    if _ESCAPE.search(decoded):  # rdflib would decode it once more, Oxigraph inside strings and IRIs
        raise QueryRejected("a codepoint escape left after decoding (one that decodes to another "
                            "escape, or \\U with fewer than 8 hex digits) is not accepted")
    if _SURROGATE.search(decoded):
        raise QueryRejected("a surrogate code point (U+D800 to U+DFFF) is not a character: not accepted")
    if _LONE_CR.search(decoded):
        raise QueryRejected(
            "a carriage return without a line feed is not accepted: SPARQL parsers disagree on "
            "whether it ends a # comment (end lines with \\n or \\r\\n; write \\r inside strings)"
        )
    try:
        tree = parseQuery(decoded)  # holds no escape: rdflib's own decoding is a no-op
    except RecursionError as exc:
        raise QueryRejected("the query is nested too deeply to be parsed") from exc
    except Exception as exc:  # pyparsing raises several classes
        if _is_update(decoded):
            raise UpdateRejected("updates are not allowed: this endpoint is read-only") from None
        raise QueryRejected(f"SPARQL syntax error: {parser_message(exc)}") from None
    names = _names(tree)
    if "ServiceGraphPattern" in names:
        raise QueryRejected("SERVICE is not allowed: this endpoint never queries other services")
    if "DatasetClause" in names:
        raise QueryRejected(
            "FROM and FROM NAMED are not allowed: the dataset is the public graphs of this store "
            "(choose among them with the default-graph-uri and named-graph-uri parameters)"
        )
    forms = names & FORMS.keys()
    if len(forms) != 1:
        raise QueryRejected("not a single SELECT, CONSTRUCT, ASK or DESCRIBE query")
    return CheckedQuery(text=decoded, form=FORMS[forms.pop()])
