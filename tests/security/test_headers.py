"""The strict Content-Security-Policy: the header on every page, and pages that need nothing it forbids.

Every persona browses the main pages (and the pages they link to): no inline ``<script>``, no ``<style>``
element, no ``style=`` attribute, no ``on...=`` handler, no ``javascript:`` URL and no ``hx-on`` (HTMX
would need ``eval``) may appear, whatever renders it (our templates or django-dsfr's tags). The templates
themselves are checked too, including partials no page here happens to render.
"""

import re
from collections import deque
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from ancrage.referrals.services import referral_transition
from tests.conftest import login
from tests.referrals.conftest import consent, draft, service  # noqa: F401 - fixtures
from tests.steering.conftest import carriers, contract, place  # noqa: F401 - fixtures
from tests.steering.test_overview import build_world

EXPECTED_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
    "base-uri": "'self'",
    "object-src": "'none'",
}
# Links not worth following: files, feeds, admin screens, pages that change state through GET parameters.
SKIP_LINK = re.compile(r"^/(static|admin|api|i18n)/|\.(ics|csv|pdf|json|xlsx)$|/(export|telecharger|flux|feed)")
MAX_PAGES_PER_PERSONA = 30
NOT_FOUND = "/nulle-part/"
VISITED: list[str] = []  # every page checked in this session (read when debugging a gap)

# Rendered by WeasyPrint into PDF files, never served as HTML to a browser: their <style> is the document's.
PDF_TEMPLATES = {
    "steering/report/annual.html",
    "employment/documents/cv.html",
    "employment/documents/commitment_contract.html",
    "persons/export_pdf.html",
}


