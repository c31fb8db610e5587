"""Formula-looking text is neutralised in every CSV and XLSX the project writes (issue 11 §1).

Text that a spreadsheet would run (``=HYPERLINK(…)``, ``+33 6…``, ``@SUM(A1)``, ``-2+3``) is planted
wherever a label, an action title, an organisation name, a commune, an amendment, a call for projects
or a bilan can reach an export; every export is downloaded, parsed (csv / openpyxl), and no cell may
start with a formula character unless it is the apostrophe form. A guard walks the URL patterns: a new
CSV/XLSX download that is not listed here fails it.
"""

import csv
import datetime as dt
import inspect
import io

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from openpyxl import load_workbook

from ancrage.core.spreadsheets import FORMULA_PREFIXES
from ancrage.imports.models import ImportRun
from ancrage.organisations.models import OrganisationKind
from ancrage.steering.models import (
    Action,
    Amendment,
    AnnualReportRun,
    CallForProjects,
    PriorityAxis,
    QualitativeReport,
    ReportStatus,
)
from ancrage.steering.services import action_save, contract_create, participation_record
from ancrage.territory.models import Commune
from tests.factories import OrganisationFactory, PathwayFactory, PersonFactory

from ..conftest import login

pytestmark = pytest.mark.django_db

CONTRACT = '=HYPERLINK("http://x","y")'
ACTION = '=HYPERLINK("http://evil.example","Cliquez")'
CARRIER = "+33 6 12 34 56 78"
COMMUNE = "@SUM(A1)"
BILAN = "-2+3"
AMENDMENT = "=1+2"
CALL = "@appel"
SIGNATORIES = "+préfet"

# Every CSV/XLSX download of the project (URL name → what the test below downloads).
SPREADSHEET_EXPORTS = {
    "steering:trends_csv": "test_trends_csv",
    "steering:diagnosis_csv": "test_diagnosis_csv",
    "steering:report_download": "test_annual_report_xlsx_downloaded_from_the_page",
    "imports:rejected": "test_rejected_lines_of_an_import_as_csv_and_xlsx",
}
# Downloads that are not spreadsheets, and why.
OTHER_DOWNLOADS = {
    "persons:export_json": "the access-request export, JSON",
    "persons:export_pdf": "the access-request export, PDF",
    "persons:appointment_ics": "a calendar event",
    "agenda:feed_ics": "a calendar feed",
    "employment:cv": "a PDF",
    "employment:commitment_contract": "a PDF",
    "referrals:attachment_download": "a file uploaded by a user (PDF, JPEG, PNG), served as it was",
    "referrals:link_attachment": "a file uploaded by a user (PDF, JPEG, PNG), served as it was",
    "steering:bilan_attachment": "a file uploaded by a carrier, served as it was",
}
# What in a view's source or route tells that it writes a file to download.
SOURCE_MARKS = (
    "Content-Disposition",
    "FileResponse",
    "as_attachment",
    "csv_response",
    "csv.writer",
    "openpyxl",
    "Workbook",
    "xlsx_append",
    "spreadsheetml",
    "text/csv",
)
ROUTE_MARKS = (".csv", ".xlsx", ".ods", "csv", "xlsx", "export", "telecharger")


# --- the guard ---------------------------------------------------------------------------------------------


