"""Participations derived from pathways and referrals (``steering.participation``) and kept in step by
signals (``steering.signals``): persons reached are counted from the records, not typed in twice."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ancrage.pathways.models import ExitReason, Pathway, PathwayStatus, Programme
from ancrage.referrals.services import referral_transition
from ancrage.steering.models import Action, Participation, ParticipationSource, PriorityAxis
from ancrage.steering.participation import SyncReport, sync_participations
from ancrage.steering.services import action_save, contract_create, participation_record
from ancrage.territory.models import Territory
from tests.factories import PathwayFactory, PersonFactory
from tests.referrals.conftest import consent, draft, service  # noqa: F401  (fixtures)

from .conftest import make_action

pytestmark = pytest.mark.django_db

D = dt.date
BEFORE_END = D(2022, 6, 1)  # "today" while the test action (2021-01-01 → 2023-12-01) runs
MARCH = D(2021, 3, 1)


def bulk_pathway(person, operator, *, programme=Programme.AGIR, entry=MARCH, exit_date=None) -> Pathway:
    """A pathway written without signals, as the demo generator and imports do."""
    exited = exit_date is not None
    (pathway,) = Pathway.objects.bulk_create(
        [
            Pathway(
                person=person,
                operator=operator,
                programme=programme,
                entry_date=entry,
                status=PathwayStatus.EXITED if exited else PathwayStatus.ACCOMPANIMENT,
                exit_date=exit_date,
                exit_reason=ExitReason.COMPLETED if exited else "",
            )
        ]
    )
    return pathway


def derived(**filters):
    return Participation.objects.filter(source__in=["pathway", "referral"], **filters)


@pytest.fixture
def agir_action(contract, carriers):
    action = make_action(contract, carriers[0], title="Accompagnement global")
    action.programmes = [Programme.AGIR]
    return action_save(action, expected_version=action.version)


def test_a_pathway_of_the_carrier_in_the_programme_makes_a_clipped_participation(agir_action, carriers):
    person = PersonFactory()
    pathway = bulk_pathway(person, carriers[0], entry=D(2020, 6, 1))
    report = sync_participations(contract=agir_action.contract, today=BEFORE_END)
    assert report == SyncReport(created=1)
    participation = Participation.objects.get()
    assert (participation.person, participation.action, participation.pathway) == (person, agir_action, pathway)
    assert participation.source == ParticipationSource.PATHWAY
    # Entered before the action: counted from the action's start; still open while the action runs.
    assert (participation.starts_on, participation.ends_on) == (D(2021, 1, 1), None)


def test_an_open_pathway_ends_with_an_action_that_is_over(agir_action, carriers):
    bulk_pathway(PersonFactory(), carriers[0], entry=D(2022, 2, 1))
    sync_participations(action=agir_action, today=D(2024, 3, 1))
    assert Participation.objects.values_list("starts_on", "ends_on").get() == (D(2022, 2, 1), D(2023, 12, 1))


def test_records_that_do_not_match_make_nothing(agir_action, carriers):
    bulk_pathway(PersonFactory(), carriers[1])  # another operator
    bulk_pathway(PersonFactory(), carriers[0], programme=Programme.CPH)  # another programme
    bulk_pathway(PersonFactory(), carriers[0], entry=D(2024, 1, 10))  # after the action
    bulk_pathway(PersonFactory(), carriers[0], entry=D(2020, 1, 10), exit_date=D(2020, 11, 30))  # before it
    assert sync_participations(today=BEFORE_END) == SyncReport()
    assert not Participation.objects.exists()


def test_the_participation_follows_the_pathway_exit(agir_action, carriers):
    pathway = bulk_pathway(PersonFactory(), carriers[0])
    sync_participations(today=BEFORE_END)
    Pathway.objects.filter(pk=pathway.pk).update(
        status=PathwayStatus.EXITED, exit_date=D(2022, 3, 15), exit_reason=ExitReason.MOVED
    )
    assert sync_participations(today=BEFORE_END) == SyncReport(updated=1)
    assert Participation.objects.values_list("starts_on", "ends_on").get() == (D(2021, 3, 1), D(2022, 3, 15))


def test_an_entry_date_corrected_moves_the_participation(agir_action, carriers):
    pathway = bulk_pathway(PersonFactory(), carriers[0])
    sync_participations(today=BEFORE_END)
    Pathway.objects.filter(pk=pathway.pk).update(entry_date=D(2021, 4, 2))
    assert sync_participations(today=BEFORE_END) == SyncReport(updated=1)
    assert Participation.objects.get().starts_on == D(2021, 4, 2)


def test_participations_go_when_the_programme_or_the_operator_no_longer_match(agir_action, carriers):
    first, second = bulk_pathway(PersonFactory(), carriers[0]), bulk_pathway(PersonFactory(), carriers[0])
    sync_participations(today=BEFORE_END)
    assert derived().count() == 2
    Pathway.objects.filter(pk=first.pk).update(operator=carriers[1])
    assert sync_participations(today=BEFORE_END) == SyncReport(deleted=1)
    assert list(derived().values_list("pathway", flat=True)) == [second.pk]
    # The coordinator removes the programme from the fiche action: the signal syncs the action.
    agir_action.refresh_from_db()
    agir_action.programmes = []
    action_save(agir_action, expected_version=agir_action.version)
    assert not derived().exists()


def test_a_deleted_pathway_takes_its_participation_with_it(agir_action, carriers):
    pathway = PathwayFactory(operator=carriers[0], entry_date=D(2021, 5, 1))
    assert derived(pathway=pathway).exists()
    person = pathway.person
    pathway.delete()
    assert not derived(person=person).exists()


def test_an_action_not_under_way_has_no_derived_participation(agir_action, carriers):
    bulk_pathway(PersonFactory(), carriers[0])
    sync_participations(today=BEFORE_END)
    agir_action.refresh_from_db()
    agir_action.status = "abandoned"
    action_save(agir_action, expected_version=agir_action.version)
    assert not Participation.objects.exists()
    draft_action = make_action(agir_action.contract, carriers[0], title="Brouillon")
    draft_action.status = "draft"
    draft_action.programmes = [Programme.AGIR]
    action_save(draft_action, expected_version=draft_action.version)
    assert sync_participations(today=BEFORE_END) == SyncReport()
    assert not Participation.objects.exists()


def test_carrier_rows_are_never_touched_and_win_the_day(agir_action, carriers):
    person, other = PersonFactory(), PersonFactory()
    own, _created = participation_record(
        person=person, action=agir_action, starts_on=D(2021, 3, 1), source="carrier", organisation=carriers[0]
    )
    kept, _created = participation_record(
        person=other, action=agir_action, starts_on=D(2021, 2, 1), source="carrier", organisation=carriers[0]
    )
    # Same person, action and start as the carrier's row: skipped, not a unique-constraint failure.
    bulk_pathway(person, carriers[0], entry=D(2021, 3, 1))
    assert sync_participations(today=BEFORE_END) == SyncReport()
    assert list(Participation.objects.order_by("pk")) == [own, kept]
    agir_action.refresh_from_db()
    agir_action.programmes = []
    action_save(agir_action, expected_version=agir_action.version)
    sync_participations(today=BEFORE_END)
    own.refresh_from_db()
    assert Participation.objects.count() == 2
    assert (own.source, own.starts_on, own.ends_on) == ("carrier", D(2021, 3, 1), None)


def test_two_pathways_clipped_to_the_same_day_count_once(agir_action, carriers):
    person = PersonFactory()
    bulk_pathway(person, carriers[0], entry=D(2020, 1, 1), exit_date=D(2021, 2, 1))
    bulk_pathway(person, carriers[0], entry=D(2020, 6, 1))
    assert sync_participations(today=BEFORE_END) == SyncReport(created=1)
    assert sync_participations(today=BEFORE_END) == SyncReport()


def test_the_sync_is_idempotent(agir_action, carriers):
    for index in range(6):
        bulk_pathway(
            PersonFactory(), carriers[0], entry=D(2021, 1 + index, 3), exit_date=D(2022, 1, 3) if index % 2 else None
        )
    first = sync_participations(today=BEFORE_END)
    assert first == SyncReport(created=6)
    assert sync_participations(today=BEFORE_END) == SyncReport()
    assert sync_participations(contract=agir_action.contract, today=BEFORE_END) == SyncReport()
    assert derived().count() == 6


def test_signals_keep_the_saved_persons_participations_in_step_and_only_theirs(agir_action, carriers):
    stale = bulk_pathway(PersonFactory(), carriers[0])
    sync_participations(today=BEFORE_END)
    Pathway.objects.filter(pk=stale.pk).update(operator=carriers[1])  # no signal: stale on purpose
    pathway = PathwayFactory(operator=carriers[0], entry_date=D(2021, 6, 1))
    assert derived(person=pathway.person).count() == 1
    assert derived(pathway=stale).exists()  # another person: not synced by this save
    pathway.status = PathwayStatus.EXITED
    pathway.exit_date = D(2022, 1, 31)
    pathway.exit_reason = ExitReason.COMPLETED
    pathway.save()
    assert derived(person=pathway.person).get().ends_on == D(2022, 1, 31)
    # The daily job repairs what no signal saw.
    sync_participations()
    assert not derived(pathway=stale).exists()


def test_a_pathway_saved_outside_the_programme_fields_does_not_sync(agir_action, carriers, monkeypatch):
    pathway = PathwayFactory(operator=carriers[0], entry_date=D(2021, 6, 1))
    calls = []
    monkeypatch.setattr("ancrage.steering.signals.sync_participations", lambda **kwargs: calls.append(kwargs))
    pathway.oriented_by = "OFII"
    pathway.save(update_fields=["oriented_by"])
    assert calls == []
    pathway.save(update_fields=["exit_date"])
    assert calls == [{"person_ids": [pathway.person_id]}]


def test_the_number_of_queries_does_not_depend_on_the_number_of_persons(agir_action, carriers):
    def run(persons: int) -> int:
        Participation.objects.all().delete()
        for _ in range(persons):
            bulk_pathway(PersonFactory(), carriers[0])
        with CaptureQueriesContext(connection) as queries:
            report = sync_participations(today=BEFORE_END)
        assert report.created == Pathway.objects.count()
        return len(queries)

    few = run(3)
    many = run(40)
    assert few == many <= 10


# --- referrals -------------------------------------------------------------------------------------------


@pytest.fixture
def running_contract(territory):
    today = timezone.localdate()
    return contract_create(
        territory=Territory.objects.first(),
        title="Contrat en cours",
        signed_on=today.replace(year=today.year - 2),
        starts_on=today.replace(year=today.year - 2),
        ends_on=today.replace(year=today.year + 1),
    )


@pytest.fixture
def employment_action(running_contract, cast, service):  # noqa: F811
    action = action_save(
        Action(
            contract=running_contract,
            axis=PriorityAxis.objects.get(contract=running_contract, number=3),
            title="Accompagnement vers l'emploi",
            carrier=cast.france_travail,
            status="running",
        )
    )
    action.services.add(service)
    return action


def test_an_accepted_referral_to_a_service_of_the_action_is_a_participation(employment_action, cast, draft):  # noqa: F811
    referral = referral_transition(actor=cast.amina.actor, referral=draft, name="send", expected_version=draft.version)
    assert not derived().exists()  # sent, not yet answered
    referral = referral_transition(
        actor=cast.marc.actor, referral=referral, name="accept", expected_version=referral.version
    )
    participation = derived().get()
    assert (participation.person_id, participation.referral, participation.source) == (
        draft.person_id,
        referral,
        ParticipationSource.REFERRAL,
    )
    assert (participation.starts_on, participation.ends_on) == (timezone.localdate(referral.answered_at), None)
    referral = referral_transition(
        actor=cast.marc.actor, referral=referral, name="complete", expected_version=referral.version, outcome="Inscrit"
    )
    assert derived().get().ends_on == timezone.localdate(referral.closed_at)
    assert sync_participations() == SyncReport()


def test_a_refused_referral_is_no_participation(employment_action, cast, draft):  # noqa: F811
    from ancrage.referrals.models import RefusalReason

    reason = RefusalReason.objects.create(code="complet", label="Complet")
    referral = referral_transition(actor=cast.amina.actor, referral=draft, name="send", expected_version=draft.version)
    referral_transition(
        actor=cast.marc.actor,
        referral=referral,
        name="refuse",
        expected_version=referral.version,
        refusal_reason=reason,
    )
    assert sync_participations() == SyncReport()
    assert not Participation.objects.exists()


def test_services_added_or_removed_resync_the_action(running_contract, cast, service, draft):  # noqa: F811
    referral = referral_transition(actor=cast.amina.actor, referral=draft, name="send", expected_version=draft.version)
    referral_transition(actor=cast.marc.actor, referral=referral, name="accept", expected_version=referral.version)
    action = action_save(
        Action(
            contract=running_contract,
            axis=PriorityAxis.objects.get(contract=running_contract, number=3),
            title="Emploi",
            carrier=cast.france_travail,
            status="running",
        )
    )
    assert not Participation.objects.exists()
    action.services.add(service)
    assert derived(action=action).count() == 1
    service.ctair_actions.remove(action)
    assert not Participation.objects.exists()
    service.ctair_actions.add(action)
    service.ctair_actions.clear()
    assert not Participation.objects.exists()
