"""Checks both parties' tests share about docs/security.md row 24."""

from __future__ import annotations

from django.apps import apps
from django.db import models

from punchin.cxml.values import DECIMAL_BOUND

# Columns an admin fills through a validated form, never from a partner's document.
NOT_FROM_DOCUMENTS = frozenset({"procurement_orders.MatchTolerance"})


def columns_too_small() -> list[str]:
    """Every decimal column that could not hold a number within ``DECIMAL_BOUND`` once
    rounded to its places (it needs one digit more before the point than the bound)."""
    return [
        f"{model._meta.label}.{field.name}: {field.max_digits},{field.decimal_places}"
        for model in apps.get_models()
        if model._meta.label not in NOT_FROM_DOCUMENTS
        for field in model._meta.get_fields()
        if isinstance(field, models.DecimalField)
        and field.max_digits - field.decimal_places <= DECIMAL_BOUND.digits
    ]
