"""Helpers shared by the graph tests."""

from __future__ import annotations

from pathlib import Path

from graph.importer import import_dataset
from graph.landscape import Landscape, load_landscape
from graph.store import open_store


def generated_landscape(folder: Path, seed: int, actors: int = 300) -> Landscape:
    """The benchmark generator's landscape of ``actors`` actors, imported into a memory store."""
    from benchmarks.generate import generate

    generate(actors, folder, seed=seed)
    store = open_store("memory:")
    import_dataset(store, folder / f"landscape-{actors}")
    return load_landscape(store)
