"""No export shows personal data unless asked; pseudonymised exports name no migrant organisation."""

from __future__ import annotations

import csv
import html
import io
import zipfile
from collections.abc import Iterator

import pytest

from graph.export import FORMATS, PSEUDONYMISED_KINDS, export
from graph.importer import FIXTURE, import_dataset
from graph.store import Store, open_store


@pytest.fixture(scope="module")
def store() -> Iterator[Store]:
    s = open_store("memory:")
    import_dataset(s, FIXTURE)
    yield s
    s.close()


def fixture_rows(table: str) -> list[dict[str, str]]:
    with (FIXTURE / f"{table}.csv").open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def personal_data() -> list[str]:
    """Every name, e-mail and phone number of contacts.csv (and the local part of the e-mail)."""
    values = []
    for row in fixture_rows("contacts"):
        values += [row["name"], row["email"], row["email"].split("@")[0], row["phone"]]
        values += [row["phone"].replace(" ", "")]
    return [v for v in values if v]


def text_of(data: bytes, fmt: str) -> str:
    """Everything a reader of the file sees, zip members (xlsx, csv) unpacked.

    XML character references are resolved: openpyxl writes ``&#252;`` for ``ü`` when lxml is
    installed, and a name hidden that way must still count as present.
    """
    if fmt in ("xlsx", "csv"):
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            return "\n".join(html.unescape(zf.read(n).decode("utf-8", "replace")) for n in zf.namelist())
    return data.decode("utf-8")


def exported(store: Store, fmt: str, **kw: object) -> str:
    buf = io.BytesIO()
    export(store, fmt, buf, **kw)  # type: ignore[arg-type]
    return text_of(buf.getvalue(), fmt)


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_no_personal_data_without_include_private(store: Store, fmt: str) -> None:
    text = exported(store, fmt)
    assert len(text) > 1000
    for value in personal_data():
        assert value not in text, (fmt, value)
    assert "#contact-" not in text  # the contact point nodes of the private graph


@pytest.mark.parametrize("fmt", [f for f, spec in FORMATS.items() if spec.family != "network"])
def test_personal_data_when_asked_for(store: Store, fmt: str) -> None:
    text = exported(store, fmt, include_private=True)
    for row in fixture_rows("contacts"):
        assert row["name"] in text and row["email"] in text and row["phone"] in text, fmt


def protected() -> list[dict[str, str]]:
    return [r for r in fixture_rows("actors") if r["kind"] in PSEUDONYMISED_KINDS]


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_pseudonymised_exports_name_no_protected_actor(store: Store, fmt: str) -> None:
    rows = protected()
    assert rows
    text = exported(store, fmt, pseudonymise=True)
    plain = exported(store, fmt)
    for row in rows:
        assert row["name"] in plain, (fmt, row["name"])
        assert row["name"] not in text, (fmt, row["name"])
        for quoted in (f"/actor/{row['id']}\"", f"/actor/{row['id']}>", f'"{row["id"]}"',
                       f">{row['id']}<", f"\n{row['id']},", f",{row['id']}\n", f"|{row['id']}"):
            assert quoted not in text, (fmt, quoted)
    migrants = sum(1 for r in rows if r["kind"] == "migrant_organisation")
    for n in range(1, migrants + 1):
        assert f"Migrantenorganisation {n}" in text, fmt
    assert "Religionsgemeinschaft 1" in text
    # actors of other kinds keep their names
    office = next(r for r in fixture_rows("actors") if r["kind"] == "office")
    assert office["name"] in text


def test_pseudonyms_are_stable(store: Store) -> None:
    assert exported(store, "csv", pseudonymise=True) == exported(store, "csv", pseudonymise=True)
