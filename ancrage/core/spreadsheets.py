"""Cells written to CSV and XLSX files: text that a spreadsheet would run as a formula is neutralised.

A name imported as ``=HYPERLINK("http://…")`` is stored as it was typed, but every export of the
project writes it through :func:`neutralise`, so that LibreOffice or Excel shows the text instead of
evaluating it (OWASP "CSV injection").
"""

from collections.abc import Iterable
from typing import Any

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n")


def neutralise(value: Any) -> Any:
    """The value to write in a cell: text starting like a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def neutralise_row(row: Iterable[Any]) -> list[Any]:
    return [neutralise(value) for value in row]
