"""Writes of the linkage engine: candidate pairs, training, the daily refresh, clusters (ADR 8).

None of these merges anything: they store candidates for review and rebuild the pseudonymous
clusters the contract's figures count once. Merging is a reviewer's decision (``linkage.merge``).
"""

import random
import time
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from ancrage.audit.models import AuditAction
from ancrage.audit.services import audit_record
from ancrage.persons.models import Person

from . import engine
from .clustering import components
from .features import features_of
from .models import CandidateSource, CandidateStatus, Cluster, ClusterMember, DuplicateCandidate, LinkageModel
from .records import Match

# Fewer records than this and expectation maximisation has too few pairs: the prior model is used.
MIN_TRAINING_RECORDS = 500
_BATCH = 500


def candidate_pairs_record(pairs: Iterable[tuple[int, int, Match]], *, source: str) -> int:
    """Store or update the candidate rows of ``pairs`` (ordered ``a < b``); a decided pair keeps its
    decision (only its score is refreshed). Returns the number of pairs stored or updated."""
    best: dict[tuple[int, int], Match] = {}
    for a, b, match in pairs:
        if a == b:
            continue
        key = (a, b) if a < b else (b, a)
        if key not in best or match.match_probability > best[key].match_probability:
            best[key] = match
    if not best:
        return 0
    model = engine.active_model()
    now = timezone.now()
    people = {a for a, _ in best} | {b for _, b in best}
    existing: dict[tuple[int, int], DuplicateCandidate] = {}
    with transaction.atomic():
        if len(people) <= _BATCH:
            rows = DuplicateCandidate.objects.filter(person_a__in=people, person_b__in=people)
        else:
            rows = DuplicateCandidate.objects.all()
        for row in rows.only("id", "person_a_id", "person_b_id", "match_probability", "match_weight", "evidence"):
            existing[(row.person_a_id, row.person_b_id)] = row
        to_create: list[DuplicateCandidate] = []
        to_update: list[DuplicateCandidate] = []
        for (a, b), match in best.items():
            found = existing.get((a, b))
            if found is None:
                to_create.append(
                    DuplicateCandidate(
                        person_a_id=a,
                        person_b_id=b,
                        match_probability=match.match_probability,
                        match_weight=match.match_weight,
                        evidence=match.evidence,
                        model=model,
                        source=source,
                    )
                )
                continue
            row = found
            if (
                abs(row.match_probability - match.match_probability) < 1e-9
                and abs(row.match_weight - match.match_weight) < 1e-6
                and row.evidence == match.evidence
            ):
                continue  # nothing new: an idempotent refresh writes nothing
            row.match_probability, row.match_weight = match.match_probability, match.match_weight
            row.evidence, row.model, row.scored_at = match.evidence, model, now
            to_update.append(row)
        DuplicateCandidate.objects.bulk_create(to_create, batch_size=_BATCH)
        DuplicateCandidate.objects.bulk_update(
            to_update, ["match_probability", "match_weight", "evidence", "model", "scored_at"], batch_size=_BATCH
        )
    return len(best)


def _unmerged() -> Any:
    # An anonymised record (retention, ADR 9) has nothing left to compare: its pairs and cluster stay.
    return Person.objects.filter(merged_into__isnull=True, anonymised_at__isnull=True)


def _feature_rows(max_records: int | None = None, seed: int = 1) -> list[dict[str, Any]]:
    records = engine.records_for(_unmerged())
    ids = sorted(records)
    if max_records is not None and len(ids) > max_records:
        ids = sorted(random.Random(seed).sample(ids, max_records))  # noqa: S311 - a training sample
    return [features_of(records[pk], pk) for pk in ids]


def linkage_train(*, max_records: int | None = None) -> LinkageModel:
    """Train the model unsupervised on the territory's own records and make it the active one (the
    thresholds of the previous active model are kept: an administrator may have tuned them)."""
    rows = _feature_rows(max_records)
    started = time.monotonic()
    if len(rows) >= MIN_TRAINING_RECORDS:
        settings = engine.train_settings(rows)
        trained = True
    else:
        settings = engine.default_settings()
        trained = False
    previous = engine.active_model()
    summary = {
        "trained": trained,
        "seconds": round(time.monotonic() - started, 1),
        "term_frequencies": engine.term_frequencies(rows),
        "parameters": engine.parameter_table(settings),
    }
    with transaction.atomic():
        LinkageModel.objects.filter(is_active=True).update(is_active=False)
        model = LinkageModel.objects.create(
            settings=settings,
            training_records=len(rows),
            review_threshold=previous.review_threshold if previous else engine.DEFAULT_REVIEW_THRESHOLD,
            cluster_threshold=previous.cluster_threshold if previous else engine.DEFAULT_CLUSTER_THRESHOLD,
            summary=summary,
        )
        audit_record(
            actor=None,
            action=AuditAction.CREATE,
            event="linkage.model.train",
            obj=model,
            details={"records": len(rows), "trained": trained},
        )
    return model


