"""The daily linkage job, run by the task worker (``scheduling.jobs``)."""

from typing import Any

from django_tasks import task


@task()
def linkage_daily() -> dict[str, Any]:
    """Score every pair, store the candidates, rebuild the clusters (``services.linkage_refresh``)."""
    from .services import linkage_refresh

    return linkage_refresh()
