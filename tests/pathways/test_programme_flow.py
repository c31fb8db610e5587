"""The programme's milestones on the pathway page: CIR, first interview, commitment, planned end, exit."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from ancrage.core.dates import add_months
from ancrage.pathways.models import Pathway
from ancrage.persons.models import Person, Situation
from ancrage.www.pathways.views import programme_flow

from ..conftest import login

pytestmark = pytest.mark.django_db


def _pathway(followed, **fields) -> Pathway:
    pathway = Pathway.objects.get(person=followed)
    if fields:
        Pathway.objects.filter(pk=pathway.pk).update(**fields)
    return Pathway.objects.select_related("person", "operator", "referent").get(pk=pathway.pk)


def test_first_interview_late(client, cast, followed):
    today = timezone.localdate()
    pathway = _pathway(followed)
    Person.objects.filter(pk=followed.pk).update(cir_signed_on=pathway.entry_date)
    pathway = _pathway(followed, first_interview_on=pathway.entry_date + dt.timedelta(days=40))
    flow = programme_flow(pathway, today)
    assert flow["first_interview_late"] is True
    assert flow["first_interview_due"] == add_months(pathway.entry_date, 1)
    login(client, cast.amina)
    html = client.get(reverse("pathways:detail", args=[pathway.pk])).content.decode()
    assert "en retard" in html
    assert flow["first_interview_due"].strftime("%d/%m/%Y") in html


def test_first_interview_on_time(client, cast, followed):
    pathway = _pathway(followed)
    Person.objects.filter(pk=followed.pk).update(cir_signed_on=pathway.entry_date)
    pathway = _pathway(followed, first_interview_on=pathway.entry_date + dt.timedelta(days=10))
    flow = programme_flow(pathway, timezone.localdate())
    assert flow["first_interview_late"] is False
    login(client, cast.amina)
    html = client.get(reverse("pathways:detail", args=[pathway.pk])).content.decode()
    assert "dans les délais" in html


def test_planned_end_at_24_months_for_agir(client, cast, followed):
    pathway = _pathway(followed, entry_date=dt.date(2025, 1, 15))
    flow = programme_flow(pathway, dt.date(2025, 7, 15))
    assert flow["planned_end"] == dt.date(2027, 1, 15)
    assert flow["months_remaining"] == 18
    login(client, cast.amina)
    html = client.get(reverse("pathways:detail", args=[pathway.pk])).content.decode()
    assert "15/01/2027" in html


def _exit(followed, exit_date):
    return _pathway(followed, status="exited", exit_date=exit_date, exit_reason="completed")


def _situation(person, domain, status, start):
    Situation.objects.create(person=person, domain=domain, status=status, start_date=start)


def test_positive_exit_social_rental_and_cdi(client, cast, followed):
    exit_date = timezone.localdate()
    _situation(followed, "housing", "social_rental", exit_date - dt.timedelta(days=20))
    _situation(followed, "employment", "cdi", exit_date - dt.timedelta(days=5))
    pathway = _exit(followed, exit_date)
    flow = programme_flow(pathway, exit_date)
    assert flow["positive_exit"] is True and flow["missing"] == []
    login(client, cast.amina)
    html = client.get(reverse("pathways:detail", args=[pathway.pk])).content.decode()
    assert "Sortie positive" in html


def test_no_positive_exit_with_housing_only(client, cast, followed):
    exit_date = timezone.localdate()
    _situation(followed, "housing", "social_rental", exit_date - dt.timedelta(days=20))
    pathway = _exit(followed, exit_date)
    flow = programme_flow(pathway, exit_date)
    assert flow["positive_exit"] is False
    assert flow["missing"] == ["Pas d'emploi durable ni de formation qualifiante à la date de sortie"]


def test_no_positive_exit_without_housing_says_why(client, cast, followed):
    exit_date = timezone.localdate()
    _situation(followed, "employment", "cdi", exit_date - dt.timedelta(days=20))
    pathway = _exit(followed, exit_date)
    login(client, cast.amina)
    html = client.get(reverse("pathways:detail", args=[pathway.pk])).content.decode()
    assert "Pas de logement durable à la date de sortie" in html


def test_positive_exit_fjt_and_qualifying_training(followed):
    exit_date = timezone.localdate()
    _situation(followed, "housing", "fjt", exit_date - dt.timedelta(days=20))
    _situation(followed, "training", "qualifying", exit_date - dt.timedelta(days=20))
    pathway = _exit(followed, exit_date)
    assert programme_flow(pathway, exit_date)["positive_exit"] is True


def test_pathway_form_edits_first_interview_and_commitment(client, cast, followed):
    pathway = _pathway(followed)
    login(client, cast.amina)
    day = pathway.entry_date + dt.timedelta(days=3)
    response = client.post(
        reverse("pathways:edit", args=[pathway.pk]),
        {
            "version": pathway.version,
            "referent": cast.amina.user.pk,
            "oriented_by": "OFII",
            "entry_date": pathway.entry_date.isoformat(),
            "first_interview_on": day.isoformat(),
            "commitment_signed_on": day.isoformat(),
        },
    )
    assert response.status_code == 302
    pathway.refresh_from_db()
    assert pathway.first_interview_on == day and pathway.commitment_signed_on == day


def test_pathway_form_refuses_commitment_before_entry_and_stale_version(client, cast, followed):
    pathway = _pathway(followed)
    login(client, cast.amina)
    data = {
        "version": pathway.version,
        "referent": cast.amina.user.pk,
        "oriented_by": "",
        "entry_date": pathway.entry_date.isoformat(),
        "first_interview_on": "",
        "commitment_signed_on": (pathway.entry_date - dt.timedelta(days=1)).isoformat(),
    }
    response = client.post(reverse("pathways:edit", args=[pathway.pk]), data)
    assert response.status_code == 200
    errors = [str(e) for messages in response.context["form"].errors.values() for e in messages]
    assert "Le contrat d'engagement ne peut pas précéder l'entrée dans le parcours." in errors
    Pathway.objects.filter(pk=pathway.pk).update(version=pathway.version + 1)
    data["commitment_signed_on"] = pathway.entry_date.isoformat()
    response = client.post(reverse("pathways:edit", args=[pathway.pk]), data)
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    pathway.refresh_from_db()
    assert pathway.commitment_signed_on is None


def test_cir_edited_on_the_person_form(client, cast, followed):
    login(client, cast.amina)
    response = client.get(reverse("persons:edit", args=[followed.pk]))
    form = response.context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    data.update({"version": followed.version, "cir_signed_on": "2025-02-03", "cir_ofii_directorate": "OFII Rennes"})
    data = {k: v for k, v in data.items() if v is not False}
    response = client.post(reverse("persons:edit", args=[followed.pk]), data)
    assert response.status_code == 302, response.context["form"].errors
    followed.refresh_from_db()
    assert followed.cir_signed_on == dt.date(2025, 2, 3)
    assert followed.cir_ofii_directorate == "OFII Rennes"
