"""Tests generated from matrix.py: every page with person data, for every persona.

Also walks every URL pattern of the project: a URL must be classified in the matrix (or declared
free of person data), and each person-data GET an allowed persona makes writes an audit event.
"""

import datetime as dt

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from ancrage.access.services import consent_record
from ancrage.audit.models import AuditEvent
from ancrage.pathways.models import Objective, PlanAction
from ancrage.persons.models import Household, HouseholdMember, Nationality, Person

from ..conftest import login
from ..factories import AppointmentFactory, PathwayFactory, PersonFactory
from . import matrix

pytestmark = pytest.mark.django_db


@pytest.fixture
def scope(cast, rome):
    pathway = PathwayFactory(
        operator=cast.agir, referent=cast.amina.user, person=PersonFactory(name=("KAROUI", "Salma"))
    )
    person = pathway.person
    household = Household.objects.create(label="Foyer Karoui")
    Person.objects.filter(pk=person.pk).update(household=household)
    objective = Objective.objects.create(pathway=pathway, theme="housing", title="Accéder à un logement social")
    from ancrage.directory.models import Service, Structure
    from ancrage.referrals.services import referral_create, referral_transition

    consent = consent_record(
        actor=cast.amina.actor,
        person=person,
        sections=["language"],
        recipients=[cast.france_travail],
        purpose="Inscription",
        given_on=dt.date.today(),
    )
    service = Service.objects.create(
        structure=Structure.objects.create(name="France Travail Rennes", organisation=cast.france_travail),
        name="Inscription",
        description="Inscription et suivi des demandeurs d'emploi.",
    )
    referral = referral_create(
        actor=cast.amina.actor, person=person, service=service, reason="Emploi", sections=["language"], consent=consent
    )
    referral = referral_transition(
        actor=cast.amina.actor, referral=referral, name="send", expected_version=referral.version
    )
    from django.core.files.uploadedfile import SimpleUploadedFile

    from ancrage.referrals.attachments import attachment_add

    attachment = attachment_add(
        actor=cast.amina.actor,
        referral=referral,
        upload=SimpleUploadedFile("prescription.pdf", b"%PDF-1.4 test", content_type="application/pdf"),
    )
    return {
        "referral": (referral.pk,),
        "referral_attachment": (referral.pk, attachment.pk),
        "referral_cancel": (referral.pk, "cancel"),
        "person": (person.pk,),
        "person_item_kind": (person.pk, "protection"),
        "identity": (person.pk, "identite", person.identities.get().pk),
        "nationality": (person.pk, "nationalite", Nationality.objects.create(person=person, code="TN").pk),
        "appointment": (
            person.pk,
            AppointmentFactory(person=person, organisation=cast.agir, with_user=cast.amina.user).pk,
        ),
        "household_member": (
            person.pk,
            HouseholdMember.objects.create(household=household, first_names="Lina", relationship="child").pk,
        ),
        "consent": (person.pk, consent.pk),
        "pathway": (pathway.pk,),
        "pathway_domain": (pathway.pk, "housing"),
        "objective": (pathway.pk, objective.pk),
        "plan_action": (
            pathway.pk,
            objective.pk,
            PlanAction.objects.create(objective=objective, title="Demande SNE").pk,
        ),
        **_employment_scope(person),
        **_placement_scope(cast, person),
        **_tracks_scope(person),
    }


def _client_for(client, cast, persona: str):
    if persona != "anonymous":
        login(client, getattr(cast, persona))
    return client


def _cases(table):
    return [(name, persona) for name in table for persona in matrix.PERSONAS]


@pytest.mark.parametrize(("url_name", "persona"), _cases(matrix.PERSON_PAGES))
def test_person_page_access(client, cast, scope, url_name, persona):
    fills, expected = matrix.PERSON_PAGES[url_name]
    url = reverse(url_name, args=scope[fills])
    response = _client_for(client, cast, persona).get(url)
    assert response.status_code == expected[persona], f"{persona} GET {url}"
    if response.status_code in (403, 404) and persona in ("claire", "yves", "sofia", "hugo"):
        assert b"KAROUI" not in response.content


