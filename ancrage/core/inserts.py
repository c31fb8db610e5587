"""Inserting many new rows of one model, with their field history, at the speed of the database.

``QuerySet.bulk_create`` compiles every value of every row through the SQL compiler (about 14 µs a value
on SQLite): an import of 50,000 lines writes some 850,000 rows and values by the million, and spent
most of its time there. ``insert_many`` writes the same rows with one statement per batch, converting
each value once with the field's own ``get_db_prep_save`` (skipped for the types the database drivers
take as they are), and gives each object its primary key back (``RETURNING``, as ``bulk_create`` does
on SQLite ≥ 3.35 and PostgreSQL). With ``history_user``, the ``simple_history`` rows of the creation
("+") are written from the same converted values, as ``bulk_create_with_history`` would.

Like ``bulk_create`` it sends no signals and calls no ``save()``: callers are bulk writers that do what
the signals would (``imports.bulk``). Objects must be new (no primary key) and their fields plain
values; a field whose ``pre_save`` does more than read the value (files) is refused.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

from django.db import connections, models, router
from django.utils import timezone

# Field types whose Python values the drivers (sqlite3, psycopg) take unchanged.
_AS_IS = (
    models.CharField,
    models.TextField,
    models.EmailField,
    models.SlugField,
    models.IntegerField,
    models.BigIntegerField,
    models.SmallIntegerField,
    models.PositiveIntegerField,
    models.PositiveSmallIntegerField,
    models.PositiveBigIntegerField,
    models.BooleanField,
)
_INTEGER_KEYS = (models.AutoField, models.BigAutoField, models.SmallAutoField, *_AS_IS[4:10])
_DEFAULT_PRE_SAVE = (models.Field.pre_save, models.DateField.pre_save, models.DateTimeField.pre_save)


def _converter(field: models.Field, connection) -> Callable[[Any], Any] | None:
    """None when values go as they are; otherwise the field's conversion (memoised for dates)."""
    if type(field) in _AS_IS:
        return None
    if isinstance(field, models.ForeignKey) and type(field.target_field) in _INTEGER_KEYS:
        return None
    if isinstance(field, models.DateField):  # DateTimeField included: few distinct values per batch
        cache: dict[Any, Any] = {}

        def convert(value: Any) -> Any:
            if value not in cache:
                cache[value] = field.get_db_prep_save(value, connection)
            return cache[value]

        return convert
    return lambda value: field.get_db_prep_save(value, connection)


def _insert(connection, table: str, columns: list[str], rows: list[list[Any]], returning: str | None) -> list:
    qn = connection.ops.quote_name
    limit = 999
    if connection.vendor == "sqlite":
        import sqlite3

        connection.ensure_connection()
        limit = connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    elif connection.vendor == "postgresql":
        limit = 65535
    per_batch = max(1, min(1000, limit // max(1, len(columns))))
    # Names from the model's own metadata, quoted; every value goes as a parameter.
    head = f"INSERT INTO {qn(table)} ({', '.join(qn(c) for c in columns)}) VALUES "  # noqa: S608
    one = "(" + ", ".join(["%s"] * len(columns)) + ")"
    tail = f" RETURNING {qn(returning)}" if returning else ""
    keys: list = []
    with connection.cursor() as cursor:
        for start in range(0, len(rows), per_batch):
            batch = rows[start : start + per_batch]
            sql = head + ", ".join([one] * len(batch)) + tail
            cursor.execute(sql, [value for row in batch for value in row])
            if returning:
                keys += [row[0] for row in cursor.fetchall()]
    return keys


def insert_many(
    objs: Sequence[models.Model], *, history: bool = False, history_user=None, now: dt.datetime | None = None
) -> None:
    """Insert the new ``objs`` (all of one model) and set their primary keys; with ``history``, write
    their creation in the model's ``simple_history`` table too, by ``history_user``."""
    if not objs:
        return
    model = type(objs[0])
    meta = model._meta
    alias = router.db_for_write(model)
    connection = connections[alias]
    now = now or timezone.now()
    pk = meta.pk
    fields = [f for f in meta.concrete_fields if f is not pk]
    for field in fields:
        if type(field).pre_save not in _DEFAULT_PRE_SAVE:
            raise TypeError(f"insert_many cannot write {meta.label}.{field.name} ({type(field).__name__})")
    stamped = [f.attname for f in fields if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)]
    converters = [_converter(f, connection) for f in fields]
    attnames = [f.attname for f in fields]
    relations = [f for f in fields if isinstance(f, models.ForeignKey)]
    rows: list[list[Any]] = []
    for obj in objs:
        if type(obj) is not model or obj.pk is not None:
            raise ValueError("insert_many writes new objects of one model")
        for attname in stamped:
            setattr(obj, attname, now)
        for relation in relations:  # a related object assigned before it had its key (as bulk_create)
            if obj.__dict__[relation.attname] is None and relation.is_cached(obj):
                related = relation.get_cached_value(obj)
                obj.__dict__[relation.attname] = None if related is None else related.pk
        values = obj.__dict__
        rows.append(
            [
                values[name] if convert is None else convert(values[name])
                for name, convert in zip(attnames, converters, strict=True)
            ]
        )
    keys = _insert(connection, meta.db_table, [f.column for f in fields], rows, returning=pk.column)
    for obj, key in zip(objs, keys, strict=True):
        obj.pk = key
        obj._state.adding = False
        obj._state.db = alias
    if history:
        _insert_history(connection, model, rows, keys, attnames, history_user, now)


def _insert_history(connection, model, rows, keys, attnames, user, now) -> None:
    """The creation rows ("+") of the model's history table, from the values just inserted."""
    history = model.history.model._meta
    pk = model._meta.pk
    convert_pk = _converter(pk, connection)
    by_attname = {name: n for n, name in enumerate(attnames)}
    columns, picks = [], []
    extra = {
        "history_date": _converter(history.get_field("history_date"), connection)(now),  # type: ignore[misc]
        "history_change_reason": None,
        "history_type": "+",
        "history_user_id": getattr(user, "pk", user),
    }
    for field in history.concrete_fields:
        if field.attname == "history_id":
            continue
        columns.append(field.column)
        picks.append(field.attname)
    history_rows = []
    for row, key in zip(rows, keys, strict=True):
        own = []
        for name in picks:
            if name == pk.attname:
                own.append(key if convert_pk is None else convert_pk(key))
            elif name in by_attname:
                own.append(row[by_attname[name]])
            else:
                own.append(extra[name])
        history_rows.append(own)
    _insert(connection, history.db_table, columns, history_rows, returning=None)
