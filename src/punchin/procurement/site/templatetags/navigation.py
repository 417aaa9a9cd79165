"""``{% navigation as links %}``: the entries of ``site.navigation`` the user may follow."""

from __future__ import annotations

from typing import Any

from django import template

from punchin.procurement.site.navigation import LINKS
from punchin.web.roles import visible

register = template.Library()


@register.simple_tag(takes_context=True)
def navigation(context: Any) -> list[dict[str, str]]:
    user = context.get("user")
    return visible(LINKS, user) if user is not None else []
