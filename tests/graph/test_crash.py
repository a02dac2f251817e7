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
        assert not [g for g in store._all_graphs() if STAGING_MARK in g]
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


BULK_CHILD = r"""
import sys, time
from graph import store as st
from graph.importer import import_dataset

st.BULK_THRESHOLD = 10  # the Testville graph (~600 triples) goes the bulk path
phase = sys.argv[3]


class Patched:
    '''Wraps the real store: pauses inside the bulk load, or after the commit.'''

    def __init__(self, inner):
        self.inner = inner

    def __getattr__(self, name):
        return getattr(self.inner, name)

    def bulk_load(self, *args, **kwargs):
        self.inner.bulk_load(*args, **kwargs)
        if phase == "loaded":
            self.inner.flush()
            print("LOADED", flush=True); time.sleep(30)

    def update(self, text):
        self.inner.update(text)
        if phase == "committed" and "DROP GRAPH <urn:integraph:journal" in text:
            print("COMMITTED", flush=True); time.sleep(30)


store = st.OxigraphStore(st.Path(sys.argv[1]))
store._store = Patched(store._store)
import_dataset(store, sys.argv[2], progress=lambda step: print(step, flush=True))
print("DONE", flush=True)
"""


def run_until(script: str, args: list[str], marker: str) -> None:
    child = subprocess.Popen([sys.executable, "-c", script, *args], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, cwd=Path(__file__).resolve().parents[2])
    try:
        deadline = time.monotonic() + 60
        line = ""
        while time.monotonic() < deadline:
            line = child.stdout.readline().strip()  # type: ignore[union-attr]
            if line == marker or not line:
                break
        assert line == marker, child.stderr.read()  # type: ignore[union-attr]
        os.kill(child.pid, signal.SIGKILL)
        child.wait(10)
    finally:
        if child.poll() is None:
            child.kill()


def actor_count(store: OxigraphStore) -> int:
    return store.select("SELECT (COUNT(?a) AS ?n) WHERE { ?a ig:kind ?k }")[0]["n"]


@pytest.mark.slow
def test_sigkill_during_a_bulk_loaded_first_import_leaves_nothing(tmp_path: Path, fixture_path: Path) -> None:
    store_dir = tmp_path / "store"
    OxigraphStore(store_dir).close()
    run_until(BULK_CHILD, [str(store_dir), str(fixture_path), "loaded"], "LOADED")
    # the half-written graph is on disk, but a reader never sees it ...
    reader = OxigraphStore(store_dir, read_only=True)
    try:
        assert f"{B}/graph" not in reader.named_graphs()
        assert actor_count(reader) == 0
    finally:
        reader.close()
    # ... and the next writable open removes it with its journal
    store = OxigraphStore(store_dir)
    try:
        assert store._all_graphs() == []
        assert actor_count(store) == 0
        import_dataset(store, fixture_path)  # and the import then works
        assert actor_count(store) > 5
    finally:
        store.close()


@pytest.mark.slow
def test_sigkill_after_a_bulk_loaded_import_committed_keeps_it(tmp_path: Path, fixture_path: Path) -> None:
    store_dir = tmp_path / "store"
    OxigraphStore(store_dir).close()
    run_until(BULK_CHILD, [str(store_dir), str(fixture_path), "committed"], "COMMITTED")
    assert label(store_dir) == "Sportverein Nord"


def test_bulk_path_writes_the_same_graphs_as_the_update_path(tmp_path: Path, fixture_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    import graph.store as st
    from graph.importer import prepare

    prepared = prepare(fixture_path)[0]
    graphs = {f"{B}/graph": prepared.public, f"{B}/graph/private": prepared.private}
    contents = []
    for threshold in (10**9, 10):
        monkeypatch.setattr(st, "BULK_THRESHOLD", threshold)
        store = OxigraphStore(tmp_path / f"s{threshold}")
        store.replace_graphs(graphs)
        contents.append({g: sorted(map(str, store.triples(g))) for g in store.named_graphs()})
        assert store._all_graphs() == sorted(graphs)  # no journal left behind
        store.close()
    assert contents[0] == contents[1]
    assert len(contents[0][f"{B}/graph"]) > 200
