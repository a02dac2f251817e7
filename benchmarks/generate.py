"""A seeded synthetic integration landscape in the spreadsheet format of SPEC §4.

Usage::

    python -m benchmarks.generate 300 3000 [--seed 42] [--out benchmarks/out/data]

writes ``{out}/landscape-{n}/`` (one CSV per table of SPEC §4, exactly its
columns) and ``{out}/landscape-{n}.json`` (counts and the ids the benchmark
queries use: goal ``G``, its action field ``F``, an actor ``ego``).

Shape (``n`` actors in total, working groups and committees included), modelled
on ``research/perfbench/gen_landscape.py`` and the Wetzlar data:

* 11 kinds in realistic shares (associations 26 %, migrant organisations 20 %,
  education 10 %, offices 8 %, welfare 8 %, working groups 6 %, ...); offices
  hang below the city administration; heavy-tailed activity (Pareto);
* 6 action fields and 20–60 goals with Zipf popularity; every actor (not the
  venues) works on 1–3 goals, 70 % of them in its main field;
* ``max(10, n/100)`` districts, 8 target groups;
* ``n/2`` projects with an activity-weighted lead and 0–4 partners (60 % from
  the lead's district), 1–3 goals, a programme or funder, running within
  2010–2033 (some open-ended);
* memberships: 0–3 working groups or committees per actor, mostly in its
  own district; explicit cooperations ≈ one per actor (district, shared goal,
  preferential attachment), some ended;
* recommendations per goal, half implemented by a project; contacts for
  10 % of the actors (private graph).

The same ``(n, seed)`` always gives the same bytes.

Examples:
    >>> import tempfile
    >>> meta = generate(50, tempfile.mkdtemp())
    >>> meta["actors"], meta["projects"], meta["goal_G"].startswith("g-")
    (50, 25, True)
"""

from __future__ import annotations

import argparse
import bisect
import csv
import itertools
import json
import math
import random
import sys
from pathlib import Path
from typing import Any

SCALES = (300, 3_000, 30_000, 300_000)
DEFAULT_SEED = 42
DEFAULT_OUT = Path(__file__).resolve().parent / "out" / "data"

#: SPEC §4 columns, in order (``source`` last where the table has one).
COLUMNS: dict[str, tuple[str, ...]] = {
    "dataset": ("key", "value"),
    "sources": ("id", "title", "date", "url"),
    "action_fields": ("id", "label_de", "label_en", "description", "source"),
    "goals": ("id", "label_de", "label_en", "action_field", "description", "source"),
    "target_groups": ("id", "label_de", "label_en"),
    "districts": ("id", "label_de"),
    "actors": ("id", "name", "kind", "parent", "districts", "target_groups", "website", "description",
               "source"),
    "programmes": ("id", "name", "funder", "start", "end", "source"),
    "projects": ("id", "name", "lead", "partners", "goals", "funded_by", "start", "end", "districts",
                 "target_groups", "description", "source"),
    "actor_goals": ("actor", "goal", "source"),
    "memberships": ("actor", "group", "role", "start", "end", "source"),
    "cooperations": ("actor_a", "actor_b", "kind", "start", "end", "source"),
    "recommendations": ("id", "text", "goal", "horizon", "implemented_by", "status", "source"),
    "contacts": ("actor", "role", "name", "email", "phone"),
}

