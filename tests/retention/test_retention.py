"""Archive two years after the last contact, anonymise after the grace period (ADR 9)."""

import dataclasses
import datetime as dt
import json
from io import StringIO

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from ancrage.access.models import AccessGrant
from ancrage.audit.models import AuditEvent
from ancrage.pathways.models import Note
from ancrage.persons.models import HouseholdMember, Person
from ancrage.retention.models import RetentionRun
from ancrage.retention.services import retention_run
from ancrage.steering.diagnosis import compute_diagnosis
from ancrage.steering.indicators import compute, compute_catalogue
from ancrage.steering.models import IndicatorDefinition
from tests.factories import PathwayFactory, PersonFactory

from .conftest import LATER, SECRETS

AFTER_GRACE = LATER + dt.timedelta(days=93)


def _scan(needles: list[str]) -> dict[str, list[str]]:
    """Brute force: every column of every table, as text, searched for each needle (case-insensitive)."""
    found: dict[str, list[str]] = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            columns = [c.name for c in connection.introspection.get_table_description(cursor, table)]
            for column in columns:
                expression = f"LOWER(CAST({connection.ops.quote_name(column)} AS TEXT))"
                for needle in needles:
                    cursor.execute(
                        f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)} WHERE {expression} LIKE %s",  # noqa: S608
                        [f"%{needle.lower()}%"],
                    )
                    if cursor.fetchone()[0]:
                        found.setdefault(needle, []).append(f"{table}.{column}")
    return found


def _figures(contract) -> str:
    """Every indicator of the catalogue for 2023 and the whole period, each of its disaggregations,
    and the diagnosis: one JSON text to compare."""
    out = []
    for year in (2023, None):
        out += [r.as_json() for r in compute_catalogue(contract=contract, year=year)]
        for definition in IndicatorDefinition.objects.filter(is_active=True):
            for by in definition.disaggregations or []:
                out.append(compute(definition, contract=contract, year=year, by=by).as_json())
    diagnosis = dataclasses.asdict(compute_diagnosis(contract, year=2023))
    diagnosis.pop("contract")
    out.append(diagnosis)
    return json.dumps(out, default=str, sort_keys=True)


def test_scan_finds_the_secrets_before(world):
    found = _scan(SECRETS.all())
    assert set(found) == set(SECRETS.all()), set(SECRETS.all()) - set(found)


def test_dry_run_reports_and_changes_nothing(world):
    before = _scan(SECRETS.all())
    run = retention_run(today=LATER)
    assert run.dry_run
    assert run.report["archived"]["count"] == 8  # the person, the merged record, the five, the other record
    assert world.person.pk in run.report["archived"]["ids"]
    assert run.report["rows"]["access.AccessGrant"]["changed"] >= 6
    assert not Person.objects.filter(archived_at__isnull=False).exists()
    assert AccessGrant.objects.active().filter(person=world.person).exists()
    assert _scan(SECRETS.all()) == before
    assert AuditEvent.objects.filter(event="retention.run.dry", object_id=str(run.pk)).count() == 1
    assert not AuditEvent.objects.filter(event__startswith="person.retention").exists()


def test_apply_archives_keeps_the_record_and_hides_it_from_amina(world, cast, as_persona):
    client = as_persona(cast.amina)
    assert client.get(f"/personnes/{world.person.pk}/").status_code == 200
    assert client.get(f"/api/v1/persons/{world.person.pk}").status_code == 200
    link = f'href="/personnes/{world.person.pk}/"'
    assert link in client.get("/personnes/", {"q": SECRETS.last_name}).content.decode()

    run = retention_run(today=LATER, apply=True)

    world.person.refresh_from_db()
    assert world.person.archived_at is not None and world.person.anonymised_at is None
    assert world.person.phone == SECRETS.phone  # unchanged during the grace period
    assert not AccessGrant.objects.active().filter(person=world.person).exists()
    assert client.get(f"/personnes/{world.person.pk}/").status_code == 404
    assert client.get(f"/api/v1/persons/{world.person.pk}").status_code == 404
    assert world.person.pk not in [row["id"] for row in client.get("/api/v1/persons").json()["results"]]
    assert link not in client.get("/personnes/", {"q": SECRETS.last_name}).content.decode()
    assert AuditEvent.objects.filter(event="person.retention.archive", person_id=world.person.pk).count() == 1
    assert AuditEvent.objects.filter(event="retention.run", object_id=str(run.pk)).count() == 1


def test_an_archived_record_stays_hidden_even_with_a_grant_left(world, cast, as_persona):
    retention_run(today=LATER, apply=True)
    AccessGrant.objects.filter(person=world.person).update(revoked_at=None)
    client = as_persona(cast.amina)
    assert client.get(f"/personnes/{world.person.pk}/").status_code == 404
    assert client.get(f"/api/v1/persons/{world.person.pk}").status_code == 404


