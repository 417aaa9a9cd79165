"""Model fields whose values are stored encrypted, and the column work behind them.

Code reads and writes clear values; only the database sees ciphertexts. The values
cannot be searched (each encryption of the same value differs), so an encrypted field
is only ever compared in Python, after it is read (``punchin.web.inbound.holder_of``).

``transform_column`` rewrites stored values in place, by primary key and only where the
value is still the one read (compare-and-swap), so it can run beside live traffic: the
migrations encrypt values written in clear with it (``sealing``), ``rotate_secret_keys``
re-encrypts under the first key with it (``rotate_all``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.apps import apps as installed_apps
from django.apps.registry import Apps
from django.db import migrations, models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

from punchin.web import encryption

Stored = str | bytes
_BATCH = 200


class EncryptedTextField(models.TextField):  # type: ignore[type-arg]
    """A TextField stored encrypted (``encryption.seal_text``)."""

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        return None if value is None else encryption.seal_text(value)

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> str | None:
        return None if value is None else encryption.open_text(value)


class EncryptedBinaryField(models.BinaryField):  # type: ignore[type-arg]
    """A BinaryField stored encrypted (``encryption.seal_bytes``)."""

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        return None if value is None else encryption.seal_bytes(bytes(value))

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> bytes | None:
        return None if value is None else encryption.open_bytes(bytes(value))


ENCRYPTED = (EncryptedTextField, EncryptedBinaryField)


def transform_column(
    connection: BaseDatabaseWrapper,
    model: type[models.Model],
    field_name: str,
    change: Callable[[Stored], Stored],
) -> int:
    """Apply ``change`` to the stored value of ``field_name`` in every row of ``model``;
    the number of values rewritten. Batches by primary key, so memory stays bounded."""
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    pk = quote(model._meta.pk.column)  # type: ignore[union-attr]
    column = quote(model._meta.get_field(field_name).column)  # type: ignore[union-attr]
    # Identifiers come from the model's metadata, quoted; values are parameters.
    first = f"SELECT {pk}, {column} FROM {table} ORDER BY {pk} LIMIT {_BATCH}"  # noqa: S608
    after = f"SELECT {pk}, {column} FROM {table} WHERE {pk} > %s ORDER BY {pk} LIMIT {_BATCH}"  # noqa: S608
    update = f"UPDATE {table} SET {column} = %s WHERE {pk} = %s AND {column} = %s"  # noqa: S608
    rewritten = 0
    query, parameters = first, []
    while True:
        with connection.cursor() as cursor:
            cursor.execute(query, parameters)
            rows = cursor.fetchall()
        if not rows:
            return rewritten
        for key, value in rows:
            stored = value if value is None or isinstance(value, str) else bytes(value)
            if stored is not None and (new := change(stored)) != stored:
                with connection.cursor() as cursor:
                    cursor.execute(update, [new, key, stored])
                    rewritten += cursor.rowcount
        query, parameters = after, [rows[-1][0]]


def _seal_if_clear(stored: Stored) -> Stored:
    """A value written before encryption existed, encrypted; an encrypted one as it is.
    Never under the stand-in key outside development: the real key would not open it."""
    if not stored or encryption.is_sealed(stored):
        return stored
    encryption.require_keys()
    if isinstance(stored, str):
        return encryption.seal_text(stored)
    return encryption.seal_bytes(stored)


def _opened(stored: Stored) -> Stored:
    if isinstance(stored, str):
        return encryption.open_text(stored)
    return encryption.open_bytes(stored)


def sealing(app_label: str, model_name: str, *field_names: str) -> migrations.RunPython:
    """The data migration after fields became encrypted: values stored in clear are
    encrypted in place; backwards, every value is decrypted again."""

    def run(change: Callable[[Stored], Stored]) -> Callable[[Apps, BaseDatabaseSchemaEditor], None]:
        def apply(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
            model = apps.get_model(app_label, model_name)
            for name in field_names:
                transform_column(schema_editor.connection, model, name, change)

        return apply

    return migrations.RunPython(run(_seal_if_clear), run(_opened))


def encrypted_columns() -> list[tuple[type[models.Model], str]]:
    """Every (model, field name) of the installed apps stored encrypted."""
    return [
        (model, field.name)
        for model in installed_apps.get_models()
        if not model._meta.proxy
        for field in model._meta.local_concrete_fields
        if isinstance(field, ENCRYPTED)
    ]


def rotate_all(connection: BaseDatabaseWrapper) -> list[tuple[str, int]]:
    """Re-encrypt every encrypted value under the first key: (model.field, how many)."""
    rotated = encryption.rotated
    return [
        (f"{model._meta.label}.{name}", transform_column(connection, model, name, rotated))
        for model, name in encrypted_columns()
    ]
