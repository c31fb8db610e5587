"""Amina's work on a person's record, and what the others may not do."""

import datetime as dt
import json

import pytest
from django.urls import reverse

from ancrage.access.models import AccessGrant, Consent
from ancrage.access.services import consent_record
from ancrage.audit.models import AuditEvent
from ancrage.pathways.models import Appointment, Note, Pathway
from ancrage.persons.models import Identity, Person

from ...factories import AppointmentFactory, NoteFactory, PathwayFactory, PersonFactory

pytestmark = pytest.mark.django_db


def test_amina_creates_a_person_with_a_pathway(cast, as_persona):
    client = as_persona(cast.amina)
    response = client.post(
        reverse("persons:create"),
        {
            "last_name": "Ahmadzai",
            "first_names": "Gul",
            "identity_source": "declared",
            "sex": "F",
            "birth_date": "1994-03-01",
            "birth_date_precision": "year",
            "nationality": "AF",
            "commune": "35238",
            "programme": "agir",
            "entry_date": dt.date.today().isoformat(),
            "referent": cast.amina.user.pk,
            "interpreting_needed": "on",
            "interpreting_language": "prs",
        },
    )
    person = Person.objects.get()
    assert response.status_code == 302 and response.url == reverse("persons:detail", args=[person.pk])
    assert person.display_name == "AHMADZAI Gul"
    assert person.nationalities.get().code == "AF"
    pathway = Pathway.objects.get(person=person)
    assert pathway.operator == cast.agir and pathway.referent == cast.amina.user
    assert AccessGrant.objects.filter(person=person, organisation=cast.agir, origin="pathway").exists()
    created = AuditEvent.objects.get(event="person.create", person=person, user=cast.amina.user)
    assert created.details == {"items": {"nationality": [person.nationalities.get().pk]}}  # one event, naming it
    page = client.get(reverse("persons:detail", args=[person.pk]))
    assert page.status_code == 200
    assert "AHMADZAI Gul" in page.content.decode()


