"""Helpers for the platform administration tests: strict templates and a few builders."""

import copy

import pytest

from ancrage.audit.models import AuditEvent

INVALID = "!!UNDEFINED:%s!!"


@pytest.fixture(autouse=True)
def strict_templates(settings):
    """Undefined template variables show up in the page, so ``assert_page`` can catch them."""
    templates = copy.deepcopy(settings.TEMPLATES)
    templates[0]["OPTIONS"]["string_if_invalid"] = INVALID
    settings.TEMPLATES = templates


def assert_page(response, status: int = 200) -> str:
    assert response.status_code == status, response.status_code
    html = response.content.decode()
    # base.html passes ``request.csp_nonce`` (no CSP middleware yet): not this package's concern.
    leftovers = [line for line in html.splitlines() if "!!UNDEFINED:" in line and "csp_nonce" not in line]
    assert not leftovers, leftovers
    return html


def events(name: str):
    return AuditEvent.objects.filter(event=name)
