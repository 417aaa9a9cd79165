"""The storefront's roles, one check each, shared by the views they guard and the
navigation (punchin.web.roles): buyers are members of a business account (Punch-in,
PunchOut and Direct groups alike); account admins configure their account (P9); the
store's staff (Django staff users) work the purchase orders; superusers run the
store's administration."""

from __future__ import annotations

from typing import Any

from punchin.storefront.accounts.services import ADMINS_ONLY, is_account_admin, member_of
from punchin.web.roles import Role


def is_buyer(user: Any) -> bool:
    return member_of(user) is not None


BUYER = Role(
    is_buyer,
    "These pages are for the members of a business account; the store's staff work "
    "on Store orders.",
)
ACCOUNT_ADMIN = Role(is_account_admin, ADMINS_ONLY)
STORE_STAFF = Role(lambda user: bool(user.is_staff), "These pages are for the store's staff.")
