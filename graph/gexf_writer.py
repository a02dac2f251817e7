"""GEXF written piece by piece, with networkx's own element builders.

``networkx.write_gexf`` builds the whole XML tree before it writes a byte: 15 GB and rising for
the 300,000-actor network (2M ties with spells and attributes), where GraphML streams through
lxml. Here networkx's :class:`~networkx.readwrite.gexf.GEXFWriter` turns :data:`CHUNK` nodes or
edges at a time into elements, each chunk goes to a temporary file as text and is dropped, and
the document is put together at the end, once the attribute declarations (which networkx
collects as it meets attributes, and which come first in the file) are known. The result is
the document networkx writes (without its indentation), which ``networkx.read_gexf`` and Gephi
read the same way.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from typing import IO, Any
from xml.etree.ElementTree import Element, tostring

import networkx as nx
from networkx.readwrite.gexf import GEXFWriter

#: Nodes or edges turned into elements at a time.
CHUNK = 20_000
_NODES, _EDGES = "@@integraph-gexf-nodes@@", "@@integraph-gexf-edges@@"

NodeData = Callable[[Any, dict[str, Any]], dict[str, Any]]
EdgeData = Callable[[Any, Any, dict[str, Any]], dict[str, Any]]


def _chunks(items: Iterable[Any]) -> Iterator[list[Any]]:
    it = iter(items)
    while chunk := list(islice(it, CHUNK)):
        yield chunk


def _spool(out: IO[bytes], elements: Element) -> None:
    for element in elements:
        out.write(tostring(element, encoding="unicode").encode("utf-8"))


def write_gexf(g: nx.Graph, fh: IO[bytes], *, node_data: NodeData, edge_data: EdgeData,
               mode: str = "static") -> None:
    """Write the undirected simple graph ``g`` as GEXF 1.2 to the binary file ``fh``.

    Edges get networkx's automatic ids (the export's ties carry no ``id`` attribute).

    ``node_data(n, attrs)`` and ``edge_data(u, v, attrs)`` return the attributes to write for
    each node and edge, as networkx's writer takes them (``label``, ``spells``, scalar values);
    they are called one chunk at a time, so no flat copy of the whole network is ever held.
    """
    if g.is_directed() or g.is_multigraph():
        raise TypeError("write_gexf streams undirected simple graphs (nx.Graph), as the export builds them")
    writer = GEXFWriter(encoding="utf-8", prettyprint=False)
    graph = Element("graph", defaultedgetype="undirected", mode=mode,
                    name=str(g.graph.get("name", "")))
    writer.graph_element = graph  # where networkx declares attributes and time formats as it meets them
    with tempfile.TemporaryFile() as nodes, tempfile.TemporaryFile() as edges:
        for chunk in _chunks(g.nodes(data=True)):
            part = nx.Graph()
            part.add_nodes_from((n, node_data(n, attrs)) for n, attrs in chunk)
            holder = Element("holder")
            writer.add_nodes(part, holder)
            _spool(nodes, holder[0])
        for chunk in _chunks(g.edges(data=True)):
            part = nx.Graph()
            for u, v, _ in chunk:  # networkx names an edge's ends by their nodes' "id" attribute
                part.add_node(u, id=g.nodes[u].get("id", u))
                part.add_node(v, id=g.nodes[v].get("id", v))
            part.add_edges_from((u, v, edge_data(u, v, attrs)) for u, v, attrs in chunk)
            holder = Element("holder")
            writer.add_edges(part, holder)
            _spool(edges, holder[0])
        _text_child(graph, "nodes", _NODES)
        _text_child(graph, "edges", _EDGES)
        writer.xml.append(graph)
        skeleton = tostring(writer.xml, encoding="unicode")
        head, rest = skeleton.split(_NODES)
        middle, tail = rest.split(_EDGES)
        fh.write(b"<?xml version='1.0' encoding='utf-8'?>\n" + head.encode("utf-8"))
        for spool, text in ((nodes, middle), (edges, tail)):
            spool.seek(0)
            while block := spool.read(1 << 20):
                fh.write(block)
            fh.write(text.encode("utf-8"))


def _text_child(parent: Element, tag: str, text: str) -> None:
    """Append ``<tag>text</tag>`` to ``parent``."""
    child = Element(tag)
    child.text = text
    parent.append(child)
