"""The annual report of the contract (issue 6 §6): ask for it, follow its generation, download it.

Coordinators only (``perms.can_view_steering``); anybody else gets the 404 of a missing page. The
report is built by the task worker (``steering.report_runs``); runs are per contract and every
coordinator sees them. Reading the page, asking and downloading are audited; the status fragment,
polled every two seconds, is audited once the run is over.
"""

from typing import Any

from django import forms
from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from ancrage.access import perms
from ancrage.audit.models import AuditAction
from ancrage.audit.services import audit_record
from ancrage.steering import report_runs
from ancrage.steering.models import AnnualReportRun, Contract, ReportFormat, ReportStatus
from ancrage.steering.overview import contract_years
from ancrage.steering.selectors import current_contract, default_year
from ancrage.www.types import AncrageRequest


class ReportRequestForm(forms.Form):
    year = forms.TypedChoiceField(
        label=gettext_lazy("Année du bilan"),
        coerce=int,
        error_messages={
            "required": gettext_lazy("Choisissez l'année du bilan."),
            "invalid_choice": gettext_lazy("Choisissez une année du contrat."),
        },
    )
    format = forms.ChoiceField(
        label=gettext_lazy("Format"),
        choices=ReportFormat.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": gettext_lazy("Choisissez le format : PDF ou tableur."),
            "invalid_choice": gettext_lazy("Choisissez le format : PDF ou tableur."),
        },
    )

    def __init__(self, *args: Any, contract: Contract, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        year = self.fields["year"]
        assert isinstance(year, forms.TypedChoiceField)
        year.choices = [(y, str(y)) for y in contract_years(contract)]


def _require(request: AncrageRequest) -> None:
    if not perms.can_view_steering(request.actor):
        raise Http404


def _page(request: AncrageRequest, contract: Contract | None, form: ReportRequestForm | None, status: int = 200):
    runs: list[AnnualReportRun] = []
    if contract is not None:
        report_runs.fail_stalled(contract)
        runs = list(report_runs.runs_of(contract))
    return render(
        request,
        "steering/report/index.html",
        {
            "contract": contract,
            "form": form,
            "runs": runs,
            "title": _("Bilan annuel du contrat"),
            "nav": "steering",
        },
        status=status,
    )


def report(request: AncrageRequest) -> HttpResponse:
    _require(request)
    contract = current_contract()
    form = None
    if contract is not None:
        form = ReportRequestForm(
            contract=contract, initial={"year": default_year(contract), "format": ReportFormat.PDF}
        )
    audit_record(
        actor=request.actor,
        action=AuditAction.READ,
        event="steering.report.read",
        obj=contract,
        details={"contract": contract.pk if contract else None},
    )
    return _page(request, contract, form)


@require_POST
def report_request(request: AncrageRequest) -> HttpResponse:
    _require(request)
    contract = current_contract()
    if contract is None:
        messages.error(request, _("Aucun contrat territorial n'est enregistré : il n'y a pas de bilan à produire."))
        return redirect("steering:report")
    form = ReportRequestForm(request.POST, contract=contract)
    if not form.is_valid():
        return _page(request, contract, form, status=400)
    year, fmt = form.cleaned_data["year"], form.cleaned_data["format"]
    run = report_runs.request_report(request.actor, contract, year, fmt)
    if run.status == ReportStatus.FAILED:
        messages.error(request, run.error)
    elif run.status == ReportStatus.DONE:
        messages.success(request, _("Le bilan %(year)s est prêt : téléchargez-le ci-dessous.") % {"year": year})
    else:
        messages.info(
            request,
            _("Le bilan %(year)s est en préparation : il apparaît ci-dessous dès qu'il est prêt.") % {"year": year},
        )
    return redirect("steering:report")


def _run(request: AncrageRequest, pk: int) -> AnnualReportRun:
    _require(request)
    return get_object_or_404(AnnualReportRun.objects.select_related("requested_by", "contract"), pk=pk)


def report_status(request: AncrageRequest, pk: int) -> HttpResponse:
    """One run's row (state, progress, download link): the HTMX fragment the page polls."""
    run = _run(request, pk)
    if report_runs.is_pending(run) and report_runs.fail_stalled(run.contract):
        run.refresh_from_db()
    if not report_runs.is_pending(run):
        audit_record(
            actor=request.actor,
            action=AuditAction.READ,
            event="steering.report.status",
            obj=run,
            details={"contract": run.contract_id, "status": run.status},
        )
    return render(request, "steering/report/_run.html", {"run": run})


def report_download(request: AncrageRequest, pk: int) -> HttpResponseBase:
    run = _run(request, pk)
    if run.status != ReportStatus.DONE or not run.file:
        raise Http404
    try:
        handle = run.file.open("rb")
    except OSError:
        raise Http404 from None
    audit_record(
        actor=request.actor,
        action=AuditAction.EXPORT,
        event="steering.report.export",
        obj=run,
        details={"contract": run.contract_id, "year": run.year, "format": run.format},
    )
    return FileResponse(
        handle,
        as_attachment=True,
        filename=report_runs.file_name(run),
        content_type=report_runs.content_type(run),
    )
