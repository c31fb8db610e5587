"""Browser journeys: Debian's chromium driven by Playwright (sync API) against pytest-django's live server.

One browser per session, a fresh context (cookies, storage) per test. Every page a journey visits goes
through ``checkpoint(page, name)``: a full-page screenshot in ``test-results/screens/`` for review, and an
axe-core audit that fails on serious or critical violations. When a browser test fails, its page(s) are
kept as ``test-results/<test-name>.png`` and ``.html``.

No Playwright browser download: the distribution's chromium is used, and the tests are skipped if absent.
"""

import datetime as dt
import importlib
import json
import os
import re
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in the main thread: Django's async-safety check would refuse
# every ORM call made by the test itself (fixtures, assertions) while the browser is up.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from django.utils import timezone
from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect, sync_playwright

from tests.conftest import Cast, Persona

CHROMIUM = os.environ.get("ANCRAGE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PASSWORD = "demo-ancrage"  # what tests/factories.py sets for every user
AXE_JS = Path(__file__).parent / "vendor" / "axe.min.js"
BLOCKING_IMPACTS = ("serious", "critical")
# Generous: on a loaded 2-core machine the record forms (thousands of <option>s) take seconds to render.
TIMEOUT_MS = 30_000

PAGES_KEY = pytest.StashKey[list[Page]]()


def _results_dir(config: pytest.Config) -> Path:
    return config.rootpath / "test-results"


def _safe_name(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", name).strip("_")


# --- pytest wiring ------------------------------------------------------------------------------


def _is_browser_test(item: pytest.Item | None) -> bool:
    return item is not None and Path(__file__).parent in item.path.parents


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Every test in this folder is a browser test; skip them all where there is no chromium."""
    missing = not Path(CHROMIUM).exists()
    for item in items:
        if _is_browser_test(item):
            item.add_marker(pytest.mark.browser)
            if missing:
                item.add_marker(pytest.mark.skip(reason=f"no chromium at {CHROMIUM}"))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    """On failure, keep a screenshot and the HTML of every page the test had open."""
    report = yield
    if report.failed and report.when in ("setup", "call"):
        pages = [p for p in item.stash.get(PAGES_KEY, []) if not p.is_closed()]
        out = _results_dir(item.config)
        out.mkdir(parents=True, exist_ok=True)
        base = _safe_name(item.name)
        for index, page in enumerate(pages):
            stem = base if index == 0 else f"{base}--tab{index + 1}"
            try:
                page.screenshot(path=out / f"{stem}.png", full_page=True)
                (out / f"{stem}.html").write_text(page.content(), encoding="utf-8")
            except Exception as error:  # noqa: BLE001 - never hide the test's own failure
                report.sections.append(("browser artefacts", f"could not save {stem}: {error}"))
            else:
                report.sections.append(("browser artefacts", f"{out / stem}.png (url: {page.url})"))
    return report


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None):
    """The live server's flush empties the database: put the communes back for the tests that follow."""
    result = yield
    if nextitem is not None and not _is_browser_test(nextitem):
        from pytest_django.plugin import blocking_manager_key

        from ancrage.territory.models import Commune
        from ancrage.territory.services import territory_load

        with item.config.stash[blocking_manager_key].unblock():
            if not Commune.objects.exists():
                territory_load()
    return result


# --- browser fixtures ---------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser() -> Browser:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


# Data migrations whose idempotent ``seed(apps, schema_editor)`` puts reference rows in.
SEEDING_MIGRATIONS = (
    "ancrage.pathways.migrations.0004_seed_programme_rules",
    "ancrage.deadlines.migrations.0002_seed_rules",
    "ancrage.referrals.migrations.0002_seed_refusal_reasons",
    "ancrage.steering.migrations.0002_seed_indicators",
)


def _reseed_reference_data() -> None:
    from django.apps import apps

    for module_name in SEEDING_MIGRATIONS:
        importlib.import_module(module_name).seed(apps, None)


@pytest.fixture
def _flushable_audit(transactional_db):
    """Let the flush that ends a transactional test empty the append-only audit table.

    On SQLite a trigger (audit migration 0003) aborts every DELETE on ``audit_auditevent``, so the flush
    fails and the test errors at teardown. Here the rows are removed with the trigger briefly dropped,
    then the trigger is put back, before pytest-django flushes. (PostgreSQL flushes with TRUNCATE, which
    the row trigger does not see.)

    The flush also empties the reference rows that data migrations seed (rules, refusal reasons,
    indicators): they are put back before each journey.
    """
    _reseed_reference_data()
    yield
    from django.db import connection

    if connection.vendor != "sqlite":
        return
    migration = importlib.import_module("ancrage.audit.migrations.0003_append_only_triggers")
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER IF EXISTS audit_auditevent_no_delete")
        cursor.execute("DELETE FROM audit_auditevent")
        for statement in migration.SQLITE_UP:
            if "audit_auditevent_no_delete" in statement:
                cursor.execute(statement)


@pytest.fixture
def context(request: pytest.FixtureRequest, browser: Browser, live_server, _flushable_audit) -> BrowserContext:
    ctx = browser.new_context(
        base_url=live_server.url,
        locale="fr-FR",
        timezone_id="Europe/Paris",
        viewport={"width": 1280, "height": 900},
        accept_downloads=True,
    )
    ctx.set_default_timeout(TIMEOUT_MS)
    request.node.stash[PAGES_KEY] = []
    ctx.on("page", lambda p: request.node.stash[PAGES_KEY].append(p))
    yield ctx
    ctx.close()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    expect.set_options(timeout=TIMEOUT_MS)
    return context.new_page()


@pytest.fixture
def screens(request: pytest.FixtureRequest) -> Path:
    out = _results_dir(request.config) / "screens"
    out.mkdir(parents=True, exist_ok=True)
    return out


@pytest.fixture
def checkpoint(request: pytest.FixtureRequest, screens: Path):
    """``checkpoint(page, "name")``: screenshot the page for review, then audit it with axe.

    Screenshots go to ``test-results/screens/<test>--NN-<name>.png``, every axe violation (whatever its
    impact) to ``test-results/axe/<test>--NN-<name>.json``.
    """
    prefix = _safe_name(request.node.name.removeprefix("test_"))
    counter = iter(range(1, 100))

    def _checkpoint(page: Page, name: str, *, screenshot: bool = True) -> None:
        page.wait_for_load_state("load")
        stem = f"{prefix}--{next(counter):02d}-{_safe_name(name)}"
        if screenshot:
            page.screenshot(path=screens / f"{stem}.png", full_page=True)
        assert_accessible(page, report_to=screens.parent / "axe" / f"{stem}.json")

    return _checkpoint


# --- helpers ------------------------------------------------------------------------------------


def assert_accessible(page: Page, *, report_to: Path | None = None) -> None:
    """Run axe-core on the page; fail on any serious or critical violation (all are saved if asked)."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        # Evaluated through the DevTools protocol, which the page's Content-Security-Policy does not govern
        # (an added <script> tag would be an inline script, refused by ``script-src 'self'``).
        page.evaluate(AXE_JS.read_text(encoding="utf-8"))
    violations = page.evaluate("async () => (await axe.run(document, {resultTypes: ['violations']})).violations")
    if report_to is not None:
        report_to.parent.mkdir(parents=True, exist_ok=True)
        summary = [
            {"id": v["id"], "impact": v["impact"], "help": v["help"], "targets": [n["target"] for n in v["nodes"]]}
            for v in violations
        ]
        report_to.write_text(
            json.dumps({"url": page.url, "violations": summary}, indent=2, ensure_ascii=False), encoding="utf-8"
        )
    blocking = [v for v in violations if v["impact"] in BLOCKING_IMPACTS]
    if blocking:
        lines = [f"axe: {len(blocking)} serious/critical violation(s) on {page.url}"]
        for v in blocking:
            lines.append(f"- [{v['impact']}] {v['id']}: {v['help']} ({v['helpUrl']})")
            for node in v["nodes"][:10]:
                summary = " ".join(line.strip() for line in node.get("failureSummary", "").splitlines()[1:])
                lines.append(f"    {node['target']} {node['html'][:120]}  → {summary}")
        pytest.fail("\n".join(lines), pytrace=False)


def login(page: Page, persona: Persona | object, checkpoint=None) -> None:
    """Sign in through the real login form (a persona, or a bare user)."""
    user = getattr(persona, "user", persona)
    page.goto("/comptes/connexion/")
    expect(page.get_by_role("heading", name="Connexion à Ancrage")).to_be_visible()
    if checkpoint:
        checkpoint(page, "connexion")
    from tests.conftest import verified_device

    verified_device(user)  # as if enrolled: the sign-in goes on to the verify page, not enrolment
    page.locator("#id_username").fill(user.email)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page).not_to_have_url(re.compile(r"/comptes/connexion/"))
    verify_second_factor(page, user)


def verify_second_factor(page: Page, user) -> None:
    """The second step of the sign-in: type the current code of the user's TOTP device (created if missing)."""
    from ancrage.organisations.two_factor import current_totp_code
    from tests.conftest import verified_device

    if "/comptes/double-authentification/" not in page.url:
        return  # an account that needs no second factor (no active membership, not staff)
    device = verified_device(user)
    # A journey signs the same person in again seconds later; a real user would do so in a later
    # 30-second window. Forget the last accepted step so the code shown now is not refused as a replay.
    device.last_t = -1
    device.save(update_fields=["last_t"])
    page.locator("#id_code").fill(current_totp_code(device))
    page.get_by_role("button", name="Vérifier").click()
    expect(page).not_to_have_url(re.compile(r"/comptes/double-authentification/"))


def field(scope: Page | Locator, label: str) -> Locator:
    """The form field whose label starts with ``label`` (labels also carry the required "*" and hints)."""
    return scope.get_by_label(re.compile("^" + re.escape(label) + r"(\s|\*|$)"))


def choose(scope: Page | Locator, label: str) -> None:
    """Tick a DSFR radio or checkbox the way a user does: by clicking its label (the input is hidden under it)."""
    scope.get_by_text(label, exact=True).click()
    expect(scope.get_by_label(label, exact=True)).to_be_checked()


def expect_not_found(page: Page, url: str) -> None:
    response = page.goto(url)
    assert response is not None
    assert response.status == 404, f"{url} answered {response.status}"
    expect(page.get_by_role("heading", level=1)).to_have_text("Page introuvable")


def amina_creates_person(cast: Cast, last_name: str = "RAHIMI", first_names: str = "Zahra"):
    """A person Amina recorded and follows in the AGIR programme (through the services, as the form does)."""
    from ancrage.pathways.models import Programme
    from ancrage.pathways.services import pathway_create
    from ancrage.persons.models import IdentitySource
    from ancrage.persons.services import person_create
    from ancrage.territory.models import Commune

    actor = cast.amina.actor
    person = person_create(
        actor=actor,
        identity={"last_name": last_name, "first_names": first_names, "source": IdentitySource.DECLARED},
        sex="F",
        birth_date=dt.date(1994, 3, 12),
        commune=Commune.objects.get(name="Rennes"),
    )
    pathway = pathway_create(
        actor=actor,
        person=person,
        programme=Programme.AGIR,
        entry_date=timezone.localdate(),
        referent_id=cast.amina.user.pk,
    )
    return person, pathway
