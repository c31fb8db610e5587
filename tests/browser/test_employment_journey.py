"""Issue 4's journey: Amina completes a person's professional profile, sees ranked opportunities with
their reasons, proposes one, records the hiring and the 6-month follow-up, downloads the commitment
contract and the CV; Olivier, her organisation's admin, sees it in the results."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from ancrage.core.dates import add_months
from ancrage.employment.models import FollowUp, Placement
from ancrage.persons.models import FrenchAssessment, Situation
from ancrage.territory.models import Commune
from tests.factories import EmployerFactory, OpportunityFactory, appellation_for

from .conftest import amina_creates_person, field, login

pytestmark = pytest.mark.browser


def test_amina_places_a_person_in_a_job_and_follows_it_up(page: Page, cast, territory, rome, checkpoint):
    person, pathway = amina_creates_person(cast, last_name="HAIDARI", first_names="Farid")
    FrenchAssessment.objects.create(
        person=person, assessed_on=timezone.localdate(), level="A2", kind="certified", test_name="TCF IRN"
    )
    rennes = Commune.objects.get(name="Rennes")
    employer = EmployerFactory(name="Propreté Armor (démo)", organisation=cast.france_travail, commune=rennes)
    OpportunityFactory(
        title="Agent de propreté H/F",
        organisation=cast.france_travail,
        employer=employer,
        appellation=appellation_for("K2204"),
        contract_type="cdi",
        commune=rennes,
        min_french_level="A2",
        hours_per_week=35,
    )
    OpportunityFactory(
        title="Cariste — CACES 3",
        organisation=cast.france_travail,
        employer=employer,
        appellation=appellation_for("N1101"),
        contract_type="interim",
        commune=rennes,
        min_french_level="B1",
    )

    login(page, cast.amina, checkpoint)
    page.goto(f"/personnes/{person.pk}/")
    page.get_by_role("link", name="Voir le profil professionnel").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Profil professionnel")
    checkpoint(page, "profil-vide")

    page.get_by_role("link", name="Ajouter une expérience").click()
    cleaning = appellation_for("K2204")
    job = field(page, "Métier exercé")
    job.fill("proprete")
    expect(page.locator("datalist option").first).to_have_count(1)  # HTMX filled the suggestions
    job.fill(f"{cleaning.label} ({cleaning.code_ogr})")  # what picking a suggestion writes
    page.get_by_label("Pays").select_option(label="Afghanistan")
    field(page, "Années d'expérience").fill("3")
    checkpoint(page, "experience-formulaire")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.locator("main")).to_contain_text("K2204")

    page.get_by_role("link", name="Ajouter un métier visé").click()
    field(page, "Métier visé").fill("menage")  # ambiguous: refused with a message, nothing lost
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.locator("main")).to_contain_text("Plusieurs métiers correspondent à « menage »")
    field(page, "Métier visé").fill(f"{cleaning.label} ({cleaning.code_ogr})")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Profil professionnel")
    checkpoint(page, "profil-complete")

    page.get_by_role("link", name="Opportunités adaptées").click()
    ranked = page.locator("main li, main article, main tr").filter(has_text="Agent de propreté H/F").first
    expect(ranked).to_be_visible()
    main = page.locator("main").inner_text()
    assert main.index("Agent de propreté H/F") < main.index("Cariste — CACES 3"), "the cleaning job ranks first"
    expect(page.locator("main")).to_contain_text("B1 requis, A2 certifié")  # what is missing for the other
    checkpoint(page, "opportunites-classees")
    page.get_by_role("link", name=re.compile("Proposer")).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Proposer")
    checkpoint(page, "proposition")
    page.get_by_role("button", name="Confirmer la proposition").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Mise en relation")
    placement = Placement.objects.get(person=person)
    assert placement.opportunity.title == "Agent de propreté H/F" and placement.match_score

    # Seven months pass between the proposal and this visit: the contract started seven months ago.
    start = add_months(timezone.localdate(), -7)
    Placement.objects.filter(pk=placement.pk).update(proposed_on=start - dt.timedelta(days=10))
    page.reload()
    hire = page.locator("form").filter(has=page.get_by_role("button", name="Embauche / entrée en formation"))
    hire.get_by_label("Contrat", exact=False).first.select_option("cdi")
    hire.get_by_label("Début du contrat ou de la formation").fill(start.isoformat())
    hire.get_by_role("button", name="Embauche / entrée en formation").click()
    expect(page.locator("main")).to_contain_text("Suivis à 1, 3, 6 et 12 mois")
    checkpoint(page, "embauche")
    assert Situation.objects.filter(person=person, domain="employment", status="cdi", start_date=start).exists()

    six = FollowUp.objects.get(placement=placement, month=6)
    page.locator(f"a[href$='/suivis/{six.pk}/']").first.click()
    field(page, "Date du suivi").fill(six.due_on.isoformat())
    page.locator("label", has_text="Oui").click()
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.locator("main")).to_contain_text("Suivis à 1, 3, 6 et 12 mois")
    six.refresh_from_db()
    assert six.done_on == six.due_on and six.still_in_post is True

    page.goto(f"/parcours/{pathway.pk}/")
    with page.expect_download() as contract:
        page.get_by_role("link", name="Contrat d'engagement (PDF)").click()
    assert contract.value.suggested_filename.endswith(".pdf")
    page.goto(f"/emploi/personnes/{person.pk}/")
    page.get_by_role("link", name="Préparer un CV").click()
    checkpoint(page, "cv-formulaire")
    with page.expect_download() as cv:
        page.get_by_role("button", name="Télécharger le PDF").click()
    assert cv.value.suggested_filename.endswith(".pdf")

    page.context.clear_cookies()
    login(page, cast.olivier, checkpoint)
    page.goto("/emploi/resultats/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    checkpoint(page, "resultats")
