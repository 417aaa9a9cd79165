"""What a stolen database shows: a column's stored values, read with a cursor past every
model field (docs/security.md row 28)."""

from __future__ import annotations

from django.db import connection, models


def stored(model: type[models.Model], field_name: str) -> list[bytes]:
    """Every non-empty value of ``field_name`` as the database holds it."""
    quote = connection.ops.quote_name
    column = quote(model._meta.get_field(field_name).column)  # type: ignore[union-attr]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {quote(model._meta.db_table)}")  # noqa: S608
        values = [value for (value,) in cursor.fetchall() if value]
    return [value.encode() if isinstance(value, str) else bytes(value) for value in values]


def assert_not_in_clear(model: type[models.Model], fields: tuple[str, ...], *clear: str) -> None:
    """No stored value of ``fields`` contains any of ``clear``; each one was read."""
    for name in fields:
        values = stored(model, name)
        assert values, f"{model.__name__}.{name} holds nothing to look at"
        for value in values:
            for secret in clear:
                assert secret.encode() not in value, f"{model.__name__}.{name} holds {secret!r}"


def set_in_clear(model: type[models.Model], pk: int, **values: str | bytes) -> None:
    """Write ``values`` as a version before encryption did: in clear, past the fields."""
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    for name, value in values.items():
        column = quote(model._meta.get_field(name).column)  # type: ignore[union-attr]
        with connection.cursor() as cursor:
            cursor.execute(f"UPDATE {table} SET {column} = %s WHERE id = %s", [value, pk])  # noqa: S608
