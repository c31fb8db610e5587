"""The problems an import finds in a cell, reported on its line and column, in French."""

from collections.abc import Sequence


class CellError(Exception):
    """A value that cannot be imported as it is; ``message`` is shown to the person importing."""

    def __init__(self, message: str, *, suggestions: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.suggestions = list(suggestions)


class ReadError(Exception):
    """A file that cannot be read at all (format, encoding, no table found); the message is French."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
