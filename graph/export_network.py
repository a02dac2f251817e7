"""Network exports for Gephi and friends: GraphML, GEXF, and the nodes/edges CSV tables.

The network is :func:`graph.network.cooperation_network` on the reference
date (``as_of``, default today), optionally restricted to one action field,
with a few metrics added per node (degree, betweenness, broker, component).
GraphML and GEXF cannot hold lists, so list attributes are joined with ``|``
(the separator of the import tables).

GEXF is the timeline format: besides the ties that hold on the reference date
it carries every tie the actors ever had, each edge with its ``spells`` (the
periods of its cooperations, projects and shared working groups, overlapping
periods merged, as Gephi requires) and an ``active`` flag for the reference
date. GraphML and ``edges.csv`` are the snapshot of the reference date.

Examples:
    >>> merge_spells([(None, "2016-12-31"), ("2015-01-01", "2018-12-31"), ("2020-01-01", None)])
    [(None, '2018-12-31'), ('2020-01-01', None)]
    >>> flat(["a", "b"]), flat(3), flat(None)
    ('a|b', 3, '')
"""

from __future__ import annotations

import datetime as dt
from typing import Any, BinaryIO

import networkx as nx

from .export import ExportJob
from .gexf_writer import write_gexf
from .tables import MULTI_SEPARATOR

NODE_DOCS: dict[str, str] = {
    "id": "actor id (actors.csv)", "name": "actor name", "kind": "kind of actor (see actors.csv)",
    "sector": "sector: public, welfare, civil_society, migrant, education, economy, other",
    "districts": "ids of districts, separated by |", "target_groups": "ids of target groups, separated by |",
    "goals": "ids of the goals the actor works on at the reference date, directly or through projects",
    "fields": "ids of the action fields of those goals", "groups": "ids of the working groups and "
    "committees the actor is a member of at the reference date",
    "degree": "number of actors it cooperates with",
    "betweenness": "normalised betweenness centrality (share of shortest paths through the actor)",
    "pagerank": "PageRank", "eigenvector": "eigenvector centrality",
    "core_number": "k-core number (the actor is in a group where everyone has at least k ties)",
    "community": "community number (Louvain, seed 0)",
    "constraint": "Burt's constraint (high = ties only within a closed group; empty for isolated actors)",
    "broker": "true when removing the actor splits the network (articulation point)",
    "component": "number of the connected component (1 = largest)",
}
#: Node metrics taken from :func:`graph.metrics.compute_metrics`.
METRICS = ("degree", "betweenness", "pagerank", "eigenvector", "core_number", "community", "constraint")
EDGE_DOCS: dict[str, str] = {
    "source": "id of one actor", "target": "id of the other actor (the network is undirected)",
    "kinds": "why they are tied: cooperation, project, working_group (separated by |)",
    "start": "earliest start of the ties (empty = open)", "end": "latest end of the ties (empty = open)",
    "sources": "ids of the sources of the ties", "projects": "ids of the shared projects",
    "groups": "ids of the shared working groups or committees",
}
NODE_COLUMNS = list(NODE_DOCS)
EDGE_COLUMNS = list(EDGE_DOCS)


def flat(value: Any) -> Any:
    """A value GraphML/GEXF can store: lists joined with ``|``, None as empty string."""
    if value is None:
        return ""
    if isinstance(value, list | tuple | set):
        return MULTI_SEPARATOR.join(str(v) for v in value)
    return value


def merge_spells(spells: list[tuple[str | None, str | None]]) -> list[tuple[str | None, str | None]]:
    """Disjoint periods covering the given ones (None = open bound); Gephi rejects overlaps."""
    low, high = "0000-00-00", "9999-99-99"
    ordered = sorted(spells, key=lambda s: s[0] or low)
    out: list[list[str | None]] = []
    for start, end in ordered:
        if out and (start or low) <= (out[-1][1] or high):
            if (end or high) > (out[-1][1] or high):
                out[-1][1] = end
            continue
        out.append([start, end])
    return [(s, e) for s, e in out]


def _as_of(job: ExportJob) -> dt.date | None:
    if not job.as_of:
        return None
    from .landscape import parse_date

    return parse_date(job.as_of)


def _landscape(job: ExportJob) -> Any:
    from .landscape import load_landscape

    return load_landscape(job.store, job.datasets[0].name if len(job.datasets) == 1 else None)


def _add_metrics(g: nx.Graph) -> None:
    """The metrics of :func:`graph.metrics.compute_metrics` (the numbers the CLI shows) per node."""
    from .metrics import compute_metrics

    metrics = compute_metrics(g, seed=0)
    brokers = set(metrics["articulation_points"])
    parts = sorted(nx.connected_components(g), key=lambda c: (-len(c), min(c)))
    for i, part in enumerate(parts, start=1):
        for n in part:
            g.nodes[n]["component"] = i
    for n, values in metrics["nodes"].items():
        for key in METRICS:
            if key in values:
                g.nodes[n][key] = values[key]
        g.nodes[n]["broker"] = n in brokers


def _pseudonymise(job: ExportJob, land: Any, g: nx.Graph) -> nx.Graph:
    return _relabel(g, *_pseudonyms(job, land, g))


