"""Issue 3's journey: Amina finds a French course for a person in the directory, refers her sharing
only identity and language, the course's agent accepts it from the inbox and marks it done, and Amina
sees the outcome on the record."""

import datetime as dt
import re

import pytest
from playwright.sync_api import Page, expect

from ancrage.access.services import consent_record
from ancrage.directory.models import Service, Structure
from ancrage.organisations.models import Role
from ancrage.referrals.models import Referral
from tests.factories import MembershipFactory, UserFactory

from .conftest import amina_creates_person, field, login

pytestmark = pytest.mark.browser


def test_amina_refers_a_person_to_a_french_course_and_sees_the_outcome(page: Page, cast, territory, checkpoint):
    person, _pathway = amina_creates_person(cast, last_name="NOORI", first_names="Hasina")
    school = cast.other_association  # a language school in this story
    teacher = UserFactory(email="lea.formatrice@example.org", first_name="Léa", last_name="Formatrice")
    agent = MembershipFactory(user=teacher, organisation=school, role=Role.PARTNER_AGENT)
    Service.objects.create(
        structure=Structure.objects.create(name="Langue et Communication", organisation=school),
        name="Cours de français langue étrangère (FLE)",
        description="Cours de FLE en petits groupes, niveaux A1 à B1.",
        thematiques=["apprendre-francais--suivre-formation"],
        publics=["personnes-exilees"],
    )
    consent_record(
        actor=cast.amina.actor,
        person=person,
        sections=["language"],
        recipients=[school],
        purpose="Cours de français",
        given_on=dt.date.today(),
    )

    login(page, cast.amina, checkpoint)
    page.goto(f"/personnes/{person.pk}/")
    page.get_by_role("link", name="Services adaptés").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Services pouvant accueillir")
    checkpoint(page, "services-adaptes")
    page.get_by_role("link", name=re.compile("Orienter vers ce service.*Cours de français")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Orienter")
    checkpoint(page, "orientation-formulaire")
    field(page, "Motif de l'orientation").fill("Souhaite rejoindre un cours de FLE du soir.")
    page.locator("label", has_text="Langues et niveau de français").click()
    page.get_by_label("Consentement qui couvre ce partage").select_option(index=1)
    page.get_by_label(re.compile("Pièces jointes")).set_input_files(
        files=[{"name": "positionnement-fle.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4 test"}]
    )
    page.get_by_role("button", name="Envoyer l'orientation").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Orientation vers")
    checkpoint(page, "orientation-envoyee")
    referral = Referral.objects.get()
    assert referral.status == "sent" and referral.sections == ["identity", "language"]

    page.context.clear_cookies()
    login(page, agent, checkpoint)
    page.goto("/orientations/recues/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Orientations reçues")
    checkpoint(page, "boite-de-reception")
    page.get_by_role("link", name="NOORI Hasina").click()
    checkpoint(page, "orientation-recue")
    with page.expect_download() as download:
        page.get_by_role("link", name="positionnement-fle.pdf").click()
    assert download.value.suggested_filename == "positionnement-fle.pdf"
    page.get_by_role("button", name="Accepter").click()
    expect(page.get_by_role("status").filter(has_text="Acceptée")).to_be_visible()
    complete = page.locator("form").filter(has=page.get_by_role("button", name="Marquer comme réalisée"))
    complete.get_by_label("Commentaire (facultatif)").fill("Inscrite au groupe du mardi soir.")
    complete.get_by_role("button", name="Marquer comme réalisée").click()
    expect(page.get_by_role("status").filter(has_text="Réalisée")).to_be_visible()
    checkpoint(page, "orientation-realisee")
    # The agent sees only the shared sections of the record.
    page.get_by_role("link", name="Ouvrir le dossier partagé").click()
    expect(page.locator("#language")).to_be_visible()
    expect(page.locator("#journal")).to_have_count(0)
    expect(page.locator("#protection")).to_have_count(0)

    page.context.clear_cookies()
    login(page, cast.amina, checkpoint)
    page.goto(f"/personnes/{person.pk}/")
    row = page.locator("#pathway tbody tr").filter(has_text="Cours de français")
    expect(row).to_contain_text("Réalisée")
    row.get_by_role("link").click()
    expect(page.locator("main")).to_contain_text("Inscrite au groupe du mardi soir.")
    checkpoint(page, "resultat-vu-par-amina")