#: kind, share of all actors, id prefix, name templates ({w}: a goal word, {d}: a district)
KINDS: list[tuple[str, float, str, tuple[str, ...]]] = [
    ("office", 0.08, "amt", ("Amt für {w}", "Fachdienst {w}", "Stabsstelle {w}", "Stadtteilbüro {d}")),
    ("public_body", 0.03, "beh", ("Jobcenter {d}", "Agentur für Arbeit {d}", "Landesamt für {w}")),
    ("committee", 0.01, "aus", ("Ausländerbeirat {d}", "Ausschuss {w}", "Beirat {w}")),
    ("welfare_association", 0.08, "wohl", ("Caritas {w} {d}", "Diakonie {w} {d}", "AWO {w} {d}",
                                           "DRK {w} {d}", "Paritätischer {w} {d}")),
    ("association", 0.26, "ver", ("Verein {w} {d} e.V.", "Bürgerverein {d} e.V.", "Sportverein {d} e.V.",
                                  "Förderverein {w} e.V.")),
    ("religious_community", 0.05, "rel", ("Moscheegemeinde {d}", "Ev. Kirchengemeinde {d}",
                                          "Kath. Pfarrei {d}", "Alevitische Gemeinde {d}")),
    ("migrant_organisation", 0.20, "mso", ("Deutsch-Syrischer Verein {d}", "Türkischer Elternverein {d}",
                                           "Afrikanisches Forum {d}", "Ukrainische Gemeinde {d}",
                                           "Kurdisches Kulturzentrum {d}", "Eritreische Gemeinschaft {d}")),
    ("education_provider", 0.10, "bil", ("Volkshochschule {d}", "Bildungswerk {w}", "Sprachschule {d}",
                                         "Grundschule {d}", "Berufsschule {d}")),
    ("company", 0.06, "unt", ("Handwerksbetrieb {d}", "IHK-Geschäftsstelle {d}", "Pflegedienst {d}")),
    ("working_group", 0.06, "ak", ("Arbeitskreis {w} {d}", "Netzwerk {w} {d}", "Runder Tisch {w}")),
    ("other", 0.07, "and", ("Initiative {w} {d}", "Patenschaftsprojekt {d}", "Stiftung {w}")),
]
VENUE_KINDS = ("working_group", "committee")
#: how much more a kind leads projects and cooperates than an association
ACTIVITY = {"office": 2.0, "public_body": 2.0, "welfare_association": 2.5, "education_provider": 1.5,
            "migrant_organisation": 0.7, "religious_community": 0.6, "company": 0.6, "other": 0.8,
            "association": 1.0}

FIELDS = [
    ("bildung", "Sprache und Bildung", "Language and education"),
    ("arbeit", "Arbeit und Ausbildung", "Work and training"),
    ("wohnen", "Wohnen und Stadtteil", "Housing and neighbourhood"),
    ("gesundheit", "Gesundheit und Soziales", "Health and social care"),
    ("teilhabe", "Teilhabe und Antidiskriminierung", "Participation and anti-discrimination"),
    ("ankommen", "Ankommen und Beratung", "Arrival and counselling"),
]
GOAL_WORDS = [
    ("Sprachkurse", "language courses"), ("Kita-Zugang", "access to day care"),
    ("Schulerfolg", "school success"), ("Elternarbeit", "work with parents"),
    ("Anerkennung", "recognition of qualifications"), ("Ausbildung", "vocational training"),
    ("Arbeitsmarktzugang", "access to the labour market"), ("Selbstständigkeit", "self-employment"),
    ("Wohnungssuche", "finding housing"), ("Unterbringung", "accommodation"),
    ("Nachbarschaft", "neighbourhood"), ("Gesundheitsversorgung", "health care"),
    ("Psychosoziale Hilfe", "psychosocial support"), ("Sport", "sport"), ("Kultur", "culture"),
    ("Ehrenamt", "volunteering"), ("Antirassismus", "anti-racism"),
    ("Politische Teilhabe", "political participation"), ("Frauenförderung", "support for women"),
    ("Jugendarbeit", "youth work"), ("Seniorenarbeit", "work with older people"),
    ("Rechtsberatung", "legal advice"), ("Aufenthalt", "residence"), ("Digitalisierung", "digital skills"),
    ("Dolmetschen", "interpreting"), ("Mentoring", "mentoring"),
    ("Interkulturelle Öffnung", "intercultural opening"), ("Religionsdialog", "interfaith dialogue"),
    ("Familienzusammenführung", "family reunification"), ("Wegweiser", "signposting"),
]
TARGET_GROUPS = [
    ("gefluechtete", "Geflüchtete", "Refugees"), ("frauen", "Frauen", "Women"),
    ("kinder", "Kinder", "Children"), ("jugendliche", "Jugendliche", "Young people"),
    ("senioren", "Ältere Menschen", "Older people"), ("eu-buerger", "EU-Bürger", "EU citizens"),
    ("neuzugewanderte", "Neuzugewanderte", "Newcomers"), ("familien", "Familien", "Families"),
]
DISTRICT_NAMES = ["Altstadt", "Nord", "Süd", "West", "Ost", "Niedergirmes", "Büblingshausen",
                  "Dalheim", "Hermannstein", "Naunheim", "Garbenheim", "Steindorf", "Blasbach",
                  "Dutenhofen", "Münchholzhausen", "Nauborn"]
