"""GET /api/v1/agenda: the caller's to-do items, same filters and sections as the page, audited."""

import datetime as dt

import pytest
from django.urls import reverse

from ancrage.audit.models import AuditEvent

from ..conftest import login
from .conftest import make_deadline

pytestmark = pytest.mark.django_db

DAY = dt.timedelta(days=1)


def test_items_groups_and_audit(client, cast, clean, colleague_person, today):
    make_deadline(clean, "sne_renewal", today - DAY)
    make_deadline(clean, "cph_end", today + 7 * DAY)
    make_deadline(colleague_person, "cph_end", today + 2 * DAY)
    login(client, cast.amina)
    body = client.get(reverse("api:agenda_list")).json()
    assert body["count"] == 2
    assert [(r["group"], r["code"], r["days"]) for r in body["results"]] == [
        ("overdue", "sne_renewal", -1),
        ("week", "cph_end", 7),
    ]
    assert body["results"][0]["rule_label"] == "sne_renewal@2025-01-01"
    event = AuditEvent.objects.filter(user=cast.amina.user, event="agenda.list").latest("id")
    assert event.details["ids"] == [clean.pk]
    org = client.get(reverse("api:agenda_list"), {"scope": "organisation", "page_size": 1, "page": 3}).json()
    assert org["count"] == 3 and org["pages"] == 3 and len(org["results"]) == 1


@pytest.mark.parametrize("persona", ["claire", "yves", "sofia", "hugo", "marc"])
def test_others_get_nothing(client, cast, clean, today, persona):
    make_deadline(clean, "sne_renewal", today + DAY)
    login(client, getattr(cast, persona))
    response = client.get(reverse("api:agenda_list"), {"scope": "organisation"})
    assert response.status_code == 200
    assert response.json()["count"] == 0


def test_anonymous_and_bad_input(client, cast):
    assert client.get(reverse("api:agenda_list")).status_code == 401
    login(client, cast.amina)
    assert client.get(reverse("api:agenda_list"), {"track": "x"}).status_code == 422
