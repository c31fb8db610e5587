"""The carrier's pages: Amina (AGIR 35 carries the action) writes the bilans and records participations;
Claire and Yves read the bilans' documents; nobody else learns the action's participants."""

import copy
import datetime as dt
import html

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from ancrage.audit.models import AuditEvent
from ancrage.steering.bilans import bilan_save
from ancrage.steering.models import BilanAttachment, Participation, ParticipationSource, QualitativeReport

from ..conftest import login
from ..factories import PathwayFactory, PersonFactory
from .conftest import make_action

pytestmark = pytest.mark.django_db

D = dt.date
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"


@pytest.fixture
def action(contract, cast):
    action = make_action(contract, cast.agir, title="Ateliers sociolinguistiques")
    action.description = "Des ateliers de français à visée sociale."
    action.save()
    return action


@pytest.fixture
def hidden(cast):
    """A person followed by another association: Amina cannot open the record."""
    return PathwayFactory(operator=cast.other_association, person=PersonFactory(name=("ZEROUALI", "Nadia"))).person


def _pdf(name: str = "rapport-activite.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def _bilan_url(action, year: int = 2021) -> str:
    return reverse("steering:bilan_edit", args=[action.pk, year])


INVALID = "!!UNDEFINED:%s!!"


@pytest.fixture(autouse=True)
def strict_templates(settings):
    """Undefined template variables show up in the page, so ``_text`` catches them."""
    templates = copy.deepcopy(settings.TEMPLATES)
    templates[0]["OPTIONS"]["string_if_invalid"] = INVALID
    settings.TEMPLATES = templates


def _text(response) -> str:
    content = html.unescape(response.content.decode())
    leftovers = [line for line in content.splitlines() if "!!UNDEFINED:" in line and "csp_nonce" not in line]
    assert not leftovers, leftovers
    return content


def _events(event: str, **filters):
    return AuditEvent.objects.filter(event=event, **filters)


# --- bilans -------------------------------------------------------------------------------------------------


def test_amina_writes_the_2021_bilan_with_a_pdf_and_coordinators_download_it(client, cast, action):
    login(client, cast.amina)
    response = client.post(
        _bilan_url(action), {"text": "Douze ateliers ont eu lieu à Villejean.", "attachments": [_pdf()]}
    )
    assert response.status_code == 302
    report = QualitativeReport.objects.get(action=action, year=2021)
    assert report.text == "Douze ateliers ont eu lieu à Villejean."
    assert report.written_by == cast.amina.user
    attachment = report.attachments.get()
    assert attachment.original_name == "rapport-activite.pdf"
    assert attachment.content_type == "application/pdf"
    assert "rapport-activite" not in attachment.file.name  # the stored name is random
    assert _events("steering.bilan.create", user=cast.amina.user).count() == 1
    assert _events("steering.bilan.attachment.add", user=cast.amina.user).count() == 1

    url = reverse("steering:bilan_attachment", args=[action.pk, report.pk, attachment.pk])
    for coordinator in (cast.claire, cast.yves):
        client.logout()
        response = login(client, coordinator).get(url)
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == PDF
        assert response["Content-Disposition"].startswith("attachment")
        assert "rapport-activite.pdf" in response["Content-Disposition"]
        assert response["X-Content-Type-Options"] == "nosniff"
        assert _events("steering.bilan.attachment.read", user=coordinator.user, action="export").count() == 1


@pytest.mark.parametrize("persona", ["hugo", "marc", "sofia"])
def test_others_cannot_download_a_bilan_document(client, cast, action, persona):
    report = bilan_save(actor=cast.amina.actor, action=action, year=2021, text="Bilan")
    attachment = BilanAttachment(
        report=report, original_name="a.pdf", content_type="application/pdf", size=len(PDF), uploaded_by=cast.amina.user
    )
    attachment.file.save("x.pdf", _pdf(), save=True)
    url = reverse("steering:bilan_attachment", args=[action.pk, report.pk, attachment.pk])
    assert login(client, getattr(cast, persona)).get(url).status_code == 404
    assert not _events("steering.bilan.attachment.read").exists()


def test_a_document_is_not_reachable_through_another_action(client, cast, contract, action):
    other = make_action(contract, cast.agir, title="Autre action")
    report = bilan_save(actor=cast.amina.actor, action=action, year=2021, text="Bilan")
    attachment = BilanAttachment(
        report=report, original_name="a.pdf", content_type="application/pdf", size=len(PDF), uploaded_by=cast.amina.user
    )
    attachment.file.save("x.pdf", _pdf(), save=True)
    url = reverse("steering:bilan_attachment", args=[other.pk, report.pk, attachment.pk])
    assert login(client, cast.claire).get(url).status_code == 404


@pytest.mark.parametrize("persona", ["claire", "yves", "hugo", "marc"])
def test_only_the_carrier_writes_the_bilan(client, cast, action, persona):
    client = login(client, getattr(cast, persona))
    assert client.get(_bilan_url(action)).status_code == 404
    assert client.post(_bilan_url(action), {"text": "Intrus"}).status_code == 404
    assert not QualitativeReport.objects.exists()


def test_a_stale_version_is_refused_and_nothing_is_overwritten(client, cast, action):
    report = bilan_save(actor=cast.amina.actor, action=action, year=2021, text="Première version")
    bilan_save(actor=cast.olivier.actor, action=action, year=2021, text="Version d'Olivier", expected_version=1)
    response = login(client, cast.amina).post(_bilan_url(action), {"text": "Ma version", "version": report.version})
    assert response.status_code == 200
    assert "Version d'Olivier" in _text(response)  # shown for comparison
    assert "Un collègue a enregistré ce bilan pendant que vous l'écriviez" in _text(response)
    report.refresh_from_db()
    assert report.text == "Version d'Olivier"
    assert report.version == 2
    # Saving again from the page (now carrying version 2) keeps Amina's text.
    assert client.post(_bilan_url(action), {"text": "Ma version", "version": 2}).status_code == 302
    report.refresh_from_db()
    assert report.text == "Ma version"


def test_a_bilan_written_meanwhile_is_not_overwritten_by_a_new_one(client, cast, action):
    bilan_save(actor=cast.olivier.actor, action=action, year=2021, text="Écrit par Olivier")
    response = login(client, cast.amina).post(_bilan_url(action), {"text": "Écrit par Amina"})
    assert response.status_code == 200
    assert QualitativeReport.objects.get().text == "Écrit par Olivier"


def test_a_bad_file_type_is_refused_in_french_and_nothing_is_saved(client, cast, action):
    response = login(client, cast.amina).post(
        _bilan_url(action), {"text": "Bilan", "attachments": [_pdf("virus.pdf", b"MZ\x90\x00 not a pdf")]}
    )
    assert response.status_code == 200
    assert "« virus.pdf » n'est pas un fichier accepté (PDF, JPEG, PNG)." in _text(response)
    assert not QualitativeReport.objects.exists()
    assert not BilanAttachment.objects.exists()


def test_a_file_too_large_is_refused_in_french(client, cast, action, settings):
    settings.REFERRAL_ATTACHMENT_MAX_BYTES = 20
    response = login(client, cast.amina).post(_bilan_url(action), {"text": "Bilan", "attachments": [_pdf()]})
    assert response.status_code == 200
    assert "« rapport-activite.pdf » est trop volumineux" in _text(response)
    assert not BilanAttachment.objects.exists()


def test_the_text_is_required_and_the_year_must_be_a_contract_year(client, cast, action):
    client = login(client, cast.amina)
    response = client.post(_bilan_url(action), {"text": "   "})
    assert response.status_code == 200
    assert "Écrivez le bilan." in _text(response)
    assert not QualitativeReport.objects.exists()
    assert client.get(_bilan_url(action, 2019)).status_code == 404
    assert client.get(_bilan_url(action, 2024)).status_code == 404


def test_the_carrier_removes_a_document_others_cannot(client, cast, action, django_capture_on_commit_callbacks):
    login(client, cast.amina).post(_bilan_url(action), {"text": "Bilan", "attachments": [_pdf()]})
    attachment = BilanAttachment.objects.get()
    stored = attachment.file.name
    url = reverse("steering:bilan_attachment_delete", args=[action.pk, attachment.report_id, attachment.pk])
    for persona in (cast.claire, cast.hugo):
        client.logout()
        assert login(client, persona).post(url).status_code == 404
    assert BilanAttachment.objects.exists()
    client.logout()
    client = login(client, cast.olivier)
    assert client.get(url).status_code == 405
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url).status_code == 302
    assert not BilanAttachment.objects.exists()
    assert not default_storage.exists(stored)
    assert _events("steering.bilan.attachment.delete", user=cast.olivier.user, action="delete").count() == 1


