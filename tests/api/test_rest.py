"""The read-only REST routes of SPEC §7 on the Testville fixture: happy paths and errors."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from graph.importer import FIXTURE


def fixture_rows(name: str) -> list[dict[str, str]]:
    import csv

    with open(FIXTURE / f"{name}.csv", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_goals_have_field_and_counts(client: TestClient) -> None:
    r = client.get("/api/goals")
    assert r.status_code == 200
    goals = {g["id"]: g for g in r.json()}
    assert set(goals) == {row["id"] for row in fixture_rows("goals")}
    sprache = goals["g-sprache"]
    assert sprache["action_field"]["id"] == "bildung"
    assert sprache["label"] == "Deutschkenntnisse verbessern"
    # amt, mso2 (actor_goals.csv) plus awo, mso1 (lead and partner of p-sprachcafe)
    assert sprache["actor_count"] == 4
    assert sprache["project_count"] == 1
    assert goals["g-leer"]["actor_count"] == 0 and goals["g-leer"]["project_count"] == 0


def test_actors_paginated_with_total(client: TestClient) -> None:
    everyone = client.get("/api/actors", params={"limit": 1000}).json()
    assert everyone["total"] == len(fixture_rows("actors")) == len(everyone["items"])
    first = client.get("/api/actors", params={"limit": 5, "offset": 0}).json()
    second = client.get("/api/actors", params={"limit": 5, "offset": 5}).json()
    assert first["total"] == second["total"] == everyone["total"]
    assert [a["id"] for a in first["items"] + second["items"]] == [a["id"] for a in everyone["items"][:10]]
    beyond = client.get("/api/actors", params={"offset": 500}).json()
    assert beyond["items"] == [] and beyond["total"] == everyone["total"]


@pytest.mark.parametrize(("params", "expected"), [
    ({"kind": "migrant_organisation"}, {"mso1", "mso2"}),
    ({"goal": "g-sprache"}, {"amt", "mso2", "awo", "mso1"}),
    ({"district": "sued"}, {"amt", "mso2", "schule", "moschee"}),
    ({"kind": "migrant_organisation", "district": "nord"}, {"mso1"}),
    ({"q": "verein"}, {"verein", "mso1", "mso2"}),
    ({"q": "VEREIN NORD"}, {"verein"}),
    ({"goal": "g-leer"}, set()),
])
def test_actor_filters(client: TestClient, params: dict[str, str], expected: set[str]) -> None:
    r = client.get("/api/actors", params=params)
    assert r.status_code == 200
    assert {a["id"] for a in r.json()["items"]} == expected
    assert r.json()["total"] == len(expected)


def test_one_actor_with_links(client: TestClient) -> None:
    r = client.get("/api/actors/amt")
    assert r.status_code == 200
    a = r.json()
    assert (a["name"], a["kind"], a["parent"]) == ("Integrationsbüro", "office", "stadt")
    assert sorted(a["districts"]) == ["nord", "sued"]
    assert [g["id"] for g in a["goals"]] == ["g-sprache"]
    assert {(m["group"], m["role"]) for m in a["memberships"]} == {("ak-sprache", "Vorsitz")}
    assert {t["actor"] for t in a["ties"]} == {"awo", "stadt"}
    assert {s["id"] for s in a["sources"]} == {"s1", "s2"}
    awo = client.get("/api/actors/awo").json()
    assert awo["projects"] == [{"id": "p-sprachcafe", "name": "Sprachcafé", "role": "lead",
                                "start": "2015", "end": "2030"}]
    assert {(g["id"], g["via"]) for g in awo["goals"]} == {("g-sprache", "p-sprachcafe")}
    group = client.get("/api/actors/ak-sprache").json()
    assert {m["member"] for m in group["members"]} == {"amt", "schule", "mso1"}


def test_projects(client: TestClient) -> None:
    r = client.get("/api/projects")
    assert r.status_code == 200
    assert r.json()["total"] == len(fixture_rows("projects"))
    p = client.get("/api/projects/p-sprachcafe").json()
    assert (p["lead"], p["partners"], p["goals"], p["funded_by"]) == ("awo", ["mso1"], ["g-sprache"],
                                                                       ["prog-wir"])
    assert (p["start"], p["end"]) == ("2015", "2030")


@pytest.mark.parametrize("path", ["/api/actors/nobody", "/api/projects/nothing", "/api/nowhere"])
def test_unknown_ids_are_404_json(client: TestClient, path: str) -> None:
    r = client.get(path)
    assert r.status_code == 404
    assert r.json()["error"] == "not_found"
    assert r.json()["message"]


@pytest.mark.parametrize(("path", "params"), [
    ("/api/actors", {"kind": "dragon"}),
    ("/api/actors", {"limit": 0}),
    ("/api/actors", {"limit": "many"}),
    ("/api/actors", {"offset": -1}),
    ("/api/actors", {"goal": "<http://x>"}),
    ("/api/actors", {"q": "x" * 201}),
    ("/api/projects", {"limit": 100000}),
])
def test_bad_parameters_are_422(client: TestClient, path: str, params: dict[str, object]) -> None:
    r = client.get(path, params=params)
    assert r.status_code == 422
    body = r.json()
    assert body["error"] == "invalid_parameter" and body["message"]


def test_openapi_and_docs(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    for path in ("/api/goals", "/api/actors", "/api/actors/{id}", "/api/projects", "/api/projects/{id}",
                 "/sparql"):
        assert path in spec["paths"], path
    assert spec["components"]["schemas"]["Goal"]["examples"]
    assert client.get("/docs").status_code == 200


def test_closed_lists_match_the_library() -> None:
    from typing import get_args

    from api.models import Kind
    from api.routes.analysis import GapKind
    from graph.gaps import KINDS
    from graph.namespaces import KIND_CLASS

    assert set(get_args(Kind)) == set(KIND_CLASS)
    assert get_args(GapKind) == KINDS