@pytest.mark.parametrize(("url_name", "persona"), _cases(matrix.PERSON_ACTIONS))
def test_person_action_access(client, cast, scope, url_name, persona):
    fills, expected = matrix.PERSON_ACTIONS[url_name]
    args = scope[fills]
    client = _client_for(client, cast, persona)
    if url_name.startswith("api:"):
        response = client.post(reverse(url_name, args=args), {"version": 1}, content_type="application/json")
    else:
        data = {"name": "hold_first_interview", "version": 1} if url_name == "pathways:transition" else {}
        response = client.post(reverse(url_name, args=args), data)
    assert response.status_code == expected[persona], f"{persona} POST {url_name}"
    if expected[persona] == 302 and persona != "anonymous":
        assert "/comptes/connexion/" not in response.url


@pytest.mark.parametrize(("url_name", "persona"), _cases(matrix.LIST_PAGES))
def test_list_page_access(client, cast, scope, url_name, persona):
    response = _client_for(client, cast, persona).get(reverse(url_name))
    assert response.status_code == matrix.LIST_PAGES[url_name][persona], f"{persona} GET {url_name}"
    if persona in ("hugo", "claire", "yves", "sofia"):
        assert b"KAROUI" not in response.content


@pytest.fixture
def steering_scope(cast):
    """A contract whose action is carried by Amina's organisation, with a bilan and a commune."""
    from ancrage.steering.models import Action, PriorityAxis, QualitativeReport
    from ancrage.steering.services import action_save, contract_create
    from ancrage.territory.models import Commune

    commune = Commune.objects.order_by("name").first()
    contract = contract_create(
        territory=commune.territory,
        title="CTAIR Rennes Métropole",
        signed_on=dt.date(2020, 12, 9),
        starts_on=dt.date(2020, 12, 9),
        ends_on=dt.date(2023, 12, 8),
    )
    action = action_save(
        Action(
            contract=contract,
            axis=PriorityAxis.objects.get(contract=contract, number=2),
            title="Accompagnement global",
            carrier=cast.agir,
            status="running",
        )
    )
    report = QualitativeReport.objects.create(action=action, year=2021, text="Bilan", written_by=cast.amina.user)
    return {
        "no_args": (),
        "contract": (contract.pk,),
        "action": (action.pk,),
        "commune": (commune.pk,),
        "bilan": (action.pk, report.pk),
        "year": (2021,),
        # The carrier's pages (H5b): the bilan of a year, a document joined to it.
        "action_year": (action.pk, 2021),
        "bilan_attachment": (action.pk, report.pk, _bilan_attachment(report, cast.amina.user).pk),
        # Calls for projects (H5a): a call of the contract and a project received.
        **_call_scope(contract, cast.agir),
        # The annual report (H3): a finished generation, with its file.
        "report_run": (_report_run(contract, cast.claire.user).pk,),
    }


def _report_run(contract, user):
    from django.core.files.base import ContentFile

    from ancrage.steering.models import AnnualReportRun

    run = AnnualReportRun(contract=contract, year=2021, format="pdf", status="done", progress=100, requested_by=user)
    run.file.save("bilan-ctair-2021.pdf", ContentFile(b"%PDF-1.7\n"), save=True)
    return run


def _call_scope(contract, organisation):
    from ancrage.steering.models import Application, CallForProjects

    call = CallForProjects.objects.create(
        contract=contract, year=2021, title="AAP 2021", opens_on=dt.date(2021, 1, 10), closes_on=dt.date(2021, 3, 1)
    )
    application = Application.objects.create(
        call=call, organisation=organisation, title="Projet reçu", received_on=dt.date(2021, 2, 1)
    )
    return {"call": (call.pk,), "application": (application.pk,)}


def _bilan_attachment(report, user):
    from django.core.files.base import ContentFile

    from ancrage.steering.models import BilanAttachment

    attachment = BilanAttachment(
        report=report, original_name="bilan.pdf", content_type="application/pdf", size=9, uploaded_by=user
    )
    attachment.file.save("bilan.pdf", ContentFile(b"%PDF-1.4\n"), save=True)
    return attachment


@pytest.mark.parametrize(("url_name", "persona"), _cases(matrix.AGGREGATE_PAGES))
def test_aggregate_page_access(client, cast, steering_scope, url_name, persona):
    fills, expected = matrix.AGGREGATE_PAGES[url_name]
    url = reverse(url_name, args=steering_scope[fills])
    response = _client_for(client, cast, persona).get(url)
    assert response.status_code == expected[persona], f"{persona} GET {url}"


