"""The daily retention task (``scheduling.jobs``): applied only when ``RETENTION_ENABLED``."""

from typing import Any

from django_tasks import task


@task()
def retention_daily() -> dict[str, Any]:
    from .services import retention_scheduled

    run = retention_scheduled()
    return {
        "run": run.pk,
        "dry_run": run.dry_run,
        "archived": run.report["archived"]["count"],
        "anonymised": run.report["anonymised"]["count"],
    }
