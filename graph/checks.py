"""Table-level checks of a dataset, all at once, before any RDF is built.

These checks find what SHACL cannot locate in a spreadsheet (file, row,
column) or cannot see at all (duplicate ids, the same cooperation twice).
Every problem is collected; nothing stops at the first.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from .errors import Problem
from .namespaces import HORIZONS, KIND_CLASS
from .tables import SOURCE_COLUMN, TABLES, Table, Tables, split_multi

ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
YEAR = re.compile(r"^\d{4}$")
DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
URL = re.compile(r"^https?://[^\s<>\"{}|\\^`]+$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
DATASET_KEYS = ("name", "municipality", "base", "license", "description")
GROUP_KINDS = ("working_group", "committee")


def is_url(value: str) -> bool:
    """True for an absolute http(s) URL that is also a valid IRI.

    Examples:
        >>> is_url("https://example.org/a?b=1"), is_url("www.example.org"), is_url("https://a b")
        (True, False, False)
    """
    return bool(URL.match(value))


def period_bounds(value: str, *, end: bool) -> dt.date | None:
    """The first (or, for an end, last) day a ``YYYY`` or ``YYYY-MM-DD`` value covers.

    Examples:
        >>> period_bounds("2014", end=True)
        datetime.date(2014, 12, 31)
        >>> period_bounds("2014-02-30", end=False) is None
        True
    """
    if YEAR.match(value):
        return dt.date(int(value), 12, 31) if end else dt.date(int(value), 1, 1)
    if DAY.match(value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return None
    return None


@dataclass
class Index:
    """Ids defined by each table, used to resolve references."""

    ids: dict[str, set[str]] = field(default_factory=dict)
    actor_kinds: dict[str, str] = field(default_factory=dict)
    used_sources: set[str] = field(default_factory=set)

    def has(self, table: str, value: str) -> bool:
        return value in self.ids.get(table, set())


class Checker:
    """Collects :class:`Problem` s for one dataset's tables."""

    def __init__(self, tables: Tables) -> None:
        self.tables = tables
        self.problems: list[Problem] = []
        self.index = Index()

    def error(self, table: Table, line: int | None, column: str, message: str,
              value: str = "", expected: str = "", code: str = "invalid") -> None:
        self.problems.append(Problem(message, file=table.file, row=line, column=column,
                                     value=value, expected=expected, code=code))

    def warn(self, table: Table, line: int | None, column: str, message: str,
             value: str = "", code: str = "warning") -> None:
        self.problems.append(Problem(message, file=table.file, row=line, column=column,
                                     value=value, severity="warning", code=code))

    # -- generic checks ------------------------------------------------------------------

    def run(self) -> list[Problem]:
        """Run every check; returns the problems (errors and warnings)."""
        t = self.tables
        for name in TABLES:
            if name in t.tables:
                self.required_cells(t.tables[name])
        for name in ("sources", "action_fields", "goals", "target_groups", "districts", "actors",
                     "programmes", "projects", "recommendations"):
            self.collect_ids(t.get(name))
        for _line, row in t.get("actors").located():
            self.index.actor_kinds[row.get("id", "")] = row.get("kind", "")
        self.dataset(t.get("dataset"))
        self.sources(t.get("sources"))
        self.goals(t.get("goals"))
        self.actors(t.get("actors"))
        self.programmes(t.get("programmes"))
        self.projects(t.get("projects"))
        self.actor_goals(t.get("actor_goals"))
        self.memberships(t.get("memberships"))
        self.cooperations(t.get("cooperations"))
        self.recommendations(t.get("recommendations"))
        self.contacts(t.get("contacts"))
        for name, table in t.tables.items():
            if name not in ("dataset", "sources", "contacts"):
                self.source_cells(table)
        self.unused_sources(t.get("sources"))
        return self.problems

    def required_cells(self, table: Table) -> None:
        required = TABLES[table.name][0]
        for line, row in table.located():
            for col in required:
                if col in table.columns and not row.get(col):
                    self.error(table, line, col, f"required cell {col!r} is empty",
                               expected="a value", code="empty_required")

    def collect_ids(self, table: Table) -> None:
        seen: Counter[str] = Counter()
        ids: set[str] = set()
        for line, row in table.located():
            value = row.get("id", "")
            if not value:
                continue
            if not ID_PATTERN.match(value):
                self.error(table, line, "id", "invalid id", value,
                           "letters, digits, - _ . (starting with a letter or digit)",
                           code="bad_id")
            seen[value] += 1
            if seen[value] == 2:
                self.error(table, line, "id", f"duplicate id {value!r}", value,
                           "an id used once per table", code="duplicate_id")
            ids.add(value)
        self.index.ids[table.name] = ids

    def ref(self, table: Table, line: int, column: str, value: str, target: str,
            *, also: str | None = None) -> bool:
        """Check that ``value`` is an id of ``target`` (or of ``also``)."""
        if self.index.has(target, value) or (also and self.index.has(also, value)):
            return True
        where = f"{target}.csv" + (f" or {also}.csv" if also else "")
        self.error(table, line, column, f"unknown {target.rstrip('s')} {value!r}", value,
                   f"an id from {where}", code="unknown_reference")
        return False

    def refs(self, table: Table, line: int, row: dict[str, str], column: str,
             target: str) -> None:
        for value in split_multi(row.get(column, "")):
            self.ref(table, line, column, value, target)

    def dates(self, table: Table, line: int, row: dict[str, str]) -> None:
        bounds: dict[str, dt.date] = {}
        for col in ("start", "end"):
            value = row.get(col, "")
            if not value:
                continue
            parsed = period_bounds(value, end=col == "end")
            if parsed is None:
                self.error(table, line, col, "impossible date", value,
                           "YYYY-MM-DD or YYYY (a real calendar day)", code="bad_date")
            else:
                bounds[col] = parsed
        if "start" in bounds and "end" in bounds and bounds["end"] < bounds["start"]:
            self.error(table, line, "end", f"end {row['end']} is before start {row['start']}",
                       row["end"], f"a date not before {row['start']}", code="end_before_start")

    def source_cells(self, table: Table) -> None:
        if SOURCE_COLUMN not in table.columns:
            if table.rows and table.name in ("actors", "projects", "programmes", "cooperations",
                                             "memberships", "actor_goals", "recommendations"):
                self.warn(table, None, SOURCE_COLUMN, "no source column: rows carry no source",
                          code="missing_source")
            return
        for line, row in table.located():
            values = split_multi(row.get(SOURCE_COLUMN, ""))
            if not values:
                self.warn(table, line, SOURCE_COLUMN, "row has no source", code="missing_source")
            for value in values:
                if self.index.has("sources", value):
                    self.index.used_sources.add(value)
                elif not is_url(value):
                    self.error(table, line, SOURCE_COLUMN, f"unknown source {value!r}", value,
                               "an id from sources.csv or an http(s) URL",
                               code="unknown_reference")

    # -- per table -----------------------------------------------------------------------

    def dataset(self, table: Table) -> None:
        keys: dict[str, str] = {}
        for line, row in table.located():
            key = row.get("key", "").strip().lower()
            if key and key not in DATASET_KEYS:
                self.warn(table, line, "key", f"unknown key {key!r} is ignored", key,
                          code="unknown_key")
            if key in keys:
                self.error(table, line, "key", f"key {key!r} appears twice", key,
                           code="duplicate_id")
            keys[key] = row.get("value", "")
        if "dataset" in self.tables.tables:
            for key in ("name", "municipality"):
                if not keys.get(key):
                    self.error(table, None, "key", f"the dataset needs a {key!r} row", "",
                               f"a row with key {key}", code="missing_key")
        name = keys.get("name", "")
        if name and not ID_PATTERN.match(name):
            self.error(table, None, "value", "invalid dataset name", name,
                       "letters, digits, - _ .", code="bad_id")
        base = keys.get("base", "")
        if base and not is_url(base):
            self.error(table, None, "value", "invalid base IRI", base, "an http(s) IRI",
                       code="bad_url")

    def sources(self, table: Table) -> None:
        for line, row in table.located():
            url = row.get("url", "")
            if url and not is_url(url):
                self.error(table, line, "url", "invalid URL", url, "an http(s) URL",
                           code="bad_url")
            date = row.get("date", "")
            if date and period_bounds(date, end=False) is None:
                self.error(table, line, "date", "impossible date", date,
                           "YYYY-MM-DD or YYYY", code="bad_date")

    def goals(self, table: Table) -> None:
        for line, row in table.located():
            if row.get("action_field"):
                self.ref(table, line, "action_field", row["action_field"], "action_fields")

    def actors(self, table: Table) -> None:
        for line, row in table.located():
            kind = row.get("kind", "")
            if kind and kind not in KIND_CLASS:
                self.error(table, line, "kind", f"unknown kind {kind!r}", kind,
                           ", ".join(KIND_CLASS), code="unknown_kind")
            parent = row.get("parent", "")
            if parent:
                if parent == row.get("id"):
                    self.error(table, line, "parent", "an actor cannot be its own parent",
                               parent, code="self_reference")
                else:
                    self.ref(table, line, "parent", parent, "actors")
            self.refs(table, line, row, "districts", "districts")
            self.refs(table, line, row, "target_groups", "target_groups")
            website = row.get("website", "")
            if website and not is_url(website):
                self.error(table, line, "website", "invalid URL", website, "an http(s) URL",
                           code="bad_url")

    def programmes(self, table: Table) -> None:
        for line, row in table.located():
            if row.get("funder"):
                self.ref(table, line, "funder", row["funder"], "actors")
            self.dates(table, line, row)

    def projects(self, table: Table) -> None:
        for line, row in table.located():
            if row.get("lead"):
                self.ref(table, line, "lead", row["lead"], "actors")
            self.refs(table, line, row, "partners", "actors")
            if row.get("lead") and row["lead"] in split_multi(row.get("partners", "")):
                self.warn(table, line, "partners", "the lead is also listed as a partner",
                          row["lead"], code="lead_is_partner")
            self.refs(table, line, row, "goals", "goals")
            for value in split_multi(row.get("funded_by", "")):
                self.ref(table, line, "funded_by", value, "programmes", also="actors")
            self.refs(table, line, row, "districts", "districts")
            self.refs(table, line, row, "target_groups", "target_groups")
            self.dates(table, line, row)

    def actor_goals(self, table: Table) -> None:
        seen: set[tuple[str, str]] = set()
        for line, row in table.located():
            actor, goal = row.get("actor", ""), row.get("goal", "")
            if actor:
                self.ref(table, line, "actor", actor, "actors")
            if goal:
                self.ref(table, line, "goal", goal, "goals")
            if (actor, goal) in seen:
                self.error(table, line, "goal", f"{actor} → {goal} is listed twice",
                           goal, "each actor–goal pair once", code="duplicate_row")
            seen.add((actor, goal))

    def memberships(self, table: Table) -> None:
        seen: set[tuple[str, str, str]] = set()
        for line, row in table.located():
            actor, group = row.get("actor", ""), row.get("group", "")
            if actor:
                self.ref(table, line, "actor", actor, "actors")
            if group and self.ref(table, line, "group", group, "actors"):
                kind = self.index.actor_kinds.get(group, "")
                if kind not in GROUP_KINDS:
                    self.error(table, line, "group",
                               f"{group!r} is a {kind or 'actor'}, not a working group or "
                               "committee", group, "an actor of kind working_group or committee",
                               code="not_a_group")
            if actor and actor == group:
                self.error(table, line, "group", "an actor cannot be a member of itself", group,
                           code="self_reference")
            key = (actor, group, row.get("start", ""))
            if key in seen:
                self.error(table, line, "group", f"membership {actor} in {group} listed twice",
                           group, "each membership once", code="duplicate_row")
            seen.add(key)
            self.dates(table, line, row)

    def cooperations(self, table: Table) -> None:
        seen: set[tuple[str, str, str, str]] = set()
        for line, row in table.located():
            a, b = row.get("actor_a", ""), row.get("actor_b", "")
            if a:
                self.ref(table, line, "actor_a", a, "actors")
            if b:
                self.ref(table, line, "actor_b", b, "actors")
            if a and a == b:
                self.error(table, line, "actor_b", "an actor cannot cooperate with itself", b,
                           "another actor", code="self_reference")
            lo, hi = sorted((a, b))
            key = (lo, hi, row.get("kind", ""), row.get("start", ""))
            if key in seen:
                self.error(table, line, "actor_b",
                           f"the cooperation {lo} – {hi} is listed twice", b,
                           "each cooperation once (same pair, kind and start)",
                           code="duplicate_row")
            seen.add(key)
            self.dates(table, line, row)

    def recommendations(self, table: Table) -> None:
        for line, row in table.located():
            self.refs(table, line, row, "goal", "goals")
            horizon = row.get("horizon", "")
            if horizon and horizon not in HORIZONS:
                self.error(table, line, "horizon", f"unknown horizon {horizon!r}", horizon,
                           ", ".join(HORIZONS), code="unknown_horizon")
            self.refs(table, line, row, "implemented_by", "projects")

    def contacts(self, table: Table) -> None:
        for line, row in table.located():
            if row.get("actor"):
                self.ref(table, line, "actor", row["actor"], "actors")
            email = row.get("email", "")
            if email and not EMAIL.match(email):
                self.error(table, line, "email", "invalid e-mail address", email,
                           "name@example.org", code="bad_email")

    def unused_sources(self, table: Table) -> None:
        for line, row in table.located():
            sid = row.get("id", "")
            if sid and sid not in self.index.used_sources:
                self.warn(table, line, "id", f"source {sid!r} is not used by any row", sid,
                          code="unused_source")


def check_tables(tables: Tables) -> list[Problem]:
    """Every table-level problem of a dataset (errors and warnings), in file order."""
    return Checker(tables).run()


def errors_in(problems: Iterable[Problem]) -> list[Problem]:
    """Only the problems that block an import."""
    return [p for p in problems if p.severity == "error"]