def test_after_grace_anonymisation_leaves_no_trace_keeps_figures_and_deletes_files(
    world, contract, django_capture_on_commit_callbacks
):
    figures = _figures(contract)
    accompanied = next(r for r in json.loads(figures) if r.get("code") == "persons_accompanied")
    assert accompanied["total"]["value"] == 6  # shown, not suppressed: the comparison means something
    assert default_storage.exists(world.attachment_name)
    retention_run(today=LATER, apply=True)
    assert retention_run(today=LATER + dt.timedelta(days=30), apply=True).report["anonymised"]["count"] == 0

    with django_capture_on_commit_callbacks(execute=True):
        run = retention_run(today=AFTER_GRACE, apply=True)

    assert run.report["anonymised"]["count"] == 8
    assert run.report["rows"]["pathways.Note"]["deleted"] == 1
    assert run.report["rows"]["persons.Identity"]["deleted"] >= 2
    assert run.report["files"] == 1
    assert _scan(SECRETS.all()) == {}
    assert not default_storage.exists(world.attachment_name)
    assert _figures(contract) == figures
    world.person.refresh_from_db()
    assert world.person.birth_date == dt.date(1988, 1, 1)
    assert world.person.birth_date_precision == "year"
    assert world.person.anonymised_at is not None
    assert HouseholdMember.objects.filter(household=world.person.household).count() == 2  # household size kept
    assert AuditEvent.objects.filter(event="person.retention.anonymise", person_id=world.person.pk).count() == 1


def test_a_second_run_does_nothing_more(world, django_capture_on_commit_callbacks):
    retention_run(today=LATER, apply=True)
    with django_capture_on_commit_callbacks(execute=True):
        retention_run(today=AFTER_GRACE, apply=True)
    again = retention_run(today=AFTER_GRACE, apply=True)
    assert again.report["archived"]["count"] == 0
    assert again.report["anonymised"]["count"] == 0
    assert again.report["rows"] == {}


def test_a_recent_contact_keeps_the_record_untouched(world, cast):
    recent = PathwayFactory(operator=cast.agir, referent=cast.amina.user, person=PersonFactory(name=("RECENT", "Nour")))
    recent.status = "exited"
    recent.exit_date = recent.entry_date
    recent.exit_reason = "completed"
    recent.save()
    note = Note.objects.create(person=recent.person, author=cast.amina.user, organisation=cast.agir, body="Passée.")
    # A note written 100 days before the run's day: within two years.
    Note.objects.filter(pk=note.pk).update(created_at=timezone.now() + dt.timedelta(days=631))
    retention_run(today=LATER, apply=True)
    retention_run(today=AFTER_GRACE, apply=True)
    recent.person.refresh_from_db()
    assert recent.person.archived_at is None and recent.person.anonymised_at is None
    assert recent.person.display_name == "RECENT Nour"
    assert AccessGrant.objects.active().filter(person=recent.person).exists()


def test_an_open_pathway_keeps_the_record_and_is_reported(cast, followed):
    run = retention_run(today=LATER, apply=True)
    followed.refresh_from_db()
    assert followed.archived_at is None
    assert run.report["open_pathways_kept"] == 1


def test_before_two_years_nothing_is_due(world):
    run = retention_run(today=LATER - dt.timedelta(days=2), apply=True)
    assert run.report["archived"]["count"] == 0


def test_command_is_dry_by_default_and_records_the_run(world):
    out = StringIO()
    call_command("retention_run", "--today", LATER.isoformat(), stdout=out)
    assert "DRY RUN" in out.getvalue()
    assert "archived: 8" in out.getvalue()
    assert not Person.objects.filter(archived_at__isnull=False).exists()
    call_command("retention_run", "--today", LATER.isoformat(), "--apply", stdout=StringIO())
    assert Person.objects.filter(archived_at__isnull=False).count() == 8
    assert list(RetentionRun.objects.values_list("dry_run", flat=True)) == [False, True]


@pytest.mark.parametrize("enabled", [False, True])
def test_the_daily_job_applies_only_when_enabled(world, settings, enabled, monkeypatch):
    from ancrage.retention import services

    settings.RETENTION_ENABLED = enabled
    monkeypatch.setattr(services, "_clock", lambda today: (LATER, timezone.now() + dt.timedelta(days=731)))
    run = services.retention_scheduled()
    assert run.dry_run is not enabled
    assert Person.objects.filter(archived_at__isnull=False).exists() is enabled


def test_platform_staff_read_the_runs_in_the_admin_and_others_do_not(world, cast, as_persona):
    run = retention_run(today=LATER)
    staff = as_persona(cast.sofia)
    response = staff.get("/admin/retention/retentionrun/")
    assert response.status_code == 200
    assert staff.get(f"/admin/retention/retentionrun/{run.pk}/change/").status_code == 200
    referent = as_persona(cast.amina)
    assert referent.get("/admin/retention/retentionrun/").status_code == 302  # to the admin login
    assert SECRETS.last_name not in response.content.decode()