def linkage_refresh(*, train: bool = False) -> dict[str, Any]:
    """The daily job: score every pair of unmerged records the blocking rules bring together, store
    the candidates from the review threshold, rebuild the clusters. Idempotent; never merges."""
    started = time.monotonic()
    model = engine.active_model()
    if train or model is None:
        model = linkage_train()
    rows = _feature_rows()
    tf_tables = (model.summary or {}).get("term_frequencies") or None
    scored = engine.score_within(rows, model.settings, threshold=model.review_threshold, tf_tables=tf_tables)
    scoring_seconds = time.monotonic() - started
    pairs = [
        (
            int(pair["unique_id_l"]),
            int(pair["unique_id_r"]),
            Match(
                person_id=int(pair["unique_id_r"]),
                match_probability=float(pair["match_probability"]),
                match_weight=float(pair["match_weight"]),
                evidence=engine.evidence_for(pair, model.settings),
            ),
        )
        for pair in scored
    ]
    stored = candidate_pairs_record(pairs, source=CandidateSource.DAILY)
    # A pending pair with a record merged since is moot (a merged record is ignored everywhere).
    merged = Person.objects.filter(merged_into__isnull=False).values("pk")
    moot, _ = DuplicateCandidate.objects.pending().filter(Q(person_a__in=merged) | Q(person_b__in=merged)).delete()
    clusters = clusters_rebuild()
    report = {
        "model": model.pk,
        "records": len(rows),
        "candidates": stored,
        "pending": DuplicateCandidate.objects.pending().count(),
        "moot_removed": moot,
        "clusters": clusters,
        "clustered_records": ClusterMember.objects.count(),
        "scoring_seconds": round(scoring_seconds, 1),
        "seconds": round(time.monotonic() - started, 1),
    }
    audit_record(actor=None, action=AuditAction.UPDATE, event="linkage.refresh", details=report)
    return report


def clusters_rebuild() -> int:
    """Rebuild the pseudonymous clusters: connected components of the pairs from the cluster threshold
    or decided *same person*, never joining across a pair decided *not the same*. A cluster keeps its
    key while it keeps most of its records. Returns the number of clusters (of two records or more)."""
    model = engine.active_model()
    threshold = model.cluster_threshold if model else engine.DEFAULT_CLUSTER_THRESHOLD
    merged = set(Person.objects.filter(merged_into__isnull=False).values_list("pk", flat=True))
    rows = DuplicateCandidate.objects.filter(
        Q(status=CandidateStatus.SAME)
        | Q(status=CandidateStatus.DIFFERENT)
        | Q(status=CandidateStatus.PENDING, match_probability__gte=threshold)
    ).values_list("person_a_id", "person_b_id", "status", "match_probability")
    same, likely, different = [], [], []
    for a, b, status, probability in rows:
        if a in merged or b in merged:
            continue
        if status == CandidateStatus.DIFFERENT:
            different.append((a, b))
        elif status == CandidateStatus.SAME:
            same.append((a, b, 2.0))
        else:
            likely.append((a, b, probability))
    groups = components([*same, *likely], cannot_link=different)
    with transaction.atomic():
        current: dict[int, int] = dict(ClusterMember.objects.values_list("person_id", "cluster_id"))
        wanted: dict[int, int] = {}
        used: set[int] = set()
        for group in sorted(groups, key=lambda g: (-len(g), min(g))):
            votes: dict[int, int] = {}
            for person in group:
                if person in current:
                    votes[current[person]] = votes.get(current[person], 0) + 1
            keep = next((cid for cid, _ in sorted(votes.items(), key=lambda v: (-v[1], v[0])) if cid not in used), None)
            if keep is None:
                keep = Cluster.objects.create().pk
            used.add(keep)
            for person in group:
                wanted[person] = keep
        stale = [person for person, cluster in current.items() if wanted.get(person) != cluster]
        for start in range(0, len(stale), _BATCH):
            ClusterMember.objects.filter(person_id__in=stale[start : start + _BATCH]).delete()
        ClusterMember.objects.bulk_create(
            [
                ClusterMember(person_id=person, cluster_id=cluster)
                for person, cluster in wanted.items()
                if current.get(person) != cluster
            ],
            batch_size=_BATCH,
        )
        Cluster.objects.filter(members__isnull=True).delete()
    return len(groups)
