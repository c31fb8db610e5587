"""Dates as partners type them in spreadsheets, to a date with its precision.

French order first (``12/03/1985`` is 12 March); a value that only reads the American way
(``12/25/1990``) is refused with a message that says so, never silently swapped. A birth date given
as 1 January is kept as given and flagged ``conventional`` (the usual placeholder when only the year
is known, e.g. on OFPRA documents), so that duplicate detection and indicators can treat it as such.
"""

import datetime
import math
import re
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _
from unidecode import unidecode

from ancrage.core.enums import DatePrecision
from ancrage.imports.errors import CellError

# Excel's 1900 date system: serial 1 is 1 January 1900, and 60 is the 29 February 1900 that never was;
# counting from 30 December 1899 gives the right date for every serial after it.
_EXCEL_EPOCH = datetime.date(1899, 12, 30)
_EXCEL_MIN_SERIAL = 367  # 1 January 1901: smaller numbers are counts or codes, not dates
_EXCEL_MAX_SERIAL = 73050  # 31 December 2099
_YEAR_MIN, _YEAR_MAX = 1800, 2100

# Cells that say "unknown" rather than giving a date: read as a blank cell.
UNKNOWN_MARKERS = frozenset({"?", "??", "-", "--", "—", "x", "nc", "n/c", "nr", "inconnu", "inconnue", "ne sait pas"})

_MONTHS = {
    "janvier": 1,
    "janv": 1,
    "jan": 1,
    "january": 1,
    "fevrier": 2,
    "fevr": 2,
    "fev": 2,
    "feb": 2,
    "february": 2,
    "mars": 3,
    "mar": 3,
    "march": 3,
    "avril": 4,
    "avr": 4,
    "apr": 4,
    "april": 4,
    "mai": 5,
    "may": 5,
    "juin": 6,
    "june": 6,
    "jun": 6,
    "juillet": 7,
    "juil": 7,
    "jul": 7,
    "july": 7,
    "aout": 8,
    "aou": 8,
    "aug": 8,
    "august": 8,
    "septembre": 9,
    "sept": 9,
    "sep": 9,
    "september": 9,
    "octobre": 10,
    "oct": 10,
    "october": 10,
    "novembre": 11,
    "nov": 11,
    "november": 11,
    "decembre": 12,
    "dec": 12,
    "december": 12,
}
_MONTH_NAMES = "|".join(sorted(_MONTHS, key=len, reverse=True))

_CIRCA_PREFIX = re.compile(r"^(?:vers|environ|env\.?|circa|ca\.?|c\.|~|±|\+/-|approx\.?|approximativement)\s*(.+)$")
_CIRCA_SUFFIX = re.compile(r"^(.+?)\s*(?:\?|\(\?\)|env\.?|environ|approx\.?)$")
_TIME = r"(?:[ t]+\d{1,2}[:h]\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:z|[+-]\d{2}:?\d{2})?)?"
_ISO = re.compile(rf"^(\d{{4}})[-/.](\d{{1,2}})[-/.](\d{{1,2}}){_TIME}$")
_DMY = re.compile(rf"^(\d{{1,2}})\s*[/.\-]\s*(\d{{1,2}})\s*[/.\-]\s*(\d{{4}}|\d{{2}}){_TIME}$")
_DMY_SPACED = re.compile(r"^(\d{1,2}) (\d{1,2}) (\d{4})$")
_MY = re.compile(r"^(\d{1,2})\s*[/.\-]\s*(\d{4})$")
_YM = re.compile(r"^(\d{4})-(\d{1,2})$")
_YEAR = re.compile(r"^(\d{4})$")
_COMPACT = re.compile(r"^(\d{8})$")
# "00/00/1985", "XX/XX/1985", "00/03/1985": the administrative way of writing an unknown day or month.
_UNKNOWN_DAY_MONTH = re.compile(r"^(?:00|xx)\s*[/.\-]\s*(?:00|xx)\s*[/.\-]\s*(\d{4})$")
_UNKNOWN_DAY = re.compile(r"^(?:00|xx)\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})$")
_NAMED = re.compile(rf"^(?:(\d{{1,2}})(?:er)?\s+)?({_MONTH_NAMES})\.?\s+(\d{{4}})$")


