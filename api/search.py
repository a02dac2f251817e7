"""Search over names, goals, districts and target groups that forgives umlauts and typos.

Staff type on keyboards without umlauts and misspell names they heard on the
phone: "Auslander", "Auslaender" and "Auslädner" must all find the
Ausländerbeirat. Both the query and the labels are folded the same way
(case, accents, ``ß`` → ``ss``, ``ä``/``ae`` → ``a``), then every word of the
query must match a word of the label: as a prefix, inside it, or (from four
letters on) closely enough by :class:`difflib.SequenceMatcher`. The index is
small (hundreds of entries per city), so a linear scan is fast enough and
needs no extra dependency.

Examples:
    >>> entries = [Entry("actor", "ab", "Ausländerbeirat"), Entry("actor", "awo", "AWO Testville")]
    >>> [hit.entry.id for hit in search(entries, "Auslander")]
    ['ab']
    >>> [hit.entry.id for hit in search(entries, "auslaender beirat")]
    ['ab']
    >>> [hit.entry.id for hit in search(entries, "Ausländerbeirta")]
    ['ab']
    >>> search(entries, "Moschee")
    []
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from difflib import SequenceMatcher

#: Minimal similarity of two words (0..1) for a typo match.
THRESHOLD = 0.8
#: Shortest query word that may match with a typo; shorter words must match exactly as a prefix.
FUZZY_FROM = 4
_WORD = re.compile(r"[a-z0-9]+")
_DIGRAPHS = (("ae", "a"), ("oe", "o"), ("ue", "u"))


def fold(text: str) -> str:
    """Lower case without accents or umlauts, ``ß`` as ``ss``, ``ae``/``oe``/``ue`` as ``a``/``o``/``u``.

    Examples:
        >>> fold("Ausländerbeirat"), fold("AUSLAENDER"), fold("Straße"), fold("Café")
        ('auslanderbeirat', 'auslander', 'strasse', 'cafe')
    """
    text = unicodedata.normalize("NFKD", text.casefold().replace("ß", "ss"))
    text = "".join(c for c in text if not unicodedata.combining(c))
    for digraph, vowel in _DIGRAPHS:
        text = text.replace(digraph, vowel)
    return text


def words(text: str) -> list[str]:
    """The folded words of a text."""
    return _WORD.findall(fold(text))


@dataclass(frozen=True)
class Entry:
    """One thing to find: its type (actor, goal, field, district, target_group, project), id and label."""

    type: str
    id: str
    label: str
    extra: str = ""  # more searchable text (an English label, an id)
    ref: str = ""  # what a hit leads to when the entry has no page (a project: its lead actor)


@dataclass(frozen=True)
class Hit:
    entry: Entry
    score: float


def _word_score(query: str, candidates: list[str]) -> float:
    """How well one query word matches the best word of a label (0: not at all)."""
    best = 0.0
    for word in candidates:
        if word.startswith(query):
            return 1.0
        if query in word:
            best = max(best, 0.9)
        elif len(query) >= FUZZY_FROM:
            whole = SequenceMatcher(None, query, word).ratio()
            head = SequenceMatcher(None, query, word[:len(query)]).ratio()
            score = max(whole, head)
            if score >= THRESHOLD:
                best = max(best, 0.8 * score)
    return best


def score(query_words: list[str], entry: Entry) -> float:
    """The match of every query word against the entry's words, averaged; 0 unless all words match."""
    candidates = words(f"{entry.label} {entry.extra}")
    total = 0.0
    for q in query_words:
        s = _word_score(q, candidates)
        if s == 0.0:
            return 0.0
        total += s
    label = fold(entry.label)
    bonus = 0.1 if label.startswith(" ".join(query_words)) else 0.0
    return total / len(query_words) + bonus


def search(entries: Iterable[Entry], query: str, limit: int = 50) -> list[Hit]:
    """The entries matching every word of ``query``, best first (then by label)."""
    query_words = words(query)[:10]
    if not query_words:
        return []
    hits = [Hit(e, s) for e in entries if (s := score(query_words, e)) > 0]
    hits.sort(key=lambda h: (-h.score, fold(h.entry.label), h.entry.id))
    return hits[:limit]