def _walk(resolver, namespace=""):
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _walk(pattern, inner)
        elif isinstance(pattern, URLPattern):
            yield f"{namespace}{pattern.name or '<unnamed ' + str(pattern.pattern) + '>'}", pattern


def test_every_url_is_classified():
    """A new URL must say whether it serves person data; if it does, the matrix must cover it."""
    classified = (
        set(matrix.AGGREGATE_PAGES)
        | set(matrix.PERSON_PAGES)
        | set(matrix.PERSON_ACTIONS)
        | set(matrix.LIST_PAGES)
        | matrix.NO_PERSON_DATA
        | matrix.TOKEN_PAGES
    )
    unclassified = []
    for name, _pattern in _walk(get_resolver()):
        if name not in classified and not name.startswith(matrix.NO_PERSON_DATA_PREFIXES):
            unclassified.append(name)
    assert not unclassified, f"URLs missing from tests/access/matrix.py: {unclassified}"


@pytest.mark.parametrize("url_name", sorted(matrix.PERSON_PAGES))
def test_every_person_page_writes_an_audit_event(client, cast, scope, url_name):
    """Every page that serves the record leaves a read (or export) event naming the person."""
    fills, expected = matrix.PERSON_PAGES[url_name]
    persona = next(p for p in ("amina", "olivier", "marc") if expected[p] == 200)
    user = getattr(cast, persona).user
    events = AuditEvent.objects.filter(user=user, person_id=scope["person"][0], action__in=["read", "export"])
    before = events.count()
    response = _client_for(client, cast, persona).get(reverse(url_name, args=scope[fills]))
    assert response.status_code == 200
    assert events.count() > before, f"{url_name} served person data without an audit event"


@pytest.mark.parametrize("url_name", ["persons:list", "pathways:agenda"])
def test_lists_of_persons_are_audited_with_the_ids_shown(client, cast, scope, url_name):
    AppointmentFactory(person_id=scope["person"][0], organisation=cast.agir, with_user=cast.amina.user)
    _client_for(client, cast, "amina").get(reverse(url_name))
    event = AuditEvent.objects.filter(user=cast.amina.user, action="read", person__isnull=True).latest("id")
    assert scope["person"][0] in event.details["ids"]


def _employment_scope(person):
    """A diploma, an experience and a target occupation of the scope person (the ROME is loaded)."""
    from ancrage.employment.models import Diploma, TargetOccupation, WorkExperience

    from ..factories import appellation_for

    diploma = Diploma.objects.create(person=person, title="Licence de gestion", country="AF", level=6)
    experience = WorkExperience.objects.create(
        person=person, appellation=appellation_for("N1103"), country="AF", years=3
    )
    target = TargetOccupation.objects.create(person=person, appellation=appellation_for("N1103"))
    return {
        "employment_diploma": (person.pk, diploma.pk),
        "employment_experience": (person.pk, experience.pk),
        "employment_target": (person.pk, target.pk),
    }


def _placement_scope(cast, person):
    """An opportunity of Amina's organisation with the scope person proposed, and a hired placement."""
    from ancrage.employment.services import placement_propose, placement_transition

    from ..factories import OpportunityFactory

    opportunity = OpportunityFactory(organisation=cast.agir, title="Agent d'entretien")
    placement = placement_propose(actor=cast.amina.actor, person=person, opportunity=opportunity)
    hired = placement_propose(
        actor=cast.amina.actor, person=person, opportunity=OpportunityFactory(organisation=cast.agir)
    )
    hired = placement_transition(
        actor=cast.amina.actor,
        placement=hired,
        name="hire",
        expected_version=hired.version,
        contract_type="cdi",
        contract_start=dt.date.today(),
    )
    return {
        "opportunity": (opportunity.pk,),
        "placement": (placement.pk,),
        "placement_withdraw": (placement.pk, "withdraw"),
        "follow_up": (hired.pk, hired.follow_ups.first().pk),
        "no_args": (),
    }


def _tracks_scope(person):
    """A SIAO request (housing track) of the scope person, a language kind and the CAF record."""
    from ancrage.tracks.models import SiaoRequest

    siao = SiaoRequest.objects.create(person=person, kind="insertion", requested_on=dt.date(2025, 7, 1))
    return {
        "tracks_language_kind": (person.pk, "formation-civique"),
        "tracks_siao": (person.pk, "siao", siao.pk),
        "tracks_caf": (person.pk, "caf"),
    }
