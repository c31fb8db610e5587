"""Page slicing and the page envelope shared by every API list."""

import math
from typing import Any

from django.db.models import QuerySet


def page_rows(queryset: QuerySet, page: int, page_size: int) -> tuple[int, list]:
    """(total count, the rows of that page); a page past the end is empty, not an error."""
    count = queryset.count()
    offset = (page - 1) * page_size
    return count, list(queryset[offset : offset + page_size]) if count > offset else []


def envelope(count: int, page: int, page_size: int, results: list[Any]) -> dict[str, Any]:
    return {
        "count": count,
        "page": page,
        "page_size": page_size,
        "pages": math.ceil(count / page_size) if count else 0,
        "results": results,
    }
