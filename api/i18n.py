"""Interface language of the web pages: German by default, English on request (SPEC §7).

Every text of the interface comes from one message catalogue per language,
``api/messages/{de,en}.json``, so that a translation is one file and a
missing key is an error in the tests rather than a blank on a page. The
language is chosen from ``?lang=`` first, then from ``Accept-Language``,
else German: the staff the pages are for work in German offices.

Examples:
    >>> choose_language(None, "en-GB,en;q=0.9,de;q=0.5")
    'en'
    >>> choose_language("de", "en"), choose_language(None, None), choose_language("fr", "fr")
    ('de', 'de', 'de')
    >>> Translator("en")("nav.gaps")
    'Gaps'
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

LANGUAGES = ("de", "en")
DEFAULT_LANGUAGE = "de"
MESSAGES_DIR = Path(__file__).resolve().parent / "messages"


@cache
def catalogue(lang: str) -> dict[str, str]:
    """The messages of one language, read once."""
    if lang not in LANGUAGES:
        raise KeyError(f"no message catalogue for {lang!r}")
    data: dict[str, str] = json.loads((MESSAGES_DIR / f"{lang}.json").read_text(encoding="utf-8"))
    return data


def weighted(header: str | None) -> list[tuple[str, float]]:
    """The items of an ``Accept``-style header with their ``q`` weights, lower-cased, in order.

    Examples:
        >>> weighted("de-DE,en;q=0.8, */*;q=x")
        [('de-de', 1.0), ('en', 0.8), ('*/*', 0.0)]
    """
    items = []
    for part in (header or "").split(","):
        fields = [f.strip() for f in part.split(";")]
        if not fields[0]:
            continue
        q = 1.0
        for f in fields[1:]:
            if f.lower().startswith("q="):
                try:
                    q = float(f[2:])
                except ValueError:
                    q = 0.0
        items.append((fields[0].lower(), q))
    return items


def _accept_language(header: str) -> str | None:
    """The supported language the browser ranks highest (``q`` weights honoured)."""
    best, best_q = None, 0.0
    for item, q in weighted(header):
        tag = item.split("-")[0]
        if tag in LANGUAGES and q > best_q:
            best, best_q = tag, q
    return best


def choose_language(param: str | None, accept_language: str | None) -> str:
    """``?lang=`` if supported, else the best supported ``Accept-Language``, else German."""
    if param in LANGUAGES:
        return param  # type: ignore[return-value]
    if accept_language:
        return _accept_language(accept_language) or DEFAULT_LANGUAGE
    return DEFAULT_LANGUAGE


class Translator:
    """``t("key", name=...)``: one message of the chosen language, with ``str.format`` fields filled."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self.messages = catalogue(lang)

    def __call__(self, key: str, **values: object) -> str:
        text = self.messages[key]
        return text.format(**values) if values else text

    def has(self, key: str) -> bool:
        return key in self.messages

    def label(self, de: str, en: str = "") -> str:
        """A label from the data in this language where present (``@en`` else ``@de``)."""
        return (en if self.lang == "en" else "") or de
