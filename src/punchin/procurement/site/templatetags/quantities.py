"""``{{ value|quantity }}``: a Decimal quantity as people write it.

``Decimal.normalize`` alone turns 10 into ``1E+1``; ``floatformat`` pads 1.5 to
``1.5000``. This prints 10, 1.5 and 0.25.
"""

from __future__ import annotations

from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def quantity(value: Decimal | None) -> str:
    if value is None:
        return ""
    return format(Decimal(value).normalize(), "f")
