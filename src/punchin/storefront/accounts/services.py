"""Who a signed-in user is within their business account and how they may buy."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db import transaction

from punchin.storefront.accounts.models import (
    CHECKOUT_MODES,
    BusinessAccount,
    BuyingGroup,
    Member,
    PurchasingMode,
    strongest,
)

AnyUser = AbstractBaseUser | AnonymousUser


def member_of(user: AnyUser) -> Member | None:
    if not user.is_authenticated:
        return None
    return Member.objects.select_related("account").filter(user=user).first()


def account_admin(user: AnyUser) -> Member:
    """The member if they administer their business account (P9), else 403."""
    member = member_of(user)
    if member is None or not member.is_account_admin:
        raise PermissionDenied("Only account admins change the Business Settings.")
    return member


def buying_groups(member: Member) -> list[BuyingGroup]:
    """The member's groups that can buy at all, in name order."""
    return [g for g in member.groups.all() if g.purchasing_mode is not None]


def checkout_groups(member: Member) -> list[BuyingGroup]:
    """The groups the member may check out on the website for (the checkout's choices):
    a PunchOut-only group's carts go back to the purchasing system instead."""
    return [g for g in buying_groups(member) if g.purchasing_mode in CHECKOUT_MODES]


def effective_mode(member: Member) -> PurchasingMode | None:
    """The member's way of buying across all their groups: P12's precedence applied to
    the member (Direct if any group grants it, else Punch-in, else PunchOut)."""
    return strongest({mode for g in member.groups.all() if (mode := g.purchasing_mode)})


def may_punch_out(member: Member) -> bool:
    """Whether a PunchOut session may sign the member in: one of their groups has
    Punchout user access, whatever else it grants (P12's precedence decides how they
    buy on the website, not whether they may shop from their purchasing system)."""
    return member.groups.filter(punchout=True).exists()


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
def create_member(account: BusinessAccount, email: str, name: str, group: BuyingGroup) -> Member:
    """A new user of ``account`` in ``group`` who signs in through their purchasing
    system only (no password here); the email must not be anyone's sign-in yet."""
    email = email.strip().lower()
    first, _, last = name.strip().partition(" ")
    user = get_user_model().objects.create_user(  # no password given: an unusable one
        username=email, email=email, first_name=first[:150], last_name=last[:150]
    )
    member = Member.objects.create(user=user, account=account)
    member.groups.add(group)
    return member


@transaction.atomic
def ensure_staff(
    email: str, password: str, *, name: str = "", superuser: bool = False
) -> AbstractBaseUser:
    """Create or update one of the store's own people (a Django staff user, e.g. the
    fulfilment team): they work the orders, and belong to no buyer account. A
    ``superuser`` also has every permission of the site's admin (``/admin/``)."""
    user_model = get_user_model()
    email = email.strip().lower()
    first, _, last = name.partition(" ")
    user, _ = user_model.objects.update_or_create(
        username=email,
        defaults={
            "email": email,
            "first_name": first,
            "last_name": last,
            "is_staff": True,
            "is_superuser": superuser,
        },
    )
    user.set_password(password)
    user.save()
    return user
