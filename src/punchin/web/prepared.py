"""ORM statements compiled once per process, executed with new values (issue 13).

A punch-in's statements have fixed shapes, and Django compiles each one anew on every
call: building the queryset and turning it into SQL cost more CPU than SQLite takes to
run it (docs/performance.md, "What one statement costs"). A ``Select``, ``Update`` or
``Delete`` wraps a function that builds the statement from keyword values with the
ORM, as everywhere else; on its first call per database and *shape* it builds the
statement twice, with two different sets of stand-in values, and reads from the two
compilations which SQL parameter each value became. Every later call only substitutes
the values and runs the SQL through Django's cursor (so transactions, query logging
and ``assertNumQueries`` see it); a ``Select`` turns rows into instances the way
``ModelIterable`` does, with ``select_related`` and ``only``.

The shape is the names of the values and their kinds: ``None`` and booleans change the
SQL (``IS NULL``) and are part of it; integers, strings and aware datetimes are
parameters. What cannot be mapped back to one value (``timezone.now()`` inside the
function, ``iexact`` or ``contains`` which transform the value, a value the statement
does not use) is refused with ``NotPreparable`` on the first call, never guessed.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any, Generic, TypeVar

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, models, transaction
from django.db.models import Value
from django.db.models.deletion import Collector
from django.db.models.functions import Upper
from django.db.models.lookups import Exact
from django.db.models.query import ModelIterable, get_related_populators
from django.db.models.sql import DeleteQuery, UpdateQuery

M = TypeVar("M", bound=models.Model)


class NotPreparable(Exception):
    """The statement's SQL cannot be reused with other values; write it with the ORM."""


_INT, _STR, _BYTES, _DATETIME = "int", "str", "bytes", "datetime"
_PARAMETERS = (_INT, _STR, _BYTES, _DATETIME)