def test_create_person_with_bad_input_keeps_everything_and_explains(cast, as_persona):
    client = as_persona(cast.amina)
    future = (dt.date.today() + dt.timedelta(days=3)).isoformat()
    response = client.post(
        reverse("persons:create"),
        {
            "last_name": "",
            "first_names": "Gul",
            "sex": "F",
            "birth_date": future,
            "programme": "agir",
            "entry_date": future,
            "identity_source": "declared",
            "phone": "abc",
            "interpreting_needed": "on",
        },
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "Ce champ est obligatoire." in content
    assert "La date de naissance ne peut pas être dans le futur." in content
    assert "La date d&#x27;entrée ne peut pas être dans le futur." in content
    assert "Saisissez un numéro de téléphone valide" in content
    assert "Indiquez la langue d&#x27;interprétariat." in content
    assert 'value="Gul"' in content  # nothing typed is lost
    assert not Person.objects.exists()


def test_search_tolerates_accents_and_transliterations(cast, as_persona):
    pathway = PathwayFactory(operator=cast.agir, person=PersonFactory(name=("MOHAMMADI", "Zahra")))
    Identity.objects.create(person=pathway.person, last_name="محمدی", first_names="زهرا", script="Arab")
    from ancrage.persons.services import _refresh_keys

    _refresh_keys(pathway.person.pk)
    PathwayFactory(operator=cast.agir, person=PersonFactory(name=("TESFAYE", "Hélène")))
    client = as_persona(cast.amina)
    for query in ("muhammadi", "Mohamadi", "zahra", "HELENE", "hélène"):
        content = client.get(reverse("persons:list"), {"q": query}).content.decode()
        assert ("MOHAMMADI" in content) == (query.lower() not in ("helene", "hélène")), query
        assert ("TESFAYE" in content) == (query.lower() in ("helene", "hélène")), query


def test_caseload_filters_my_open_pathways(cast, as_persona, followed):
    PathwayFactory(operator=cast.agir, person=PersonFactory(name=("OTHER", "Case")))
    content = as_persona(cast.amina).get(reverse("persons:list"), {"mine": "on"}).content.decode()
    assert "HAIDARI" in content and "OTHER" not in content


def test_concurrent_edit_is_refused_and_nothing_is_lost(cast, as_persona, followed):
    client = as_persona(cast.amina)
    url = reverse("persons:edit", args=[followed.pk])
    base = {"sex": "M", "birth_date": "1990-05-17", "birth_date_precision": "day", "version": followed.version}
    assert client.post(url, {**base, "phone": "06 11 22 33 44"}).status_code == 302
    # A second editor started from the same version: refused, their input kept on screen.
    response = client.post(url, {**base, "phone": "07 99 99 99 99"})
    assert response.status_code == 200
    content = response.content.decode()
    assert "Un collègue a modifié ce dossier pendant que vous" in content
    assert "07 99 99 99 99" in content and "06 11 22 33 44" in content
    followed.refresh_from_db()
    assert followed.phone == "06 11 22 33 44"


def test_note_confidentiality_decides_who_reads(cast, as_persona, followed):
    amina, olivier = cast.amina.user, cast.olivier.user
    NoteFactory(person=followed, author=amina, organisation=cast.agir, confidentiality="shared", body="Partagée")
    NoteFactory(person=followed, author=amina, organisation=cast.agir, confidentiality="organisation", body="Interne")
    NoteFactory(person=followed, author=amina, organisation=cast.agir, confidentiality="private", body="Perso Amina")
    consent_record(
        actor=cast.amina.actor,
        person=followed,
        sections=["journal"],
        recipients=[cast.france_travail],
        purpose="Emploi",
        given_on=dt.date.today(),
    )
    url = reverse("persons:journal", args=[followed.pk])

    seen = as_persona(cast.olivier).get(url).content.decode()
    assert "Partagée" in seen and "Interne" in seen and "Perso Amina" not in seen
    seen = as_persona(cast.marc).get(url).content.decode()
    assert "Partagée" in seen and "Interne" not in seen and "Perso Amina" not in seen
    assert olivier  # Olivier is in the same organisation as Amina


def test_amina_writes_a_note_through_htmx(cast, as_persona, followed):
    client = as_persona(cast.amina)
    response = client.post(
        reverse("persons:journal", args=[followed.pk]),
        {"body": "Dossier CAF déposé.", "confidentiality": "shared"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert "Dossier CAF déposé." in response.content.decode()
    assert "<html" not in response.content.decode()
    note = Note.objects.get()
    assert note.organisation == cast.agir and note.confidentiality == "shared"


def test_appointment_and_its_ics(cast, as_persona, followed):
    client = as_persona(cast.amina)
    start = (dt.datetime.now() + dt.timedelta(days=3)).replace(hour=10, minute=0, second=0, microsecond=0)
    response = client.post(
        reverse("persons:appointment_create", args=[followed.pk]),
        {
            "subject": "Premier entretien",
            "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (start + dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
            "location": "4 rue de Redon",
            "with_user": cast.amina.user.pk,
        },
    )
    assert response.status_code == 302
    appointment = Appointment.objects.get()
    ics = client.get(reverse("persons:appointment_ics", args=[followed.pk, appointment.pk]))
    assert ics["Content-Type"].startswith("text/calendar")
    body = ics.content.decode()
    assert "BEGIN:VEVENT" in body and "SUMMARY:Premier entretien" in body and "\r\n" in body
    assert "HAIDARI" not in body  # no name in a calendar that may sync to a phone


def test_appointment_ending_before_start_is_refused(cast, as_persona, followed):
    client = as_persona(cast.amina)
    response = client.post(
        reverse("persons:appointment_create", args=[followed.pk]),
        {
            "subject": "RDV",
            "starts_at": "2030-01-10T10:00",
            "ends_at": "2030-01-10T09:00",
            "with_user": cast.amina.user.pk,
        },
    )
    assert response.status_code == 200
    assert "La fin du rendez-vous doit suivre son début." in response.content.decode()
    assert not Appointment.objects.exists()


def test_marc_sees_only_the_sections_shared_with_france_travail(cast, as_persona, followed):
    url = reverse("persons:detail", args=[followed.pk])
    assert as_persona(cast.marc).get(url).status_code == 404
    consent = consent_record(
        actor=cast.amina.actor,
        person=followed,
        sections=["language"],
        recipients=[cast.france_travail],
        purpose="Inscription",
        given_on=dt.date.today(),
    )
    content = as_persona(cast.marc).get(url).content.decode()
    assert "HAIDARI" in content and 'id="language"' in content
    assert 'id="protection"' not in content and 'id="journal"' not in content and 'id="pathway"' not in content
    # Marc may not edit what he sees.
    assert as_persona(cast.marc).get(reverse("persons:edit", args=[followed.pk])).status_code == 403
    # Withdrawal ends the access at once.
    as_persona(cast.amina).post(reverse("persons:consent_withdraw", args=[followed.pk, consent.pk]))
    assert Consent.objects.get().withdrawn_on is not None
    assert as_persona(cast.marc).get(url).status_code == 404


def test_consent_needs_the_persons_agreement_and_a_recipient(cast, as_persona, followed):
    response = as_persona(cast.amina).post(
        reverse("persons:sharing", args=[followed.pk]),
        {
            "sections": ["language"],
            "purpose": "Emploi",
            "given_on": dt.date.today().isoformat(),
            "method": "written",
        },
    )
    assert response.status_code == 200
    assert not Consent.objects.exists()
    assert response.content.decode().count('fr-message--error">Ce champ est obligatoire.') == 2


@pytest.mark.parametrize("persona", ["claire", "yves", "sofia", "hugo", "marc"])
def test_others_get_404_on_the_record(cast, as_persona, followed, persona):
    client = as_persona(getattr(cast, persona))
    for name in ("persons:detail", "persons:journal", "persons:export_pdf", "persons:export_json"):
        assert client.get(reverse(name, args=[followed.pk])).status_code in (404,), (persona, name)


def test_export_contains_everything_and_is_audited(cast, as_persona, followed):
    NoteFactory(person=followed, author=cast.amina.user, organisation=cast.agir, body="Ouverture des droits CAF")
    client = as_persona(cast.amina)
    data = json.loads(client.get(reverse("persons:export_json", args=[followed.pk])).content)
    assert data["identities"][0]["last_name"] == "HAIDARI"
    assert data["notes"][0]["text"] == "Ouverture des droits CAF"
    assert data["pathways"][0]["operator"] == cast.agir.name
    pdf = client.get(reverse("persons:export_pdf", args=[followed.pk]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    events = set(AuditEvent.objects.filter(person=followed).values_list("event", flat=True))
    assert {"person.export.json", "person.export.pdf"} <= events


def test_access_history_is_for_organisation_admins(cast, as_persona, followed):
    url = reverse("persons:access_history", args=[followed.pk])
    as_persona(cast.amina).get(reverse("persons:detail", args=[followed.pk]))
    assert as_persona(cast.amina).get(url).status_code == 404
    content = as_persona(cast.olivier).get(url).content.decode()
    assert "person.read" in content and "Amina" in content


def test_record_items_validate_dates(cast, as_persona, followed):
    client = as_persona(cast.amina)
    response = client.post(
        reverse("persons:item_add", args=[followed.pk, "titre"]),
        {
            "kind": "carte_resident",
            "issue_date": "2025-01-10",
            "expiry_date": "2024-01-10",
        },
    )
    assert response.status_code == 200
    assert "La date d&#x27;expiration doit être postérieure à la date de délivrance." in response.content.decode()
    response = client.post(
        reverse("persons:item_add", args=[followed.pk, "niveau-francais"]),
        {
            "assessed_on": "2025-01-10",
            "level": "D4",
            "skill": "global",
            "kind": "tested",
        },
    )
    assert "Sélectionnez un choix valide" in response.content.decode()


def test_field_history_shows_who_changed_what(cast, as_persona, followed):
    client = as_persona(cast.amina)
    client.post(
        reverse("persons:edit", args=[followed.pk]),
        {
            "sex": "M",
            "birth_date": "1990-05-17",
            "birth_date_precision": "day",
            "version": followed.version,
            "phone": "06 12 34 56 78",
        },
    )
    content = client.get(reverse("persons:changes", args=[followed.pk])).content.decode()
    assert "06 12 34 56 78" in content


def test_agenda_lists_my_upcoming_appointments(cast, as_persona, followed):
    AppointmentFactory(person=followed, organisation=cast.agir, with_user=cast.amina.user, subject="Point CAF")
    content = as_persona(cast.amina).get(reverse("pathways:agenda")).content.decode()
    assert "Point CAF" in content and "HAIDARI" in content


def test_a_refused_journal_or_history_is_recorded_as_refused_not_as_read(cast, as_persona, followed):
    # France Travail sees the record through a consent that shares the employment section only.
    consent_record(
        actor=cast.amina.actor,
        person=followed,
        sections=["employment"],
        recipients=[cast.france_travail],
        purpose="Emploi",
        given_on=dt.date.today(),
    )
    marc = as_persona(cast.marc)
    assert marc.get(reverse("persons:detail", args=[followed.pk])).status_code == 200
    for name, event in (("persons:journal", "journal.read"), ("persons:changes", "person.field_history")):
        assert marc.get(reverse(name, args=[followed.pk])).status_code == 404
        logged = AuditEvent.objects.filter(user=cast.marc.user, event=event, person=followed)
        assert list(logged.values_list("action", flat=True)) == ["denied"]
    # Amina reads both: one read each, no refusal.
    amina = as_persona(cast.amina)
    for name in ("persons:journal", "persons:changes"):
        assert amina.get(reverse(name, args=[followed.pk])).status_code == 200
    assert not AuditEvent.objects.filter(user=cast.amina.user, action="denied").exists()
    assert AuditEvent.objects.filter(user=cast.amina.user, event="journal.read", action="read").count() == 1
