"""Counting a person once across partners (ADR 8): the unit every figure of the contract counts.

Two organisations may each hold a record of the same person without seeing each other's. The linkage
engine groups such records into pseudonymous clusters (``ClusterMember``); the figures count the
*cluster* once. A record in no cluster counts as itself. A record merged into another
(``Person.merged_into`` set) counts nowhere: its rows were moved to the kept record.

* :func:`counted_person` — the counting unit of a row as a database expression: ``-cluster_id`` for a
  record in a cluster, else the record's id (cluster ids are positive, so the two never collide). Count
  persons with ``Count(counted_person("person"), distinct=True)``.
* :func:`counted_records` — the records of the persons a population counts: its own records and the
  other records of their clusters (what is known about the person, whichever partner wrote it).
* :func:`not_merged` — the condition that leaves merged records out, for any query on ``Person`` rows.

Nothing here names a record or an organisation: a figure only ever receives the unit, and the records'
facts are pooled into it (``steering.indicators.Facts``).
"""

from __future__ import annotations

from django.db.models import Count, F, IntegerField, Q, QuerySet
from django.db.models.functions import Coalesce

from ancrage.persons.models import Person

from .models import ClusterMember


def _path(prefix: str, name: str) -> str:
    return f"{prefix}__{name}" if prefix else name


def counted_person(prefix: str = "person") -> Coalesce:
    """The counting unit of the person at ``prefix`` (``""`` for a ``Person`` query itself).

    ``-cluster_id`` when the record is in a cluster, else the record's own id.
    """
    record = f"{prefix}_id" if prefix else "pk"
    return Coalesce(-F(_path(prefix, "cluster_membership__cluster_id")), F(record), output_field=IntegerField())


def not_merged(prefix: str = "") -> Q:
    """Leaves out the records merged into another one (they count nowhere)."""
    return Q(**{_path(prefix, "merged_into__isnull"): True})


def counted_records(persons: QuerySet[Person]) -> QuerySet[Person]:
    """The records of the persons ``persons`` counts: those records and every other record of their
    clusters, merged records left out (a lazy queryset, to be used as a subquery)."""
    clusters = ClusterMember.objects.filter(person__in=persons.values("pk")).values("cluster_id")
    return Person.objects.filter(not_merged()).filter(
        Q(pk__in=persons.values("pk")) | Q(cluster_membership__cluster_id__in=clusters)
    )


def count_persons(rows: QuerySet, prefix: str = "person") -> int:
    """How many persons the rows are about, each cluster once (merged records left out)."""
    return int(rows.filter(not_merged(prefix)).aggregate(n=Count(counted_person(prefix), distinct=True))["n"] or 0)