# --- participations ------------------------------------------------------------------------------------------


def _add_url(action) -> str:
    return reverse("steering:participation_add", args=[action.pk])


def test_amina_records_a_participation_for_a_person_she_follows(client, cast, action, followed):
    client = login(client, cast.amina)
    response = client.get(_add_url(action), {"q": "haidari"})
    assert response.status_code == 200
    assert "HAIDARI" in _text(response)
    response = client.get(_add_url(action), {"person": followed.pk})
    assert response.status_code == 200
    response = client.post(_add_url(action), {"person": followed.pk, "starts_on": "2021-03-01", "ends_on": ""})
    assert response.status_code == 302
    participation = Participation.objects.get()
    assert participation.person == followed
    assert participation.source == ParticipationSource.CARRIER
    assert participation.recorded_by_organisation == cast.agir
    assert participation.ends_on is None
    assert _events("steering.participation.add", user=cast.amina.user, person_id=followed.pk).count() == 1


def test_amina_cannot_record_a_person_she_cannot_view_nor_learn_the_name(client, cast, action, hidden):
    client = login(client, cast.amina)
    response = client.get(_add_url(action), {"q": "zerouali"})
    assert response.status_code == 200
    assert "ZEROUALI" not in _text(response)
    assert client.get(_add_url(action), {"person": hidden.pk}).status_code == 404
    response = client.post(_add_url(action), {"person": hidden.pk, "starts_on": "2021-03-01"})
    assert response.status_code == 200
    content = _text(response)
    assert "Choisissez une personne dont vous voyez le dossier." in content
    assert "ZEROUALI" not in content and "Nadia" not in content
    assert not Participation.objects.exists()


