"""``{% navigation as links %}``: the entries of ``site.navigation`` the user may follow."""

from __future__ import annotations

from django import template

from punchin.procurement.site.navigation import LINKS
from punchin.web.roles import navigation_tag

register = template.Library()
register.simple_tag(navigation_tag(LINKS), takes_context=True, name="navigation")
