"""The « Installation » page: tracks by section, deadlines, audit, and who may edit."""

import datetime as dt

import pytest
from django.urls import reverse

from ancrage.audit.models import AuditEvent
from ancrage.tracks.models import SiaoRequest

from ..conftest import login

pytestmark = pytest.mark.django_db


def test_referent_sees_the_four_tracks_and_the_read_is_audited(client, cast, person):
    response = login(client, cast.amina).get(reverse("tracks:overview", args=[person.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    for anchor in ('id="logement"', 'id="sante"', 'id="langue"', 'id="droits"'):
        assert anchor in html
    assert "Renouvellement de la complémentaire santé solidaire" in html
    assert "en retard" in html  # the SNE renewal is overdue
    opens = (dt.date.today() + dt.timedelta(days=80)).strftime("%d/%m/%Y")
    assert f"à partir du {opens}" in html  # the residence renewal window is not open yet
    assert "possible depuis le" in html  # the CSS renewal window is
    assert "Hébergé(e) par un tiers" in html
    assert AuditEvent.objects.filter(user=cast.amina.user, person_id=person.pk, event="tracks.read").exists()


@pytest.mark.parametrize("persona", ["hugo", "claire", "sofia"])
def test_outsiders_get_404(client, cast, person, persona):
    response = login(client, getattr(cast, persona)).get(reverse("tracks:overview", args=[person.pk]))
    assert response.status_code == 404
    assert b"HAIDARI" not in response.content


def test_partner_without_health_permission_never_sees_health(client, cast, marc_sees_all_but_health):
    person = marc_sees_all_but_health
    response = login(client, cast.marc).get(reverse("tracks:overview", args=[person.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="logement"' in html and 'id="droits"' in html
    assert 'id="sante"' not in html
    assert "complémentaire santé" not in html.lower()
    assert "PUMa" not in html
    # and never the health forms
    assert client.get(reverse("tracks:record_edit", args=[person.pk, "sante"])).status_code == 404


def test_partner_may_read_but_not_edit(client, cast, marc_sees_all_but_health):
    person = marc_sees_all_but_health
    login(client, cast.marc)
    assert client.get(reverse("tracks:item_add", args=[person.pk, "siao"])).status_code == 403
    siao = SiaoRequest.objects.get(person=person)
    assert client.post(reverse("tracks:item_delete", args=[person.pk, "siao", siao.pk])).status_code == 403
    assert SiaoRequest.objects.filter(pk=siao.pk).exists()


def test_health_forms_need_the_health_permission(client, cast, person):
    cast.amina.membership.can_access_health = False
    cast.amina.membership.save()
    login(client, cast.amina)
    assert client.get(reverse("tracks:record_edit", args=[person.pk, "sante"])).status_code == 404
    html = client.get(reverse("tracks:overview", args=[person.pk])).content.decode()
    assert 'id="sante"' not in html and "complémentaire santé" not in html.lower()


def test_add_edit_delete_a_siao_request(client, cast, person):
    login(client, cast.amina)
    url = reverse("tracks:item_add", args=[person.pk, "siao"])
    response = client.post(url, {"kind": "emergency", "requested_on": "2025-09-01", "status": "pending"})
    assert response.status_code == 302
    siao = SiaoRequest.objects.get(person=person, kind="emergency")
    assert AuditEvent.objects.filter(person_id=person.pk, event="siaorequest.create").exists()
    response = client.post(
        reverse("tracks:item_edit", args=[person.pk, "siao", siao.pk]),
        {"kind": "emergency", "requested_on": "2025-09-01", "status": "granted", "decided_on": "2025-09-10"},
    )
    assert response.status_code == 302
    siao.refresh_from_db()
    assert siao.status == "granted"
    response = client.post(reverse("tracks:item_delete", args=[person.pk, "siao", siao.pk]))
    assert response.status_code == 302
    assert not SiaoRequest.objects.filter(pk=siao.pk).exists()


def test_item_of_another_person_is_404(client, cast, person, followed):
    from ..factories import PersonFactory

    other = PersonFactory()
    siao = SiaoRequest.objects.create(person=other, kind="insertion", requested_on=dt.date(2025, 1, 1))
    login(client, cast.amina)
    assert client.get(reverse("tracks:item_edit", args=[person.pk, "siao", siao.pk])).status_code == 404


def test_forms_render_for_every_kind(client, cast, person):
    from ancrage.www.tracks.forms import TRACK_KINDS

    login(client, cast.amina)
    for slug, kind in TRACK_KINDS.items():
        name = "tracks:record_edit" if kind.single else "tracks:item_add"
        assert client.get(reverse(name, args=[person.pk, slug])).status_code == 200, slug


def test_the_page_runs_a_bounded_number_of_queries(client, cast, person, territory):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from ancrage.territory.models import Commune
    from ancrage.tracks.models import HousingOffer, SocialHousingRequest

    login(client, cast.amina)
    url = reverse("tracks:overview", args=[person.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    communes = list(Commune.objects.all()[:3])
    for i in range(5):
        request = SocialHousingRequest.objects.create(
            person=person, sne_number=f"03501234567{i}", requested_on=dt.date(2025, 5, 1), household_size=2
        )
        request.desired_communes.set(communes)
        HousingOffer.objects.create(
            person=person,
            request=request,
            landlord="Archipel",
            commune=communes[0],
            typology="T2",
            rent=450,
            offered_on=dt.date(2025, 6, 1),
        )
        SiaoRequest.objects.create(person=person, kind="emergency", requested_on=dt.date(2025, 6, 1))
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert response.status_code == 200
    assert len(many) <= len(few) + 2


def test_mental_health_referrals_are_listed_in_the_health_track(client, cast, person):
    from ancrage.access.services import consent_record
    from ancrage.directory.models import Service, Structure
    from ancrage.referrals.services import referral_create

    consent = consent_record(
        actor=cast.amina.actor,
        person=person,
        sections=["health"],
        recipients=[cast.other_association],
        purpose="Orientation en santé mentale",
        given_on=dt.date.today(),
    )
    service = Service.objects.create(
        structure=Structure.objects.create(name="Centre Primo Levi", organisation=cast.other_association),
        name="Consultation psychotraumatisme",
        description="Soins pour les personnes exilées.",
        thematiques=["sante--sante-mentale"],
    )
    referral_create(
        actor=cast.amina.actor, person=person, service=service, reason="Soutien", sections=["health"], consent=consent
    )
    html = login(client, cast.amina).get(reverse("tracks:overview", args=[person.pk])).content.decode()
    assert "Consultation psychotraumatisme" in html
