"""``{{ amount|exact }}``: a spend amount as the CSV writes it (``services.exact``)."""

from __future__ import annotations

from decimal import Decimal

from django import template

from punchin.procurement.spend.services import exact as _exact

register = template.Library()


@register.filter
def exact(value: Decimal) -> str:
    return _exact(value)
