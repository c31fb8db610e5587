"""Issue 5's journey: Amina opens "À faire", sees an overdue item and one due this week, and clicks
through to the person's record."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from ancrage.deadlines.models import Deadline

from .conftest import amina_creates_person, assert_accessible, login

pytestmark = pytest.mark.browser


def _deadline(person, code: str, due: dt.date) -> Deadline:
    return Deadline.objects.create(
        person=person,
        code=code,
        source_key=f"journey:{code}",
        rule_label=f"{code}@2025-01-01",
        params={"months": 2, "notify_days_before": 14},
        anchor_on=due - dt.timedelta(days=365),
        due_on=due,
    )


def test_amina_sees_what_to_do_and_opens_the_record(page: Page, cast, territory, checkpoint, screens):
    person, _pathway = amina_creates_person(cast, last_name="HAIDARI", first_names="Farid")
    Deadline.objects.filter(person=person).delete()
    today = timezone.localdate()
    _deadline(person, "residence_renewal", today - dt.timedelta(days=12))
    _deadline(person, "sne_renewal", today + dt.timedelta(days=5))

    login(page, cast.amina, checkpoint)
    page.get_by_role("navigation", name="Menu principal").get_by_role("link", name="À faire").click()
    expect(page).to_have_url(re.compile(r"/a-faire/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("À faire")

    overdue = page.locator("section", has=page.get_by_role("heading", name=re.compile("^En retard")))
    week = page.locator("section", has=page.get_by_role("heading", name=re.compile("^Cette semaine")))
    expect(overdue.get_by_role("row", name=re.compile("HAIDARI Farid"))).to_contain_text("en retard de 12 jours")
    expect(overdue).to_contain_text("Demande de renouvellement du titre de séjour")
    expect(week.get_by_role("row", name=re.compile("HAIDARI Farid"))).to_contain_text("dans 5 jours")
    expect(week).to_contain_text("Renouvellement de la demande de logement social")
    expect(page.get_by_text("Rien en retard : bravo.")).to_have_count(0)
    assert_accessible(page, report_to=screens / "axe-a-faire.json")
    checkpoint(page, "a-faire")

    overdue.get_by_role("link", name=re.compile("^Ouvrir")).click()
    expect(page).to_have_url(re.compile(rf"/{person.pk}/"))
    expect(page.locator("main")).to_contain_text("HAIDARI")
    checkpoint(page, "dossier-depuis-a-faire")
