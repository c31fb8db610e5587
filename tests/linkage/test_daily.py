"""The daily refresh: candidates stored, decisions kept, clusters that never join across "not the same"."""

import datetime as dt

import pytest
from django.core.management import call_command

from ancrage.linkage.clustering import components
from ancrage.linkage.models import CandidateStatus, Cluster, ClusterMember, DuplicateCandidate
from ancrage.linkage.records import Match
from ancrage.linkage.services import candidate_pairs_record, clusters_rebuild, linkage_refresh
from ancrage.persons.models import Person
from ancrage.scheduling.jobs import DAILY_JOBS

from ..factories import PersonFactory

pytestmark = pytest.mark.django_db


def _twins(last: str, first: str, born: dt.date, *, variant: tuple[str, str] | None = None) -> tuple[Person, Person]:
    a = PersonFactory(name=(last, first), birth_date=born, phone="0611223344")
    b = PersonFactory(name=variant or (last, first), birth_date=born, phone="06 11 22 33 44")
    return a, b


def _pair(a: Person, b: Person) -> tuple[int, int]:
    return (min(a.pk, b.pk), max(a.pk, b.pk))


def _decide(a: Person, b: Person, status: str, user) -> None:
    DuplicateCandidate.objects.filter(person_a_id=min(a.pk, b.pk), person_b_id=max(a.pk, b.pk)).update(
        status=status, decided_at=dt.datetime(2026, 12, 1, tzinfo=dt.UTC), decided_by=user
    )


def test_refresh_stores_candidates_and_is_idempotent(cast):
    a, b = _twins("HAIDARI", "Farid", dt.date(1990, 5, 17), variant=("HAYDARI", "Fareed"))
    PersonFactory(name=("TESFAY", "Helen"), birth_date=dt.date(1970, 1, 1))
    first = linkage_refresh()
    assert first["records"] == 3 and first["candidates"] == 1
    candidate = DuplicateCandidate.objects.get()
    assert (candidate.person_a_id, candidate.person_b_id) == _pair(a, b)
    assert candidate.source == "daily" and candidate.evidence
    scored_at = candidate.scored_at
    clusters = list(Cluster.objects.values_list("key", flat=True))

    second = linkage_refresh()
    assert second["candidates"] == 1 and second["clusters"] == first["clusters"] == 1
    assert DuplicateCandidate.objects.get().scored_at == scored_at  # nothing rewritten
    assert list(Cluster.objects.values_list("key", flat=True)) == clusters  # the same pseudonymous key


def test_refresh_keeps_decisions(cast):
    a, b = _twins("RAHIMI", "Sohrab", dt.date(1984, 2, 2))
    linkage_refresh()
    _decide(a, b, CandidateStatus.DIFFERENT, cast.amina.user)
    report = linkage_refresh()
    candidate = DuplicateCandidate.objects.get()
    assert candidate.status == CandidateStatus.DIFFERENT and candidate.decided_by == cast.amina.user
    assert report["pending"] == 0
    assert not ClusterMember.objects.exists()  # decided different: never one cluster


def test_refresh_never_merges_and_ignores_merged_records(cast):
    a, b = _twins("NAZARI", "Javad", dt.date(1979, 3, 3))
    c = PersonFactory(name=("NAZARI", "Javad"), birth_date=dt.date(1979, 3, 3), phone="0611223344")
    Person.objects.filter(pk=c.pk).update(merged_into=a)
    report = linkage_refresh()
    assert report["records"] == 2
    assert Person.objects.filter(merged_into__isnull=False).count() == 1  # nothing merged by the job
    assert not DuplicateCandidate.objects.filter(person_b=c).exists()
    assert set(ClusterMember.objects.values_list("person_id", flat=True)) == {a.pk, b.pk}


