"""``{% punchout_actions requisition %}``: reopen a requisition's cart at its supplier."""

from __future__ import annotations

from typing import Any

from django import template

from punchin.procurement.punchout.catalog import reopen_operation
from punchin.procurement.requisitions.models import Requisition

register = template.Library()


@register.inclusion_tag("punchout/_actions.html", takes_context=True)
def punchout_actions(context: dict[str, Any], requisition: Requisition) -> dict[str, Any]:
    user = context["request"].user
    return {
        "requisition": requisition,
        "operation": reopen_operation(requisition, user) if user.is_authenticated else None,
    }
