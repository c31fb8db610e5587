"""The confirmed import, run by the task worker (``make worker``); the page polls its progress."""

import logging

from django.utils.translation import gettext as _
from django_tasks import task

from ancrage.organisations.actor import Actor
from ancrage.organisations.models import Membership

from .models import ImportRun, ImportStatus

logger = logging.getLogger(__name__)


def run_import(run_id: int, membership_id: int) -> str:
    from . import services

    run = ImportRun.objects.filter(pk=run_id).first()
    membership = Membership.objects.active().select_related("user", "organisation").filter(pk=membership_id).first()
    if run is None:
        return "missing"
    if membership is None:
        ImportRun.objects.filter(pk=run_id).update(
            status=ImportStatus.FAILED, error=_("La personne qui a lancé l'import n'est plus membre de l'organisation.")
        )
        return "failed"
    actor = Actor(user=membership.user, membership=membership)
    try:
        services.import_run_execute(actor=actor, run=run)
    except Exception:  # noqa: BLE001 — already recorded on the run by the service
        return "failed"
    return "done"


@task()
def import_persons_task(run_id: int, membership_id: int) -> str:
    """Task run by the worker: the wet run of a confirmed import."""
    return run_import(run_id, membership_id)
