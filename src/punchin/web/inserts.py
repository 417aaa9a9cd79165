"""INSERTs compiled once per process and shape (issue 13), with all of ``save`` kept.

A punch-in writes nine rows, and Django compiles each INSERT anew: for a log row that
is as much CPU as SQLite takes to store it (docs/performance.md, "Issue 13, session 9").
A model that inherits ``PreparedInserts`` keeps everything ``save``, ``create`` and
``bulk_create`` do (its own ``save``, the signals, ``pre_save`` of every field, the
primary key and ``_state`` afterwards): only the step that turns the row into SQL is
cached, by model, columns, returned columns, conflict clause and row count. Each value
still goes through its field's ``pre_save`` and ``get_db_prep_save`` as Django runs them
(but a text field's ``str``, which that returns unchanged); a row holding an expression
(``F()``, ``Now()``), whose SQL depends on it, is compiled by Django as usual. On a
shape's first use ``pre_save`` runs twice, ours and then Django's compilation: fine for
timestamps and defaults, not for a ``pre_save`` that counts.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

from django.db import connections, models, router
from django.db.models.constants import OnConflict
from django.db.models.sql import InsertQuery

_MAX_ROWS = 64  # a shape per row count: beyond this, bulk_create's batches compile as usual


class _Shape:
    __slots__ = ("returning_params", "sql")

    def __init__(self, sql: str, returning_params: Any):
        self.sql = sql
        self.returning_params = returning_params


_shapes: dict[tuple[object, ...], _Shape] = {}
_compiled_each_time: set[tuple[object, ...]] = set()  # shapes whose SQL is not one statement


@functools.cache
def _compiler_class(base: type) -> type:
    """The backend's own INSERT compiler with ``as_sql`` taken from the shape."""

    class PreparedInsertCompiler(base):  # type: ignore[valid-type,misc]
        def as_sql(self) -> list[tuple[str, Any]]:
            query, connection = self.query, self.connection
            if query.update_fields or not query.fields or len(query.objs) > _MAX_ROWS:
                return super().as_sql()  # type: ignore[no-any-return]
            fields = query.fields
            columns = _columns(fields)
            shape_of = (
                connection.alias,
                connection.vendor,
                query.model,
                columns,
                tuple(self.returning_fields or ()),
                query.raw,
                query.on_conflict,
                len(query.objs),
            )
            if shape_of in _compiled_each_time:
                return super().as_sql()  # type: ignore[no-any-return]
            params: list[Any] = []
            marks = []
            for obj in query.objs:
                row = []
                for field, unchanged in columns.fields:
                    value = getattr(obj, field.attname) if query.raw else field.pre_save(obj, True)
                    if type(value) in unchanged:
                        row.append(value)
                        continue
                    if hasattr(value, "resolve_expression"):
                        return super().as_sql()  # type: ignore[no-any-return]
                    value = field.get_db_prep_save(value, connection=connection)
                    if hasattr(value, "as_sql"):  # SQL of its own, as Django compiles it
                        return super().as_sql()  # type: ignore[no-any-return]
                    row.append(value)
                marks += [
                    fields[i].get_placeholder(row[i], self, connection) for i in columns.marked
                ]
                params += row
            key = (*shape_of, tuple(marks))
            shape = _shapes.get(key)
            if shape is None:  # compiled by Django, once (pre_save runs again for it)
                statements = super().as_sql()
                # One statement, a parameter per value: not PostgreSQL's bulk INSERT
                # from UNNEST, which takes an array per column and is left to Django.
                if len(statements) == 1 and len(statements[0][1]) == len(params):
                    _shapes[key] = _Shape(statements[0][0], self.returning_params)
                else:
                    _compiled_each_time.add(shape_of)
                return statements  # type: ignore[no-any-return]
            self.returning_params = shape.returning_params
            return [(shape.sql, params)]

    return PreparedInsertCompiler


class _Columns:
    """What ``as_sql`` needs of a list of fields, worked out once: each field with the
    value types its preparation returns unchanged, and the fields that write their own
    placeholder, which may depend on the value (MySQL's ``_binary %s`` for bytes but not
    for NULL) and so is part of the shape."""

    __slots__ = ("fields", "marked")

    def __init__(self, fields: Sequence[models.Field[Any, Any]]):
        self.fields = tuple((field, _unchanged(field)) for field in fields)
        self.marked = tuple(i for i, f in enumerate(fields) if hasattr(f, "get_placeholder"))


