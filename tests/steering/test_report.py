"""The annual report: every figure equals an independent count from the records, no count of 1 to 4
persons anywhere, both formats from the interface (background task) and from the command, coordinators
only."""

import datetime as dt
import io
import re
from collections import defaultdict
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from ancrage.audit.models import AuditEvent
from ancrage.steering import report_runs
from ancrage.steering.models import (
    Amendment,
    AnnualReportRun,
    Application,
    BudgetLine,
    CallForProjects,
    IndicatorDefinition,
    Participation,
    QualitativeReport,
    ReportStatus,
    Target,
)
from ancrage.steering.report import build_report_data, render_html, render_pdf, render_xlsx
from ancrage.steering.services import participation_record
from tests.factories import PersonFactory

from ..conftest import login
from .conftest import make_action

pytestmark = pytest.mark.django_db
D = dt.date
E = Decimal
YEAR = 2021
HEADER_FILL = "000091"


@pytest.fixture
def world(contract, carriers, place):
    """Actions in 2021: A reaches 12 persons, B 7 (3 of them also in A), C 2 and D 3 (secret)."""
    _territory, communes = place
    a = make_action(contract, carriers[0], axis_number=2, title="Action A")
    b = make_action(contract, carriers[1], axis_number=4, title="Action B")
    c = make_action(contract, carriers[0], axis_number=3, title="Action C")
    persons = [PersonFactory(commune=communes[0] if i < 14 else communes[1]) for i in range(16)]
    for i in range(12):
        participation_record(person=persons[i], action=a, starts_on=D(2021, 3, 1), source="carrier")
    for i in range(9, 16):
        participation_record(person=persons[i], action=b, starts_on=D(2021, 6, 1), source="carrier")
    outsider = PersonFactory(commune=communes[2])
    participation_record(person=outsider, action=c, starts_on=D(2021, 9, 1), source="carrier")
    participation_record(person=persons[0], action=c, starts_on=D(2021, 9, 1), source="carrier")
    # A fourth action with 3 persons: two small rows, so no complementary suppression hides B.
    d = make_action(contract, carriers[1], axis_number=5, title="Action D")
    for i in range(3):
        participation_record(person=persons[i], action=d, starts_on=D(2021, 10, 1), source="carrier")
    # Not in 2021: must count nowhere in the 2021 report.
    participation_record(person=PersonFactory(commune=communes[0]), action=a, starts_on=D(2022, 2, 1), source="carrier")
    lines = [
        (a, 2021, "state_p104", "10000", "8000", "6000", "4000.50"),
        (a, 2021, "metropole", "5000", "5000", "5000", "2500"),
        (b, 2021, "caf", "3000", "2000", "1000", "0"),
        (c, 2021, "eu_funds", "1234.56", "1000", "0", "0"),
        (a, 2022, "state_p104", "99999", "99999", "99999", "99999"),
    ]
    for action, year, funder, requested, granted, committed, paid in lines:
        BudgetLine.objects.create(
            action=action,
            year=year,
            co_funder=funder,
            requested=E(requested),
            granted=E(granted),
            committed=E(committed),
            paid=E(paid),
        )
    Target.objects.create(
        action=a, indicator=IndicatorDefinition.objects.get(code="persons_reached"), year=2021, value=E("10")
    )
    Target.objects.create(
        action=c, indicator=IndicatorDefinition.objects.get(code="persons_reached"), year=2021, value=E("20")
    )
    Amendment.objects.create(contract=contract, number=1, signed_on=D(2021, 6, 30), summary="Ajout d'une action")
    call = CallForProjects.objects.create(
        contract=contract, year=2021, title="Appel 2021", opens_on=D(2021, 1, 10), closes_on=D(2021, 2, 28)
    )
    Application.objects.create(
        call=call, organisation=carriers[1], title="Projet B", requested_amount=E("3000"), received_on=D(2021, 2, 1)
    )
    from ancrage.organisations.models import User

    writer = User.objects.create_user(email="porteur@example.org", password="x")
    QualitativeReport.objects.create(action=a, year=2021, text="Ateliers menés toute l'année.", written_by=writer)
    return {"contract": contract, "actions": (a, b, c), "communes": communes}


# --- independent counts ------------------------------------------------------------------------------------