def _walk(resolver, namespace="", prefix=""):
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _walk(pattern, inner, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield f"{namespace}{pattern.name}", prefix + str(pattern.pattern), pattern.callback


def _downloads() -> set[str]:
    found = set()
    for name, route, callback in _walk(get_resolver()):
        try:
            source = inspect.getsource(inspect.unwrap(callback))
        except (OSError, TypeError):
            source = ""
        if any(mark in source for mark in SOURCE_MARKS) or any(m in f"{route} {name}" for m in ROUTE_MARKS):
            found.add(name)
    return found


def test_every_download_is_a_listed_spreadsheet_export_or_a_listed_other_file():
    found = _downloads()
    unlisted = found - set(SPREADSHEET_EXPORTS) - set(OTHER_DOWNLOADS)
    assert not unlisted, (
        f"new downloads: add them to SPREADSHEET_EXPORTS (and test them) or OTHER_DOWNLOADS: {unlisted}"
    )
    assert set(SPREADSHEET_EXPORTS) <= found, "a listed export no longer exists"
    here = {name for name, _obj in inspect.getmembers(__import__(__name__, fromlist=["x"]), inspect.isfunction)}
    assert set(SPREADSHEET_EXPORTS.values()) <= here


# --- the planted world -------------------------------------------------------------------------------------


@pytest.fixture
def world(cast):
    today = timezone.localdate()
    year = today.year
    commune = Commune.objects.order_by("insee_code").first()
    Commune.objects.filter(pk=commune.pk).update(name=COMMUNE)
    contract = contract_create(
        territory=commune.territory,
        title=CONTRACT,
        signed_on=dt.date(year - 1, 1, 1),
        starts_on=dt.date(year - 1, 1, 1),
        ends_on=dt.date(year + 1, 12, 31),
        signatories=SIGNATORIES,
    )
    carrier = OrganisationFactory(name=CARRIER, kind=OrganisationKind.ASSOCIATION)
    action = action_save(
        Action(
            contract=contract,
            axis=PriorityAxis.objects.get(contract=contract, number=2),
            title=ACTION,
            carrier=carrier,
            starts_on=dt.date(year, 1, 1),
            ends_on=dt.date(year, 12, 31),
            status="running",
        )
    )
    start = min(today, dt.date(year, 1, 15))
    for _i in range(6):
        person = PersonFactory(commune_id=commune.pk)
        PathwayFactory(person=person, entry_date=start, operator=cast.agir)
        participation_record(person=person, action=action, starts_on=start, source="carrier")
    QualitativeReport.objects.create(action=action, year=year, text=BILAN, written_by=cast.amina.user)
    Amendment.objects.create(contract=contract, number=1, signed_on=dt.date(year, 1, 2), summary=AMENDMENT)
    CallForProjects.objects.create(
        contract=contract, year=year, title=CALL, opens_on=dt.date(year, 1, 1), closes_on=dt.date(year, 1, 31)
    )
    return {"contract": contract, "year": year, "commune": commune}


# --- reading files -----------------------------------------------------------------------------------------


def _csv_cells(content: bytes) -> list[str]:
    text = content.decode("utf-8")
    assert text.startswith("\ufeff"), "a CSV for French spreadsheets starts with a BOM"
    return [cell for row in csv.reader(io.StringIO(text[1:]), delimiter=";") for cell in row]


def _xlsx_cells(content: bytes) -> list[object]:
    workbook = load_workbook(io.BytesIO(content))
    cells = []
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"a formula in {sheet.title}!{cell.coordinate}: {cell.value}"
                cells.append(cell.value)
    return cells


def _assert_neutralised(cells: list, *planted: str) -> None:
    for value in cells:
        if isinstance(value, str):
            assert not value.startswith(FORMULA_PREFIXES), f"a cell a spreadsheet would run: {value!r}"
    for text in planted:
        # The planted text did reach the export, in its apostrophe form.
        assert "'" + text in cells, f"{text!r} not found in the export"


# --- every export --------------------------------------------------------------------------------------------


def test_trends_csv(client, cast, world):
    login(client, cast.claire)
    response = client.get(reverse("steering:trends_csv"), {"commune": world["commune"].pk})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    _assert_neutralised(_csv_cells(response.content), CONTRACT)


def test_diagnosis_csv(client, cast, world):
    login(client, cast.claire)
    response = client.get(reverse("steering:diagnosis_csv"), {"annee": world["year"]})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    _assert_neutralised(_csv_cells(response.content), CONTRACT, COMMUNE)


PLANTED_IN_REPORT = (CONTRACT, ACTION, CARRIER, COMMUNE, BILAN, AMENDMENT, CALL, SIGNATORIES)


def test_annual_report_xlsx_downloaded_from_the_page(client, cast, world, settings, tmp_path):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    login(client, cast.claire)
    client.post(reverse("steering:report_request"), {"year": str(world["year"]), "format": "xlsx"})
    run = AnnualReportRun.objects.get()
    assert run.status == ReportStatus.DONE, run.error
    response = client.get(reverse("steering:report_download", args=[run.pk]))
    assert response.status_code == 200
    _assert_neutralised(_xlsx_cells(b"".join(response.streaming_content)), *PLANTED_IN_REPORT)


def test_annual_report_xlsx_written_by_the_command(world, tmp_path):
    output = tmp_path / "bilan.xlsx"
    call_command("report", "annual", "--year", str(world["year"]), "--format", "xlsx", "--output", str(output))
    _assert_neutralised(_xlsx_cells(output.read_bytes()), *PLANTED_IN_REPORT)


def test_rejected_lines_of_an_import_as_csv_and_xlsx(client, cast):
    source = "Nom;Prénom;Téléphone;Commune\r\nAHMADI;Karim;0612345678;Rennes\r\n"
    quoted = '"' + CONTRACT.replace('"', '""') + '"'
    source += f"{quoted};{BILAN};{CARRIER};{COMMUNE}\r\n"
    run = ImportRun(
        organisation=cast.agir,
        created_by=cast.amina.user,
        file_name="personnes.csv",
        sha256="0" * 64,
        report={"rejected": [{"line": 3, "errors": [{"column": "Nom", "message": "=erreur"}]}]},
    )
    run.file.save("personnes.csv", ContentFile(source.encode("utf-8")), save=True)
    login(client, cast.amina)
    csv_response = client.get(reverse("imports:rejected", args=[run.pk, "csv"]))
    assert csv_response.status_code == 200
    _assert_neutralised(_csv_cells(csv_response.content), CONTRACT, BILAN, CARRIER, COMMUNE)
    xlsx_response = client.get(reverse("imports:rejected", args=[run.pk, "xlsx"]))
    assert xlsx_response.status_code == 200
    _assert_neutralised(_xlsx_cells(xlsx_response.content), CONTRACT, BILAN, CARRIER, COMMUNE)
    # Nobody else downloads them.
    login(client, cast.hugo)
    assert client.get(reverse("imports:rejected", args=[run.pk, "csv"])).status_code == 404
