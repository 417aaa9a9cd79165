"""P11: once configured, pages show that the account's e-procurement system is
configured for Punch-in."""

from __future__ import annotations

from django.http import HttpRequest

from punchin.storefront.accounts.services import member_of
from punchin.storefront.integration.services import system_of


def purchasing_system(request: HttpRequest) -> dict[str, object]:
    member = member_of(request.user)
    return {
        "member": member,
        "purchasing_system": system_of(member.account) if member else None,
    }