def _budget_sums(contract, key):
    sums = defaultdict(lambda: dict.fromkeys(("requested", "granted", "committed", "paid"), E("0")))
    for line in BudgetLine.objects.filter(action__contract=contract, year=YEAR).select_related("action__axis"):
        group = key(line)
        for name in ("requested", "granted", "committed", "paid"):
            sums[group][name] += getattr(line, name)
    total = {
        name: sum((g[name] for g in sums.values()), E("0")) for name in ("requested", "granted", "committed", "paid")
    }
    return sums, total


def _reached(action) -> int:
    start, end = D(YEAR, 1, 1), D(YEAR, 12, 31)
    return len(
        {
            p.person_id
            for p in Participation.objects.filter(action=action)
            if p.starts_on <= end and (p.ends_on is None or p.ends_on >= start)
        }
    )


def _shown(count: int):
    return "secret" if 0 < count < 5 else count


# --- reading the workbook ----------------------------------------------------------------------------------


def _workbook(data):
    return load_workbook(io.BytesIO(render_xlsx(data)))


def _is_header(cell) -> bool:
    return bool(cell.value) and str(cell.fill.fgColor.rgb or "").endswith(HEADER_FILL)


def _tables(ws):
    """Each table of a sheet: (header labels, data rows) — a table ends at a blank row."""
    tables, current = [], None
    for row in ws.iter_rows():
        values = [c.value for c in row]
        if any(_is_header(c) for c in row):
            current = ([str(v or "") for v in values], [])
            tables.append(current)
        elif current is not None:
            if all(v in (None, "") for v in values):
                current = None
            else:
                current[1].append(values)
    return tables


def _table(ws, first_header: str):
    return next(t for t in _tables(ws) if t[0][0] == first_header)


def _budget_table(ws, caption):
    """The budget table under ``caption`` in the Budget sheet, as {label: [requested, granted, committed, paid]}."""
    rows = list(ws.iter_rows(values_only=True))
    start = next(i for i, r in enumerate(rows) if r[0] == caption)
    found = {}
    for row in rows[start + 2 :]:
        if row[0] in (None, ""):
            break
        found[row[0]] = [E(str(v)).quantize(E("0.01")) for v in row[1:5]]
    return found


def test_xlsx_budget_equals_the_budget_lines(world):
    contract = world["contract"]
    workbook = _workbook(build_report_data(contract, YEAR))
    assert workbook.sheetnames == [
        "Contrat",
        "Budget",
        "Actions",
        "Indicateurs",
        "Cibles",
        "Mensuel",
        "Communes",
        "Bilans",
        "Définitions",
    ]
    ws = workbook["Budget"]
    names = ("requested", "granted", "committed", "paid")

    by_axis, total = _budget_sums(contract, lambda line: line.action.axis.number)
    table = _budget_table(ws, "Par axe prioritaire")
    assert table["Total"] == [total[n] for n in names]
    assert total["granted"] == E("16000")  # 8000 + 5000 + 2000 + 1000; the 2022 line is left out
    for label, values in table.items():
        if label != "Total":
            number = int(label.split(".")[0])
            expected = [by_axis[number][n] for n in names] if number in by_axis else [E("0.00")] * 4
            assert values == expected

    by_funder, _t = _budget_sums(contract, lambda line: line.get_co_funder_display())
    table = _budget_table(ws, "Par financeur")
    assert table["Total"] == [total[n] for n in names]
    for label, sums in by_funder.items():
        assert table[str(label)] == [sums[n] for n in names]

    by_action, _t = _budget_sums(contract, lambda line: line.action.title)
    table = _budget_table(ws, "Par fiche action")
    assert table["Total"] == [total[n] for n in names]
    for title, sums in by_action.items():
        assert table[title] == [sums[n] for n in names]

    # Amounts are numbers shown in euros, not text.
    amount = next(c for row in ws.iter_rows() for c in row if c.value == float(total["granted"]))
    assert "€" in amount.number_format and "0.00" in amount.number_format


def test_xlsx_persons_reached_per_action_equal_a_distinct_count(world):
    a, b, c = world["actions"]
    ws = _workbook(build_report_data(world["contract"], YEAR))["Actions"]
    headers, rows = _table(ws, "Axe")
    column = headers.index("Personnes touchées")
    shown = {row[1]: row[column] for row in rows}
    d = next(
        r.action for r in build_report_data(world["contract"], YEAR).overview.actions if r.action.title == "Action D"
    )
    assert shown == {x.title: _shown(_reached(x)) for x in (a, b, c, d)}
    assert shown == {"Action A": 12, "Action B": 7, "Action C": "secret", "Action D": "secret"}
    carrier = headers.index("SIRET du porteur")
    assert {row[carrier] for row in rows} == {"73282932000074", "44306184100047"}


