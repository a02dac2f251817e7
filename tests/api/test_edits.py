"""JSON writes of single rows: token roles, validation, diff, provenance, no lost contacts."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api import tokens
from tests.api.conftest import EMAIL, make_client

NEW = {"id": "neu", "name": "Neuer Verein", "kind": "association", "districts": "nord", "source": "s1"}


@pytest.fixture
def editor(tmp_path: Path) -> Iterator[tuple[TestClient, dict[str, str]]]:
    entries, secrets = [], {}
    for role in tokens.ROLES:
        entry, secret = tokens.new_token(f"{role}-user", role)
        entries.append(entry)
        secrets[role] = {"authorization": f"Bearer {secret}"}
    path = tmp_path / "tokens.json"
    tokens.save(path, entries)
    with make_client(tokens_file=path, query_workers=1) as c:
        yield c, secrets


def test_create_replace_delete_an_actor(editor: tuple[TestClient, dict]) -> None:
    c, auth = editor
    assert c.post("/api/edit/actors", json=NEW).status_code == 401
    assert c.post("/api/edit/actors", json=NEW, headers=auth["viewer"]).status_code == 403
    r = c.post("/api/edit/actors", json=NEW, headers=auth["editor"])
    assert r.status_code == 201, r.text
    assert r.json()["added"] == ["actor/neu"]
    assert c.get("/api/actors/neu").json()["name"] == "Neuer Verein"
    assert c.post("/api/edit/actors", json=NEW, headers=auth["editor"]).status_code == 409
    r = c.put("/api/edit/actors/neu", json={**NEW, "name": "Umbenannt"}, headers=auth["editor"])
    assert r.status_code == 200 and r.json()["changed"] == ["actor/neu"]
    assert c.get("/api/actors/neu").json()["name"] == "Umbenannt"
    r = c.delete("/api/edit/actors/neu", headers=auth["editor"])
    assert r.status_code == 200 and r.json()["removed"] == ["actor/neu"]
    assert c.get("/api/actors/neu").status_code == 404


def test_invalid_edits_change_nothing(editor: tuple[TestClient, dict]) -> None:
    c, auth = editor
    r = c.post("/api/edit/actors", json={**NEW, "kind": "club"}, headers=auth["editor"])
    assert r.status_code == 400
    assert [(p["column"], p["value"]) for p in r.json()["problems"] if p["severity"] == "error"] == [
        ("kind", "club")]
    r = c.delete("/api/edit/actors/awo", headers=auth["editor"])   # still lead of a project, partner of a tie
    assert r.status_code == 400 and r.json()["problems"]
    assert c.get("/api/actors/awo").status_code == 200
    assert c.delete("/api/edit/actors/nobody", headers=auth["editor"]).status_code == 404


def test_ties_are_keyed_by_their_actors(editor: tuple[TestClient, dict]) -> None:
    c, auth = editor
    tie = {"actor_a": "mso2", "actor_b": "schule", "kind": "joint_project", "start": "2020", "source": "s2"}
    r = c.post("/api/edit/cooperations", json=tie, headers=auth["editor"])
    assert r.status_code == 201 and r.json()["added"] == ["cooperation/mso2--schule"]
    r = c.delete("/api/edit/cooperations/mso2--schule", headers=auth["editor"])
    assert r.status_code == 200 and r.json()["removed"] == ["cooperation/mso2--schule"]


def test_edits_keep_contacts_and_record_the_token(editor: tuple[TestClient, dict]) -> None:
    c, auth = editor
    assert c.post("/api/edit/actors", json=NEW, headers=auth["editor"]).status_code == 201
    private = c.get("/api/export", params={"format": "nq", "include_private": "true"},
                    headers=auth["admin"])
    assert EMAIL in private.text, "an edit must not drop the private graph"
    q = "SELECT ?n WHERE { ?a a prov:Activity ; prov:wasAssociatedWith/rdfs:label ?n }"
    who = c.get("/sparql", params={"query": q}, headers={"accept": "application/sparql-results+json"})
    assert "token:editor-user" in {b["n"]["value"] for b in who.json()["results"]["bindings"]}
