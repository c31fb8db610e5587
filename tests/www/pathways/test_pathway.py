"""The pathway: steps with a transition log, diagnostic, plan, exit."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from ancrage.access.models import AccessGrant
from ancrage.pathways.models import Pathway, PathwayTransition, PlanAction

pytestmark = pytest.mark.django_db


def _step(client, pathway, name, **extra):
    pathway.refresh_from_db()
    return client.post(
        reverse("pathways:transition", args=[pathway.pk]), {"name": name, "version": pathway.version, **extra}
    )


def test_amina_moves_a_pathway_through_its_steps(cast, as_persona, followed):
    client = as_persona(cast.amina)
    pathway = Pathway.objects.get(person=followed)
    for name, status in [
        ("hold_first_interview", "first_interview"),
        ("start_diagnostic", "diagnostic"),
        ("start_accompaniment", "accompaniment"),
        ("suspend", "suspended"),
        ("resume", "accompaniment"),
    ]:
        assert _step(client, pathway, name).status_code == 302
        pathway.refresh_from_db()
        assert pathway.status == status
    log = list(PathwayTransition.objects.filter(pathway=pathway).values_list("to_status", "by"))
    assert log[-1] == ("accompaniment", cast.amina.user.pk) and len(log) == 6


def test_a_step_not_allowed_from_the_current_state_is_refused(cast, as_persona, followed):
    client = as_persona(cast.amina)
    pathway = Pathway.objects.get(person=followed)
    response = _step(client, pathway, "start_accompaniment")
    pathway.refresh_from_db()
    assert pathway.status == "oriented"
    messages = [str(m) for m in response.wsgi_request._messages]
    assert any("Impossible depuis l'étape « Orienté »" in m for m in messages)


def test_stale_step_is_refused(cast, as_persona, followed):
    client = as_persona(cast.amina)
    pathway = Pathway.objects.get(person=followed)
    stale = pathway.version
    _step(client, pathway, "hold_first_interview")
    client.post(reverse("pathways:transition", args=[pathway.pk]), {"name": "suspend", "version": stale})
    pathway.refresh_from_db()
    assert pathway.status == "first_interview"


def test_exit_needs_date_and_reason_and_starts_the_retention_clock(cast, as_persona, followed, settings):
    client = as_persona(cast.amina)
    pathway = Pathway.objects.get(person=followed)
    _step(client, pathway, "exit")
    pathway.refresh_from_db()
    assert pathway.status == "oriented"
    today = timezone.localdate()
    _step(client, pathway, "exit", exit_date=today.isoformat(), exit_reason="completed")
    pathway.refresh_from_db()
    assert pathway.status == "exited" and pathway.exit_date == today
    grant = AccessGrant.objects.get(pathway=pathway)
    assert grant.expires_at.date() == today + dt.timedelta(days=settings.ACCESS_AFTER_EXIT_DAYS)
    # The record stays readable during the retention period.
    assert client.get(reverse("persons:detail", args=[followed.pk])).status_code == 200


def test_only_one_open_pathway_per_programme_in_an_organisation(cast, as_persona, followed):
    response = as_persona(cast.amina).post(
        reverse("pathways:create", args=[followed.pk]),
        {"programme": "agir", "entry_date": timezone.localdate().isoformat()},
    )
    assert response.status_code == 200
    assert "déjà un parcours ouvert" in response.content.decode()
    assert Pathway.objects.filter(person=followed).count() == 1


def test_diagnostic_and_plan(cast, as_persona, followed):
    client = as_persona(cast.amina)
    pathway = Pathway.objects.get(person=followed)
    assert (
        client.post(
            reverse("pathways:diagnostic", args=[pathway.pk, "housing"]),
            {
                "situation": "Hébergé en CADA, sortie prévue dans deux mois.",
                "need_level": 3,
                "assessed_on": timezone.localdate().isoformat(),
            },
        ).status_code
        == 302
    )
    client.post(
        reverse("pathways:objective_add", args=[pathway.pk]),
        {"theme": "housing", "title": "Accéder à un logement social", "status": "in_progress"},
    )
    objective = pathway.objectives.get()
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    client.post(
        reverse("pathways:action_add", args=[pathway.pk, objective.pk]),
        {"title": "Déposer la demande SNE", "due_date": yesterday.isoformat(), "status": "todo"},
    )
    content = client.get(reverse("pathways:detail", args=[pathway.pk])).content.decode()
    assert "Besoin prioritaire" in content and "Déposer la demande SNE" in content and "en retard" in content
    action = PlanAction.objects.get()
    client.post(
        reverse("pathways:action_edit", args=[pathway.pk, objective.pk, action.pk]),
        {"title": action.title, "due_date": yesterday.isoformat(), "status": "done"},
    )
    action.refresh_from_db()
    assert action.done_on == timezone.localdate()


def test_partner_cannot_move_a_pathway(cast, as_persona, followed):
    from ancrage.access.services import consent_record

    consent_record(
        actor=cast.amina.actor,
        person=followed,
        sections=["pathway"],
        recipients=[cast.france_travail],
        purpose="Emploi",
        given_on=timezone.localdate(),
    )
    pathway = Pathway.objects.get(person=followed)
    client = as_persona(cast.marc)
    assert client.get(reverse("pathways:detail", args=[pathway.pk])).status_code == 200
    assert _step(client, pathway, "hold_first_interview").status_code == 403
    pathway.refresh_from_db()
    assert pathway.status == "oriented"