def test_no_count_of_one_to_four_persons_in_any_sheet(world):
    workbook = _workbook(build_report_data(world["contract"], YEAR))
    scanned = 0
    secrets = 0
    for ws in workbook.worksheets:
        for headers, rows in _tables(ws):
            persons = [i for i, h in enumerate(headers) if "personnes" in h.lower()]
            unit = headers.index("Unité") if "Unité" in headers else None
            if unit is not None:  # targets: the achieved column counts persons on « personnes » rows
                persons.append(headers.index("Réalisé"))
            for row in rows:
                for index in persons:
                    if unit is not None and index == headers.index("Réalisé") and row[unit] != "personnes":
                        continue
                    value = row[index] if index < len(row) else None
                    scanned += 1
                    secrets += value == "secret"
                    assert not (isinstance(value, int | float) and 0 < value < 5), (ws.title, headers[index], row)
    assert scanned > 40
    assert secrets >= 3  # action C, its target, the months and communes with 1 to 4 persons


def test_xlsx_monthly_communes_and_targets(world):
    workbook = _workbook(build_report_data(world["contract"], YEAR))
    headers, rows = _table(workbook["Mensuel"], "Mois")
    months = {row[0]: row[1] for row in rows}
    # 12 new persons in March, 4 in June (persons 12–15), 1 in September: the two small months are hidden
    # (together they cannot be told apart from the shown total of 17).
    assert months["mars 2021"] == 12 and months["juin 2021"] == "secret"
    assert months["septembre 2021"] == "secret"
    assert months["Total de l'année"] == 17
    headers, rows = _table(workbook["Communes"], "Code INSEE")
    reached = {row[1]: row[2] for row in rows}
    assert reached["Total"] == 17
    assert reached["Alpha"] == 14 and reached["Bêta"] == "secret" and reached["Gamma"] == "secret"
    headers, rows = _table(workbook["Cibles"], "Axe")
    targets = {row[1]: row for row in rows}
    assert targets["Action A"][headers.index("Réalisé")] == 12
    assert targets["Action A"][headers.index("Cible atteinte")] == "oui"
    assert targets["Action C"][headers.index("Réalisé")] == "secret"
    headers, rows = _table(workbook["Bilans"], "Axe")
    assert rows[0][1] == "Action A" and "Ateliers" in rows[0][4]


def _row_of(html: str, title: str) -> str:
    return next(row for row in re.findall(r"<tr.*?</tr>", html, flags=re.S) if title in row)


def test_pdf_is_a_pdf_and_shows_the_figures(world):
    data = build_report_data(world["contract"], YEAR)
    pdf = render_pdf(data)
    assert pdf.startswith(b"%PDF")
    assert len(pdf) > 5000
    html = render_html(data).replace("\xa0", " ").replace("\u202f", " ")
    for heading in ("Le contrat", "Le budget", "Personnes touchées et résultats", "Évolution mois par mois"):
        assert heading in html
    assert "Les communes de résidence" in html and "Les bilans qualitatifs des actions" in html
    assert "Annexe : définitions des indicateurs et secret statistique" in html
    assert "Préfet, présidente de la métropole, maire" in html  # signatories on the cover
    assert "16 000,00" in html  # total granted
    assert "4 000,50" in html
    assert re.search(r"<td class=\"n\">\s*12\s*</td>", _row_of(html, "Action A</td>"))
    assert "secret" in _row_of(html, "Action C</td>")
    assert not re.search(r"<td class=\"n\">\s*[1-4]\s*</td>", _row_of(html, "Action C</td>"))
    assert "<svg" in html  # the charts
    assert "99 999" not in html  # 2022 money is not in the 2021 report


# --- the command -------------------------------------------------------------------------------------------


def test_command_writes_both_formats(world, tmp_path, capsys):
    for fmt in ("pdf", "xlsx"):
        output = tmp_path / f"bilan.{fmt}"
        call_command("report", "annual", "--year", "2021", "--format", fmt, "--output", str(output))
        assert output.stat().st_size > 1000
    assert (tmp_path / "bilan.pdf").read_bytes().startswith(b"%PDF")
    ws = load_workbook(tmp_path / "bilan.xlsx")["Actions"]
    assert ws.cell(row=1, column=2).value == "Fiche action"
    err = capsys.readouterr().err
    assert "%" in err and "Terminé" in err
    assert AuditEvent.objects.filter(event="steering.report.export", action="export").count() == 2