SOURCES = [
    ("s-konzept", "Integrationskonzept (synthetisch)", "2013-07-12", "https://example.org/konzept"),
    ("s-bericht", "Jahresbericht Integrationsbüro (synthetisch)", "2019", "https://example.org/bericht"),
    ("s-erhebung", "Trägererhebung (synthetisch)", "2024-03-01", "https://example.org/erhebung"),
    ("s-web", "Webseiten der Träger (synthetisch)", "2025", "https://example.org/web"),
    ("s-protokolle", "Protokolle der Arbeitskreise (synthetisch)", "2023", ""),
]
COOP_KINDS = ("agreement", "network", "referral", "informal", "umbrella")
PROGRAMME_FUNDERS = ("Bundesprogramm", "Landesprogramm", "ESF Plus", "AMIF", "Kommunaler Fonds",
                     "Stiftungsprogramm")
FIRST = ["Anna", "Mehmet", "Olena", "Ahmad", "Maria", "Jonas", "Fatma", "Lukas", "Amina", "Piotr"]
LAST = ["Müller", "Yılmaz", "Schmidt", "Kovalenko", "Haddad", "Weber", "Nowak", "Fischer", "Diallo"]


class Picker:
    """Weighted choice of an index in O(log n)."""

    def __init__(self, weights: list[float]) -> None:
        self.cum = list(itertools.accumulate(weights))

    def __call__(self, rng: random.Random) -> int:
        return min(bisect.bisect_right(self.cum, rng.random() * self.cum[-1]), len(self.cum) - 1)


def pick_count(rng: random.Random, probs: tuple[float, ...]) -> int:
    """An index drawn with the given probabilities (a small count distribution)."""
    r, acc = rng.random(), 0.0
    for i, p in enumerate(probs):
        acc += p
        if r < acc:
            return i
    return len(probs) - 1


def goal_count(n: int) -> int:
    """Goals at ``n`` actors: 24 / 36 / 48 / 60 at the four scales, at least 20.

    Examples:
        >>> [goal_count(n) for n in SCALES]
        [24, 36, 48, 60]
    """
    return min(60, max(20, round(12 + 12 * math.log10(max(n, 1) / 30))))


def _kind_counts(n: int) -> list[int]:
    counts = [round(share * n) for _, share, _, _ in KINDS]
    assoc = [k for k, *_ in KINDS].index("association")
    counts[assoc] += n - sum(counts)
    return counts


def _district_label(i: int) -> str:
    name = DISTRICT_NAMES[i % len(DISTRICT_NAMES)]
    return name if i < len(DISTRICT_NAMES) else f"{name} {i // len(DISTRICT_NAMES) + 1}"


def _year_or_date(rng: random.Random, year: int) -> str:
    return str(year) if rng.random() < 0.7 else f"{year}-{rng.randint(1, 12):02d}-01"


