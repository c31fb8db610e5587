"""Batched INSERTs for the demo generator.

``bulk_create`` builds a model instance and prepares every field of every row through the ORM:
about 150 µs a row, too slow for the millions of rows of a 100,000-person demo. This writer keeps
plain rows, allocates primary keys itself (so children can point at their parents before anything
is written) and sends one ``executemany`` per table and batch, in dependency order. Values are
prepared once per column type; the sequences are reset at the end (a no-op on SQLite).
"""

import keyword
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from django.core.management.color import no_style
from django.db import connection, models
from django.db.models import Max

BATCH_SIZE = 2000
_REQUIRED = object()


_SQLITE_DATETIMES: dict[datetime, str] = {}


def _sqlite_datetime(value: datetime) -> str:
    """What Django stores for an aware datetime on SQLite: naive UTC, ``str()`` format.

    The demo's datetimes repeat a lot and the conversion costs ~5 µs: it is memoised.
    """
    converted = _SQLITE_DATETIMES.get(value)
    if converted is None:
        if len(_SQLITE_DATETIMES) > 200_000:
            _SQLITE_DATETIMES.clear()
        converted = _SQLITE_DATETIMES[value] = str(value.astimezone(UTC).replace(tzinfo=None))
    return converted


def _converter(field: models.Field) -> Callable[[Any], Any] | None:
    if isinstance(field, models.JSONField):
        return lambda value: field.get_db_prep_save(value, connection)
    if field.get_internal_type() == "DateTimeField":
        if connection.vendor == "sqlite":
            return _sqlite_datetime
        if connection.vendor != "postgresql":
            return connection.ops.adapt_datetimefield_value
    return None


def _default(field: models.Field, now: datetime) -> Any:
    if field.primary_key:
        return None
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return now
    if field.has_default():
        return field.get_default()
    if field.null:
        return None
    if field.empty_strings_allowed:
        return ""
    return _REQUIRED


class Table:
    """Pending rows of one model.

    ``add(**values)`` is generated for each model (as ``dataclasses`` generates ``__init__``): the
    keyword arguments are the columns' attnames, so a misspelt or missing column fails at once,
    and no per-row loop over the columns runs in Python.
    """

    def __init__(self, model: type[models.Model], now: datetime) -> None:
        meta = model._meta
        fields = list(meta.concrete_fields)
        quote = connection.ops.quote_name
        self.model = model
        self.sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608 - quoted model identifiers only
            quote(meta.db_table), ", ".join(quote(f.column) for f in fields), ", ".join(["%s"] * len(fields))
        )
        self.next_id = (model._default_manager.aggregate(top=Max("pk"))["top"] or 0) + 1
        self.rows: list[tuple[Any, ...]] = []
        self.written = 0
        self.add = self._build_add(fields, meta.pk.attname, now)

    def _build_add(self, fields: list[models.Field], pk: str, now: datetime) -> Callable[..., int]:
        namespace: dict[str, Any] = {}
        parameters, values = [], []
        for index, f in enumerate(fields):
            name = f.attname
            if not name.isidentifier() or keyword.iskeyword(name):
                raise ValueError(f"{self.model.__name__}.{name} cannot be a keyword argument")
            default = _default(f, now)
            if f.primary_key:
                parameters.append(f"{name}=None")
            elif default is _REQUIRED:
                parameters.append(name)
            else:
                namespace[f"_default_{index}"] = default
                parameters.append(f"{name}=_default_{index}")
            convert = _converter(f)
            if convert is None:
                values.append(name)
            else:
                namespace[f"_convert_{index}"] = convert
                values.append(f"(None if {name} is None else _convert_{index}({name}))")
        source = (
            f"def add(self, *, {', '.join(parameters)}):\n"
            f"    if {pk} is None:\n"
            f"        {pk} = self.next_id\n"
            f"        self.next_id += 1\n"
            f"    self.rows.append(({', '.join(values)},))\n"
            f"    return {pk}\n"
        )
        exec(source, namespace)  # noqa: S102 - source built above from the model's field names only
        return namespace["add"].__get__(self)

    def flush(self, cursor: Any) -> None:
        for start in range(0, len(self.rows), BATCH_SIZE):
            cursor.executemany(self.sql, self.rows[start : start + BATCH_SIZE])
        self.written += len(self.rows)
        self.rows = []


class Writer:
    """One table per model, flushed in the order given (parents first)."""

    def __init__(self, order: Sequence[type[models.Model]], now: datetime) -> None:
        self.tables = {model: Table(model, now) for model in order}
        self._cache_size = None
        if connection.vendor == "sqlite":
            # A large page cache keeps the indexes being filled in memory until the commit.
            with connection.cursor() as cursor:
                self._cache_size = cursor.execute("PRAGMA cache_size").fetchone()[0]
                cursor.execute("PRAGMA cache_size = -262144")

    def add(self, model: type[models.Model], **values: Any) -> int:
        return self.tables[model].add(**values)

    def flush(self) -> None:
        with connection.cursor() as cursor:
            for table in self.tables.values():
                if table.rows:
                    table.flush(cursor)

    def finish(self) -> dict[str, int]:
        """Flush what is left, move the id sequences past the ids used, return rows written per model."""
        self.flush()
        statements = connection.ops.sequence_reset_sql(no_style(), list(self.tables))
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
            if self._cache_size is not None:
                cursor.execute(f"PRAGMA cache_size = {int(self._cache_size)}")
        return {table.model._meta.label: table.written for table in self.tables.values() if table.written}