def test_command_refuses_a_bad_year_a_missing_contract_and_an_unwritable_path(world, tmp_path):
    output = tmp_path / "bilan.pdf"
    with pytest.raises(CommandError, match="n'est pas couverte par le contrat"):
        call_command("report", "annual", "--year", "2030", "--format", "pdf", "--output", str(output))
    with pytest.raises(CommandError, match="Aucun contrat n'a l'identifiant"):
        call_command(
            "report", "annual", "--year", "2021", "--format", "pdf", "--output", str(output), "--contract", "999"
        )
    with pytest.raises(CommandError, match="n'existe pas"):
        call_command(
            "report", "annual", "--year", "2021", "--format", "pdf", "--output", str(tmp_path / "non" / "b.pdf")
        )
    assert not output.exists()


def test_command_without_any_contract(db, tmp_path):
    with pytest.raises(CommandError, match="Aucun contrat territorial"):
        call_command("report", "annual", "--year", "2021", "--format", "xlsx", "--output", str(tmp_path / "b.xlsx"))


# --- the interface -----------------------------------------------------------------------------------------


@pytest.fixture
def immediate_tasks(settings, tmp_path):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.MEDIA_ROOT = tmp_path / "media"


def test_claire_asks_for_the_report_and_downloads_it(
    client, cast, world, immediate_tasks, django_assert_max_num_queries
):
    login(client, cast.claire)
    page = client.get(reverse("steering:report"))
    assert page.status_code == 200
    assert '<option value="2021"' in page.content.decode()
    response = client.post(reverse("steering:report_request"), {"year": "2021", "format": "xlsx"})
    assert response.status_code == 302
    run = AnnualReportRun.objects.get()
    assert (run.status, run.progress, run.year, run.format) == (ReportStatus.DONE, 100, 2021, "xlsx")
    assert run.requested_by == cast.claire.user and run.task_id and run.finished_at
    status = client.get(reverse("steering:report_status", args=[run.pk]))
    assert status.status_code == 200
    text = status.content.decode()
    assert "100 %" in text and "hx-trigger" not in text
    assert reverse("steering:report_download", args=[run.pk]) in text
    download = client.get(reverse("steering:report_download", args=[run.pk]))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert 'filename="bilan-ctair-2021.xlsx"' in download["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    assert "Budget" in workbook.sheetnames
    assert AuditEvent.objects.filter(
        user=cast.claire.user, action="export", event="steering.report.export", object_id=str(run.pk)
    ).exists()
    assert AuditEvent.objects.filter(user=cast.claire.user, action="create", event="steering.report.request").exists()
    # Yves, the other coordinator, sees Claire's run on the page; the list costs a bounded number of queries.
    for _i in range(5):
        AnnualReportRun.objects.create(
            contract=world["contract"], year=2022, format="pdf", requested_by=cast.claire.user
        )
    login(client, cast.yves)
    with django_assert_max_num_queries(20):
        page = client.get(reverse("steering:report"))
    assert reverse("steering:report_download", args=[run.pk]) in page.content.decode()


def test_a_pdf_run_through_the_interface(client, cast, world, immediate_tasks):
    login(client, cast.claire)
    client.post(reverse("steering:report_request"), {"year": "2021", "format": "pdf"})
    run = AnnualReportRun.objects.get()
    download = client.get(reverse("steering:report_download", args=[run.pk]))
    assert download["Content-Type"] == "application/pdf"
    assert 'filename="bilan-ctair-2021.pdf"' in download["Content-Disposition"]
    assert b"".join(download.streaming_content).startswith(b"%PDF")


def test_a_pending_run_is_polled_and_the_page_has_a_refresh_link(client, cast, world):
    run = AnnualReportRun.objects.create(
        contract=world["contract"], year=2021, format="pdf", requested_by=cast.claire.user, progress=40, step="Budget"
    )
    login(client, cast.claire)
    fragment = client.get(reverse("steering:report_status", args=[run.pk]), HTTP_HX_REQUEST="true").content.decode()
    assert 'hx-trigger="every 2s"' in fragment and 'value="40"' in fragment and "Budget" in fragment
    page = client.get(reverse("steering:report")).content.decode()
    assert "Actualiser l'état des bilans" in page


def test_a_stalled_run_is_failed_and_can_be_asked_again(client, cast, world):
    run = AnnualReportRun.objects.create(
        contract=world["contract"], year=2021, format="pdf", requested_by=cast.claire.user, status="running"
    )
    AnnualReportRun.objects.filter(pk=run.pk).update(created_at=timezone.now() - dt.timedelta(minutes=31))
    login(client, cast.claire)
    page = client.get(reverse("steering:report")).content.decode()
    run.refresh_from_db()
    assert run.status == ReportStatus.FAILED and "Relancez-la" in run.error
    assert "Relancer" in page


def test_an_invalid_request_says_why(client, cast, world):
    login(client, cast.claire)
    response = client.post(reverse("steering:report_request"), {"year": "1999", "format": "docx"})
    assert response.status_code == 400
    text = response.content.decode()
    assert "Choisissez une année du contrat." in text and "Choisissez le format" in text
    assert not AnnualReportRun.objects.exists()


def test_a_failing_build_marks_the_run_failed(cast, world, monkeypatch, immediate_tasks):
    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(report_runs, "build_file", broken)
    run = report_runs.request_report(cast.claire.actor, world["contract"], 2021, "pdf")
    assert run.status == ReportStatus.FAILED
    assert "a échoué" in run.error and "boom" not in run.error
    assert run.finished_at is not None and not run.file


def test_a_year_outside_the_contract_fails_with_its_reason(cast, world, immediate_tasks):
    run = report_runs.request_report(cast.claire.actor, world["contract"], 2030, "xlsx")
    assert run.status == ReportStatus.FAILED and "n'est pas couverte" in run.error


@pytest.fixture
def finished_run(world, cast, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    run = AnnualReportRun(
        contract=world["contract"], year=2021, format="pdf", requested_by=cast.claire.user, status="done", progress=100
    )
    run.file.save("bilan-ctair-2021.pdf", ContentFile(b"%PDF-1.7 test"), save=True)
    return run


@pytest.mark.parametrize("persona", ["amina", "marc", "hugo", "sofia", "olivier"])
def test_others_get_404_everywhere(client, cast, finished_run, persona):
    login(client, getattr(cast, persona))
    for url in (
        reverse("steering:report"),
        reverse("steering:report_status", args=[finished_run.pk]),
        reverse("steering:report_download", args=[finished_run.pk]),
    ):
        assert client.get(url).status_code == 404, url
    response = client.post(reverse("steering:report_request"), {"year": "2021", "format": "pdf"})
    assert response.status_code == 404
    assert AnnualReportRun.objects.count() == 1
    assert not AuditEvent.objects.filter(event="steering.report.export").exists()


def test_a_run_not_ready_has_no_download(client, cast, world):
    run = AnnualReportRun.objects.create(
        contract=world["contract"], year=2021, format="pdf", requested_by=cast.claire.user
    )
    login(client, cast.claire)
    assert client.get(reverse("steering:report_download", args=[run.pk])).status_code == 404


def test_participations_outside_the_year_do_not_count(world):
    data = build_report_data(world["contract"], YEAR)
    a = world["actions"][0]
    row = next(r for r in data.overview.actions if r.action == a)
    assert (
        row.reached.value
        == Participation.objects.filter(action=a)
        .filter(Q(starts_on__lte=D(2021, 12, 31)))
        .values("person_id")
        .distinct()
        .count()
    )


def test_without_a_contract_the_page_says_so(client, cast):
    login(client, cast.claire)
    page = client.get(reverse("steering:report"))
    assert page.status_code == 200 and "Aucun contrat" in page.content.decode()
    response = client.post(reverse("steering:report_request"), {"year": "2021", "format": "pdf"}, follow=True)
    assert "il n'y a pas de bilan à produire" in response.content.decode()
    assert not AnnualReportRun.objects.exists()


def test_a_same_request_under_way_is_not_duplicated(cast, world):
    first = AnnualReportRun.objects.create(
        contract=world["contract"], year=2021, format="xlsx", requested_by=cast.yves.user
    )
    again = report_runs.request_report(cast.claire.actor, world["contract"], 2021, "xlsx")
    assert again.pk == first.pk and AnnualReportRun.objects.count() == 1
