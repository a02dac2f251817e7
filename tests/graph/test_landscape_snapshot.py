"""The landscape snapshot beside an on-disk store (graph/landscape_snapshot.py): read only when the
store has not changed since, rebuilt otherwise, never a reason for a load to fail."""

from __future__ import annotations

import dataclasses
import logging
import pickle
import shutil
from pathlib import Path

import pytest

from graph import landscape_snapshot
from graph.errors import NotFound
from graph.importer import FIXTURE, import_dataset
from graph.landscape import Landscape, load_landscape
from graph.landscape_snapshot import snapshot_path
from graph.store import files_fingerprint, open_store


@pytest.fixture
def store_dir(tmp_path: Path) -> Path:
    path = tmp_path / "store"
    with open_store(f"oxigraph:{path}") as store:
        import_dataset(store, FIXTURE)
    return path


def renamed_fixture(tmp_path: Path, old: str, new: str) -> Path:
    folder = tmp_path / "testville"
    shutil.copytree(FIXTURE, folder)
    actors = folder / "actors.csv"
    actors.write_text(actors.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    return folder


def plant(store_dir: Path, land: Landscape, dataset: str | None = None) -> None:
    """Replace the saved landscape by another one under the same header (to see which one a load reads)."""
    path = snapshot_path(store_dir, dataset)
    with path.open("rb") as f:
        header = pickle.load(f)
    with path.open("wb") as f:
        pickle.dump(header, f)
        pickle.dump(land, f)


def test_the_first_load_saves_the_landscape_and_the_next_load_reads_it(store_dir: Path) -> None:
    with open_store(f"oxigraph:{store_dir}", read_only=True) as store:
        land = load_landscape(store)
        assert snapshot_path(store_dir).is_file()
        assert land == load_landscape(store, snapshot=False)
        plant(store_dir, dataclasses.replace(land, datasets=["planted"]))
        assert load_landscape(store).datasets == ["planted"]  # read from the file, not the store
        assert load_landscape(store, snapshot=False).datasets == land.datasets
        one = load_landscape(store, "testville")  # one dataset: its own file
        assert snapshot_path(store_dir, "testville").is_file() and one == load_landscape(store, "testville")
        plant(store_dir, dataclasses.replace(one, datasets=["planted one"]), "testville")
        assert load_landscape(store, "testville").datasets == ["planted one"]
        assert load_landscape(store).datasets == ["planted"]
        with pytest.raises(NotFound):
            load_landscape(store, "nowhere")


def test_a_write_to_the_store_makes_the_next_load_read_the_store(store_dir: Path, tmp_path: Path) -> None:
    with open_store(f"oxigraph:{store_dir}", read_only=True) as store:
        before = load_landscape(store)
    plant(store_dir, dataclasses.replace(before, datasets=["planted"]))
    with open_store(f"oxigraph:{store_dir}") as store:
        import_dataset(store, renamed_fixture(tmp_path, "Integrationsbüro", "Integrationsamt"))
        assert not snapshot_path(store_dir).exists()  # removed before the write
        assert load_landscape(store).actors["amt"].name == "Integrationsamt"
    with open_store(f"oxigraph:{store_dir}", read_only=True) as store:
        after = load_landscape(store)
        assert after.actors["amt"].name == "Integrationsamt" and after.datasets == before.datasets
        assert after == load_landscape(store, snapshot=False)


def test_a_write_by_the_server_process_is_seen_by_its_next_load(store_dir: Path, tmp_path: Path) -> None:
    with open_store(f"oxigraph:{store_dir}") as store:
        assert load_landscape(store).actors["amt"].name == "Integrationsbüro"
        import_dataset(store, renamed_fixture(tmp_path, "Integrationsbüro", "Integrationsamt"))
        assert load_landscape(store).actors["amt"].name == "Integrationsamt"


def test_a_reader_opened_before_a_write_neither_reads_nor_writes_a_snapshot(store_dir: Path,
                                                                           tmp_path: Path) -> None:
    reader = open_store(f"oxigraph:{store_dir}", read_only=True)
    try:
        old = load_landscape(reader)
        with open_store(f"oxigraph:{store_dir}") as writer:
            import_dataset(writer, renamed_fixture(tmp_path, "Integrationsbüro", "Integrationsamt"))
        assert not snapshot_path(store_dir).exists()  # the write removed it
        assert reader.view_fingerprint() is None  # its view is older than the files
        assert load_landscape(reader) == old  # what the handle reads, built from it
        assert not snapshot_path(store_dir).exists()  # which is not the data on disk any more
    finally:
        reader.close()
    with open_store(f"oxigraph:{store_dir}", read_only=True) as store:
        assert load_landscape(store).actors["amt"].name == "Integrationsamt"


def test_a_snapshot_of_other_code_or_damaged_is_ignored_and_replaced(store_dir: Path,
                                                                    monkeypatch: pytest.MonkeyPatch,
                                                                    caplog: pytest.LogCaptureFixture) -> None:
    with open_store(f"oxigraph:{store_dir}", read_only=True) as store:
        land = load_landscape(store)
        plant(store_dir, dataclasses.replace(land, datasets=["planted"]))
        monkeypatch.setattr(landscape_snapshot, "code_version", lambda: "other code")
        assert load_landscape(store) == land
        monkeypatch.undo()
        assert load_landscape(store) == land  # saved again under this code's header
        path = snapshot_path(store_dir)
        with path.open("rb") as f:
            pickle.load(f)
            cut = f.tell() + 100
        path.write_bytes(path.read_bytes()[:cut])  # the header, then cut off (as by a full disk)
        with caplog.at_level(logging.WARNING, logger="graph.landscape_snapshot"):
            assert load_landscape(store) == land
        assert "cannot be read" in caplog.text and str(path) in caplog.text
        assert load_landscape(store) == land and path.stat().st_size > cut  # rebuilt and saved again


def test_a_snapshot_that_cannot_be_written_does_not_fail_the_load(store_dir: Path) -> None:
    snapshot_path(store_dir).mkdir()  # nothing can be renamed onto a directory
    with open_store(f"oxigraph:{store_dir}", read_only=True) as store:
        assert load_landscape(store) == load_landscape(store, snapshot=False)
    assert [p.name for p in store_dir.parent.iterdir() if p.name.endswith(".tmp")] == []


def test_the_snapshot_holds_no_personal_data(store_dir: Path) -> None:
    with open_store(f"oxigraph:{store_dir}", read_only=True) as store:
        load_landscape(store)
    data = snapshot_path(store_dir).read_bytes()
    assert b"Mustermann" not in data and b"@example.org" not in data


def test_stores_not_on_disk_have_no_snapshot(tmp_path: Path) -> None:
    store = open_store("memory:")
    import_dataset(store, FIXTURE)
    assert store.view_fingerprint() is None
    assert load_landscape(store) == load_landscape(store, snapshot=False)


def test_the_fingerprint_changes_with_every_write(store_dir: Path, tmp_path: Path) -> None:
    first = files_fingerprint(store_dir)
    with open_store(f"oxigraph:{store_dir}", read_only=True):
        assert files_fingerprint(store_dir) == first  # reading changes nothing
    with open_store(f"oxigraph:{store_dir}") as store:
        opened = files_fingerprint(store_dir)
        import_dataset(store, renamed_fixture(tmp_path, "Integrationsbüro", "Integrationsamt"))
        assert files_fingerprint(store_dir) != opened  # the write-ahead log grew, before any flush


def test_a_landscape_built_while_the_store_changed_is_not_saved(store_dir: Path, tmp_path: Path) -> None:
    with open_store(f"oxigraph:{store_dir}") as store:
        def build_then_write() -> Landscape:
            land = load_landscape(store, snapshot=False)
            import_dataset(store, renamed_fixture(tmp_path, "Integrationsbüro", "Integrationsamt"))
            return land

        assert landscape_snapshot.load_or_build(store, build_then_write).actors["amt"].name == "Integrationsbüro"
        assert not snapshot_path(store_dir).exists()
        assert load_landscape(store).actors["amt"].name == "Integrationsamt"


def test_a_log_rewritten_in_place_at_the_same_size_changes_the_fingerprint(tmp_path: Path) -> None:
    """RocksDB recycles write-ahead logs (Oxigraph turns it on): same name, same size, new content."""
    import os

    (tmp_path / "000001.sst").write_bytes(b"table")
    log_file = tmp_path / "000002.log"
    log_file.write_bytes(b"first write")
    os.utime(log_file, ns=(1_000_000_000, 1_000_000_000))
    before = files_fingerprint(tmp_path)
    log_file.write_bytes(b"other write")
    os.utime(log_file, ns=(2_000_000_000, 2_000_000_000))
    assert files_fingerprint(tmp_path) != before
    (tmp_path / "000003.log").write_bytes(b"")  # the empty log of a read-write open
    os.utime(log_file, ns=(1_000_000_000, 1_000_000_000))
    assert files_fingerprint(tmp_path) == before


def test_a_landscape_that_cannot_be_pickled_is_returned_and_not_saved(store_dir: Path) -> None:
    odd = Landscape(datasets=["x"])
    odd.cache["f"] = lambda: None  # pickle refuses lambdas
    with open_store(f"oxigraph:{store_dir}", read_only=True) as store:
        assert landscape_snapshot.load_or_build(store, lambda: odd) is odd
    assert not snapshot_path(store_dir).exists()
    assert [p.name for p in store_dir.parent.iterdir() if p.name.endswith(".tmp")] == []
