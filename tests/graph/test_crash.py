"""A killed import leaves the previous state (SPEC §9), tested with SIGKILL on a real process."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from graph.importer import import_dataset
from graph.store import STAGING_MARK, OxigraphStore

B = "https://w3id.org/integraph/id/testville"

CHILD = r"""
import sys, time
import pyoxigraph as ox
from graph import store as st
from graph.importer import import_dataset

phase = sys.argv[3]


class Patched:
    '''Wraps the real store: pauses before or after the one write transaction.'''

    def __init__(self, inner):
        self.inner = inner

    def __getattr__(self, name):
        return getattr(self.inner, name)

    def update(self, text):
        if phase == "before-commit":
            print("WRITING", flush=True); time.sleep(30)
        self.inner.update(text)
        if phase == "after-commit":
            print("COMMITTED", flush=True); time.sleep(30)


store = st.OxigraphStore(st.Path(sys.argv[1]))
store._store = Patched(store._store)
import_dataset(store, sys.argv[2], progress=lambda step: print(step, flush=True))
print("DONE", flush=True)
"""


def changed_copy(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst)
    text = (dst / "actors.csv").read_text().replace("Sportverein Nord", "SV Nord 1920")
    (dst / "actors.csv").write_text(text)
    return dst


def label(store_dir: Path) -> str:
    store = OxigraphStore(store_dir)
    try:
        assert not [g for g in store.named_graphs() if STAGING_MARK in g]
        rows = store.select("SELECT ?l WHERE { ?a dct:identifier 'verein' ; skos:prefLabel ?l }")
        count = store.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")[0]["n"]
        assert count > 200, "the dataset graph is complete, never half written"
        return rows[0]["l"]
    finally:
        store.close()


@pytest.mark.slow
@pytest.mark.parametrize(("phase", "marker", "expected"), [
    ("validating", "validating with SHACL", "Sportverein Nord"),
    ("before-commit", "WRITING", "Sportverein Nord"),
    ("after-commit", "COMMITTED", "SV Nord 1920"),
])
def test_sigkill_leaves_before_or_after(phase: str, marker: str, expected: str, tmp_path: Path,
                                        fixture_path: Path) -> None:
    store_dir = tmp_path / "store"
    first = OxigraphStore(store_dir)
    import_dataset(first, fixture_path)
    first.close()
    new = changed_copy(fixture_path, tmp_path / "new")
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(store_dir), str(new), phase],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             cwd=Path(__file__).resolve().parents[2])
    try:
        deadline = time.monotonic() + 60
        line = ""
        while time.monotonic() < deadline:
            line = child.stdout.readline().strip()
            if line == marker or not line:
                break
        assert line == marker, child.stderr.read()
        os.kill(child.pid, signal.SIGKILL)
        child.wait(10)
    finally:
        if child.poll() is None:
            child.kill()
    assert label(store_dir) == expected