@dataclass(frozen=True)
class ParsedDate:
    value: datetime.date
    precision: str  # DatePrecision: "day", "month", "year", "circa"
    conventional: bool = False  # a 1 January given for an unknown day and month (kept as given, flagged)


def _fmt(value: datetime.date) -> str:
    return value.strftime("%d/%m/%Y")


def _not_a_date(raw: object) -> CellError:
    return CellError(
        _("« %(value)s » n'est pas une date lisible (attendu : jj/mm/aaaa, mm/aaaa ou aaaa)") % {"value": raw}
    )


def _two_digit_year(yy: int, today: datetime.date, allow_future: bool) -> int:
    """``85`` is 1985 and ``12`` is 2012 for a birth date: a two-digit year is never in the future."""
    pivot = today.year + (20 if allow_future else 0)
    return 2000 + yy if 2000 + yy <= pivot else 1900 + yy


def _day_month_year(day: int, month: int, year: int, raw: str) -> ParsedDate:
    _check_year(year, raw)
    if month > 12:
        if 1 <= day <= 12 and month <= 31:
            swapped = f"{month:02d}/{day:02d}/{year}"
            raise CellError(
                _(
                    "« %(value)s » : le mois %(month)d n'existe pas ; les dates s'écrivent jour/mois/année "
                    "(vouliez-vous dire %(swapped)s ?)"
                )
                % {"value": raw, "month": month, "swapped": swapped},
                suggestions=[swapped],
            )
        raise CellError(_("« %(value)s » : le mois %(month)d n'existe pas") % {"value": raw, "month": month})
    if month < 1:
        raise CellError(_("« %(value)s » : le mois %(month)d n'existe pas") % {"value": raw, "month": month})
    try:
        value = datetime.date(year, month, day)
    except ValueError:
        raise CellError(_("Le %(date)s n'existe pas") % {"date": f"{day:02d}/{month:02d}/{year}"})
    return ParsedDate(value, DatePrecision.EXACT.value, conventional=(day, month) == (1, 1))


def _check_year(year: int, raw: str) -> None:
    if not datetime.MINYEAR <= year <= datetime.MAXYEAR:
        raise _not_a_date(raw)


def _month(month: int, year: int, raw: str) -> ParsedDate:
    _check_year(year, raw)
    if not 1 <= month <= 12:
        raise CellError(_("« %(value)s » : le mois %(month)d n'existe pas") % {"value": raw, "month": month})
    return ParsedDate(datetime.date(year, month, 1), DatePrecision.MONTH.value)


def _year(year: int, raw: object = None) -> ParsedDate:
    _check_year(year, str(raw if raw is not None else year))
    return ParsedDate(datetime.date(year, 1, 1), DatePrecision.YEAR.value)


def _from_number(raw: float) -> ParsedDate:
    if not math.isfinite(raw):
        raise _not_a_date(raw)
    if raw.is_integer() and _YEAR_MIN <= raw <= _YEAR_MAX:
        return _year(int(raw))  # 1985 in a number cell is a year, not the serial of 7 June 1905
    if not _EXCEL_MIN_SERIAL <= raw <= _EXCEL_MAX_SERIAL:
        raise _not_a_date(int(raw) if float(raw).is_integer() else raw)
    value = _EXCEL_EPOCH + datetime.timedelta(days=int(raw))
    return ParsedDate(value, DatePrecision.EXACT.value, conventional=(value.day, value.month) == (1, 1))


