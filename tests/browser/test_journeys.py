"""The personas' journeys through the real pages, in a real browser (see conftest.py for the plumbing)."""

import datetime as dt
import re
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from ancrage.access.services import consent_record
from ancrage.pathways.models import Confidentiality
from ancrage.pathways.services import note_create
from ancrage.persons.models import Person
from tests.factories import MembershipFactory, UserFactory

from .conftest import amina_creates_person, choose, expect_not_found, field, login

pytestmark = pytest.mark.browser

SHARED_NOTE = "Inscription à France Travail faite ; attend la convocation."
PRIVATE_NOTE = "Semble fatiguée, reparler du logement la prochaine fois."


def main_nav(page: Page):
    return page.get_by_role("navigation", name="Menu principal")


def test_amina_records_a_person_writes_notes_and_plans_an_appointment(page: Page, cast, territory, checkpoint):
    login(page, cast.amina, checkpoint)
    expect(page).to_have_url(re.compile(r"/personnes/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Personnes accompagnées")
    checkpoint(page, "liste-vide")

    page.get_by_role("link", name="Nouvelle personne").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nouvelle personne")
    checkpoint(page, "creation")
    # Fields found by their visible labels: this also checks every label is tied to its field.
    form = page.locator("main form")
    field(form, "Nom (en caractères latins)").fill("Rahimi")
    field(form, "Prénoms").fill("Zahra")
    field(form, "Sexe").select_option(label="Femme")
    field(form, "Date de naissance").fill("1994-03-12")
    field(form, "Nationalité").select_option(label="Afghanistan")
    field(form, "Commune de résidence").select_option(label="Rennes (35238)")
    field(form, "Programme d'accompagnement").select_option(label="AGIR")
    field(form, "Date d'entrée dans le parcours").fill(timezone.localdate().isoformat())
    field(form, "Référent").select_option(label="Amina Benali")
    page.get_by_role("button", name="Créer le dossier").click()

    expect(page).to_have_url(re.compile(r"/personnes/\d+/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("RAHIMI")
    expect(page.get_by_role("status").filter(has_text="est créé")).to_be_visible()
    person = Person.objects.get()
    assert person.nationalities.get().code == "AF"
    assert person.pathways.get().referent == cast.amina.user
    checkpoint(page, "dossier-cree")

    # The journal on the record page: HTMX swaps the block in place.
    journal = page.locator("#journal-block")
    journal.get_by_label("Note").fill(SHARED_NOTE)
    choose(journal, "Partagée avec les partenaires")
    journal.get_by_role("button", name="Ajouter la note").click()
    expect(journal.locator("article", has_text=SHARED_NOTE)).to_be_visible()
    expect(journal.get_by_label("Note")).to_have_value("")
    journal.get_by_label("Note").fill(PRIVATE_NOTE)
    choose(journal, "Moi seulement")
    journal.get_by_role("button", name="Ajouter la note").click()
    expect(journal.locator("article", has_text=PRIVATE_NOTE)).to_contain_text("Moi seulement")
    expect(journal.locator("article", has_text=SHARED_NOTE)).to_contain_text("Partagée avec les partenaires")
    assert sorted(person.notes.values_list("confidentiality", flat=True)) == [
        Confidentiality.PRIVATE,
        Confidentiality.SHARED,
    ]
    checkpoint(page, "journal-apres-notes")

    # An appointment tomorrow, 10:00 to 11:00 (Europe/Paris).
    page.get_by_role("link", name="Planifier un rendez-vous").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Planifier un rendez-vous")
    checkpoint(page, "rendez-vous-formulaire")
    day = timezone.localdate() + dt.timedelta(days=1)
    form = page.locator("main form")
    field(form, "Objet").fill("Premier entretien AGIR")
    field(form, "Début").fill(f"{day.isoformat()}T10:00")
    field(form, "Fin").fill(f"{day.isoformat()}T11:00")
    page.get_by_role("button", name="Enregistrer le rendez-vous").click()

    expect(page).to_have_url(re.compile(r"/personnes/\d+/#appointments$"))
    row = page.locator("#appointments tbody tr", has_text="Premier entretien AGIR")
    expect(row).to_contain_text(f"{day:%d/%m/%Y} 10:00")
    expect(row).to_contain_text("Amina Benali")
    checkpoint(page, "dossier-avec-rendez-vous")

    main_nav(page).get_by_role("link", name="Mes rendez-vous").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mes rendez-vous")
    row = page.locator("tbody tr", has_text="Premier entretien AGIR")
    expect(row).to_contain_text("RAHIMI")
    checkpoint(page, "mes-rendez-vous")

    with page.expect_download() as download_info:
        row.get_by_role("link", name=re.compile(r"Ajouter à mon agenda")).click()
    download = download_info.value
    assert download.suggested_filename.endswith(".ics")
    ics = Path(download.path()).read_text(encoding="utf-8")
    assert "BEGIN:VCALENDAR" in ics
    assert "BEGIN:VEVENT" in ics
    assert "SUMMARY:Premier entretien AGIR" in ics
    starts = dt.datetime.combine(day, dt.time(10), tzinfo=ZoneInfo("Europe/Paris")).astimezone(dt.UTC)
    assert f"DTSTART:{starts:%Y%m%dT%H%M%SZ}" in ics


def test_marc_sees_only_what_consent_shares(page: Page, cast, territory, checkpoint):
    person, _pathway = amina_creates_person(cast)
    note_create(actor=cast.amina.actor, person=person, body=SHARED_NOTE, confidentiality=Confidentiality.SHARED)
    note_create(actor=cast.amina.actor, person=person, body=PRIVATE_NOTE, confidentiality=Confidentiality.PRIVATE)
    record = reverse("persons:detail", args=[person.pk])

    login(page, cast.marc, checkpoint)
    expect(page.get_by_role("heading", level=1)).to_have_text("Personnes accompagnées")
    expect(page.get_by_role("link", name=re.compile("RAHIMI"))).to_have_count(0)
    expect(page.get_by_text("Aucune personne pour l'instant")).to_be_visible()
    checkpoint(page, "liste-sans-partage")
    expect_not_found(page, record)
    checkpoint(page, "dossier-introuvable")

    consent_record(
        actor=cast.amina.actor,
        person=person,
        sections=["language"],
        recipients=[cast.france_travail],
        purpose="Inscription à France Travail",
        given_on=timezone.localdate(),
    )

    page.goto(reverse("persons:list"))
    expect(page.get_by_text("Partagé avec nous")).to_be_visible()
    checkpoint(page, "liste-avec-partage")
    page.get_by_role("link", name=re.compile("RAHIMI")).click()
    expect(page).to_have_url(re.compile(rf"{record}$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("RAHIMI")
    expect(page.locator("#language")).to_be_visible()
    expect(page.locator("#identity")).to_be_visible()
    for hidden in ("journal", "protection", "pathway", "family", "appointments"):
        expect(page.locator(f"#{hidden}")).to_have_count(0)
    expect(page.get_by_text(SHARED_NOTE)).to_have_count(0)
    expect(page.get_by_text(PRIVATE_NOTE)).to_have_count(0)
    expect(page.get_by_role("link", name="Modifier", exact=True)).to_have_count(0)
    checkpoint(page, "dossier-partage")

    expect_not_found(page, reverse("persons:journal", args=[person.pk]))
    checkpoint(page, "journal-introuvable")


def test_claire_sees_aggregates_never_a_person(page: Page, cast, territory, checkpoint):
    person, pathway = amina_creates_person(cast)
    note_create(actor=cast.amina.actor, person=person, body=SHARED_NOTE, confidentiality=Confidentiality.SHARED)

    login(page, cast.claire, checkpoint)
    expect(page).to_have_url(re.compile(r"/tableau-de-bord/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Tableau de bord")
    expect(main_nav(page).get_by_role("link", name="Personnes accompagnées")).to_have_count(0)
    expect(main_nav(page).get_by_role("link", name="Mes rendez-vous")).to_have_count(0)
    expect(page.get_by_text("RAHIMI")).to_have_count(0)
    checkpoint(page, "tableau-de-bord")

    urls = {
        "liste": reverse("persons:list"),
        "dossier": reverse("persons:detail", args=[person.pk]),
        "modifier": reverse("persons:edit", args=[person.pk]),
        "journal": reverse("persons:journal", args=[person.pk]),
        "rendez-vous": reverse("persons:appointment_create", args=[person.pk]),
        "partage": reverse("persons:sharing", args=[person.pk]),
        "export-pdf": reverse("persons:export_pdf", args=[person.pk]),
        "export-json": reverse("persons:export_json", args=[person.pk]),
        "parcours": reverse("pathways:detail", args=[pathway.pk]),
        "agenda": reverse("pathways:agenda"),
    }
    for index, (name, url) in enumerate(urls.items()):
        expect_not_found(page, url)
        expect(page.get_by_text("RAHIMI")).to_have_count(0)
        checkpoint(page, f"introuvable-{name}", screenshot=index == 0)  # the same page each time


def test_bad_input_is_explained_and_nothing_is_lost(page: Page, cast, territory, checkpoint):
    login(page, cast.amina, checkpoint)
    expect(page.get_by_role("heading", level=1)).to_have_text("Personnes accompagnées")
    checkpoint(page, "liste", screenshot=False)
    page.get_by_role("link", name="Nouvelle personne").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nouvelle personne")
    checkpoint(page, "creation", screenshot=False)
    page.get_by_role("button", name="Créer le dossier").click()

    summary = page.get_by_role("alert").filter(has_text="Le formulaire contient des erreurs")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("rien n'a été enregistré")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link", name="Nom (en caractères latins)")).to_have_attribute("href", "#id_last_name")
    expect(page.locator("#id_last_name-messages")).to_have_text("Ce champ est obligatoire.")
    expect(page.locator("#id_sex-messages")).to_have_text("Ce champ est obligatoire.")
    expect(page.locator("#id_last_name")).to_have_attribute(
        "aria-describedby", re.compile(r"\bid_last_name-messages\b")
    )
    expect(page.locator("#id_last_name")).to_have_attribute("aria-invalid", "true")
    assert not Person.objects.exists()
    checkpoint(page, "creation-vide")

    # Two tabs on the same edit page: the second save must not overwrite the first.
    person, _pathway = amina_creates_person(cast)
    edit = reverse("persons:edit", args=[person.pk])
    first = page
    second = page.context.new_page()
    first.goto(edit)
    second.goto(edit)
    checkpoint(first, "modifier")
    checkpoint(second, "modifier-second-onglet", screenshot=False)

    field(first, "Téléphone").fill("02 99 00 00 01")
    first.get_by_role("button", name="Enregistrer").click()
    expect(first.get_by_role("status").filter(has_text="Modifications enregistrées.")).to_be_visible()
    checkpoint(first, "dossier-enregistre", screenshot=False)

    field(second, "Téléphone").fill("06 12 34 56 78")
    second.get_by_role("button", name="Enregistrer").click()
    conflict = second.get_by_role("alert").filter(
        has=second.get_by_role("heading", name="Un collègue a modifié ce dossier pendant que vous l'éditiez")
    )
    expect(conflict).to_be_visible()
    expect(conflict).to_contain_text("Amina Benali")  # who saved, and when
    expect(conflict.get_by_role("row", name=re.compile("Téléphone"))).to_contain_text("02 99 00 00 01")
    expect(conflict.get_by_role("row", name=re.compile("Téléphone"))).to_contain_text("06 12 34 56 78")
    expect(field(second, "Téléphone")).to_have_value("06 12 34 56 78")
    person.refresh_from_db()
    assert person.phone == "02 99 00 00 01"
    checkpoint(second, "modifier-conflit")

    # Having compared, saving again keeps the value typed in the second tab.
    second.get_by_role("button", name="Enregistrer").click()
    expect(second.get_by_role("status").filter(has_text="Modifications enregistrées.")).to_be_visible()
    expect(second.locator("#contact")).to_contain_text("06 12 34 56 78")
    checkpoint(second, "dossier-reenregistre", screenshot=False)
    person.refresh_from_db()
    assert person.phone == "06 12 34 56 78"


def test_a_user_with_two_memberships_chooses_the_organisation(page: Page, cast, territory, checkpoint):
    user = UserFactory(email="nadia.double@example.org", first_name="Nadia", last_name="Kerbrat")
    MembershipFactory(user=user, organisation=cast.agir)
    MembershipFactory(user=user, organisation=cast.other_association)

    login(page, user, checkpoint)
    expect(page).to_have_url(re.compile(r"/comptes/organisation/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Pour quelle organisation travaillez-vous ?")
    checkpoint(page, "choix-organisation")
    choose(page.locator("#id_membership-fieldset"), "Association Un Toit — Référent de parcours")
    page.get_by_role("button", name="Continuer").click()

    current = page.get_by_test_id("current-organisation")
    expect(current).to_contain_text("Association Un Toit")
    expect(page.get_by_role("status").filter(has_text="Vous travaillez pour Association Un Toit")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Personnes accompagnées")
    checkpoint(page, "organisation-choisie")

    # The header link switches organisation at any time.
    current.click()
    choices = page.locator("#id_membership-fieldset")
    expect(choices.get_by_label("Association Un Toit — Référent de parcours")).to_be_checked()
    choose(choices, "Coallia — plateforme AGIR 35 — Référent de parcours")
    page.get_by_role("button", name="Continuer").click()
    expect(page.get_by_test_id("current-organisation")).to_contain_text("AGIR 35")
    checkpoint(page, "organisation-changee")
