"""Importing persons from a spreadsheet (issue 11): upload → sheet → preview and columns → values →
dry run → confirm → progress → report, and the rejected lines as XLSX or CSV.

Référents and organisation admins, for their organisation's imports only (``perms.can_import_persons``,
``perms.can_view_import``); anybody else gets the 404 of a missing page. Pages that show names (the
preview, the reports, the download) are audited.
"""

import io
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ancrage.access import perms
from ancrage.audit.models import AuditAction
from ancrage.audit.services import audit_record
from ancrage.core.pagination import paginate
from ancrage.core.spreadsheets import XLSX_CONTENT_TYPE, csv_response, xlsx_append
from ancrage.imports import pipeline, services
from ancrage.imports.errors import ReadError
from ancrage.imports.fields import BY_CODE, VALUE_KINDS
from ancrage.imports.models import ImportRun, ImportStatus
from ancrage.www.types import AncrageRequest

from .forms import ColumnMappingForm, ConfirmForm, SheetForm, UploadForm, ValueMappingForm

PREVIEW_LINES = 10
EDITABLE = (ImportStatus.DRAFT, ImportStatus.MAPPED, ImportStatus.CHECKED)


def _bound(request: AncrageRequest, *, files: bool = False) -> tuple:
    """The form's data when posted (even an empty post is validated), none otherwise."""
    if request.method != "POST":
        return (None, None) if files else (None,)
    return (request.POST, request.FILES) if files else (request.POST,)


def _require(request: AncrageRequest) -> None:
    perms.require(perms.can_import_persons(request.actor))


def get_run_for_user(request: AncrageRequest, pk: int) -> ImportRun:
    """The run, or the same 404 for a missing run and another organisation's."""
    _require(request)
    run = ImportRun.objects.select_related("created_by").filter(pk=pk).first()
    perms.require(run is not None and perms.can_view_import(request.actor, run))
    assert run is not None
    return run


def _audit_read(request: AncrageRequest, run: ImportRun, event: str, **details: Any) -> None:
    audit_record(
        actor=request.actor, action=AuditAction.READ, event=event, obj=run, details={"sha256": run.sha256, **details}
    )


def import_list(request: AncrageRequest) -> HttpResponse:
    _require(request)
    runs = ImportRun.objects.of_organisation(request.actor.organisation_id).select_related("created_by")
    page = paginate(request, runs.order_by("-created_at", "-id"))
    return render(request, "imports/list.html", {"page": page, "title": _("Imports de tableurs"), "nav": "persons"})