def generate(n: int, out_dir: str | Path = DEFAULT_OUT, *, seed: int = DEFAULT_SEED) -> dict[str, Any]:
    """Write the landscape of ``n`` actors to ``{out_dir}/landscape-{n}/``; return its meta data."""
    if n < 20:
        raise ValueError("at least 20 actors")
    rng = random.Random(f"integraph-bench-{seed}-{n}")
    n_goals, n_districts = goal_count(n), max(10, n // 100)
    n_projects, n_programmes = n // 2, max(6, n // 200)
    districts = [f"d-{i + 1:03d}" for i in range(n_districts)]

    # goals: fields round-robin, Zipf popularity in shuffled order
    goal_ids = [f"g-{i + 1:02d}" for i in range(n_goals)]
    goal_field = [i % len(FIELDS) for i in range(n_goals)]
    popularity = [1 / (r + 1) ** 0.8 for r in range(n_goals)]
    rng.shuffle(popularity)
    any_goal = Picker(popularity)
    field_goals = [[g for g in range(n_goals) if goal_field[g] == f] for f in range(len(FIELDS))]
    field_pick = [Picker([popularity[g] for g in gs]) for gs in field_goals]

    # actors: kinds in shares, the city administration first
    kinds: list[str] = []
    for (kind, _, _, _), count in zip(KINDS, _kind_counts(n), strict=True):
        kinds += [kind] * count
    rng.shuffle(kinds)
    root = kinds.index("office")
    kinds[0], kinds[root] = kinds[root], kinds[0]
    prefix = {k: p for k, _, p, _ in KINDS}
    templates = {k: t for k, _, _, t in KINDS}
    ids = ["stadt"] + [f"{prefix[k]}-{i:06d}" for i, k in enumerate(kinds) if i > 0]
    venue = [k in VENUE_KINDS for k in kinds]
    actors_idx = [i for i in range(n) if not venue[i]]
    venues_idx = [i for i in range(n) if venue[i]]
    home = [rng.randrange(n_districts) for _ in range(n)]
    main_field = [rng.randrange(len(FIELDS)) for _ in range(n)]
    activity = [0.0 if venue[i] else rng.paretovariate(1.5) * ACTIVITY[kinds[i]] for i in range(n)]
    active_pick = Picker(activity)

    goals_of: list[list[int]] = [[] for _ in range(n)]
    for i in range(n):
        k = (1 + pick_count(rng, (0.45, 0.35, 0.2))) if not venue[i] else (1 if rng.random() < 0.6 else 0)
        gs: set[int] = set()
        for _ in range(k * 4):
            if len(gs) >= k:
                break
            f = main_field[i]
            gs.add(field_goals[f][field_pick[f](rng)] if rng.random() < 0.7 else any_goal(rng))
        goals_of[i] = sorted(gs)
    by_district: list[list[int]] = [[] for _ in range(n_districts)]
    for i in actors_idx:
        by_district[home[i]].append(i)
    by_goal: list[list[int]] = [[] for _ in range(n_goals)]
    for i in actors_idx:
        for g in goals_of[i]:
            by_goal[g].append(i)
    venues_in: list[list[int]] = [[] for _ in range(n_districts)]
    for v in venues_idx:
        venues_in[home[v]].append(v)

    tables: dict[str, list[list[str]]] = {name: [] for name in COLUMNS}
    src_cycle = itertools.cycle([s[0] for s in SOURCES])

    def src() -> str:
        return next(src_cycle) if rng.random() < 0.3 else rng.choice(("s-konzept", "s-erhebung", "s-web"))

    tables["dataset"] = [
        ["name", f"bench-{n}"], ["municipality", f"Synthetische Stadt {n}"],
        ["license", "https://creativecommons.org/licenses/by/4.0/"],
        ["description", f"Synthetische Integrationslandschaft, {n} Akteure, Seed {seed}, für Benchmarks."],
    ]
    tables["sources"] = [list(s) for s in SOURCES]
    tables["action_fields"] = [[fid, de, en, f"Handlungsfeld {de}", "s-konzept"] for fid, de, en in FIELDS]
    for g in range(n_goals):
        de, en = GOAL_WORDS[g % len(GOAL_WORDS)]
        round_ = g // len(GOAL_WORDS)
        suffix = f" {round_ + 1}" if round_ else ""
        tables["goals"].append([goal_ids[g], f"{de} verbessern{suffix}", f"Improve {en}{suffix}",
                                FIELDS[goal_field[g]][0], "", "s-konzept"])
    tables["target_groups"] = [list(t) for t in TARGET_GROUPS]
    tables["districts"] = [[d, _district_label(i)] for i, d in enumerate(districts)]

    offices = [i for i in range(1, n) if kinds[i] == "office"]
    for i in range(n):
        kind = kinds[i]
        word = GOAL_WORDS[goals_of[i][0] % len(GOAL_WORDS)][0] if goals_of[i] else "Integration"
        if i == 0:
            name = f"Stadtverwaltung Synthetische Stadt {n}"
        else:
            name = rng.choice(templates[kind]).format(w=word, d=_district_label(home[i])) + f" ({ids[i]})"
        parent = "stadt" if kind == "office" and i > 0 and rng.random() < 0.6 else ""
        below = min(bisect.bisect_left(offices, i), len(offices) // 4)
        if kind == "office" and not parent and i > 0 and below and rng.random() < 0.5:
            parent = ids[offices[rng.randrange(below)]]  # an earlier office: no cycles
        r = rng.random()
        dists = "" if r < 0.1 else districts[home[i]] if r < 0.85 else "|".join(
            sorted({districts[home[i]], districts[rng.randrange(n_districts)]}))
        tgs = "|".join(sorted({t[0] for t in rng.sample(TARGET_GROUPS, pick_count(rng, (0.4, 0.4, 0.2)))}))
        website = f"https://example.org/akteur/{ids[i]}" if rng.random() < 0.3 else ""
        desc = f"{name} arbeitet zu {word}." if rng.random() < 0.2 else ""
        tables["actors"].append([ids[i], name, kind, parent, dists, tgs, website, desc, src()])
        for g in goals_of[i]:
            tables["actor_goals"].append([ids[i], goal_ids[g], src()])

    public_bodies = [i for i in range(n) if kinds[i] == "public_body"]
    programmes = [f"prog-{p + 1:03d}" for p in range(n_programmes)]
    for p, pid in enumerate(programmes):
        start = rng.randint(2010, 2026)
        end = str(min(2033, start + rng.randint(2, 7))) if rng.random() < 0.8 else ""
        funder = ids[rng.choice(public_bodies)] if public_bodies and rng.random() < 0.7 else ""
        tables["programmes"].append([pid, f"{PROGRAMME_FUNDERS[p % len(PROGRAMME_FUNDERS)]} {p + 1}",
                                     funder, str(start), end, src()])
    programme_pick = Picker([1 / (r + 1) for r in range(n_programmes)])

    members: list[list[int]] = []
    for p in range(n_projects):
        lead = active_pick(rng)
        partners: set[int] = set()
        for _ in range(pick_count(rng, (0.2, 0.3, 0.25, 0.15, 0.1))):
            c = rng.choice(by_district[home[lead]]) if rng.random() < 0.6 else active_pick(rng)  # has lead
            if c != lead:
                partners.add(c)
        gs = set()
        for _ in range(1 + pick_count(rng, (0.5, 0.35, 0.15))):
            gs.add(rng.choice(goals_of[lead]) if rng.random() < 0.7 else any_goal(rng))
        start = rng.randint(2010, 2030)
        end = "" if rng.random() < 0.1 else _year_or_date(rng, min(2033, start + rng.randint(1, 4)))
        r = rng.random()
        funded = programmes[programme_pick(rng)] if r < 0.75 else (
            ids[rng.choice(public_bodies)] if public_bodies and r < 0.85 else "")
        dists = districts[home[lead]] if rng.random() < 0.7 else ""
        tgs = rng.choice(TARGET_GROUPS)[0] if rng.random() < 0.5 else ""
        word = GOAL_WORDS[min(gs) % len(GOAL_WORDS)][0]
        tables["projects"].append([
            f"p-{p + 1:06d}", f"Projekt {word} {p + 1}", ids[lead],
            "|".join(ids[x] for x in sorted(partners)), "|".join(goal_ids[g] for g in sorted(gs)),
            funded, str(start), end, dists, tgs, "", src()])
        members.append([lead, *sorted(partners)])

    for i in actors_idx:
        chosen: set[int] = set()
        for _ in range(pick_count(rng, (0.4, 0.35, 0.17, 0.08))):
            local = venues_in[home[i]]
            if local and rng.random() < 0.6:
                chosen.add(rng.choice(local))
            elif venues_idx:
                chosen.add(rng.choice(venues_idx))
        for v in sorted(chosen):
            start = _year_or_date(rng, rng.randint(2010, 2024)) if rng.random() < 0.5 else ""
            end = str(rng.randint(int(start[:4]), 2025)) if start and rng.random() < 0.15 else ""
            role = "Vorsitz" if rng.random() < 0.08 else "Mitglied"
            tables["memberships"].append([ids[i], ids[v], role, start, end, "s-protokolle"])

    ties: set[tuple[int, int]] = set()
    ends: list[int] = []
    for i in actors_idx:
        for _ in range(pick_count(rng, (0.35, 0.35, 0.2, 0.1))):
            r = rng.random()
            if r < 0.5:
                j = rng.choice(by_district[home[i]])
            elif r < 0.75 and goals_of[i]:
                j = rng.choice(by_goal[rng.choice(goals_of[i])])
            else:
                j = rng.choice(ends) if ends else active_pick(rng)
            pair = (min(i, j), max(i, j))
            if i == j or pair in ties:
                continue
            ties.add(pair)
            ends += pair
            start = str(rng.randint(2008, 2025)) if rng.random() < 0.5 else ""
            end = str(rng.randint(int(start), 2025)) if start and rng.random() < 0.15 else ""
            a, b = (ids[i], ids[j]) if rng.random() < 0.5 else (ids[j], ids[i])
            tables["cooperations"].append([a, b, rng.choice(COOP_KINDS), start, end, src()])

    projects_of_goal: list[list[int]] = [[] for _ in range(n_goals)]
    for p, row in enumerate(tables["projects"]):
        for g in row[4].split("|"):
            projects_of_goal[int(g[2:]) - 1].append(p)
    n_recs = 2 * n_goals + n // 1000
    for r in range(n_recs):
        g = r % n_goals
        implemented = ""
        if projects_of_goal[g] and rng.random() < 0.5:
            implemented = f"p-{rng.choice(projects_of_goal[g]) + 1:06d}"
        horizon = rng.choice(("short", "medium", "long"))
        status = rng.choice(("offen", "in Umsetzung", "umgesetzt"))
        de = GOAL_WORDS[g % len(GOAL_WORDS)][0]
        tables["recommendations"].append([f"r-{r + 1:04d}", f"Angebote für {de} ausbauen ({r + 1})",
                                          goal_ids[g], horizon, implemented, status, "s-konzept"])

    for i in range(n):
        if rng.random() < 0.1:
            first, last = rng.choice(FIRST), rng.choice(LAST)
            phone = f"+49 6441 {rng.randint(10000, 99999)}"
            tables["contacts"].append([ids[i], "Ansprechperson", f"{first} {last}",
                                       f"kontakt.{ids[i]}@example.org", phone])

    folder = Path(out_dir) / f"landscape-{n}"
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in tables.items():
        with open(folder / f"{name}.csv", "w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh, lineterminator="\n")
            writer.writerow(COLUMNS[name])
            writer.writerows(rows)

    # anchors: G = the 3rd most worked-on goal (directly or through projects), F its field
    reach: list[set[int]] = [set(by_goal[g]) for g in range(n_goals)]
    for p, row in enumerate(tables["projects"]):
        for g in row[4].split("|"):
            reach[int(g[2:]) - 1].update(members[p])
    ranked = sorted(range(n_goals), key=lambda g: (-len(reach[g]), g))
    goal = ranked[min(2, n_goals - 1)]
    ego = sorted(actors_idx, key=lambda i: (activity[i], i))[int(len(actors_idx) * 0.9)]
    meta = {
        "actors": n, "seed": seed, "folder": str(folder), "dataset": f"bench-{n}",
        "goals": n_goals, "districts": n_districts, "working_groups": kinds.count("working_group"),
        "committees": kinds.count("committee"), "projects": n_projects, "programmes": n_programmes,
        "actor_goals": len(tables["actor_goals"]), "memberships": len(tables["memberships"]),
        "cooperations": len(tables["cooperations"]), "recommendations": n_recs,
        "contacts": len(tables["contacts"]),
        "kinds": {k: kinds.count(k) for k, *_ in KINDS},
        "goal_G": goal_ids[goal], "field_F": FIELDS[goal_field[goal]][0], "ego": ids[ego],
        "actors_on_G": len(reach[goal]),
    }
    (Path(out_dir) / f"landscape-{n}.json").write_text(json.dumps(meta, indent=1, ensure_ascii=False) + "\n",
                                                       encoding="utf-8")
    return meta


def is_cached(n: int, out_dir: str | Path = DEFAULT_OUT, *, seed: int = DEFAULT_SEED) -> bool:
    """Whether landscape ``n`` of this seed is already in ``out_dir``."""
    meta_path = Path(out_dir) / f"landscape-{n}.json"
    if not meta_path.exists() or not (Path(out_dir) / f"landscape-{n}" / "actors.csv").exists():
        return False
    return json.loads(meta_path.read_text(encoding="utf-8")).get("seed") == seed  # type: ignore[no-any-return]


def ensure(n: int, out_dir: str | Path = DEFAULT_OUT, *, seed: int = DEFAULT_SEED) -> dict[str, Any]:
    """The meta data of landscape ``n``, generating it first if it is missing or from another seed."""
    if is_cached(n, out_dir, seed=seed):
        return json.loads((Path(out_dir) / f"landscape-{n}.json").read_text(encoding="utf-8"))  # type: ignore[no-any-return]
    return generate(n, out_dir, seed=seed)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.generate", description=__doc__.split("\n")[0])
    ap.add_argument("scales", nargs="*", type=int, default=list(SCALES[:2]))
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED)
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = ap.parse_args(argv)
    for n in args.scales:
        meta = generate(n, args.out, seed=args.seed)
        keys = ("actors", "projects", "goals", "actor_goals", "memberships", "cooperations", "goal_G")
        print(json.dumps({k: meta[k] for k in keys}), file=sys.stdout)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