def _from_text(text: str, today: datetime.date, allow_future: bool) -> ParsedDate:
    raw = text
    text = unidecode(text).strip().lower()
    text = re.sub(r"\s+", " ", text)
    if match := _CIRCA_PREFIX.match(text) or _CIRCA_SUFFIX.match(text):
        inner = _from_text(match.group(1), today, allow_future)
        return ParsedDate(inner.value, DatePrecision.APPROXIMATE.value)
    if match := _UNKNOWN_DAY_MONTH.match(text):
        return _year(int(match.group(1)), raw)
    if match := _UNKNOWN_DAY.match(text):
        return _month(int(match.group(1)), int(match.group(2)), raw)
    if match := _ISO.match(text):
        year, month, day = (int(g) for g in match.groups())
        return _day_month_year(day, month, year, raw)
    if match := _DMY.match(text) or _DMY_SPACED.match(text):
        day, month = int(match.group(1)), int(match.group(2))
        year_text = match.group(3)
        year = int(year_text) if len(year_text) == 4 else _two_digit_year(int(year_text), today, allow_future)
        return _day_month_year(day, month, year, raw)
    if match := _MY.match(text):
        return _month(int(match.group(1)), int(match.group(2)), raw)
    if match := _YM.match(text):
        return _month(int(match.group(2)), int(match.group(1)), raw)
    if match := _YEAR.match(text):
        return _year(int(match.group(1)), raw)
    if match := _COMPACT.match(text):
        digits = match.group(1)
        if 1800 <= int(digits[:4]) <= 2100 and 1 <= int(digits[4:6]) <= 12:
            return _day_month_year(int(digits[6:]), int(digits[4:6]), int(digits[:4]), raw)  # 19850312
        return _day_month_year(int(digits[:2]), int(digits[2:4]), int(digits[4:]), raw)  # 12031985
    if match := _NAMED.match(text):
        month = _MONTHS[match.group(2)]
        year = int(match.group(3))
        if match.group(1):
            return _day_month_year(int(match.group(1)), month, year, raw)
        return _month(month, year, raw)
    if re.fullmatch(r"\d+(?:[.,]\d+)?", text):
        return _from_number(float(text.replace(",", ".")))  # an Excel serial exported as text
    raise _not_a_date(raw)


def parse_date(
    raw: object,
    *,
    today: datetime.date | None = None,
    allow_future: bool = False,
    earliest: datetime.date = datetime.date(1900, 1, 1),
) -> ParsedDate | None:
    """The date of a cell; ``None`` for a blank (or "inconnu") cell; ``CellError`` with a French message
    for an impossible, unreadable, future (unless ``allow_future``) or too early date."""
    if raw is None:
        return None
    if today is None:
        today = timezone.localdate()
    if isinstance(raw, bool):
        raise _not_a_date(_("oui") if raw else _("non"))
    if isinstance(raw, datetime.datetime):
        value = raw.date()
        parsed = ParsedDate(value, DatePrecision.EXACT.value, conventional=(value.day, value.month) == (1, 1))
    elif isinstance(raw, datetime.date):
        parsed = ParsedDate(raw, DatePrecision.EXACT.value, conventional=(raw.day, raw.month) == (1, 1))
    elif isinstance(raw, int | float):
        parsed = _from_number(float(raw))
    else:
        text = str(raw).strip()
        if not text or text.lower() in UNKNOWN_MARKERS:
            return None
        parsed = _from_text(text, today, allow_future)
    if parsed.value < earliest:
        raise CellError(
            _("La date %(date)s est antérieure au %(earliest)s") % {"date": _shown(parsed), "earliest": _fmt(earliest)}
        )
    if not allow_future and parsed.value > today:
        raise CellError(_("La date %(date)s est dans le futur") % {"date": _shown(parsed)})
    return parsed


def _shown(parsed: ParsedDate) -> str:
    if parsed.precision == DatePrecision.MONTH:
        return parsed.value.strftime("%m/%Y")
    if parsed.precision in (DatePrecision.YEAR, DatePrecision.APPROXIMATE) and (
        parsed.value.day,
        parsed.value.month,
    ) == (1, 1):
        return str(parsed.value.year)
    return _fmt(parsed.value)