def test_participation_dates_are_checked_in_french(client, cast, action, followed):
    client = login(client, cast.amina)

    def post(starts_on, ends_on=""):
        return client.post(_add_url(action), {"person": followed.pk, "starts_on": starts_on, "ends_on": ends_on})

    assert "avant le 01/01/2021 (début de l'action)" in _text(post("2020-12-15"))
    assert "La fin ne peut pas précéder le début." in _text(post("2021-06-01", "2021-05-01"))
    assert "après le 01/12/2023 (fin de l'action)" in _text(post("2021-06-01", "2024-01-01"))
    assert not Participation.objects.exists()
    assert post("2021-06-01", "2021-09-30").status_code == 302
    response = post("2021-06-01")
    assert response.status_code == 200
    assert "Cette participation est déjà enregistrée." in _text(response)
    assert Participation.objects.count() == 1


@pytest.mark.parametrize("persona", ["claire", "yves", "hugo", "marc"])
def test_only_the_carrier_records_participations(client, cast, action, followed, persona):
    client = login(client, getattr(cast, persona))
    assert client.get(_add_url(action)).status_code == 404
    response = client.post(_add_url(action), {"person": followed.pk, "starts_on": "2021-03-01"})
    assert response.status_code == 404
    assert not Participation.objects.exists()


