"""Named SPARQL queries, kept in ``graph/queries/*.rq`` and run with bound values.

Each file starts with a small header (STYLE §3)::

    #+ summary: who works on a goal, directly or through projects
    #+ params: goal

The query text is loaded once; parameters are passed as pyoxigraph
substitutions, so user input is never pasted into a query string. A bound
variable must appear in the SELECT projection (pyoxigraph follows SEP-0007
and refuses the substitution otherwise).

Examples:
    >>> q = load("stats")
    >>> q.name, q.params
    ('stats', ())
    >>> sorted(QUERIES) == sorted(p.stem for p in QUERY_DIR.glob("*.rq"))
    True
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from .errors import QueryRejected
from .store import Store

QUERY_DIR = Path(__file__).resolve().parent / "queries"


@dataclass(frozen=True)
class NamedQuery:
    """One ``.rq`` file: its text, summary and the variables it expects bound."""

    name: str
    text: str
    summary: str
    params: tuple[str, ...]


def _parse(path: Path) -> NamedQuery:
    summary = ""
    params: tuple[str, ...] = ()
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#+ summary:"):
            summary = line.split(":", 1)[1].strip()
        elif line.startswith("#+ params:"):
            params = tuple(p.strip() for p in line.split(":", 1)[1].split(",") if p.strip())
    return NamedQuery(path.stem, path.read_text(encoding="utf-8"), summary, params)


@cache
def load(name: str) -> NamedQuery:
    """The named query ``graph/queries/{name}.rq``."""
    path = QUERY_DIR / f"{name}.rq"
    if not path.exists():
        raise QueryRejected(f"no query named {name!r}")
    return _parse(path)


QUERIES = {p.stem: p for p in QUERY_DIR.glob("*.rq")}


def run(store: Store, name: str, *, include_private: bool = False,
        **params: Any) -> list[dict[str, Any]]:
    """Rows of a named SELECT query with its parameters bound.

    String parameters that look like IRIs must be passed as
    :class:`pyoxigraph.NamedNode`; plain strings are bound as literals.
    """
    return list(iterate(store, name, include_private=include_private, **params))


def iterate(store: Store, name: str, *, include_private: bool = False,
            **params: Any) -> Iterator[dict[str, Any]]:
    """:func:`run` one row at a time (see :meth:`Store.iter_select`)."""
    q = load(name)
    missing = [p for p in q.params if p not in params]
    if missing:
        raise QueryRejected(f"query {name!r} needs {', '.join(missing)}")
    bound = {k: v for k, v in params.items() if v is not None}
    return store.iter_select(q.text, bound, include_private=include_private)


def node(value: str) -> ox.NamedNode:
    """An IRI parameter."""
    return ox.NamedNode(value)