def _pseudonyms(job: ExportJob, land: Any, g: nx.Graph) -> tuple[dict[str, str], dict[str, str]]:
    """The new id and name of each node of a pseudonymised organisation."""
    by_name = {d.name: d for d in job.datasets}
    mapping: dict[str, str] = {}
    names: dict[str, str] = {}
    for n in g.nodes:
        actor = land.actors.get(n)
        info = by_name.get(getattr(actor, "dataset", ""))
        if info is None:
            continue
        p = job.pseudonyms(info)
        prefix = f"{info.name}:" if n.startswith(f"{info.name}:") else ""
        local = n[len(prefix):]
        if local in p.ids:
            mapping[n] = prefix + p.ids[local]
            names[n] = p.id_names[local]
    return mapping, names


def _relabel(g: nx.Graph, mapping: dict[str, str], names: dict[str, str]) -> nx.Graph:
    for n, new in mapping.items():
        g.nodes[n]["name"] = names[n]
        g.nodes[n]["id"] = new
    return nx.relabel_nodes(g, mapping) if mapping else g


def network_for(job: ExportJob) -> nx.Graph:
    """The cooperation network of the export on its reference date, with metrics, lists kept.

    The landscape is let go before the metrics: at 300,000 actors it holds 4 GB.
    """
    from .network import cooperation_network

    land = _landscape(job)
    g = cooperation_network(land, as_of=_as_of(job), field=job.field_id)
    renames = _pseudonyms(job, land, g) if job.pseudonymise else ({}, {})
    del land
    _add_metrics(g)
    return _relabel(g, *renames)


def _attrs(data: dict[str, Any], leave_out: tuple[str, ...] = ()) -> dict[str, Any]:
    """Attributes as GraphML/GEXF can store them; missing values (None) are left out."""
    return {k: flat(v) for k, v in data.items() if v is not None and k not in leave_out}


def _flat_node(n: Any, data: dict[str, Any]) -> dict[str, Any]:
    """A node's attributes as GraphML and GEXF store them, with its name as ``label``."""
    return {"label": data.get("name", n), **_attrs(data)}


def _flatten(g: nx.Graph) -> nx.Graph:
    """``g`` with GraphML-storable attributes and a ``label`` per node, changed in place.

    In place, because a flat copy of a 300,000-actor network held GBs beside the original.
    """
    g.graph = _attrs(g.graph)
    for n, data in g.nodes(data=True):
        flat = _flat_node(n, data)
        data.clear()
        data.update(flat)
    for _, _, data in g.edges(data=True):
        flat = _attrs(data)
        data.clear()
        data.update(flat)
    return g


def timeline_graph(job: ExportJob) -> nx.Graph:
    """The GEXF network: snapshot nodes, every tie ever between them, with spells."""
    from .network import all_ties, cooperation_network, edge_data

    land = _landscape(job)
    on = _as_of(job)
    snapshot = cooperation_network(land, as_of=on, field=job.field_id)
    _add_metrics(snapshot)
    g = nx.Graph(**snapshot.graph)
    g.add_nodes_from(snapshot.nodes(data=True))
    for (a, b), ties in sorted(all_ties(land).items()):
        if a not in g or b not in g:
            continue
        data = edge_data(ties)
        spells = merge_spells([(t.start.isoformat() if t.start else None,
                                t.end.isoformat() if t.end else None) for t in ties])
        g.add_edge(a, b, **data, active=snapshot.has_edge(a, b), spells=spells)
    if job.pseudonymise:
        g = _pseudonymise(job, land, g)
    return g


def node_rows(g: nx.Graph) -> tuple[list[str], list[dict[str, Any]]]:
    """``nodes.csv``: one row per actor of the network."""
    rows = [{c: flat(data.get(c, "")) for c in NODE_COLUMNS} | {"id": n} for n, data in g.nodes(data=True)]
    for row in rows:
        row["broker"] = str(row["broker"]).lower()
    return NODE_COLUMNS, sorted(rows, key=lambda r: r["id"])


def edge_rows(g: nx.Graph) -> tuple[list[str], list[dict[str, Any]]]:
    """``edges.csv``: one row per tie of the network on the reference date."""
    rows = []
    for a, b, data in g.edges(data=True):
        lo, hi = sorted((a, b))
        rows.append({"source": lo, "target": hi} | {c: flat(data.get(c, "")) for c in EDGE_COLUMNS[2:]})
    return EDGE_COLUMNS, sorted(rows, key=lambda r: (r["source"], r["target"]))


def write_network(job: ExportJob, fh: BinaryIO) -> None:
    """Write the ``graphml`` or ``gexf`` export to ``fh``."""
    job.step("building the cooperation network")
    if job.fmt.name == "graphml":
        # networkx streams GraphML through lxml when it is installed (a dependency for this);
        # its ElementTree writer builds the whole document first (10.6 GB at 300,000 actors)
        nx.write_graphml_lxml(_flatten(network_for(job)), fh)
        return
    # networkx's write_gexf builds the whole document first (15 GB and rising at 300,000 actors)
    write_gexf(timeline_graph(job), fh, node_data=_flat_node, edge_data=_gexf_edge, mode="dynamic")


def _gexf_edge(a: Any, b: Any, data: dict[str, Any]) -> dict[str, Any]:
    attrs = _attrs(data, ("start", "end", "spells"))
    # GEXF reserves start/end for time: the periods go into spells, the text into since/until
    attrs["since"], attrs["until"] = data.get("start", ""), data.get("end", "")
    if data["spells"] and data["spells"] != [(None, None)]:
        attrs["spells"] = data["spells"]
    return attrs
