"""The ontology and the SHACL shapes, loaded once from ``ontology/``.

They are the source of truth for the vocabulary (STYLE §4): the importer
stores the ontology in its own named graph, so that the union default graph
answers ``?a a/rdfs:subClassOf* ig:Actor``, and validates every import
against the shapes.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox
import rdflib

ONTOLOGY_DIR = Path(__file__).resolve().parent.parent / "ontology"
ONTOLOGY_FILE = ONTOLOGY_DIR / "integraph.ttl"
SHAPES_FILE = ONTOLOGY_DIR / "shapes.ttl"


@lru_cache(maxsize=1)
def ontology_graph() -> rdflib.Graph:
    """``ontology/integraph.ttl`` as an rdflib graph."""
    return rdflib.Graph().parse(ONTOLOGY_FILE, format="turtle")


@lru_cache(maxsize=1)
def shapes_graph() -> rdflib.Graph:
    """``ontology/shapes.ttl`` as an rdflib graph."""
    return rdflib.Graph().parse(SHAPES_FILE, format="turtle")


def ontology_triples() -> list[ox.Triple]:
    """The ontology as pyoxigraph triples, for storing in the ontology graph."""
    with ONTOLOGY_FILE.open("rb") as fh:
        return [ox.Triple(q.subject, q.predicate, q.object)
                for q in ox.parse(fh, format=ox.RdfFormat.TURTLE)]


def to_rdflib(triples: list[ox.Triple]) -> rdflib.Graph:
    """Copy pyoxigraph triples into an rdflib graph (for pySHACL)."""
    g = rdflib.Graph()
    if triples:
        data = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
        g.parse(data=data.decode("utf-8"), format="nt")
    return g
