"""The strict Content-Security-Policy in a real browser: the main pages run with no violation reported.

Chromium reports each blocked inline script, style, handler or eval both as a console error ("Refused to
...") and as a ``securitypolicyviolation`` event; both are collected while the personas browse, including
an HTMX swap (the journal) and the coordinators' charts and maps. Screenshots go to test-results/screens/.
"""

import datetime as dt

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import BrowserContext, Page, expect

from ancrage.organisations.models import Organisation, OrganisationKind
from ancrage.steering.services import contract_create
from ancrage.territory.models import Commune
from tests.conftest import Persona
from tests.conftest import login as client_login
from tests.steering.test_overview import build_world

pytestmark = pytest.mark.browser

COLLECT_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  var where = e.sourceFile ? " at " + e.sourceFile + ":" + e.lineNumber + ":" + e.columnNumber : "";
  var element = e.target instanceof Element ? " on <" + e.target.tagName.toLowerCase() +
    (e.target.id ? "#" + e.target.id : "") +
    (e.target.className ? "." + String(e.target.className).split(" ").join(".") : "") +
    ' style="' + (e.target.getAttribute("style") || "") + '">' : "";
  var what = e.violatedDirective + " " + (e.blockedURI || "inline") + " " + (e.sample || "");
  window.__cspViolations.push(what + where + element);
});
"""


@pytest.fixture
def violations(context: BrowserContext, page: Page) -> list[str]:
    """Every CSP violation the pages report (console and DOM event)."""
    found: list[str] = []
    context.add_init_script(COLLECT_VIOLATIONS)

    def on_console(message) -> None:
        text = message.text
        if "Content Security Policy" in text or text.startswith("Refused to"):
            found.append(f"console: {text}")

    page.on("console", on_console)
    context.on("page", lambda p: p.on("console", on_console))
    return found


def sign_in(context: BrowserContext, live_server, persona: Persona) -> None:
    """A signed-in, second-factor-verified session cookie (the login form is not what is tested here)."""
    client = client_login(Client(), persona)
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )


@pytest.fixture
def checkpoint(screens):
    """A full-page screenshot for review (``test-results/screens/csp--<name>.png``), after the page settled.

    No axe audit here: this module is about the policy (the journeys audit accessibility).
    """

    def _checkpoint(page: Page, name: str) -> None:
        page.wait_for_load_state("load")
        # caret="initial": Playwright's default hides the caret with a style attribute on the focused
        # field, which DSFR's header then copies by innerHTML into its mobile menu: a violation of the
        # test's own making, not the page's.
        page.screenshot(path=screens / f"csp--{name}.png", full_page=True, caret="initial")

    return _checkpoint


def visit(page: Page, url: str, violations: list[str], checkpoint, name: str) -> None:
    response = page.goto(url)
    assert response is not None and response.status == 200, f"{url}: {response and response.status}"
    assert "script-src 'self'" in (response.headers.get("content-security-policy") or "")
    checkpoint(page, name)
    reported = page.evaluate("() => window.__cspViolations || []")
    violations.extend(f"{url}: {v}" for v in reported)


@pytest.fixture
def contract_world(cast, territory):
    communes = [Commune.objects.get(name=name) for name in ("Rennes", "Cesson-Sévigné", "Bruz")]
    contract = contract_create(
        territory=communes[0].territory,
        title="Contrat territorial d'accueil et d'intégration des réfugiés — Rennes Métropole",
        signed_on=dt.date(2020, 12, 9),
        starts_on=dt.date(2020, 12, 9),
        ends_on=dt.date(2023, 12, 8),
        signatories="Le préfet, la présidente de Rennes Métropole, la maire de Rennes",
    )
    carriers = (cast.agir, Organisation.objects.create(name="Langues en partage", kind=OrganisationKind.ASSOCIATION))
    return build_world(contract, carriers, communes)


def test_login_page_with_proconnect_has_no_violation(page: Page, cast, settings, violations, checkpoint):
    settings.PROCONNECT_CLIENT_ID = "ancrage"
    settings.PROCONNECT_CLIENT_SECRET = "secret"
    settings.PROCONNECT_ISSUER = "https://auth.agentconnect.gouv.fr/api/v2"
    visit(page, "/comptes/connexion/", violations, checkpoint, "connexion")
    expect(page.get_by_role("link", name="Se connecter avec ProConnect")).to_be_visible()
    assert violations == [], "\n".join(violations)


def test_referent_pages_and_htmx_journal_have_no_violation(
    page: Page, context, live_server, cast, followed, violations, checkpoint
):
    sign_in(context, live_server, cast.amina)
    visit(page, "/personnes/", violations, checkpoint, "personnes")
    visit(page, f"/personnes/{followed.pk}/", violations, checkpoint, "fiche")
    # The journal is an HTMX swap: htmx must not inject its indicator <style>, and focus returns to the note.
    journal = page.locator("#journal-block")
    journal.get_by_label("Note").fill("Premier entretien : point sur le logement.")
    journal.get_by_role("button", name="Ajouter la note").click()
    expect(page.locator("#journal-status")).to_have_text("Note ajoutée au journal.")
    expect(page.locator("#id_body")).to_be_focused()
    violations.extend(page.evaluate("() => window.__cspViolations"))
    for url, name in [
        ("/a-faire/", "a-faire"),
        ("/annuaire/carte/", "annuaire-carte"),
        ("/doublons/", "doublons"),
        ("/imports/", "imports"),
        ("/orientations/recues/", "orientations"),
        ("/emploi/offres/", "emploi"),
    ]:
        visit(page, url, violations, checkpoint, name)
    assert violations == [], "\n".join(violations)


def test_coordinator_charts_and_maps_have_no_violation(
    page: Page, context, live_server, cast, contract_world, violations, checkpoint
):
    sign_in(context, live_server, cast.claire)
    visit(page, "/contrat/?annee=2021", violations, checkpoint, "contrat")
    expect(page.locator("svg").first).to_be_visible()
    visit(page, "/contrat/tendances/?annee=2021", violations, checkpoint, "tendances")
    visit(page, "/couverture/", violations, checkpoint, "couverture")
    visit(page, "/tableau-de-bord/", violations, checkpoint, "tableau-de-bord")
    assert violations == [], "\n".join(violations)


def test_admin_pages_have_no_violation(page: Page, context, live_server, cast, violations, checkpoint):
    sign_in(context, live_server, cast.olivier)
    visit(page, f"/plateforme/organisations/{cast.agir.pk}/membres/", violations, checkpoint, "membres")
    sign_in(context, live_server, cast.sofia)
    visit(page, "/plateforme/organisations/", violations, checkpoint, "organisations")
    assert violations == [], "\n".join(violations)


def test_wide_tables_scroll_by_keyboard_on_a_phone(
    page: Page, context, live_server, cast, contract_world, violations, checkpoint
):
    """At 360 px some coverage tables are wider than the screen: what scrolls takes the focus, so that the
    arrows scroll it; axe finds nothing serious at that width either."""
    sign_in(context, live_server, cast.claire)
    page.set_viewport_size({"width": 360, "height": 740})
    visit(page, "/couverture/", violations, checkpoint, "couverture-telephone")
    scrollable = page.locator("[data-ancrage-scrollable]")
    expect(scrollable.first).to_have_attribute("tabindex", "0")
    scrollable.first.focus()
    expect(scrollable.first).to_be_focused()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    # Keyboard scrolling is animated: wait for it.
    page.wait_for_function("() => document.querySelector('[data-ancrage-scrollable]').scrollLeft > 0", timeout=5000)
    # At either width, exactly the tables that scroll are in the tab order (the others follow a resize).
    for width in (1400, 360):
        page.set_viewport_size({"width": width, "height": 900})
        page.wait_for_timeout(200)
        marks = page.evaluate(
            """() => [...document.querySelectorAll('.fr-table > table')].map(
                t => [t.scrollWidth > t.clientWidth + 1, t.hasAttribute('data-ancrage-scrollable')])"""
        )
        assert len(marks) > 5 and all(scrolls == marked for scrolls, marked in marks), (width, marks)
    assert violations == [], "\n".join(violations)
