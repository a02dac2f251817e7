"""The landscape of an on-disk store, kept beside it as a pickle so that it loads in seconds.

Building a :class:`~graph.landscape.Landscape` decodes every quad of the dataset graphs, and
Oxigraph's decoding grows faster than the data: 33 s at 30,000 actors, 8–11 min at 300,000
(``benchmarks/README.md``). Every analysis command starts with that load, so the first load of a
store writes the landscape to ``{store}.landscape`` and later loads read it back.

A snapshot is only ever read for the exact data it was built from. Its header names the store's
:func:`~graph.store.files_fingerprint` (any committed write changes it), the code of
``graph/landscape.py`` and the Python version. A snapshot that does not match, cannot be read or
is damaged is ignored and replaced; one is only written when the store did not change while the
landscape was built. The file is as private as the store beside it: it is never served, and it is
loaded with :mod:`pickle`, so whoever can write it can run code, exactly as whoever can write the
store directory can change every answer.
"""

from __future__ import annotations

import contextlib
import glob
import hashlib
import logging
import os
import pickle
import sys
import tempfile
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)
FORMAT = 1
SUFFIX = ".landscape"


#: The code a landscape is built by (its classes, its queries, the IRIs they use): a change to any
#: of these never reads a file saved by the old code.
SOURCES = ("landscape.py", "queries.py", "namespaces.py", "queries/landscape_links.rq",
           "queries/landscape_values.rq", "queries/datasets.rq")


@cache
def code_version() -> str:
    """A digest of :data:`SOURCES` and the Python version."""
    here = Path(__file__).resolve().parent
    digest = hashlib.blake2b(sys.version.encode(), digest_size=16)
    for name in SOURCES:
        digest.update(name.encode() + b"\0" + (here / name).read_bytes())
    return digest.hexdigest()


def snapshot_path(store_path: Path, dataset: str | None = None) -> Path:
    """``data/store`` → ``data/store.landscape`` (beside the store, never inside RocksDB's directory);
    the landscape of one dataset goes to ``data/store.{digest of its name}.landscape``."""
    if dataset is None:
        return store_path.with_name(store_path.name + SUFFIX)
    name = hashlib.blake2b(dataset.encode(), digest_size=8).hexdigest()
    return store_path.with_name(f"{store_path.name}.{name}{SUFFIX}")


def _header(fingerprint: str, dataset: str | None) -> dict[str, Any]:
    return {"format": FORMAT, "code": code_version(), "store": fingerprint, "dataset": dataset}


def read(store_path: Path, fingerprint: str, dataset: str | None = None) -> Any | None:
    """The landscape saved for exactly this fingerprint and dataset, or None."""
    path = snapshot_path(store_path, dataset)
    try:
        with path.open("rb") as f:
            if pickle.load(f) != _header(fingerprint, dataset):
                return None
            return pickle.load(f)
    except FileNotFoundError:
        return None
    except Exception as exc:  # a damaged or foreign file must never stop an analysis
        log.warning("ignoring the landscape snapshot %s, it cannot be read (%s); it will be rebuilt",
                    path, exc)
        return None


def write(store_path: Path, fingerprint: str, land: Any, dataset: str | None = None) -> bool:
    """Save ``land`` for this fingerprint (atomically: a reader sees the old file or the new one)."""
    path = snapshot_path(store_path, dataset)
    tmp: str | None = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
        with os.fdopen(fd, "wb") as f:
            pickle.dump(_header(fingerprint, dataset), f, protocol=pickle.HIGHEST_PROTOCOL)
            pickle.dump(land, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
        return True
    except Exception as exc:  # a read-only or full disk, an object pickle refuses: the load still succeeds
        log.info("the landscape snapshot %s was not written: %s", path, exc)
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        return False


def discard_snapshots(store_path: Path) -> None:
    """Remove every landscape saved beside the store (before a write; the fingerprint would also
    tell, but a file that is gone cannot be misread)."""
    for path in store_path.parent.glob(f"{glob.escape(store_path.name)}.*"):
        if path.name.endswith(SUFFIX) or (SUFFIX + "." in path.name and path.name.endswith(".tmp")):
            try:
                path.unlink()
            except OSError as exc:
                log.warning("could not remove the landscape snapshot %s: %s", path, exc)


def load_or_build(store: Any, build: Callable[[], Any], dataset: str | None = None) -> Any:
    """The landscape of ``store`` (or of one ``dataset``) from its snapshot when it matches, else
    ``build()`` (then saved).

    Stores that are not on disk (memory, a SPARQL endpoint) always build.
    """
    before = store.view_fingerprint()
    if before is None:
        return build()
    land = read(store.path, before, dataset)
    if land is not None:
        return land
    land = build()
    if store.view_fingerprint() == before:  # nothing was written while it was built
        write(store.path, before, land, dataset)
    return land
