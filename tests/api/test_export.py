"""``GET /api/export``: every CLI format over HTTP, streamed; contacts only for an admin."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import networkx as nx
import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient

from api import tokens
from tests.api.conftest import EMAIL, make_client

RDF = {"turtle": ox.RdfFormat.TURTLE, "trig": ox.RdfFormat.TRIG, "nt": ox.RdfFormat.N_TRIPLES,
       "nq": ox.RdfFormat.N_QUADS, "rdfxml": ox.RdfFormat.RDF_XML, "jsonld": ox.RdfFormat.JSON_LD}


@pytest.mark.parametrize("fmt", sorted(RDF))
def test_rdf_formats_parse_and_hold_no_contacts(client: TestClient, fmt: str) -> None:
    r = client.get("/api/export", params={"format": fmt})
    assert r.status_code == 200, r.text
    assert "attachment" in r.headers["content-disposition"]
    quads = list(ox.parse(r.content, format=RDF[fmt]))
    assert any("Integrationsbüro" in str(q.object) for q in quads)
    assert EMAIL not in r.text and "Erika Mustermann" not in r.text


def test_network_and_table_formats(client: TestClient, tmp_path: Path) -> None:
    graphml = client.get("/api/export", params={"format": "graphml"})
    (tmp_path / "n.graphml").write_bytes(graphml.content)
    assert "amt" in nx.read_graphml(tmp_path / "n.graphml")
    z = zipfile.ZipFile(io.BytesIO(client.get("/api/export", params={"format": "csv"}).content))
    assert any(name.endswith("actors.csv") for name in z.namelist())
    xlsx = client.get("/api/export", params={"format": "xlsx", "dataset": "testville"})
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"


def test_bad_format_and_unknown_dataset(client: TestClient) -> None:
    assert client.get("/api/export", params={"format": "docx"}).status_code == 422
    r = client.get("/api/export", params={"format": "turtle", "dataset": "nowhere"})
    assert r.status_code in (400, 404) and r.json()["error"]


def test_private_export_needs_an_admin(tmp_path: Path) -> None:
    entries, secrets = [], {}
    for role in tokens.ROLES:
        entry, secret = tokens.new_token(f"{role}-user", role)
        entries.append(entry)
        secrets[role] = secret
    path = tmp_path / "tokens.json"
    tokens.save(path, entries)
    with make_client(tokens_file=path, query_workers=1) as c:
        params = {"format": "trig", "include_private": "true"}
        assert c.get("/api/export", params=params).status_code == 401
        editor = {"authorization": f"Bearer {secrets['editor']}"}
        assert c.get("/api/export", params=params, headers=editor).status_code == 403
        admin = {"authorization": f"Bearer {secrets['admin']}"}
        r = c.get("/api/export", params=params, headers=admin)
        assert r.status_code == 200 and EMAIL in r.text