class InlineCode(HTMLParser):
    """Collects whatever the policy would block in a page, and the same-site links to follow."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        where = f"<{tag} {' '.join(f'{k}={v!r}' for k, v in attrs)[:160]}>"
        if tag == "style":
            self.problems.append(f"<style> element: {where}")
        if tag == "script" and not attributes.get("src"):
            self.problems.append(f"inline <script>: {where}")
        for name, value in attrs:
            if name == "style":
                self.problems.append(f"style attribute: {where}")
            elif name.startswith("on"):
                self.problems.append(f"event-handler attribute {name}: {where}")
            elif name.startswith("hx-on"):
                self.problems.append(f"hx-on attribute (needs eval): {where}")
            elif name in ("href", "src", "action", "formaction") and (value or "").strip().lower().startswith(
                "javascript:"
            ):
                self.problems.append(f"javascript: URL: {where}")
        if tag == "a" and attributes.get("href"):
            self.links.append(attributes["href"] or "")


def inline_code(html: str) -> InlineCode:
    parser = InlineCode()
    parser.feed(html)
    parser.close()
    return parser


def policy_of(response) -> dict[str, str]:
    header = response.headers.get("Content-Security-Policy", "")
    directives = {}
    for part in header.split(";"):
        name, _, value = part.strip().partition(" ")
        if name:
            directives[name] = value.strip()
    return directives


def browse(client: Client, entries: list[str], *, limit: int = MAX_PAGES_PER_PERSONA) -> dict[str, list[str]]:
    """Open the entry pages then the same-site pages they link to; return the problems found per URL."""
    seen: set[str] = set()
    queue = deque(entries)
    found: dict[str, list[str]] = {}
    opened = checked = 0
    while queue and opened < limit:
        url = queue.popleft()
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        opened += 1
        assert response.status_code < 500, f"{url} answered {response.status_code}"
        if response.status_code in (301, 302):
            target = response["Location"]
            if url in entries:
                # An entry page is never sent to the login or the second factor: it must really be seen.
                assert not target.startswith(("/comptes/connexion", "/comptes/double")), f"{url} -> {target}"
            queue.appendleft(target)
            continue
        if url in entries:
            expected = 404 if url == NOT_FOUND else 200
            assert response.status_code == expected, f"{url} answered {response.status_code}"
        assert policy_of(response) == EXPECTED_POLICY, f"{url}: {response.headers.get('Content-Security-Policy')}"
        if not response.headers.get("Content-Type", "").startswith("text/html"):
            continue
        parsed = inline_code(response.content.decode())
        checked += 1
        VISITED.append(url)
        if parsed.problems:
            found[url] = parsed.problems
        for href in parsed.links:
            parts = urlsplit(href)
            if parts.scheme or parts.netloc or not parts.path.startswith("/") or SKIP_LINK.search(parts.path):
                continue
            queue.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    assert checked >= min(len(entries), limit)
    return found


@pytest.fixture
def territory_world(cast, followed, draft, contract, carriers, place):  # noqa: F811 - fixtures
    """A person Amina follows, a referral sent to France Travail, a contract with actions and figures."""
    referral_transition(actor=cast.amina.actor, referral=draft, name="send", expected_version=draft.version)
    _territory, communes = place
    build_world(contract, carriers, communes)
    return {"person": followed, "referral": draft}


def test_the_policy_header_is_strict(client, cast):
    response = client.get(reverse("accounts:login"))
    assert policy_of(response) == EXPECTED_POLICY
    # Even error pages carry it.
    assert policy_of(client.get(NOT_FOUND)) == EXPECTED_POLICY


def test_a_forbidden_inline_style_would_be_caught():
    """The checker itself: each thing the policy forbids is reported."""
    page = (
        '<p style="color:red">x</p><style>p{}</style><script>alert(1)</script><button onclick="x()">b</button>'
        '<a href="javascript:void(0)">a</a><form hx-on::after-settle="x()"></form><script src="/static/a.js"></script>'
        '<svg><rect fill="#fff"/></svg>'
    )
    problems = inline_code(page).problems
    assert len(problems) == 6, problems


def test_anonymous_pages_have_no_inline_code(client, cast):
    assert browse(client, [reverse("accounts:login"), NOT_FOUND]) == {}


@pytest.mark.parametrize(
    ("name", "entries"),
    [
        (
            "amina",
            [
                "home",
                "persons:list",
                ("persons:detail", "person"),
                ("tracks:overview", "person"),
                "agenda:todo",
                "pathways:agenda",
                "referrals:inbox",
                "referrals:outbox",
                ("referrals:detail", "referral"),
                "linkage:queue",
                "employment:opportunity_list",
                "directory:list",
                "directory:map",
                "notifications:list",
                "imports:list",
                "accounts:profile",
            ],
        ),
        ("marc", ["home", "referrals:inbox", ("referrals:detail", "referral"), "directory:list"]),
        (
            "claire",
            [
                "home",
                "dashboard:index",
                "/contrat/?annee=2021",  # the year the figures (charts, map) are in
                "/contrat/tendances/?annee=2021",
                "steering:overview",
                "coverage:index",
            ],
        ),
        ("olivier", ["home", "dashboard:index", "imports:list", "linkage:queue"]),
        ("sofia", ["home", "platform:organisations", "platform:users"]),
    ],
)
def test_main_pages_have_no_inline_code(client, cast, territory_world, name, entries):
    persona = getattr(cast, name)
    if name == "olivier":
        entries = [*entries, reverse("platform:organisation_members", args=[persona.membership.organisation_id])]
    urls = []
    for entry in entries:
        if isinstance(entry, tuple):
            urls.append(reverse(entry[0], args=[territory_world[entry[1]].pk]))
        elif entry.startswith("/"):
            urls.append(entry)
        else:
            urls.append(reverse(entry))
    found = browse(login(client, persona), urls)
    assert found == {}, "\n".join(f"{url}:\n  " + "\n  ".join(problems) for url, problems in found.items())


def _template_dirs() -> list[Path]:
    base = Path(settings.BASE_DIR) / "ancrage"
    return [base / "templates", *sorted(p for p in base.glob("*/templates") if p.is_dir())]


FORBIDDEN_IN_TEMPLATES = [
    (re.compile(r"\sstyle\s*="), "style attribute"),
    (re.compile(r"<style[\s>]"), "<style> element"),
    (re.compile(r"<script(?![^>]*\ssrc=)[^>]*>"), "inline <script>"),
    (re.compile(r"\son[a-z]+\s*="), "event-handler attribute"),
    (re.compile(r"\shx-on[:\-]"), "hx-on attribute"),
    (re.compile(r"javascript:", re.IGNORECASE), "javascript: URL"),
]


def test_no_template_holds_inline_code():
    problems = []
    checked = 0
    for directory in _template_dirs():
        for path in directory.rglob("*.html"):
            name = path.relative_to(directory).as_posix()
            if name in PDF_TEMPLATES:
                continue
            checked += 1
            text = path.read_text(encoding="utf-8")
            for pattern, what in FORBIDDEN_IN_TEMPLATES:
                for match in pattern.finditer(text):
                    line = text.count("\n", 0, match.start()) + 1
                    problems.append(f"{path.relative_to(settings.BASE_DIR)}:{line}: {what}")
    assert checked > 100
    assert problems == [], "\n".join(problems)


def test_pdf_templates_listed_here_exist():
    names = {p.relative_to(d).as_posix() for d in _template_dirs() for p in d.rglob("*.html")}
    assert names >= PDF_TEMPLATES
