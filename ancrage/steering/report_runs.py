"""The annual report built in the background: a coordinator asks, the task worker builds, the page
follows the progress and offers the file when it is ready.

A run never stays « en cours » for ever: the task marks it failed (French message) on any error, and a
run still queued or running ``STALL_AFTER`` after it was asked (worker stopped, machine restarted) is
marked failed when the page is next shown, so that it can be asked again.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from ancrage.audit.models import AuditAction
from ancrage.audit.services import audit_record
from ancrage.organisations.actor import Actor

from .models import AnnualReportRun, Contract, ReportFormat, ReportStatus
from .report import PDF_CONTENT_TYPE, XLSX_CONTENT_TYPE, ReportError, build_report_data, render_pdf, render_xlsx

logger = logging.getLogger(__name__)

STALL_AFTER = dt.timedelta(minutes=30)
PENDING = (ReportStatus.QUEUED, ReportStatus.RUNNING)
CONTENT_TYPES = {ReportFormat.PDF: PDF_CONTENT_TYPE, ReportFormat.XLSX: XLSX_CONTENT_TYPE}


def file_name(run: AnnualReportRun) -> str:
    """The name the file is downloaded under: ``bilan-ctair-2024.pdf``."""
    return f"bilan-ctair-{run.year}.{run.format}"


def content_type(run: AnnualReportRun) -> str:
    return CONTENT_TYPES.get(ReportFormat(run.format), "application/octet-stream")


def build_file(contract: Contract, year: int, fmt: str, *, progress=None, today: dt.date | None = None) -> bytes:
    """The report's bytes in the format asked (shared by the task and the ``report`` command)."""
    if fmt not in ReportFormat.values:
        raise ReportError(_("Format inconnu : choisissez PDF ou XLSX."))
    data = build_report_data(contract, year, today, progress=progress)
    if fmt == ReportFormat.PDF:
        return render_pdf(data, progress=progress)
    return render_xlsx(data, progress=progress)


# --- runs ------------------------------------------------------------------------------------------------


def runs_of(contract: Contract, limit: int = 20) -> QuerySet[AnnualReportRun]:
    return (
        AnnualReportRun.objects.filter(contract=contract)
        .select_related("requested_by")
        .order_by("-created_at", "-id")[:limit]
    )


def is_pending(run: AnnualReportRun) -> bool:
    return run.status in PENDING


def fail_stalled(contract: Contract, *, now: dt.datetime | None = None) -> int:
    """Runs of the contract still waiting or running long after they were asked are marked failed."""
    now = now or timezone.now()
    return AnnualReportRun.objects.filter(
        contract=contract, status__in=PENDING, created_at__lt=now - STALL_AFTER
    ).update(
        status=ReportStatus.FAILED,
        error=_(
            "La génération n'a pas abouti dans le délai prévu (le service de tâches est peut-être arrêté). Relancez-la."
        ),
        finished_at=now,
    )


def request_report(actor: Actor, contract: Contract, year: int, fmt: str) -> AnnualReportRun:
    """Record the request and hand it to the task worker; a same request still under way is reused."""
    fail_stalled(contract)
    existing = (
        AnnualReportRun.objects.filter(contract=contract, year=year, format=fmt, status__in=PENDING)
        .order_by("-created_at")
        .first()
    )
    if existing is not None:
        return existing
    with transaction.atomic():
        run = AnnualReportRun.objects.create(
            contract=contract,
            year=year,
            format=fmt,
            requested_by=actor.user,
            step=_("En attente du service de tâches"),
        )
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            event="steering.report.request",
            obj=run,
            details={"contract": contract.pk, "year": year, "format": fmt},
        )
    try:
        result = generate_annual_report.enqueue(run.pk)
    except Exception:  # the queue itself is unavailable: say so on the run rather than answer 500
        logger.exception("annual report run %s could not be enqueued", run.pk)
        _fail(run.pk, _("La demande n'a pas pu être transmise au service de tâches. Réessayez plus tard."))
    else:
        AnnualReportRun.objects.filter(pk=run.pk).update(task_id=str(result.id)[:64])
    run.refresh_from_db()
    return run


def _set(run_id: int, **fields) -> None:
    AnnualReportRun.objects.filter(pk=run_id).update(**fields)


def _fail(run_id: int, message: str) -> None:
    _set(run_id, status=ReportStatus.FAILED, error=message[:2000], finished_at=timezone.now())


def run_report(run_id: int) -> str:
    """Build the run's file, updating its progress as it goes; any error marks it failed."""
    run = AnnualReportRun.objects.select_related("contract").filter(pk=run_id).first()
    if run is None:
        return "missing"
    _set(run_id, status=ReportStatus.RUNNING, progress=1, step=_("Démarrage"), error="")

    def progress(percent: int, step: str) -> None:
        _set(run_id, progress=max(0, min(99, int(percent))), step=str(step)[:120])

    try:
        content = build_file(run.contract, run.year, run.format, progress=progress)
        progress(95, _("Enregistrement du fichier"))
        run.file.save(file_name(run), ContentFile(content), save=False)
        _set(
            run_id,
            file=run.file.name,
            status=ReportStatus.DONE,
            progress=100,
            step=_("Terminé"),
            finished_at=timezone.now(),
        )
    except ReportError as error:
        _fail(run_id, str(error))
        return "failed"
    except Exception:
        logger.exception("annual report run %s failed", run_id)
        _fail(
            run_id,
            _(
                "La génération du bilan a échoué à cause d'une erreur inattendue. Relancez-la ; si l'erreur persiste, "
                "signalez-la à l'administrateur de la plateforme."
            ),
        )
        return "failed"
    return "done"


@task()
def generate_annual_report(run_id: int) -> str:
    """Task run by the worker (``make worker`` / ``make run``)."""
    return run_report(run_id)
