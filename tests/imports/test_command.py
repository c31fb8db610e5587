"""``import_persons``: a dry run by default that prints the report in French; ``--wet-run`` writes."""

import io

import pytest
from django.core.management import CommandError, call_command

from ancrage.audit.models import AuditEvent
from ancrage.imports.models import ImportMapping, ImportRun
from ancrage.persons.models import Person

from . import spreadsheets as sheets

pytestmark = pytest.mark.django_db

HEADER = ["Nom", "Prénom", "Date de naissance", "Nationalité"]


def _file(tmp_path, name: str, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


@pytest.fixture(autouse=True)
def _sirets(cast):
    cast.agir.siret = "35600000000048"  # La Poste's checksum: any valid-looking number will do here
    cast.agir.save()
    cast.france_travail.siret = "13000548100010"
    cast.france_travail.save()


def _run(*args, **options) -> str:
    out = io.StringIO()
    call_command("import_persons", *args, stdout=out, stderr=io.StringIO(), **options)
    return out.getvalue()


def test_the_dry_run_prints_the_report_and_writes_nothing(cast, tmp_path):
    data = sheets.xlsx_bytes(
        {"Suivi": [HEADER, ["NOORI", "Ali", "01/02/1988", "afghane"], ["RAHIMI", "", "31/02/1990", "martienne"]]}
    )
    path = _file(tmp_path, "suivi.xlsx", data)
    events = AuditEvent.objects.count()
    out = _run(path, organisation=cast.agir.siret, user=cast.amina.user.email)
    assert "2 ligne(s) : 1 nouvelle(s)" in out and "1 refusée(s)" in out
    assert "ligne 3, Date de naissance (« 31/02/1990 »)" in out
    assert "ligne 3, Nationalité (« martienne »)" in out
    assert "Simulation" in out
    assert not Person.objects.exists() and not ImportRun.objects.exists() and not ImportMapping.objects.exists()
    assert AuditEvent.objects.count() == events


def test_the_wet_run_writes_and_a_second_one_creates_nothing(cast, tmp_path):
    path = _file(tmp_path, "suivi.xlsx", sheets.messy_xlsx())
    out = _run(path, organisation=str(cast.agir.pk), user=cast.amina.user.email, wet_run=True)
    assert "6 personne(s) créée(s)" in out
    assert Person.objects.filter(pathways__operator=cast.agir).count() == 6
    assert AuditEvent.objects.filter(event="import.run", details__sha256=ImportRun.objects.get().sha256).exists()
    out = _run(path, organisation=str(cast.agir.pk), user=cast.amina.user.email, wet_run=True)
    assert "0 personne(s) créée(s), 6 déjà importée(s)" in out
    assert Person.objects.count() == 6


def test_a_saved_mapping_is_chosen_by_name(cast, tmp_path):
    data = sheets.xlsx_bytes({"Suivi": [["Famille", "Prénom", "Année"], ["NOORI", "Ali", "1988"]]})
    ImportMapping.objects.create(
        organisation=cast.agir,
        name="Logiciel X",
        columns={"famille": "last_name", "prenom": "first_names", "annee": "birth_date"},
        created_by=cast.amina.user,
    )
    path = _file(tmp_path, "x.xlsx", data)
    out = _run(path, organisation=cast.agir.siret, user=cast.amina.user.email, mapping="Logiciel X", wet_run=True)
    assert "Famille → Nom" in out
    assert Person.objects.get().display_name == "NOORI Ali"
    with pytest.raises(CommandError, match="Aucune correspondance « Autre »"):
        _run(path, organisation=cast.agir.siret, user=cast.amina.user.email, mapping="Autre")


def test_an_unreadable_file_exits_with_an_error(cast, tmp_path):
    # A CommandError: ``manage.py`` prints it and exits with status 1.
    path = _file(tmp_path, "suivi.xlsx", b"%PDF-1.4 not a spreadsheet")
    with pytest.raises(CommandError):
        _run(path, organisation=cast.agir.siret, user=cast.amina.user.email)
    with pytest.raises(CommandError, match="Lecture impossible"):
        _run(str(tmp_path / "absent.xlsx"), organisation=cast.agir.siret, user=cast.amina.user.email)


def test_only_members_who_may_import_can_run_it(cast, tmp_path):
    path = _file(tmp_path, "suivi.xlsx", sheets.messy_xlsx())
    with pytest.raises(CommandError, match="n'est pas membre"):
        _run(path, organisation=cast.agir.siret, user=cast.hugo.user.email)
    with pytest.raises(CommandError, match="Seuls les référents"):
        _run(path, organisation=cast.france_travail.siret, user=cast.marc.user.email)
    with pytest.raises(CommandError, match="Organisation inconnue"):
        _run(path, organisation="00000000000000", user=cast.amina.user.email)
    assert not Person.objects.exists()
