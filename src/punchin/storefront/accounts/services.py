"""Who a signed-in user is within their business account and how they may buy."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import transaction

from punchin.storefront.accounts.models import (
    BusinessAccount,
    BuyingGroup,
    Member,
    PurchasingMode,
)

AnyUser = AbstractBaseUser | AnonymousUser


def member_of(user: AnyUser) -> Member | None:
    if not user.is_authenticated:
        return None
    return Member.objects.select_related("account").filter(user=user).first()


def buying_groups(member: Member) -> list[BuyingGroup]:
    """The member's groups that can buy at all, in name order (the checkout's choices)."""
    return [g for g in member.groups.all() if g.purchasing_mode is not None]


def effective_mode(member: Member) -> PurchasingMode | None:
    """The member's way of buying across all their groups: Direct if any group grants
    it (P12's precedence, applied to the member), else Punch-in if any group does."""
    modes = {g.purchasing_mode for g in buying_groups(member)}
    if PurchasingMode.DIRECT in modes:
        return PurchasingMode.DIRECT
    if PurchasingMode.PUNCHIN in modes:
        return PurchasingMode.PUNCHIN
    return None


@transaction.atomic
def ensure_member(
    account: BusinessAccount,
    email: str,
    password: str,
    *,
    name: str = "",
    groups: tuple[BuyingGroup, ...] = (),
    is_account_admin: bool = False,
) -> Member:
    """Create or update a user who signs in with ``email`` (Django's username is the
    email, lower-cased), and put them in ``account`` and ``groups``. Idempotent."""
    user_model = get_user_model()
    email = email.strip().lower()
    first, _, last = name.partition(" ")
    user, _ = user_model.objects.update_or_create(
        username=email, defaults={"email": email, "first_name": first, "last_name": last}
    )
    user.set_password(password)
    user.save()
    member, _ = Member.objects.update_or_create(
        user=user, defaults={"account": account, "is_account_admin": is_account_admin}
    )
    member.groups.set(groups)
    return member


@transaction.atomic
def ensure_staff(email: str, password: str, *, name: str = "") -> AbstractBaseUser:
    """Create or update one of the store's own people (a Django staff user, e.g. the
    fulfilment team): they work the purchase orders, and belong to no buyer account."""
    user_model = get_user_model()
    email = email.strip().lower()
    first, _, last = name.partition(" ")
    user, _ = user_model.objects.update_or_create(
        username=email,
        defaults={"email": email, "first_name": first, "last_name": last, "is_staff": True},
    )
    user.set_password(password)
    user.save()
    return user
