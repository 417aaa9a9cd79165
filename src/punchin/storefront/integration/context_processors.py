"""P11: once configured, pages show that the account's e-procurement system is
configured for Punch-in: to the members who punch in and to the account's admins, not
to a direct buyer, for whom it changes nothing."""

from __future__ import annotations

from django.http import HttpRequest

from punchin.storefront.accounts.models import PurchasingMode
from punchin.storefront.accounts.services import buying_groups, member_of
from punchin.storefront.integration.services import system_of


def purchasing_system(request: HttpRequest) -> dict[str, object]:
    member = member_of(request.user)
    concerned = member is not None and (
        member.is_account_admin
        or any(g.purchasing_mode == PurchasingMode.PUNCHIN for g in buying_groups(member))
    )
    return {
        "member": member,
        "purchasing_system": system_of(member.account) if member and concerned else None,
    }