def _kind(name: str, value: object) -> object:
    """What a value contributes to the shape: its kind, or itself where it is SQL."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int):
        return _INT
    if isinstance(value, str):
        return _STR
    if isinstance(value, bytes):
        return _BYTES
    if isinstance(value, datetime):
        if value.utcoffset() is None:
            raise TypeError(f"{name}: a prepared statement takes aware datetimes only")
        return _DATETIME
    raise TypeError(f"{name}: a prepared statement takes int, str, bytes, datetime, bool or None")


def _stand_in(kind: object, index: int, round_: int) -> object:
    """A value of ``kind`` that no statement holds by itself, different per round."""
    if kind == _INT:
        return 20011 + 1000 * round_ + index  # inside every integer field's range
    if kind == _STR:
        # LIKE's metacharacters: a lookup that escapes the value must not map back to it.
        return f"\x00stand-in %_\\ {round_}.{index}"
    if kind == _BYTES:
        return f"\x00stand-in {round_}.{index}".encode()
    if kind == _DATETIME:
        return datetime(2001 + round_, 2, 3, 4, 5, 6, index, tzinfo=UTC)
    return kind


def _adapter(kind: object, connection: Any) -> Callable[[Any], object] | None:
    """What the ORM does to a value of ``kind`` before the driver sees it."""
    if kind == _DATETIME:
        return connection.ops.adapt_datetimefield_value  # type: ignore[no-any-return]
    if kind == _BYTES:
        return connection.Database.Binary  # type: ignore[no-any-return]
    return None


def _content(param: object, binary: type) -> object:
    """Bytes in the driver's ``Binary`` wrapper (sqlite3's memoryview, psycopg's own
    class) unwrapped, so two parameters compare by their bytes."""
    if not isinstance(param, binary):
        return param
    return param.tobytes() if isinstance(param, memoryview) else param.obj  # type: ignore[attr-defined]


class _Plan:
    """One statement's SQL and, per parameter, a constant or the value's name and how
    the ORM adapts it."""

    __slots__ = ("compiler", "reader", "slots", "sql")

    def __init__(self, sql: str, slots: Sequence[tuple[object, str | None, Any]], compiler: Any):
        self.sql = sql
        self.slots = tuple(slots)
        self.compiler = compiler
        self.reader: _Reader | None = None

    def params(self, values: dict[str, Any]) -> list[object]:
        return [
            constant if name is None else adapt(values[name]) if adapt else values[name]
            for constant, name, adapt in self.slots
        ]


class _Prepared:
    """The compile-twice machinery shared by the three statements."""

    def __init__(self, build: Callable[..., Any], using: str = DEFAULT_DB_ALIAS):
        self._build = build
        self._using = using
        self._plans: dict[tuple[object, ...], _Plan] = {}

    def _compile(self, values: dict[str, Any]) -> tuple[str, list[object], Any]:
        raise NotImplementedError

    def _plan(self, values: dict[str, Any]) -> tuple[_Plan, Any]:
        connection = connections[self._using]
        kinds = {name: _kind(name, value) for name, value in values.items()}
        key = (connection.vendor, *sorted(kinds.items(), key=lambda item: item[0]))
        plan = self._plans.get(key)
        if plan is None:
            plan = self._plans[key] = self._make_plan(kinds, connection)
        return plan, connection

    def _make_plan(self, kinds: dict[str, object], connection: Any) -> _Plan:
        names = [name for name, kind in kinds.items() if kind in _PARAMETERS]
        index = {name: i for i, name in enumerate(names)}
        adapters = {name: _adapter(kinds[name], connection) for name in names}
        binary = connection.Database.Binary
        rounds = []
        for round_ in (0, 1):
            values = {
                name: _stand_in(kind, index.get(name, 0), round_) for name, kind in kinds.items()
            }
            expected = {
                name: _content(adapt(values[name]) if adapt else values[name], binary)
                for name, adapt in adapters.items()
            }
            rounds.append((expected, *self._compile(values)))
        (first, sql, params, compiler), (second, sql_again, params_again, _) = rounds
        if sql != sql_again or len(params) != len(params_again):
            raise NotPreparable(f"{self._build.__qualname__}: its SQL depends on the values")
        slots: list[tuple[object, str | None, Any]] = []
        unwrapped = ([_content(p, binary) for p in ps] for ps in (params, params_again))
        for one, other in zip(*unwrapped, strict=True):
            if one == other:
                slots.append((one, None, None))
                continue
            found = [n for n in names if first[n] == one and second[n] == other]
            if len(found) != 1:
                raise NotPreparable(
                    f"{self._build.__qualname__}: a parameter is not one of its values "
                    "(timezone.now() inside it, or a lookup that transforms the value)"
                )
            slots.append((None, found[0], adapters[found[0]]))
        unused = set(names) - {name for _, name, _ in slots}
        if unused:
            raise NotPreparable(f"{self._build.__qualname__}: {sorted(unused)} unused")
        return _Plan(sql, slots, compiler)


class _Write(_Prepared):
    """An UPDATE or DELETE, run as the ORM runs it (a failure marks the transaction)."""

    def __call__(self, **values: Any) -> int:
        """The number of rows changed."""
        plan, connection = self._plan(values)
        with (
            transaction.mark_for_rollback_on_error(using=self._using),
            connection.cursor() as cursor,
        ):
            cursor.execute(plan.sql, plan.params(values))
            return int(cursor.rowcount)


class Select(_Prepared, Generic[M]):
    """A SELECT of model instances: ``Select(lambda pk: Model.objects.filter(pk=pk))``."""

    def _compile(self, values: dict[str, Any]) -> tuple[str, list[object], Any]:
        queryset = self._build(**values)
        if queryset._iterable_class is not ModelIterable or queryset._prefetch_related_lookups:
            raise NotPreparable(f"{self._build.__qualname__}: model instances only")
        if queryset.query.annotation_select or queryset._known_related_objects:
            raise NotPreparable(f"{self._build.__qualname__}: no annotations")
        compiler = queryset.query.get_compiler(using=self._using)
        sql, params = compiler.as_sql()
        return sql, list(params), compiler

    def _execute(self, values: dict[str, Any]) -> Any:
        """Run the statement; the cursor is the caller's to read and close."""
        plan, connection = self._plan(values)
        cursor = connection.cursor()
        try:
            cursor.execute(plan.sql, plan.params(values))
        except BaseException:
            cursor.close()
            raise
        return cursor, plan

    def all(self, **values: Any) -> list[M]:
        cursor, plan = self._execute(values)
        with cursor:
            rows = cursor.fetchall()
        return self._instances(plan, rows)

    def one(self, **values: Any) -> M | None:
        """The first row's instance, or None."""
        cursor, plan = self._execute(values)
        with cursor:
            row = cursor.fetchone()
        return self._instances(plan, [row])[0] if row is not None else None

    def _instances(self, plan: _Plan, rows: Sequence[Any]) -> list[M]:
        if plan.reader is None:
            plan.reader = _Reader(plan.compiler, self._using)
        return plan.reader.read(rows)


