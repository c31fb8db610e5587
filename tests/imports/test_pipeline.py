"""The import pipeline: lines parsed and checked, written through the services, idempotent, audited."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from ancrage.access.models import AccessGrant
from ancrage.audit.models import AuditEvent
from ancrage.imports import pipeline, services
from ancrage.imports.models import ImportedLine, ImportMapping, ImportRun, ImportStatus, LineStatus
from ancrage.pathways.models import Pathway
from ancrage.persons.models import FrenchAssessment, Identity, Person, Protection, Script, Situation

from . import spreadsheets as sheets

pytestmark = pytest.mark.django_db

HEADER = ["N° dossier", "Nom", "Prénom", "Sexe", "Date de naissance", "Nationalité", "Commune", "Téléphone"]
GOOD = ["D-1", "HAMIDI", "Zahra", "F", "12/05/1992", "afghane", "Rennes", "06 11 22 33 44"]


def mapped(actor, data: bytes, name: str = "suivi.xlsx", mapping: dict[str, str] | None = None) -> ImportRun:
    run = services.import_run_create(actor=actor, name=name, data=data)
    return services.import_run_map_columns(actor=actor, run=run, mapping=mapping or run.column_mapping)


def checked(actor, data: bytes, name: str = "suivi.xlsx", **kwargs) -> ImportRun:
    run = mapped(actor, data, name, **kwargs)
    return services.import_run_check(actor=actor, run=run)


def imported(actor, data: bytes, name: str = "suivi.xlsx", **kwargs) -> ImportRun:
    run = checked(actor, data, name, **kwargs)
    return services.import_run_execute(actor=actor, run=run)


def table(*rows: list[object], header: list[str] = HEADER) -> bytes:
    return sheets.xlsx_bytes({"Suivi": [header, *rows]})


def errors_of(run: ImportRun, line: int) -> list[dict[str, str]]:
    return next(entry["errors"] for entry in run.report["rejected"] if entry["line"] == line)


def persons_of(organisation) -> list[tuple[str, dt.date | None]]:
    return sorted(
        Person.objects.filter(pathways__operator=organisation).values_list("display_name", "birth_date"),
        key=lambda item: item[0],
    )


MESSY_NAMES = [
    "AHMADI Mohammad",
    "AL-HASSAN Yousef",
    "DIALLO Mariama",
    "KOVALENKO Olena",
    "TESFAY Aster",
    f"{sheets.HYPERLINK_NAME.upper()} Idriss",
]


# --- the messy spreadsheet, in every format ----------------------------------------------------------------


def test_messy_xlsx_round_trip_creates_the_six_persons_with_their_record(cast):
    run = checked(cast.amina.actor, sheets.messy_xlsx())
    assert (run.sheet, run.header_line) == (sheets.SHEET, sheets.HEADER_LINE)
    assert run.counters["rejected"] == 0 and run.counters["new"] == 6
    assert run.report["ignored_columns"] == []
    run = services.import_run_execute(actor=cast.amina.actor, run=run)
    assert run.status == ImportStatus.DONE and run.counters["created"] == 6

    assert sorted(name for name, _born in persons_of(cast.agir)) == sorted(MESSY_NAMES)
    ahmadi = Person.objects.get(display_name="AHMADI Mohammad")
    assert ahmadi.birth_date == dt.date(1990, 3, 4) and ahmadi.sex == "M"
    assert ahmadi.commune_id == "35238"
    assert ahmadi.nationalities.get().code == "AF"
    assert set(ahmadi.languages.values_list("code", flat=True)) == {"prs", "pus"}
    assert ahmadi.protections.get().type == "refugee" and ahmadi.protections.get().deciding_body == "ofpra"
    assert ahmadi.french_assessments.get().level == "A1"
    assert ahmadi.situations.get(domain="housing").status == "cada"
    pathway = ahmadi.pathways.get()
    assert (pathway.programme, pathway.entry_date, pathway.operator_id) == ("agir", dt.date(2024, 1, 15), cast.agir.pk)
    # The original spelling is a second identity, its script read from its letters, its family name the
    # word that sounds like the Latin one whatever the order of the words ("محمد احمدی" is Mohammad AHMADI).
    other = ahmadi.identities.get(is_reference=False)
    assert (other.script, other.last_name, other.first_names) == (Script.ARABIC, "احمدی", "محمد")
    aster = Identity.objects.get(person__display_name="TESFAY Aster", is_reference=False)
    assert (aster.script, aster.last_name, aster.first_names) == (Script.ETHIOPIC, "ተስፋይ", "ኣስቴር")
    olena = Identity.objects.get(person__display_name="KOVALENKO Olena", is_reference=False)
    assert (olena.script, olena.last_name) == (Script.CYRILLIC, "Коваленко")
    # A year only, "vers 1980", a 1 January kept as given and flagged.
    hassan = Person.objects.get(display_name="AL-HASSAN Yousef")
    assert (hassan.birth_date, hassan.birth_date_precision) == (dt.date(1978, 1, 1), "year")
    kovalenko = Person.objects.get(display_name="KOVALENKO Olena")
    assert kovalenko.birth_date_conventional and kovalenko.birth_date_precision == "day"
    idriss = Person.objects.get(identities__first_names="Idriss")
    assert idriss.birth_date_precision == "circa"
    # Formula-looking text is stored exactly as typed (neutralised only in exports).
    assert idriss.identities.get().last_name == sheets.HYPERLINK_NAME
    assert idriss.french_assessments.get().level == "NL"  # "alpha": not yet reading and writing


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("suivi.ods", sheets.messy_ods),
        ("suivi.csv", lambda: sheets.messy_csv("cp1252", ";")),
        ("suivi-utf8.csv", lambda: sheets.messy_csv("utf-8-sig", ",")),
    ],
)
def test_the_ods_and_csv_twins_give_the_same_persons(cast, name, data):
    reference = pipeline.analyse(mapped(cast.amina.actor, sheets.messy_xlsx()), cast.amina.actor)
    twin = pipeline.analyse(mapped(cast.amina.actor, data(), name), cast.amina.actor)

    def summary(analysis):
        return [
            (p.line, p.identity["last_name"], p.identity["first_names"], p.person.get("birth_date"), p.nationality)
            for p in analysis.parsed
        ]

    assert summary(twin) == summary(reference)
    assert [p.fingerprint for p in twin.parsed] == [p.fingerprint for p in reference.parsed]


def test_a_column_that_lost_its_script_is_refused_never_imported_as_names(cast):
    run = checked(cast.amina.actor, sheets.messy_csv("cp1252", ";"), "suivi.csv")
    assert len(run.report["column_errors"]) == 1
    assert sheets.ORIGINAL_SCRIPT_COLUMN in run.report["column_errors"][0]
    run = services.import_run_execute(actor=cast.amina.actor, run=run)
    assert run.counters["created"] == 6
    assert not Identity.objects.filter(last_name__contains="?").exists()
    assert not Identity.objects.filter(person__pathways__operator=cast.agir, is_reference=False).exists()


def test_reimporting_the_same_file_creates_nothing_new(cast):
    first = imported(cast.amina.actor, sheets.messy_xlsx())
    assert first.counters["created"] == 6
    count = Person.objects.count()
    again = imported(cast.amina.actor, sheets.messy_xlsx())
    assert again.counters["created"] == 0 and again.counters["existing"] == 6
    assert Person.objects.count() == count
    assert set(again.lines.filter(status=LineStatus.EXISTING).values_list("line", flat=True)) == set(sheets.DATA_LINES)
    # ... and the same persons from the CSV twin are recognised too.
    csv_run = imported(cast.amina.actor, sheets.messy_csv("utf-8-sig", ","), "suivi.csv")
    assert csv_run.counters["created"] == 0 and csv_run.counters["existing"] == 6
    assert Person.objects.count() == count


def test_a_line_repeated_in_the_file_is_created_once(cast):
    run = imported(cast.amina.actor, table(GOOD, [*GOOD[:1], *GOOD[1:]]))
    assert run.counters["created"] == 1 and run.counters["existing"] == 1


def test_the_file_number_makes_a_line_idempotent_even_when_the_name_is_corrected(cast):
    imported(cast.amina.actor, table(GOOD))
    corrected = ["D-1", "HAMIDI", "Zahra Bibi", *GOOD[3:]]
    run = imported(cast.amina.actor, table(corrected))
    assert run.counters == {**run.counters, "created": 0, "existing": 1}


# --- every bad value on its line and column --------------------------------------------------------------


BAD_VALUES = [
    ("Date de naissance", "31/02/1990", "Date de naissance"),
    ("Date de naissance", "12/05/2090", "Date de naissance"),
    ("Téléphone", "appeler le foyer", "Téléphone"),
    ("Nationalité", "martienne", "Nationalité"),
    ("Commune", "Gotham", "Commune"),
    ("Sexe", "peut-être", "Sexe"),
]


@pytest.mark.parametrize(("column", "value", "reported"), BAD_VALUES)
def test_a_bad_value_rejects_its_line_only_with_a_french_message_on_its_column(cast, column, value, reported):
    bad = list(GOOD)
    bad[0], bad[1] = "D-2", "NOORI"
    bad[HEADER.index(column)] = value
    run = checked(cast.amina.actor, table(GOOD, bad))
    assert run.counters["rejected"] == 1 and run.counters["new"] == 1
    (error,) = errors_of(run, 3)
    assert error["column"] == reported and error["message"]
    run = services.import_run_execute(actor=cast.amina.actor, run=run)
    assert persons_of(cast.agir) == [("HAMIDI Zahra", dt.date(1992, 5, 12))]
    assert run.lines.get(line=3).status == LineStatus.REJECTED


EXTRA_HEADER = [
    "Nom",
    "Prénom",
    "Date de naissance",
    "Courriel",
    "N° AGDREF",
    "N° OFPRA",
    "Statut",
    "Langues",
    "Référent",
    "Hébergement",
    "Niveau de français",
    "Programme",
]
EXTRA_GOOD = [
    "NOORI",
    "Ali",
    "01/02/1988",
    "ali.noori@example.org",
    "1234567890",
    "OFPRA-123456",
    "réfugié",
    "dari, anglais",
    "amina.referente@demo.ancrage.fr",
    "CADA",
    "A2",
    "AGIR",
]


@pytest.mark.parametrize(
    ("column", "value", "expected_column"),
    [
        ("Courriel", "ali.noori@", "Courriel"),
        ("N° AGDREF", "12345", "N° AGDREF"),
        ("N° OFPRA", "#12!", "N° OFPRA"),
        ("Statut", "touriste", "Statut"),
        ("Langues", "dari, klingon", "Langues"),
        ("Référent", "Jean Inconnu", "Référent"),
        ("Hébergement", "château", "Hébergement"),
        ("Niveau de français", "Z9", "Niveau de français"),
        ("Programme", "colonie de vacances", "Programme"),
        ("Nom", "N" * 151, "Nom"),
        ("Nom", "", "Nom"),
    ],
)
def test_each_kind_of_bad_value_is_reported_on_its_column(cast, column, value, expected_column):
    bad = list(EXTRA_GOOD)
    bad[1] = "Omar"
    bad[EXTRA_HEADER.index(column)] = value
    run = checked(cast.amina.actor, table(EXTRA_GOOD, bad, header=EXTRA_HEADER))
    assert [entry["line"] for entry in run.report["rejected"]] == [3]
    assert expected_column in [error["column"] for error in errors_of(run, 3)]
    assert all(error["message"] for error in errors_of(run, 3))


def test_a_name_alone_is_not_enough_to_identify_a_person(cast):
    run = checked(cast.amina.actor, table(["NOORI", "Ali"], header=["Nom", "Prénom"]))
    (error,) = errors_of(run, 2)
    assert "identifier" in error["message"]


def test_the_full_name_column_is_split_on_the_capitalised_family_name(cast):
    run = imported(
        cast.amina.actor,
        table(
            ["Farid HAIDARI", "1990"],
            ["NOORI Ali Reza", "1991"],
            ["Kamara Fatou", "1992"],
            header=["Nom et prénom", "Né le"],
        ),
    )
    assert run.counters["created"] == 3
    assert set(Identity.objects.values_list("last_name", "first_names")) >= {
        ("HAIDARI", "Farid"),
        ("NOORI", "Ali Reza"),
        ("Kamara", "Fatou"),
    }


def test_the_referent_is_matched_by_name_and_the_protection_by_the_cnda(cast):
    row = list(EXTRA_GOOD)
    row[EXTRA_HEADER.index("Référent")] = "Amina Benali"
    row[EXTRA_HEADER.index("Statut")] = "réfugié CNDA"
    imported(cast.amina.actor, table(row, header=EXTRA_HEADER), mapping=None)
    person = Person.objects.get(display_name="NOORI Ali")
    assert person.pathways.get().referent_id == cast.amina.user.pk
    protection = Protection.objects.get(person=person)
    assert (protection.deciding_body, protection.ofpra_number) == ("cnda", "OFPRA-123456")
    assert person.agdref_number == "1234567890" and person.email == "ali.noori@example.org"


def test_a_line_failing_at_its_last_item_leaves_nothing_half_saved(cast, monkeypatch):
    from django.db import IntegrityError

    from ancrage.imports import bulk
    from ancrage.persons import services as person_services

    real = person_services.record_item_save
    real_situations = bulk.write_situations

    def failing_bulk(situations, user, now):
        raise IntegrityError("the chunk's last rows fail")

    # The chunk written at once fails at its last rows: it is rolled back and written line by line,
    # through the services, where NOORI's line fails at its last item (its housing situation).
    monkeypatch.setattr(bulk, "write_situations", failing_bulk)

    def failing(*, actor, person, item, section):
        if isinstance(item, Situation) and person.display_name.startswith("NOORI"):
            from django.core.exceptions import ValidationError

            raise ValidationError({"start_date": "Refusé pour le test."})
        return real(actor=actor, person=person, item=item, section=section)

    monkeypatch.setattr(person_services, "record_item_save", failing)
    other = list(EXTRA_GOOD)
    other[0], other[1], other[4] = "HAMIDI", "Zahra", "1234567891"
    run = imported(cast.amina.actor, table(EXTRA_GOOD, other, header=EXTRA_HEADER))
    assert run.counters["created"] == 1 and run.lines.get(line=2).status == LineStatus.REJECTED
    assert run.lines.get(line=2).errors[0]["message"] == "Refusé pour le test."
    assert not Identity.objects.filter(last_name="NOORI").exists()
    assert not Person.objects.filter(display_name__startswith="NOORI").exists()
    assert not Pathway.objects.filter(person__display_name__startswith="NOORI").exists()
    assert AccessGrant.objects.filter(organisation=cast.agir).count() == 1
    assert FrenchAssessment.objects.count() == 1 and Situation.objects.count() == 1
    assert Person.objects.get(display_name="HAMIDI Zahra").situations.count() == 1
    # ... and a new import of the same file creates the line that failed, not the other one again.
    monkeypatch.setattr(person_services, "record_item_save", real)
    monkeypatch.setattr(bulk, "write_situations", real_situations)
    again = imported(cast.amina.actor, table(EXTRA_GOOD, other, header=EXTRA_HEADER))
    assert again.counters["created"] == 1 and again.counters["existing"] == 1


# --- mappings -------------------------------------------------------------------------------------------


def test_the_mapping_is_saved_and_reused_with_its_values(cast):
    run = checked(cast.amina.actor, sheets.messy_xlsx())
    custom = {**run.column_mapping, "13": ""}  # the partner's programme column is not imported
    run = services.import_run_map_columns(actor=cast.amina.actor, run=run, mapping=custom)
    services.import_run_map_values(actor=cast.amina.actor, run=run, value_mapping={"language": {"darri": "prs"}})
    saved = services.import_mapping_save(actor=cast.amina.actor, run=run, name="Suivi AGIR")
    assert saved.columns["programme"] == "" and saved.columns["nom"] == "last_name"

    again = services.import_run_create(actor=cast.amina.actor, name="suivi-juin.xlsx", data=sheets.messy_xlsx())
    assert again.column_mapping["13"] == "" and again.column_mapping["0"] == "last_name"
    assert again.value_mapping == {"language": {"darri": "prs"}}
    again = services.import_run_check(
        actor=cast.amina.actor,
        run=services.import_run_map_columns(actor=cast.amina.actor, run=again, mapping=again.column_mapping),
    )
    assert again.counters["rejected"] == 0
    # Another organisation's files never get it.
    hugo_run = services.import_run_create(actor=cast.hugo.actor, name="suivi.xlsx", data=sheets.messy_xlsx())
    assert hugo_run.column_mapping["13"] == "programme" and hugo_run.value_mapping == {}


def test_two_columns_cannot_go_to_one_field(cast):
    run = services.import_run_create(actor=cast.amina.actor, name="suivi.xlsx", data=table(GOOD))
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="même champ"):
        services.import_run_map_columns(actor=cast.amina.actor, run=run, mapping={"1": "last_name", "2": "last_name"})


def test_unknown_values_are_listed_with_suggestions_and_the_mapping_applied(cast):
    from ancrage.imports.values import key

    row = [*GOOD[:5], "Afghane", "Rennes", "06 11 22 33 44", "darri, anglais"]
    run = checked(cast.amina.actor, table(row, header=[*HEADER, "Langues"]))
    assert errors_of(run, 2)[0]["column"] == "Langues"
    unknown = pipeline.unknown_values(run)
    assert list(unknown) == ["language"]
    assert [entry["raw"] for entry in unknown["language"]] == ["darri"]
    assert unknown["language"][0]["suggestions"][0]["code"] == "prs"
    services.import_run_map_values(actor=cast.amina.actor, run=run, value_mapping={"language": {key("darri"): "prs"}})
    run = services.import_run_execute(
        actor=cast.amina.actor, run=services.import_run_check(actor=cast.amina.actor, run=run)
    )
    assert run.counters["created"] == 1
    assert set(Person.objects.get().languages.values_list("code", flat=True)) == {"prs", "eng"}


# --- duplicates ----------------------------------------------------------------------------------------


@pytest.fixture
def hugos_record(cast):
    from tests.factories import PathwayFactory, PersonFactory

    person = PersonFactory(name=("HAMIDI", "Zahra"), birth_date=dt.date(1992, 5, 12))
    PathwayFactory(operator=cast.other_association, referent=cast.hugo.user, person=person)
    return person


def test_duplicates_are_proposed_only_among_the_records_the_actor_sees(cast, followed, hugos_record):
    Person.objects.filter(pk=followed.pk).update(birth_date=dt.date(1990, 3, 4))
    farid = ["D-9", "HAIDARI", "Farid", "M", "04/03/1990", "afghane", "Rennes", "06 99 88 77 66"]
    run = checked(cast.amina.actor, table(GOOD, farid))
    assert [d["line"] for d in run.report["duplicates"]] == [3]
    assert [m["person_id"] for m in run.report["duplicates"][0]["matches"]] == [followed.pk]
    assert "HAIDARI" in run.report["duplicates"][0]["matches"][0]["name"]
    # Hugo's association holds a record of Zahra HAMIDI: it is never mentioned to Amina.
    assert hugos_record.pk not in [m["person_id"] for d in run.report["duplicates"] for m in d["matches"]]
    assert "HAMIDI" not in str(run.report["duplicates"])

    run = services.import_run_execute(actor=cast.amina.actor, run=run)
    line = run.lines.get(line=3)
    assert line.status == LineStatus.DUPLICATE and line.person_id != followed.pk
    from ancrage.linkage.models import DuplicateCandidate

    pair = DuplicateCandidate.objects.get(source="import")
    assert {pair.person_a_id, pair.person_b_id} == {line.person_id, followed.pk}
    # Never merged silently.
    assert Person.objects.filter(merged_into__isnull=False).count() == 0


def test_lines_with_a_probable_duplicate_can_be_left_out(cast, followed):
    Person.objects.filter(pk=followed.pk).update(birth_date=dt.date(1990, 3, 4))
    farid = ["D-9", "HAIDARI", "Farid", "M", "04/03/1990", "afghane", "Rennes", "06 99 88 77 66"]
    run = checked(cast.amina.actor, table(GOOD, farid))
    run.duplicate_policy = "skip"
    run.save()
    run = services.import_run_execute(actor=cast.amina.actor, run=run)
    assert run.counters["skipped"] == 1 and run.counters["created"] == 1
    assert Person.objects.filter(display_name="HAIDARI Farid").count() == 1


# --- permissions and audit -----------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["marc", "claire", "yves", "sofia"])
def test_only_referents_and_admins_may_import(cast, persona):
    with pytest.raises(PermissionDenied):
        services.import_run_create(actor=getattr(cast, persona).actor, name="suivi.xlsx", data=table(GOOD))


def test_another_organisation_cannot_check_or_run_an_import(cast):
    run = mapped(cast.amina.actor, table(GOOD))
    with pytest.raises(PermissionDenied):
        services.import_run_check(actor=cast.hugo.actor, run=run)
    run = services.import_run_check(actor=cast.amina.actor, run=run)
    with pytest.raises(PermissionDenied):
        services.import_run_execute(actor=cast.hugo.actor, run=run)
    assert not Person.objects.exists()


def test_the_import_is_audited_with_the_file_hash_and_counts(cast):
    data = table(GOOD)
    run = imported(cast.amina.actor, data)
    import hashlib

    event = AuditEvent.objects.get(event="import.run")
    assert event.details["sha256"] == hashlib.sha256(data).hexdigest() == run.sha256
    assert event.details["created"] == 1 and event.user == cast.amina.user
    assert AuditEvent.objects.filter(event="person.create").count() == 1
    assert ImportedLine.objects.get().fingerprint
    assert ImportMapping.objects.count() == 0