def test_a_derived_participation_cannot_be_removed_a_typed_one_can(client, cast, action, followed):
    derived = Participation.objects.create(
        person=followed, action=action, starts_on=D(2021, 2, 1), source=ParticipationSource.PATHWAY
    )
    typed = Participation.objects.create(
        person=followed,
        action=action,
        starts_on=D(2022, 2, 1),
        source=ParticipationSource.CARRIER,
        recorded_by_organisation=cast.agir,
    )
    client = login(client, cast.amina)
    page = _text(client.get(reverse("steering:carrier_action", args=[action.pk])))
    assert "Issue d'un parcours d'accompagnement" in page
    assert reverse("steering:participation_delete", args=[action.pk, derived.pk]) not in page
    assert reverse("steering:participation_delete", args=[action.pk, typed.pk]) in page

    response = client.post(reverse("steering:participation_delete", args=[action.pk, derived.pk]), follow=True)
    assert "Issue d'un parcours d'accompagnement" in _text(response)
    assert Participation.objects.filter(pk=derived.pk).exists()

    for persona in (cast.claire, cast.hugo):
        client.logout()
        assert (
            login(client, persona)
            .post(reverse("steering:participation_delete", args=[action.pk, typed.pk]))
            .status_code
            == 404
        )
    assert Participation.objects.filter(pk=typed.pk).exists()

    client.logout()
    client = login(client, cast.amina)
    assert client.post(reverse("steering:participation_delete", args=[action.pk, typed.pk])).status_code == 302
    assert not Participation.objects.filter(pk=typed.pk).exists()
    assert _events("steering.participation.delete", user=cast.amina.user, person_id=followed.pk).count() == 1


def test_the_participants_list_does_not_name_persons_the_viewer_cannot_see(
    client, cast, action, followed, hidden, django_assert_max_num_queries
):
    Participation.objects.create(
        person=followed, action=action, starts_on=D(2021, 2, 1), source=ParticipationSource.PATHWAY
    )
    Participation.objects.create(
        person=hidden, action=action, starts_on=D(2021, 3, 1), source=ParticipationSource.REFERRAL
    )
    for n in range(8):
        person = PathwayFactory(operator=cast.agir, person=PersonFactory(name=(f"NOM{n}", "Test"))).person
        Participation.objects.create(
            person=person, action=action, starts_on=D(2021, 4, 1), source=ParticipationSource.PATHWAY
        )
    client = login(client, cast.amina)
    url = reverse("steering:carrier_action", args=[action.pk])
    with django_assert_max_num_queries(20):
        response = client.get(url)
    content = _text(response)
    assert response.status_code == 200
    assert "HAIDARI" in content
    assert "ZEROUALI" not in content and "Nadia" not in content
    assert "Et 1 participation d'une personne dont vous ne voyez pas" in content
    event = _events("steering.participation.list", user=cast.amina.user).latest("pk")
    assert hidden.pk not in event.details["ids"]
    assert followed.pk in event.details["ids"]
    assert len(event.details["ids"]) == 9

    response = client.get(url, {"q": "haidari"})
    content = _text(response)
    assert "HAIDARI" in content and "NOM1" not in content
    assert _events("steering.participation.list", user=cast.amina.user).latest("pk").details["ids"] == [followed.pk]
    # Searching a hidden person's name finds nothing (no count that would confirm the name either).
    content = _text(client.get(url, {"q": "zerouali"}))
    assert "Aucune participation ne correspond" in content

    for persona in (cast.claire, cast.yves, cast.hugo, cast.marc):
        client.logout()
        response = login(client, persona).get(url)
        assert response.status_code == 404
        assert b"HAIDARI" not in response.content


# --- my actions ------------------------------------------------------------------------------------------------