_known_columns: dict[tuple[int, ...], _Columns] = {}


def _columns(fields: Sequence[models.Field[Any, Any]]) -> _Columns:
    """Found by the fields' identities: a model's fields live as long as the process,
    and hashing a Field is a Python call."""
    ids = tuple(map(id, fields))
    columns = _known_columns.get(ids)
    if columns is None:
        columns = _known_columns[ids] = _Columns(fields)
    return columns


_TEXT_PREPARATIONS = {
    (models.CharField.get_prep_value, models.CharField.to_python),
    (models.TextField.get_prep_value, models.TextField.to_python),
}


def _unchanged(field: models.Field[Any, Any]) -> tuple[type, ...]:
    """``str`` and ``None`` for a text field that prepares values as Django's
    ``CharField`` and ``TextField`` do (returned as they are): no call for them. Any
    override of the preparation (an encrypted field, say) takes the field's own."""
    kind = type(field)
    if (
        kind.get_db_prep_save is models.Field.get_db_prep_save
        and kind.get_db_prep_value is models.Field.get_db_prep_value
        and (kind.get_prep_value, kind.to_python) in _TEXT_PREPARATIONS
    ):
        return (str, type(None))
    return ()


def _insert(
    model: type[models.Model],
    objs: list[models.Model],
    fields: list[models.Field[Any, Any]],
    returning_fields: Any,
    raw: bool,
    using: str,
    **conflict: Any,
) -> list[Any]:
    """``QuerySet._insert``, with the compiler that takes the SQL from the shape."""
    query = InsertQuery(model, **conflict)
    query.insert_values(fields, objs, raw=raw)
    connection = connections[using]
    compiler = _compiler_class(connection.ops.compiler("SQLInsertCompiler"))(
        query, connection, using
    )
    return compiler.execute_sql(returning_fields)  # type: ignore[no-any-return]


def insert_new(instance: models.Model) -> bool:
    """Insert ``instance`` unless a row with one of its unique values exists: True, with
    its primary key set, if it was inserted. One statement where ``save`` in a savepoint,
    catching ``IntegrityError``, takes three; no save signals are sent. PostgreSQL's
    ``ON CONFLICT DO NOTHING`` skips unique conflicts only; SQLite's ``INSERT OR IGNORE``
    skips NOT NULL and CHECK failures too, so the caller fills every column. Both return
    the inserted row's key (``RETURNING``)."""
    meta = instance._meta
    if meta.parents or meta.db_returning_fields != [meta.auto_field] or instance.pk is not None:
        raise TypeError("insert_new takes a new row whose only database-filled column is its key")
    fields = [f for f in meta.local_concrete_fields if not f.generated and f is not meta.auto_field]
    using = router.db_for_write(type(instance), instance=instance)
    (returned,) = _insert(
        type(instance),
        [instance],
        fields,
        meta.db_returning_fields,
        False,
        using,
        on_conflict=OnConflict.IGNORE,
    )
    if returned is None:
        return False
    (instance.pk,) = returned  # the key, the only column returned (checked above)
    instance._state.adding, instance._state.db = False, using
    return True


class PreparedInsertQuerySet(models.QuerySet[Any]):
    """``bulk_create`` through the cached SQL (with ``update_conflicts`` compiled by
    Django as usual)."""

    def _insert(  # type: ignore[override]
        self,
        objs: list[models.Model],
        fields: list[models.Field[Any, Any]],
        returning_fields: Any = None,
        raw: bool = False,
        using: str | None = None,
        on_conflict: Any = None,
        update_fields: Any = None,
        unique_fields: Any = None,
    ) -> list[Any]:
        self._for_write = True
        return _insert(
            self.model,
            objs,
            fields,
            returning_fields,
            raw,
            using or self.db,
            on_conflict=on_conflict,
            update_fields=update_fields,
            unique_fields=unique_fields,
        )


class PreparedInserts(models.Model):
    """A model whose rows are inserted through the cached SQL (``save``, ``create``;
    ``bulk_create`` with ``objects = PreparedInsertQuerySet.as_manager()``)."""

    class Meta:
        abstract = True

    def _do_insert(
        self, manager: Any, using: str, fields: Any, returning_fields: Any, raw: bool
    ) -> list[Any]:
        # The manager's model: a parent's row, under multi-table inheritance.
        return _insert(manager.model, [self], fields, returning_fields, raw, using)
