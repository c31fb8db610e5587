"""Charts drawn server-side as inline SVG (no JavaScript, nothing fetched), for the pages and the PDF.

A chart is only a picture of a table: every chart is shown next to its data table, which is what
screen readers read (the SVG says so in its description). A hidden value (statistical secret) draws
no bar and is labelled as such, never as zero.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from ancrage.core.disclosure import Cell
from ancrage.directory.mapping import SHADES, commune_map
from ancrage.territory.models import Commune

BAR_COLOUR = "#000091"  # DSFR bleu France
SECOND_COLOUR = "#6a6af4"
HIDDEN_FILL = "#e5e5e5"

Value = int | float | Decimal | Cell | None


def _number(value: Value) -> float | None:
    if isinstance(value, Cell):
        return None if value.suppressed else float(value.value or 0)
    if value is None:
        return None
    return float(value)


def _text(value: Value, unit: str) -> str:
    number = _number(value)
    if number is None:
        return _("secret statistique") if isinstance(value, Cell) else _("non disponible")
    shown = number_format(number, decimal_pos=0 if number == int(number) else 1, force_grouping=True)
    return f"{shown}{unit}"


@dataclass
class Bar:
    label: str
    text: str
    x: float
    y: float
    width: float
    height: float
    hidden: bool
    colour: str = BAR_COLOUR


@dataclass
class Chart:
    title: str
    width: int
    height: int
    bars: list[Bar]
    label_width: int = 0
    baseline: float = 0


def bar_chart(
    title: str, items: list[tuple[str, Value]], *, unit: str = "", width: int = 640, label_width: int = 230
) -> Chart:
    """Horizontal bars, one per item (label, value); for categories with long names."""
    row, gap = 22, 8
    values = [_number(v) for _l, v in items]
    peak = max([v for v in values if v is not None] or [0]) or 1
    room = width - label_width - 110
    bars = []
    for index, ((label, value), number) in enumerate(zip(items, values, strict=True)):
        y = index * (row + gap) + gap
        bars.append(
            Bar(
                label=label,
                text=_text(value, unit),
                x=label_width,
                y=y,
                width=0 if number is None else max(1.0, room * number / peak) if number else 0,
                height=row,
                hidden=number is None,
            )
        )
    return Chart(title, width, len(items) * (row + gap) + gap, bars, label_width)


def column_chart(title: str, items: list[tuple[str, Value]], *, width: int = 640, height: int = 220) -> Chart:
    """Vertical columns (months of a trend); labels are short."""
    top, bottom = 24, 40
    values = [_number(v) for _l, v in items]
    peak = max([v for v in values if v is not None] or [0]) or 1
    step = width / max(1, len(items))
    column = max(2.0, step * 0.7)
    room = height - top - bottom
    bars = []
    for index, ((label, value), number) in enumerate(zip(items, values, strict=True)):
        size = 0 if not number else room * number / peak
        bars.append(
            Bar(
                label=label,
                text=_text(value, ""),
                x=index * step + (step - column) / 2,
                y=top + room - size,
                width=column,
                height=size,
                hidden=number is None,
            )
        )
    return Chart(title, width, height, bars, baseline=top + room)


@dataclass
class MapArea:
    insee_code: str
    name: str
    path: str
    fill: str
    text: str
    dark: bool


def commune_choropleth(communes: list[Commune], cells: dict[str, Cell]) -> tuple[list[MapArea], str]:
    """The communes shaded by a suppressed count: a hidden count is drawn in grey, « secret »."""
    counts = {code: (cell.value or 0) for code, cell in cells.items() if not cell.suppressed}
    shapes, viewbox = commune_map(communes, counts)
    areas = []
    for shape in shapes:
        cell = cells.get(shape.insee_code, Cell(0))
        if cell.suppressed:
            fill, text, dark = HIDDEN_FILL, _("secret statistique"), False
        else:
            fill, text, dark = shape.fill, _text(cell, ""), shape.dark
        areas.append(MapArea(shape.insee_code, shape.name, shape.path, fill, text, dark))
    return areas, viewbox


LEGEND = SHADES