def test_clusters_never_join_across_a_different_decision(cast):
    a, b, c = (PersonFactory(name=("X", str(i))) for i in range(3))
    strong = Match(person_id=0, match_probability=0.99, match_weight=10.0, evidence=[])
    candidate_pairs_record([(a.pk, b.pk, strong), (b.pk, c.pk, strong)], source="daily")
    assert clusters_rebuild() == 1
    assert ClusterMember.objects.count() == 3
    # a and c decided different: b joins one of them, never both.
    candidate_pairs_record([(a.pk, c.pk, strong)], source="daily")
    _decide(a, c, CandidateStatus.DIFFERENT, cast.amina.user)
    assert clusters_rebuild() == 1
    members = dict(ClusterMember.objects.values_list("person_id", "cluster_id"))
    assert not (a.pk in members and c.pk in members and members[a.pk] == members[c.pk])
    assert len(members) == 2 and b.pk in members


def test_same_decisions_join_clusters_below_the_threshold(cast):
    a, b = PersonFactory(name=("X", "1")), PersonFactory(name=("Y", "2"))
    weak = Match(person_id=0, match_probability=0.81, match_weight=1.0, evidence=[])
    candidate_pairs_record([(b.pk, a.pk, weak)], source="import")
    assert clusters_rebuild() == 0
    _decide(a, b, CandidateStatus.SAME, cast.amina.user)
    assert clusters_rebuild() == 1
    cluster = Cluster.objects.get()
    assert len(cluster.key) == 16 and set(cluster.members.values_list("person_id", flat=True)) == {a.pk, b.pk}


def test_candidate_pairs_record_orders_pairs_and_keeps_decisions(cast):
    a, b = PersonFactory(name=("X", "1")), PersonFactory(name=("Y", "2"))
    first = Match(person_id=a.pk, match_probability=0.85, match_weight=2.0, evidence=[{"field": "phone"}])
    assert candidate_pairs_record([(b.pk, a.pk, first)], source="create") == 1
    row = DuplicateCandidate.objects.get()
    assert (row.person_a_id, row.person_b_id, row.source) == (a.pk, b.pk, "create")
    _decide(a, b, CandidateStatus.SAME, cast.amina.user)
    better = Match(person_id=b.pk, match_probability=0.9, match_weight=3.0, evidence=[])
    assert candidate_pairs_record([(a.pk, b.pk, better), (a.pk, a.pk, better)], source="daily") == 1
    row.refresh_from_db()
    assert row.status == CandidateStatus.SAME and row.match_probability == 0.9 and row.source == "create"


def test_components_respect_cannot_links():
    groups = components([(1, 2, 0.99), (2, 3, 0.98), (4, 5, 0.97)], cannot_link=[(1, 3)])
    assert sorted(map(sorted, groups)) == [[1, 2], [4, 5]]


def test_the_command_writes_candidates_and_reports(cast):
    _twins("KARIMI", "Reza", dt.date(1991, 6, 1))
    call_command("linkage_refresh")
    assert DuplicateCandidate.objects.count() == 1


def test_the_refresh_is_a_daily_job():
    job = next(job for job in DAILY_JOBS if job.name == "linkage_refresh")
    assert job.task == "ancrage.linkage.tasks.linkage_daily"
    from ancrage.linkage.tasks import linkage_daily

    assert linkage_daily is not None


def test_training_stores_the_model_and_keeps_tuned_thresholds(cast):
    from ancrage.linkage.models import LinkageModel
    from ancrage.linkage.services import linkage_train

    PersonFactory(name=("AMIRI", "Navid"))
    first = linkage_train()
    assert first.is_active and first.training_records == 1 and first.summary["trained"] is False
    assert {c["output_column_name"] for c in first.settings["comparisons"]} >= {"last_name", "birth_date", "agdref"}
    LinkageModel.objects.filter(pk=first.pk).update(review_threshold=0.7, cluster_threshold=0.9)
    second = linkage_train()
    first.refresh_from_db()
    assert not first.is_active and second.is_active
    assert (second.review_threshold, second.cluster_threshold) == (0.7, 0.9)