def import_upload(request: AncrageRequest) -> HttpResponse:
    _require(request)
    form = UploadForm(*_bound(request, files=True))
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size and upload.size > services.max_bytes():
            form.add_error(
                "file",
                _("Ce fichier est trop volumineux : %(max)s Mo au plus.")
                % {"max": services.max_bytes() // (1024 * 1024)},
            )
        else:
            try:
                run = services.import_run_create(actor=request.actor, name=upload.name or "", data=upload.read())
            except ValidationError as error:
                for message in error.messages:
                    form.add_error("file", message)
            else:
                if services.needs_sheet(run):
                    return redirect("imports:sheet", pk=run.pk)
                return redirect("imports:columns", pk=run.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "imports/upload.html",
        {
            "form": form,
            "title": _("Importer un tableur"),
            "nav": "persons",
            "max_mb": services.max_bytes() // (1024 * 1024),
        },
        status=status,
    )


def import_sheet(request: AncrageRequest, pk: int) -> HttpResponse:
    run = get_run_for_user(request, pk)
    if run.status not in EDITABLE:
        return redirect("imports:detail", pk=run.pk)
    sheets = (run.report or {}).get("sheets", [])
    form = SheetForm(*_bound(request), sheets=sheets, initial={"sheet": run.sheet or (sheets[0] if sheets else "")})
    if request.method == "POST" and form.is_valid():
        try:
            services.import_run_choose_sheet(actor=request.actor, run=run, sheet=form.cleaned_data["sheet"])
        except ValidationError as error:
            form.add_error("sheet", " ".join(error.messages))
        else:
            return redirect("imports:columns", pk=run.pk)
    return render(
        request, "imports/sheet.html", {"run": run, "form": form, "title": _("Choisir la feuille"), "nav": "persons"}
    )


def import_columns(request: AncrageRequest, pk: int) -> HttpResponse:
    """The preview of the first lines as read, and the column mapping form."""
    run = get_run_for_user(request, pk)
    if run.status not in EDITABLE:
        return redirect("imports:detail", pk=run.pk)
    if services.needs_sheet(run):
        return redirect("imports:sheet", pk=run.pk)
    try:
        table = pipeline.read_run_table(run)
    except ReadError as error:
        messages.error(request, error.message)
        return redirect("imports:list")
    form = ColumnMappingForm(*_bound(request), run=run)
    if request.method == "POST" and form.is_valid():
        services.import_run_map_columns(actor=request.actor, run=run, mapping=form.cleaned_data["mapping"])
        return redirect("imports:values", pk=run.pk)
    _audit_read(request, run, "import.preview", lines=min(PREVIEW_LINES, len(table.rows)))
    preview = [(line, cells) for line, cells in table.rows[:PREVIEW_LINES]]
    columns = [(form[f"col_{i}"], title) for i, title in enumerate(run.columns)]
    return render(
        request,
        "imports/columns.html",
        {
            "run": run,
            "form": form,
            "columns": columns,
            "preview": preview,
            "skipped": table.skipped[:20],
            "total": len(table.rows),
            "title": _("Associer les colonnes"),
            "nav": "persons",
        },
        status=400 if request.method == "POST" else 200,
    )


def _kind_choices() -> dict[str, list]:
    from ancrage.imports import values

    return {kind: list(values.choices(kind)) for kind in VALUE_KINDS}


def import_values(request: AncrageRequest, pk: int) -> HttpResponse:
    """The values of the file no code list recognises, per kind, with the suggestions preselected."""
    run = get_run_for_user(request, pk)
    if run.status not in EDITABLE:
        return redirect("imports:detail", pk=run.pk)
    if run.status == ImportStatus.DRAFT:
        return redirect("imports:columns", pk=run.pk)
    try:
        unknown = pipeline.unknown_values(run)
    except ReadError as error:
        messages.error(request, error.message)
        return redirect("imports:list")
    choices = _kind_choices() if unknown else {}
    form = ValueMappingForm(*_bound(request), unknown=unknown, choices=choices)
    if request.method == "POST" and form.is_valid():
        services.import_run_map_values(actor=request.actor, run=run, value_mapping=form.value_mapping())
        try:
            services.import_run_check(actor=request.actor, run=run)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("imports:columns", pk=run.pk)
        return redirect("imports:detail", pk=run.pk)
    groups = [(VALUE_KINDS.get(kind, kind), [form[name] for name in names]) for kind, names in form.groups]
    return render(
        request,
        "imports/values.html",
        {"run": run, "form": form, "groups": groups, "title": _("Associer les valeurs"), "nav": "persons"},
    )


def import_detail(request: AncrageRequest, pk: int) -> HttpResponse:
    """The dry-run report and the confirmation; then the progress and the final report."""
    run = get_run_for_user(request, pk)
    form = ConfirmForm(initial={"duplicate_policy": run.duplicate_policy, "mapping_name": run.file_name[:100]})
    _audit_read(request, run, "import.report", status=run.status)
    return _detail(request, run, form)


def _detail(request: AncrageRequest, run: ImportRun, form: ConfirmForm, status: int = 200) -> HttpResponse:
    report = run.report or {}
    return render(
        request,
        "imports/detail.html",
        {
            "run": run,
            "form": form,
            "counters": run.counters or {},
            "rejected": report.get("rejected", []),
            "duplicates": report.get("duplicates", []),
            "existing": report.get("existing", []),
            "column_errors": report.get("column_errors", []),
            "ignored_columns": report.get("ignored_columns", []),
            "mapped": [
                (run.columns[int(i)], BY_CODE[t].label)
                for i, t in run.column_mapping.items()
                if t and int(i) < len(run.columns)
            ],
            "title": _("Import de « %(name)s »") % {"name": run.file_name},
            "nav": "persons",
        },
        status=status,
    )


@require_POST
def import_check(request: AncrageRequest, pk: int) -> HttpResponse:
    run = get_run_for_user(request, pk)
    try:
        services.import_run_check(actor=request.actor, run=run)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("imports:detail", pk=run.pk)


@require_POST
def import_confirm(request: AncrageRequest, pk: int) -> HttpResponse:
    run = get_run_for_user(request, pk)
    form = ConfirmForm(request.POST)
    if not form.is_valid():
        return _detail(request, run, form, status=400)
    try:
        run = services.import_run_confirm(
            actor=request.actor,
            run=run,
            duplicate_policy=form.cleaned_data["duplicate_policy"],
            mapping_name=form.cleaned_data["mapping_name"],
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if run.status == ImportStatus.FAILED:
            messages.error(request, run.error)
        else:
            messages.info(request, _("L'import est lancé : suivez son avancement ci-dessous."))
    return redirect("imports:detail", pk=run.pk)


def import_status(request: AncrageRequest, pk: int) -> HttpResponse:
    """The progress fragment the page polls while the import runs."""
    run = get_run_for_user(request, pk)
    return render(request, "imports/_progress.html", {"run": run})


def import_rejected(request: AncrageRequest, pk: int, fmt: str) -> HttpResponse:
    """The rejected lines with their original columns and an « Erreurs » column, every cell neutralised."""
    run = get_run_for_user(request, pk)
    if fmt not in ("xlsx", "csv") or not (run.report or {}).get("rejected"):
        raise Http404
    try:
        header, rows = pipeline.rejected_rows(run)
    except ReadError:
        raise Http404 from None
    audit_record(
        actor=request.actor,
        action=AuditAction.EXPORT,
        event="import.rejected.export",
        obj=run,
        details={"sha256": run.sha256, "format": fmt, "lines": len(rows)},
    )
    filename = f"{run.file_name.rsplit('.', 1)[0][:80] or 'import'}-lignes-refusees.{fmt}"
    if fmt == "csv":
        return csv_response(filename, header, (["" if v is None else v for v in row] for row in rows))
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = _("Lignes refusées")[:31]
    xlsx_append(sheet, header)
    for row in rows:
        xlsx_append(sheet, row)
    out = io.BytesIO()
    book.save(out)
    response = HttpResponse(out.getvalue(), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, filename) or "attachment"
    return response
