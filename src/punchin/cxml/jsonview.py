"""Typed documents as plain JSON values, for people and tools that inspect them.

A one-way view, not a second wire format: each model becomes an object with its class
name under ``"type"`` and its fields by their Python (snake_case) names; ``Decimal``
becomes a string so no amount passes through a float; times are ISO 8601 with their
offset; elements the models do not know (``Raw``) are shown as their XML text.
Empty ``extra_attrs`` / ``extras`` are left out, as nearly every element has them.
Two names move: ``from_`` (a Python keyword) is shown as ``from``, and a field named
``type`` (cXML's ``type`` attribute) as ``type_``, since ``"type"`` names the class.
A SharedSecret is shown as ``***``: views end up in terminals, tickets and logs.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime
from decimal import Decimal
from typing import TypeAlias

from punchin.cxml.binding import Raw
from punchin.cxml.envelope import SharedSecret

JSON: TypeAlias = dict[str, "JSON"] | list["JSON"] | str | int | float | bool | None

_LEFT_OUT_WHEN_EMPTY = frozenset({"extra_attrs", "extras"})


def to_jsonable(value: object) -> JSON:
    """``value`` (a model, or anything inside one) as ``json.dumps``-ready data."""
    if value is None or isinstance(value, str | bool | int):
        return value
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, SharedSecret):
        return {"type": "SharedSecret", "value": "***"}
    if isinstance(value, Raw):
        return value.xml
    if isinstance(value, tuple | list):
        return [to_jsonable(item) for item in value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return _object(value)
    raise TypeError(f"no JSON view for {type(value).__name__}")


def _object(model: object) -> dict[str, JSON]:
    out: dict[str, JSON] = {"type": type(model).__name__}
    for field in dataclasses.fields(model):  # type: ignore[arg-type]
        value = getattr(model, field.name)
        if field.name in _LEFT_OUT_WHEN_EMPTY and not value:
            continue
        if field.name == "extra_attrs":
            out[field.name] = dict(value)
            continue
        out[_key(field.name)] = to_jsonable(value)
    return out


def _key(name: str) -> str:
    if name == "type":
        return "type_"
    return name.rstrip("_")
