import calendar
import datetime as dt


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` plus ``months`` calendar months, clamped to the last day of the target month."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def age_on(birth: dt.date | None, day: dt.date) -> int | None:
    """Age in whole years on ``day`` (None when the birth date is unknown). Born on 29 February, one is a
    year older on 1 March of a common year."""
    if birth is None:
        return None
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))
