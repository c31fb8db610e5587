"""Issue 5's journey: Amina opens "À faire", sees an overdue item and one due this week, and clicks
through to the person's record."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from ancrage.core.dates import add_months
from ancrage.deadlines.models import Deadline
from ancrage.persons.models import ResidenceDocument
from ancrage.tracks.models import SocialHousingRequest

from .conftest import amina_creates_person, assert_accessible, login

pytestmark = pytest.mark.browser


def test_amina_sees_what_to_do_and_opens_the_record(page: Page, cast, territory, checkpoint, screens):
    person, _pathway = amina_creates_person(cast, last_name="HAIDARI", first_names="Farid")
    today = timezone.localdate()
    # The record, not hand-made items: the engine computes the deadlines when these are saved.
    ResidenceDocument.objects.create(
        person=person,
        kind="carte_pluriannuelle",
        issue_date=add_months(today, -46),
        expiry_date=add_months(today - dt.timedelta(days=12), 2),  # renewal due 2 months before: 12 days ago
    )
    SocialHousingRequest.objects.create(
        person=person,
        sne_number="035 0525 00123 AB",
        requested_on=add_months(today + dt.timedelta(days=5), -12),  # anniversary in 5 days
        household_size=1,
    )
    assert set(Deadline.objects.filter(person=person, status="open").values_list("code", flat=True)) >= {
        "residence_renewal",
        "sne_renewal",
    }

    login(page, cast.amina, checkpoint)
    page.get_by_role("navigation", name="Menu principal").get_by_role("link", name="À faire").click()
    expect(page).to_have_url(re.compile(r"/a-faire/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("À faire")

    overdue = page.locator("section", has=page.get_by_role("heading", name=re.compile("^En retard")))
    week = page.locator("section", has=page.get_by_role("heading", name=re.compile("^Cette semaine")))
    expect(overdue.get_by_role("row", name=re.compile("HAIDARI Farid"))).to_contain_text(
        re.compile(r"en retard de \d+ jours")
    )
    expect(overdue).to_contain_text("Demande de renouvellement du titre de séjour")
    expect(week.get_by_role("row", name=re.compile("HAIDARI Farid"))).to_contain_text(re.compile(r"dans \d+ jours"))
    expect(week).to_contain_text("Renouvellement de la demande de logement social")
    expect(page.get_by_text("Rien en retard : bravo.")).to_have_count(0)
    assert_accessible(page, report_to=screens / "axe-a-faire.json")
    checkpoint(page, "a-faire")

    overdue.get_by_role("link", name=re.compile("^Ouvrir")).click()
    expect(page).to_have_url(re.compile(rf"/{person.pk}/"))
    expect(page.locator("main")).to_contain_text("HAIDARI")
    checkpoint(page, "dossier-depuis-a-faire")

    page.goto(f"/installation/{person.pk}/")
    expect(page.locator("main")).to_contain_text("035 0525 00123 AB")
    checkpoint(page, "installation")