class _Reader:
    """Rows to instances, as ``ModelIterable`` does, with its lists worked out once."""

    def __init__(self, compiler: Any, using: str):
        select, klass_info = compiler.select, compiler.klass_info
        self.model = klass_info["model"]
        fields = klass_info["select_fields"]
        self.start, self.end = fields[0], fields[-1] + 1
        self.init_list = [f[0].target.attname for f in select[self.start : self.end]]
        self.populators = get_related_populators(klass_info, select, using)
        self.converters = compiler.get_converters([s[0] for s in select[: compiler.col_count]])
        self.compiler = compiler
        self.using = using

    def read(self, rows: Sequence[Any]) -> list[Any]:
        if self.converters:
            rows = list(self.compiler.apply_converters(rows, self.converters))
        out = []
        for row in rows:
            obj = self.model.from_db(self.using, self.init_list, row[self.start : self.end])
            for populator in self.populators:
                populator.populate(row, obj)
            out.append(obj)
        return out


class Update(_Write):
    """An UPDATE: ``build`` returns the queryset and the changes, as
    ``lambda pk, now: (Model.objects.filter(pk=pk), {"seen_at": now})``."""

    def _compile(self, values: dict[str, Any]) -> tuple[str, list[object], Any]:
        queryset, changes = self._build(**values)
        query = queryset.query.chain(UpdateQuery)
        query.add_update_values(changes)
        if query.related_updates:
            raise NotPreparable(f"{self._build.__qualname__}: one table only")
        sql, params = query.get_compiler(using=self._using).as_sql()
        return sql, list(params), None


class Delete(_Write):
    """A DELETE of rows that nothing cascades from and no signal watches."""

    def _compile(self, values: dict[str, Any]) -> tuple[str, list[object], Any]:
        queryset = self._build(**values)
        if not Collector(using=self._using, origin=queryset).can_fast_delete(queryset):
            raise NotPreparable(f"{self._build.__qualname__}: rows with cascades or signals")
        query = queryset.query.clone()
        query.__class__ = DeleteQuery
        sql, params = query.get_compiler(using=self._using).as_sql()
        return sql, list(params), None


def iexact(field: str, value: object) -> Exact:
    """``field__iexact=value`` in a form a prepared statement takes: ``UPPER(column) =
    UPPER(value)``, which is what ``iexact`` does on PostgreSQL (on SQLite ``iexact``
    escapes the value for LIKE, so the parameter is not the value)."""
    return Exact(Upper(field), Upper(Value(value)))


@functools.cache
def _fields_of(model: type[models.Model], names: tuple[str, ...]) -> Update:
    return Update(lambda pk, **values: (model._default_manager.filter(pk=pk), values))


def save_fields(instance: models.Model, names: Sequence[str]) -> None:
    """``instance.save(update_fields=names)`` as a prepared statement: each field's
    ``pre_save`` (``auto_now``) as Django runs it, and ``DatabaseError`` if the row is
    gone, as Django raises it. The model's own ``save()`` is not called."""
    fields = [instance._meta.get_field(name) for name in names]
    values = {f.attname: f.pre_save(instance, False) for f in fields}  # type: ignore[union-attr]
    if _fields_of(type(instance), tuple(values))(pk=instance.pk, **values) != 1:
        raise DatabaseError("Save with update_fields did not affect any rows.")
