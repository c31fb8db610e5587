"""Cells written to CSV and XLSX files: text that a spreadsheet would run as a formula is neutralised.

A name imported as ``=HYPERLINK("http://…")`` is stored as it was typed, but every export of the
project writes it through :func:`neutralise`, so that LibreOffice or Excel shows the text instead of
evaluating it (OWASP "CSV injection"): a text cell starting with ``=``, ``+``, ``-``, ``@``, a tab, a
carriage return or a line feed gets a leading apostrophe. Numbers stay numbers (a negative *number*
is not text); dates and booleans are left alone.

There is one way to write each kind of file, and every export uses it (``tests/exports`` downloads
each of them with planted formulas):

* :func:`csv_response` / :func:`csv_text` — UTF-8 with a BOM, « ; » as separator and CRLF line ends,
  as French spreadsheets expect; decimal numbers written with a comma;
* :func:`xlsx_append` — one row of an openpyxl worksheet, at the next row or a given one.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.http import HttpResponse
from django.utils.functional import Promise
from django.utils.http import content_disposition_header

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n")
CSV_DELIMITER = ";"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BOM = "\ufeff"


def neutralise(value: Any) -> Any:
    """The value to write in a cell: text starting like a formula gets a leading apostrophe.

    Lazy translations are written as their text; every other non-text value is returned unchanged.
    """
    if isinstance(value, Promise):
        value = str(value)
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def neutralise_row(row: Iterable[Any]) -> list[Any]:
    return [neutralise(value) for value in row]


# --- CSV -----------------------------------------------------------------------------------------------------


def _csv_value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float | Decimal):
        return str(value).replace(".", ",")  # French spreadsheets read « 12,5 »
    if isinstance(value, dt.date):
        return value.isoformat()
    return neutralise(value)


def csv_text(rows: Iterable[Sequence[Any]], *, header: Sequence[Any] | None = None) -> str:
    """The CSV text of ``header`` then ``rows`` (BOM, « ; », CRLF), every text cell neutralised."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=CSV_DELIMITER, lineterminator="\r\n")
    if header:
        writer.writerow([_csv_value(value) for value in header])
    for row in rows:
        writer.writerow([_csv_value(value) for value in row])
    return BOM + buffer.getvalue()


def csv_response(filename: str, header: Sequence[Any] | None, rows: Iterable[Sequence[Any]]) -> HttpResponse:
    """A CSV download: ``header`` (may be empty when the file starts with free-form lines) then ``rows``."""
    response = HttpResponse(csv_text(rows, header=header), content_type=CSV_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, filename) or "attachment"
    return response


# --- XLSX ----------------------------------------------------------------------------------------------------


def _xlsx_value(value: Any) -> Any:
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    value = neutralise(value)
    if isinstance(value, str):
        # Control characters cannot be stored in an XLSX file (openpyxl refuses them): they are dropped.
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    if isinstance(value, Decimal):
        return float(value)
    return value


def xlsx_append(sheet: Any, row: Iterable[Any], *, row_number: int | None = None) -> list[Any]:
    """Write ``row`` on ``sheet`` (an openpyxl worksheet) at ``row_number``, else under the last row.

    Text is neutralised and always stored as text (never as a formula); returns the cells written, so
    that the caller can style them.
    """
    if row_number is None:
        last = sheet.max_row
        row_number = last + 1 if any(cell.value is not None for cell in sheet[last]) else last
    cells = []
    for column, value in enumerate(row, start=1):
        cell = sheet.cell(row=row_number, column=column)
        cell.value = _xlsx_value(value)
        if isinstance(cell.value, str):
            cell.data_type = "s"
        cells.append(cell)
    return cells
