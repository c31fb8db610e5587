"""Issue 6's journey: Claire, the métropole's coordinator, reads the contract overview, drills into an
action and a commune, and downloads the annual report as PDF and as XLSX (built by the task worker; here
the immediate backend runs the task in the request)."""

import datetime as dt
import io
import re

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from ancrage.organisations.models import Organisation, OrganisationKind
from ancrage.steering.services import contract_create
from ancrage.territory.models import Commune
from tests.steering.test_overview import build_world

from .conftest import login

pytestmark = pytest.mark.browser


@pytest.fixture
def world(cast, territory, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    communes = [Commune.objects.get(name=name) for name in ("Rennes", "Cesson-Sévigné", "Bruz")]
    contract = contract_create(
        territory=communes[0].territory,
        title="Contrat territorial d'accueil et d'intégration des réfugiés — Rennes Métropole",
        signed_on=dt.date(2020, 12, 9),
        starts_on=dt.date(2020, 12, 9),
        ends_on=dt.date(2023, 12, 8),
        signatories="Le préfet d'Ille-et-Vilaine, la présidente de Rennes Métropole, la maire de Rennes",
    )
    carriers = (
        cast.agir,
        Organisation.objects.create(name="Langues en partage", kind=OrganisationKind.ASSOCIATION),
    )
    return build_world(contract, carriers, communes)


def test_claire_reads_the_contract_and_downloads_the_annual_report(page: Page, cast, world, checkpoint):
    login(page, cast.claire, checkpoint)
    page.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Contrat territorial").click()
    expect(page).to_have_url(re.compile(r"/contrat/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Rennes Métropole")
    checkpoint(page, "vue-d-ensemble")

    # 2021: 12 + 7 + 3 persons reached, Gamma's 3 hidden by the statistical secret.
    page.get_by_label("Année").select_option("2021")
    page.get_by_role("button", name="Filtrer").click()
    expect(page).to_have_url(re.compile(r"annee=2021"))
    expect(page.get_by_text("secret statistique").first).to_be_visible()
    checkpoint(page, "vue-d-ensemble-2021")

    page.get_by_role("link", name="Accompagnement global").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Accompagnement global")
    checkpoint(page, "fiche-action")

    page.go_back()
    page.get_by_role("link", name="Rennes", exact=True).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Rennes")
    checkpoint(page, "commune")

    page.goto("/contrat/?annee=2021")
    page.get_by_role("link", name=re.compile("Bilan annuel")).first.click()
    expect(page).to_have_url(re.compile(r"/contrat/bilan/"))
    checkpoint(page, "bilan-annuel")
    for fmt, magic in (("pdf", b"%PDF"), ("xlsx", b"PK")):
        page.get_by_label("Année").select_option("2021")
        page.locator(f"input[name=format][value={fmt}]").check(force=True)
        page.get_by_role("button", name="Produire le bilan").click()
        link = page.get_by_role("link", name=re.compile("Télécharger")).first
        expect(link).to_be_visible()
        with page.expect_download() as download_info:
            link.click()
        download = download_info.value
        assert download.suggested_filename.endswith(f".{fmt}")
        content = download.path().read_bytes()
        assert content.startswith(magic)
        if fmt == "xlsx":
            sheets = load_workbook(io.BytesIO(content), read_only=True).sheetnames
            assert "Budget" in sheets and "Communes" in sheets
    checkpoint(page, "bilan-annuel-prets")
