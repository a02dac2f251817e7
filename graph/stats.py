"""Counts per class and per dataset: what is in the store at a glance."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from . import queries
from .namespaces import NS, ONTOLOGY_IRI
from .store import Store

#: Classes reported by ``integraph stats``, by short name.
REPORTED = {
    "Actor": None, "Project": None, "Programme": None, "ActionField": None, "Goal": None,
    "TargetGroup": None, "District": None, "Recommendation": None, "Cooperation": None,
    "Source": None, "GoalContribution": None,
}
ORG_MEMBERSHIP = "http://www.w3.org/ns/org#Membership"
ACTOR_CLASSES = (
    "PublicOffice", "PublicBody", "WelfareAssociation", "Association", "MigrantOrganisation",
    "EducationProvider", "ReligiousCommunity", "Company", "Committee", "WorkingGroup", "OtherActor",
)


def store_stats(store: Store) -> dict[str, Any]:
    """``{"datasets": {name: {"graph", "municipality", "modified", "triples", "counts"}}}``.

    ``counts`` has one entry per class (actors also in total as ``Actor``).

    Examples:
        >>> from graph.store import open_store
        >>> from graph.importer import import_dataset, FIXTURE
        >>> store = open_store("memory:")
        >>> _ = import_dataset(store, FIXTURE)
        >>> store_stats(store)["datasets"]["testville"]["counts"]["Actor"]
        12
    """
    names = {r["graph"]: r for r in queries.run(store, "datasets")}
    per_graph: dict[str, dict[str, int]] = defaultdict(dict)
    for row in queries.run(store, "stats"):
        g, cls = row["g"], row["class"]
        if g == ONTOLOGY_IRI:
            continue
        short = cls[len(NS):] if cls.startswith(NS) else ("Membership" if cls == ORG_MEMBERSHIP else None)
        if short is None or (short not in REPORTED and short not in ACTOR_CLASSES and short != "Membership"):
            continue
        per_graph[g][short] = row["n"]
    out: dict[str, Any] = {}
    for g, counts in per_graph.items():
        counts["Actor"] = sum(counts.get(c, 0) for c in ACTOR_CLASSES)
        meta = names.get(g, {})
        name = meta.get("name", g)
        out[name] = {
            "graph": g,
            "municipality": meta.get("municipality", ""),
            "modified": meta.get("modified", ""),
            "triples": store.count(g),
            "counts": dict(sorted(counts.items())),
        }
    return {"datasets": dict(sorted(out.items()))}
