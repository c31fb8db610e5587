"""Statistical disclosure control for everything a coordinator sees: small counts are hidden."""

from dataclasses import dataclass

THRESHOLD = 5


@dataclass(frozen=True)
class Cell:
    value: int | None  # None when suppressed

    @property
    def suppressed(self) -> bool:
        return self.value is None

    def __str__(self) -> str:
        return "< 5" if self.value is None else f"{self.value:n}"


def suppress(count: int) -> Cell:
    """A count of 1 to 4 is hidden; 0 is shown (it reveals nobody)."""
    return Cell(None if 0 < count < THRESHOLD else count)


def suppress_table(rows: dict[str, dict[str, int]]) -> dict[str, dict[str, Cell]]:
    """Primary suppression plus complementary suppression on rows and columns with margins.

    When a row (or column) has exactly one hidden cell, its total would reveal it: the next
    smallest non-zero cell of that row (or column) is hidden too. Repeats until stable.
    """
    hidden = {(r, c) for r, cols in rows.items() for c, v in cols.items() if 0 < v < THRESHOLD}
    columns = sorted({c for cols in rows.values() for c in cols})

    def lines():
        for r in rows:
            yield [(r, c) for c in columns if c in rows[r]]
        for c in columns:
            yield [(r, c) for r in rows if c in rows[r]]

    changed = True
    while changed:
        changed = False
        for line in lines():
            in_line = [cell for cell in line if cell in hidden]
            if len(in_line) == 1:
                candidates = sorted((rows[r][c], (r, c)) for r, c in line if (r, c) not in hidden and rows[r][c] > 0)
                if candidates:
                    hidden.add(candidates[0][1])
                    changed = True
    return {r: {c: Cell(None if (r, c) in hidden else v) for c, v in cols.items()} for r, cols in rows.items()}
