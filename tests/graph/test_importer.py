"""The importer on the Testville fixture: exact triples, problems, diffs, privacy."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest

from graph.errors import InvalidInput
from graph.importer import import_dataset, validate_dataset
from graph.store import Store

B = "https://w3id.org/integraph/id/testville"
IG = "https://w3id.org/integraph/ns#"


def nt(store: Store, subject: str, include_private: bool = False) -> set[str]:
    """The triples of one subject as N-Triples lines (its import activity left out)."""
    rows = store.query(f"CONSTRUCT {{ <{subject}> ?p ?o }} WHERE {{ <{subject}> ?p ?o "
                       "FILTER(?p != prov:wasGeneratedBy) }", include_private=include_private)
    return {str(t) for t in rows}


def test_actor_triples_exactly(testville: Store) -> None:
    amt = f"{B}/actor/amt"
    assert nt(testville, amt) == {
        f"<{amt}> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{IG}PublicOffice>",
        f'<{amt}> <{IG}kind> "office"',
        f'<{amt}> <http://www.w3.org/2004/02/skos/core#prefLabel> "Integrationsbüro"@de',
        f'<{amt}> <http://purl.org/dc/terms/identifier> "amt"',
        f"<{amt}> <http://www.w3.org/ns/org#subOrganizationOf> <{B}/actor/stadt>",
        f"<{amt}> <http://www.w3.org/ns/org#unitOf> <{B}/actor/stadt>",
        f"<{amt}> <{IG}activeIn> <{B}/district/nord>",
        f"<{amt}> <{IG}activeIn> <{B}/district/sued>",
        f"<{amt}> <{IG}targets> <{B}/target-group/gefluechtete>",
        f'<{amt}> <http://purl.org/dc/terms/description> "Koordiniert die Integrationsarbeit"@de',
        f"<{amt}> <http://www.w3.org/ns/prov#wasDerivedFrom> <{B}/source/s1>",
        f"<{amt}> <http://www.w3.org/ns/prov#wasDerivedFrom> <{B}/source/s2>",
        f"<{amt}> <{IG}worksOn> <{B}/goal/g-sprache>",
        f"<{amt}> <{IG}cooperatesWith> <{B}/actor/awo>",
        f"<{amt}> <{IG}cooperatesWith> <{B}/actor/stadt>",
        f"<{amt}> <http://www.w3.org/ns/org#memberOf> <{B}/actor/ak-sprache>",
    }


def test_qualified_cooperation_and_membership(testville: Store) -> None:
    coop = f"{B}/cooperation/amt--awo"
    assert nt(testville, coop) == {
        f"<{coop}> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{IG}Cooperation>",
        f"<{coop}> <{IG}partner> <{B}/actor/amt>",
        f"<{coop}> <{IG}partner> <{B}/actor/awo>",
        f'<{coop}> <{IG}cooperationKind> "agreement"',
        f'<{coop}> <https://schema.org/startDate> "2014"^^<http://www.w3.org/2001/XMLSchema#gYear>',
        f"<{coop}> <http://www.w3.org/ns/prov#wasDerivedFrom> <{B}/source/s1>",
    }
    m = f"{B}/membership/mso1--ak-sprache"
    assert f'<{m}> <https://schema.org/startDate> "2018-01-01"^^<http://www.w3.org/2001/XMLSchema#date>' in nt(testville, m)
    assert f"<{m}> <http://www.w3.org/ns/org#organization> <{B}/actor/ak-sprache>" in nt(testville, m)


def test_project_lead_partner_and_funding(testville: Store) -> None:
    rows = testville.select(
        "SELECT ?p ?lead ?partner ?fund WHERE { ?lead ig:leads ?p . ?partner ig:partnerIn ?p . "
        "?p ig:fundedBy ?fund }", {"p": ox.NamedNode(f"{B}/project/p-sprachcafe")})
    assert rows == [{"p": f"{B}/project/p-sprachcafe", "lead": f"{B}/actor/awo", "partner": f"{B}/actor/mso1",
                     "fund": f"{B}/programme/prog-wir"}]


def test_every_actor_has_a_source(testville: Store) -> None:
    rows = testville.select("SELECT ?a WHERE { ?a a/rdfs:subClassOf* ig:Actor "
                            "FILTER NOT EXISTS { ?a prov:wasDerivedFrom ?s } }")
    assert rows == []


def test_contacts_only_in_private_graph(testville: Store) -> None:
    secret = "erika.mustermann@example.org"
    public = testville.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")
    assert secret not in "".join(str(t) for t in public)
    rows = testville.select("SELECT ?e WHERE { ?a cv:contactPoint/schema:email ?e }", include_private=True)
    assert rows == [{"e": secret}]
    graphs = testville.named_graphs()
    assert f"{B}/graph/private" in graphs
    private = {str(t) for t in testville.triples(f"{B}/graph/private")}
    assert any(secret in t for t in private)
    assert not any(secret in str(t) for t in testville.triples(f"{B}/graph"))


def test_import_is_recorded_as_provenance(testville: Store, fixture_path: Path) -> None:
    query = ("SELECT ?file ?rows WHERE { ?d a dcat:Dataset ; prov:wasGeneratedBy ?a . "
             "?a a prov:Activity ; ig:fileName ?file ; ig:rowCount ?rows }")
    assert testville.select(query) == [{"file": "testville", "rows": 45}]
    orphans = testville.select("SELECT ?e WHERE { ?e a ig:Project FILTER NOT EXISTS { "
                               "?e prov:wasGeneratedBy/a prov:Activity } }")
    assert orphans == []
    import_dataset(testville, fixture_path)
    history = testville.select("SELECT ?a WHERE { ?a a prov:Activity }")
    assert len(history) == 2, "a re-import keeps the earlier import activity as history"
    latest = testville.select("SELECT DISTINCT ?a WHERE { ?e a ig:Project ; prov:wasGeneratedBy ?a }")
    assert len(latest) == 1


def test_reimport_reports_entity_diff_and_replaces(tmp_path: Path, fixture_path: Path, testville: Store) -> None:
    d = tmp_path / "d"
    shutil.copytree(fixture_path, d)
    actors = (d / "actors.csv").read_text().replace("Sportverein Nord", "SV Nord 1920")
    actors = "\n".join(line for line in actors.splitlines() if not line.startswith("ihk,")) + "\n"
    (d / "actors.csv").write_text(actors)
    projects = (d / "projects.csv").read_text().replace(",jobcenter,ihk,", ",jobcenter,,")
    (d / "projects.csv").write_text(projects)
    (d / "districts.csv").write_text("id,label_de\nnord,Nord\nsued,Süd\nmitte,Mitte\n")
    dry = import_dataset(testville, d, dry_run=True)
    assert (dry.added, dry.changed, dry.removed) == (
        ["district/mitte"], ["actor/verein", "project/p-ausbildung"], ["actor/ihk"])
    assert testville.select("SELECT ?l WHERE { ?a dct:identifier 'verein' ; skos:prefLabel ?l }") == [
        {"l": "Sportverein Nord"}]
    report = import_dataset(testville, d)
    assert report.removed == ["actor/ihk"]
    assert testville.select("SELECT ?l WHERE { ?a dct:identifier 'verein' ; skos:prefLabel ?l }") == [
        {"l": "SV Nord 1920"}]
    assert testville.select("SELECT ?a WHERE { ?a dct:identifier 'ihk' }") == []


def test_each_entity_points_to_the_import_that_last_added_or_changed_it(tmp_path: Path, fixture_path: Path,
                                                                       testville: Store) -> None:
    def generated_by() -> dict[str, str]:
        rows = testville.select("SELECT ?e ?a WHERE { ?e a ?type ; prov:wasGeneratedBy ?a . "
                                f"FILTER(STRSTARTS(STR(?e), '{B}/')) }}")
        assert len({r["e"] for r in rows}) == len(rows), "one activity per entity"
        return {r["e"]: r["a"] for r in rows}

    first = generated_by()
    typed = testville.select(f"SELECT DISTINCT ?e WHERE {{ ?e a ?t FILTER(STRSTARTS(STR(?e), '{B}/')) }}")
    assert set(first) == {r["e"] for r in typed} and len(set(first.values())) == 1
    d = tmp_path / "d"
    shutil.copytree(fixture_path, d)
    actors = (d / "actors.csv").read_text().replace("Sportverein Nord", "SV Nord 1920")
    (d / "actors.csv").write_text("\n".join(x for x in actors.splitlines() if not x.startswith("ihk,")) + "\n")
    (d / "projects.csv").write_text((d / "projects.csv").read_text().replace(",jobcenter,ihk,", ",jobcenter,,"))
    import_dataset(testville, d)
    second = generated_by()
    renewed = {e for e in second if second[e] != first.get(e)}
    assert {e.removeprefix(B + "/").split("#")[0] for e in renewed} == {"actor/verein", "project/p-ausbildung"}
    assert f"{B}/actor/ihk" not in second and set(second) == set(first) - {f"{B}/actor/ihk"}
    latest = testville.select("SELECT ?a WHERE { ?d a dcat:Dataset ; prov:wasGeneratedBy ?a }")
    assert {second[e] for e in renewed} == {r["a"] for r in latest}


def test_bad_input_lists_every_problem_and_changes_nothing(tmp_path: Path, fixture_path: Path,
                                                          testville: Store) -> None:
    d = tmp_path / "d"
    shutil.copytree(fixture_path, d)
    with (d / "actors.csv").open("a") as f:
        f.write("amt,Doppelt,office,,,,,,s1\n")            # duplicate id, line 14
        f.write("x1,Neu,verein,,west,,,,s1\n")             # unknown kind and district, line 15
    with (d / "cooperations.csv").open("a") as f:
        f.write("awo,amt,agreement,2014,,s1\n")            # same cooperation twice, line 4
        f.write("awo,nobody,referral,2015-02-30,2014,s1\n")  # unknown actor, bad date, line 5
    with (d / "recommendations.csv").open("a") as f:
        f.write("r3,Text,g-sprache,soon,,offen,s1\n")      # unknown horizon, line 4
    before = {str(t) for t in testville.triples(f"{B}/graph")}
    with pytest.raises(InvalidInput) as info:
        import_dataset(testville, d)
    got = [(p.file, p.row, p.column, p.code) for p in info.value.problems if p.severity == "error"]
    assert got == [
        ("actors.csv", 14, "id", "duplicate_id"),
        ("actors.csv", 15, "kind", "unknown_kind"),
        ("actors.csv", 15, "districts", "unknown_reference"),
        ("cooperations.csv", 4, "actor_b", "duplicate_row"),
        ("cooperations.csv", 5, "actor_b", "unknown_reference"),
        ("cooperations.csv", 5, "start", "bad_date"),
        ("recommendations.csv", 4, "horizon", "unknown_horizon"),
    ]
    assert {str(t) for t in testville.triples(f"{B}/graph")} == before


def test_empty_required_cell_is_reported(tmp_path: Path, fixture_path: Path) -> None:
    d = tmp_path / "d"
    shutil.copytree(fixture_path, d)
    goals = (d / "goals.csv").read_text().replace("g-kita,Mehr Kinder in der Kita,", "g-kita,,")
    (d / "goals.csv").write_text(goals)
    with pytest.raises(InvalidInput) as info:
        validate_dataset(d)
    assert [(p.file, p.row, p.column, p.code) for p in info.value.problems if p.severity == "error"] == [
        ("goals.csv", 3, "label_de", "empty_required")]


def test_validate_reports_counts(fixture_path: Path) -> None:
    report = validate_dataset(fixture_path)
    assert report.counts["actors"] == 12
    assert report.private_triples == 6


def test_dataset_option_names_the_dataset(empty_store: Store, fixture_path: Path) -> None:
    report = import_dataset(empty_store, fixture_path, dataset="copy")
    assert report.base == "https://w3id.org/integraph/id/copy"
    rows = empty_store.select("SELECT ?n WHERE { ?d a dcat:Dataset ; dct:identifier ?n }")
    assert rows == [{"n": "copy"}]


def test_end_before_start_is_reported_exactly(tmp_path: Path, fixture_path: Path) -> None:
    d = tmp_path / "d"
    shutil.copytree(fixture_path, d)
    with (d / "memberships.csv").open("a") as f:
        f.write("awo,ak-sprache,Mitglied,2016-05-01,2016-04-30,s1\n")   # line 5
    with pytest.raises(InvalidInput) as info:
        validate_dataset(d)
    assert [(p.file, p.row, p.column, p.value, p.code) for p in info.value.problems
            if p.severity == "error"] == [("memberships.csv", 5, "end", "2016-04-30", "end_before_start")]
