"""Formula neutralisation and the one way to write CSV and XLSX files (issue 11 §1)."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.utils.translation import gettext_lazy
from openpyxl import Workbook, load_workbook

from ancrage.core.spreadsheets import (
    CSV_CONTENT_TYPE,
    csv_response,
    csv_text,
    neutralise,
    neutralise_row,
    xlsx_append,
)

PLANTED = ['=HYPERLINK("http://x","y")', "+33 6 12 34 56 78", "@SUM(A1)", "-2+3", "\t=1+1", "\r=1+1", "\n=1"]


@pytest.mark.parametrize("text", PLANTED)
def test_text_starting_like_a_formula_gets_an_apostrophe(text):
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize("text", ["Rennes", "Saint-Jacques-de-la-Lande", "", "'=déjà neutralisé", " =1", "a=b"])
def test_ordinary_text_is_left_as_it_is(text):
    assert neutralise(text) == text


@pytest.mark.parametrize("value", [-2, -2.5, Decimal("-1234.56"), 0, 12, None, True, dt.date(2021, 1, 1)])
def test_numbers_and_other_values_stay_what_they_are(value):
    assert neutralise(value) is value


def test_lazy_translations_are_written_as_their_text():
    assert neutralise(gettext_lazy("Total")) == "Total"
    assert neutralise_row(["=1", -3, "ok"]) == ["'=1", -3, "ok"]


def _parse(text: str) -> list[list[str]]:
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:]), delimiter=";"))


def test_csv_text_has_a_bom_semicolons_crlf_and_neutralised_cells():
    text = csv_text([["=1+1", -2, 2.5, Decimal("3.10"), None, dt.date(2021, 3, 1)]], header=["Nom", "+ champ"])
    assert "\r\n" in text
    assert _parse(text) == [["Nom", "'+ champ"], ["'=1+1", "-2", "2,5", "3,10", "", "2021-03-01"]]


def test_csv_response_is_an_attachment_in_utf8():
    response = csv_response("tableau été.csv", ["Nom"], [["@SUM(A1)"], ["Élise"]])
    assert response["Content-Type"] == CSV_CONTENT_TYPE
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''tableau%20%C3%A9t%C3%A9.csv" in response["Content-Disposition"]
    assert _parse(response.content.decode("utf-8")) == [["Nom"], ["'@SUM(A1)"], ["Élise"]]


def test_xlsx_append_writes_text_never_a_formula_and_keeps_numbers():
    workbook = Workbook()
    sheet = workbook.active
    xlsx_append(sheet, ["Nom", "Montant"])
    cells = xlsx_append(sheet, ['=HYPERLINK("http://x","y")', Decimal("-12.50"), -3, "bad\x01char"])
    assert [c.row for c in cells] == [2, 2, 2, 2]
    xlsx_append(sheet, ["ici"], row_number=5)
    xlsx_append(sheet, ["après"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    read = load_workbook(buffer).active
    assert [c.value for c in read[2]] == ['\'=HYPERLINK("http://x","y")', -12.5, -3, "badchar"]
    assert read["A2"].data_type == "s"
    assert read["A5"].value == "ici" and read["A6"].value == "après"


def test_xlsx_append_on_an_empty_sheet_starts_on_the_first_row():
    sheet = Workbook().active
    (cell,) = xlsx_append(sheet, ["+33 6"])
    assert (cell.row, cell.value) == (1, "'+33 6")
