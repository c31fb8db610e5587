import json

import pytest
from data_inclusion.schema import v1
from django.core.management import CommandError, call_command

from ancrage.demo.directory import seed_directory
from ancrage.directory.exchange import export_directory, import_directory
from ancrage.directory.models import Service, Structure

from .helpers import BRUZ, make_service, make_structure

pytestmark = pytest.mark.django_db


def _export_text() -> str:
    return json.dumps(export_directory(), ensure_ascii=False, indent=2)


def test_export_validates_against_data_inclusion_models(territory):
    service = make_service(make_structure(), zone=[BRUZ], languages=["ara"], min_french_level="A1", capacity=12)
    data = export_directory()
    assert len(data["structures"]) == 1 and len(data["services"]) == 1
    for record in data["structures"]:
        v1.Structure.model_validate(record)
    record = data["services"][0]
    v1.Service.model_validate(record)
    assert record["zone_eligibilite"] == [BRUZ]
    assert record["publics"] == ["personnes-exilees"]
    assert record["x_ancrage"]["languages"] == ["ara"] and record["x_ancrage"]["capacity"] == 12
    assert service.pk


def test_demo_directory_exports_valid_data_inclusion(territory):
    counts = seed_directory()
    assert 140 <= counts["services"] <= 160
    assert seed_directory() == counts  # deterministic and idempotent
    assert Service.objects.count() == counts["services"]
    data = export_directory()
    assert len(data["services"]) == counts["services"]
    for record in data["services"]:
        v1.Service.model_validate(record)
    for record in data["structures"]:
        v1.Structure.model_validate(record)


def test_import_is_a_dry_run_by_default_then_writes(territory):
    make_service(make_structure(), name="Atelier ASL", zone=[BRUZ], languages=["prs"])
    text = _export_text()
    Service.objects.all().delete()
    Structure.objects.all().delete()
    report = import_directory(text)
    assert report.ok and not report.written
    assert not Service.objects.exists()
    report = import_directory(text, wet_run=True)
    assert report.written and report.services_created == 1 and report.structures_created == 1
    service = Service.objects.get()
    assert service.name == "Atelier ASL" and service.languages == ["prs"]
    assert list(service.zone.values_list("pk", flat=True)) == [BRUZ]
    # Importing again updates the same rows.
    report = import_directory(text, wet_run=True)
    assert report.services_updated == 1 and Service.objects.count() == 1


def test_an_invalid_record_imports_nothing_and_every_problem_is_reported(territory):
    make_service(make_structure(), name="Premier service")
    make_service(make_structure(name="Autre structure"), name="Second service")
    data = export_directory()
    Service.objects.all().delete()
    Structure.objects.all().delete()
    data["services"][0]["thematiques"] = ["thematique-inventee"]
    data["services"][1]["structure_id"] = "inconnue"
    data["services"].append({**data["services"][1], "id": "s3", "structure_id": data["structures"][0]["id"]})
    data["services"][2]["x_ancrage"] = {"languages": ["zz"]}
    text = json.dumps(data, indent=2)
    report = import_directory(text, wet_run=True)
    assert not report.written
    assert not Service.objects.exists() and not Structure.objects.exists()
    problems = "\n".join(report.problems)
    assert "services[0]" in problems and "thematiques" in problems
    assert "services[1]" in problems and "structure « inconnue »" in problems
    assert "services[2]" in problems and "ISO 639-3" in problems
    line = text.splitlines().index(next(row for row in text.splitlines() if '"services"' in row)) + 2
    assert f"services[0] ligne {line}" in problems


def test_unreadable_file_reports_line(territory):
    report = import_directory('{"structures": [\n  {"id": }\n]}')
    assert not report.ok and "ligne 2" in report.problems[0]


def test_commands(territory, tmp_path):
    make_service(make_structure())
    out = tmp_path / "annuaire.json"
    call_command("directory_export", "--output", str(out))
    data = json.loads(out.read_text())
    assert len(data["services"]) == 1
    call_command("directory_import", str(out))  # dry run: valid, nothing changes
    data["services"][0]["nom"] = "x"
    out.write_text(json.dumps(data))
    with pytest.raises(CommandError, match="rien n'a été importé"):
        call_command("directory_import", str(out), "--wet-run")
    assert Service.objects.get().name == "Cours de français"