def test_my_actions_lists_the_carried_actions_with_bilan_and_counts(client, cast, contract, action, followed):
    other = make_action(contract, cast.other_association, title="Action d'Un Toit")
    # The contract ended in 2023: the page shows its last year.
    bilan_save(actor=cast.amina.actor, action=action, year=2023, text="Bilan")
    Participation.objects.create(
        person=followed, action=action, starts_on=D(2021, 2, 1), source=ParticipationSource.PATHWAY
    )
    response = login(client, cast.amina).get(reverse("steering:my_actions"))
    content = _text(response)
    assert response.status_code == 200
    assert "Ateliers sociolinguistiques" in content
    assert other.title not in content
    row = content.split("Ateliers sociolinguistiques", 1)[1].split("</tr>", 1)[0]
    assert "<td>2023</td>" in row and "Rédigé" in row
    assert row.count("<td>1</td>") == 2  # one participation running in 2023, one person
    assert reverse("steering:my_actions") in content  # the menu entry
    assert _events("steering.carrier.actions", user=cast.amina.user).get().details["actions"] == [action.pk]


def test_an_organisation_carrying_nothing_sees_an_empty_state_and_no_menu_entry(client, cast, action):
    response = login(client, cast.hugo).get(reverse("steering:my_actions"))
    assert response.status_code == 200
    assert "Votre organisation ne porte aucune fiche action" in _text(response)
    home = _text(client.get(reverse("persons:list")))
    assert "Mes actions du contrat" not in home
    client.logout()
    assert "Mes actions du contrat" in _text(login(client, cast.amina).get(reverse("persons:list")))


@pytest.mark.parametrize("persona", ["claire", "yves", "marc", "sofia"])
def test_my_actions_is_for_referents_and_admins(client, cast, action, persona):
    assert login(client, getattr(cast, persona)).get(reverse("steering:my_actions")).status_code == 404


def test_the_carrier_pages_render_with_every_variable_defined(client, cast, action, followed):
    client = login(client, cast.amina)
    client.post(_bilan_url(action), {"text": "Bilan", "attachments": [_pdf()]})
    bilan_page = _text(client.get(_bilan_url(action)))
    assert "rapport-activite.pdf" in bilan_page
    assert 'name="version" value="1"' in bilan_page
    chosen = _text(client.get(_add_url(action), {"person": followed.pk}))
    assert 'data-testid="chosen-person">HAIDARI Farid' in chosen
    assert 'type="date"' in chosen
    _text(client.get(_add_url(action)))
    _text(client.get(reverse("steering:my_actions")))
    _text(client.get(reverse("steering:carrier_action", args=[action.pk]), {"page": "9"}))


def test_the_number_of_documents_per_bilan_is_capped(client, cast, action, monkeypatch):
    monkeypatch.setattr("ancrage.steering.bilans.BILAN_ATTACHMENTS_MAX", 2)
    monkeypatch.setattr("ancrage.www.steering.carrier_forms.BILAN_ATTACHMENTS_MAX", 2)
    client = login(client, cast.amina)
    response = client.post(
        _bilan_url(action), {"text": "Bilan", "attachments": [_pdf("a.pdf"), _pdf("b.pdf"), _pdf("c.pdf")]}
    )
    assert "2 fichiers au plus par bilan." in _text(response)
    assert (
        client.post(_bilan_url(action), {"text": "Bilan", "attachments": [_pdf("a.pdf"), _pdf("b.pdf")]}).status_code
        == 302
    )
    response = client.post(_bilan_url(action), {"text": "Bilan revu", "version": 1, "attachments": [_pdf("c.pdf")]})
    assert "Ce bilan a déjà 2 pièces jointes : retirez-en une avant d'en ajouter." in _text(response)
    report = QualitativeReport.objects.get()
    assert report.text == "Bilan"  # the text and its documents stand or fall together
    assert report.attachments.count() == 2
