"""The StartPage: the one use of a session's link signs its user in (P29, P30).

The user is the member of the session's business account with the email the
purchasing system sent, if one of their groups has Punchout user access; or, when the
account's admin allows it, a new member of the account's group with that access. Every
refusal says what to do, in words for the buyer.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction

from punchin.storefront.accounts.models import Member
from punchin.storefront.accounts.services import create_member, may_punch_out
from punchin.storefront.cart.models import CartLine
from punchin.storefront.cart.services import cart_of
from punchin.storefront.catalog.models import Product
from punchin.storefront.punchout.models import PunchOutSession, State
from punchin.storefront.punchout.setup import token_digest

_WHERE = "Business Settings"


class Refused(Exception):
    """The StartPage cannot sign anyone in: a title and what to do, for the buyer."""

    def __init__(self, status: int, title: str, advice: str) -> None:
        super().__init__(title)
        self.status, self.title, self.advice = status, title, advice


def start(token: str, now: datetime) -> PunchOutSession:
    """Use the StartPage token once: its session moves to shopping with its user and
    the reopened cart (P31), or nothing changes and ``Refused`` says why."""
    with transaction.atomic():
        session = (
            PunchOutSession.objects.select_related("system__account")
            .filter(start_digest=token_digest(token))
            .first()
        )
        if session is None:
            raise Refused(
                404,
                "This PunchOut link is not valid",
                "Start shopping again from your purchasing system.",
            )
        again = f"Start shopping again from {session.system_name}: it opens a new link."
        used = Refused(410, "This PunchOut link was already used", f"Each link works once. {again}")
        if session.state != State.OPEN:
            raise used
        if session.start_expires_at <= now:
            minutes = max(1, settings.PUNCHIN_PUNCHOUT_START_TTL // 60)
            raise Refused(
                410,
                "This PunchOut link has expired",
                f"Links work for {minutes} minute{'s' if minutes != 1 else ''}. {again}",
            )
        # Moved first: of two tabs (or processes) using the link, the second waits for
        # the first's transaction and then finds nothing to move.
        if not session.move(State.SHOPPING, started_at=now):
            raise used
        member = _member(session)  # a refusal rolls the move back
        PunchOutSession.objects.filter(pk=session.pk).update(user=member.user)
        session.user = member.user
        _fill(session)
    return session


def _member(session: PunchOutSession) -> Member:
    """The session's user (P29), found or, if the admin allows it, created."""
    account, email = session.system.account, session.user_email
    ask = f"Ask your account admin at {account} to"
    member = Member.objects.select_related("user", "account").filter(user__username=email).first()
    if member is not None:
        if member.account_id != account.pk or not member.user.is_active:
            raise Refused(
                403,
                f"{email} cannot shop here for {account}",
                f"This sign-in belongs to another business account. {ask} check the email "
                "your purchasing system sends for you.",
            )
        if not may_punch_out(member):
            raise Refused(
                403,
                f"{email} may not shop here from your purchasing system yet",
                f"{ask} add you to a group with Punchout user access ({_WHERE}, Groups).",
            )
        return member
    if get_user_model().objects.filter(username=email).exists():  # the store's own staff
        raise Refused(403, f"{email} cannot shop here for {account}", f"{ask} check your email.")
    if not session.system.punchout_creates_users:
        raise Refused(
            403,
            f"{email} has no sign-in here for {account} yet",
            f"{ask} add you to a group with Punchout user access, or to let PunchOut "
            f"create new users ({_WHERE}, Configure Purchasing System).",
        )
    # The group that grants least besides Punchout user access: a new user gets no more.
    group = account.groups.filter(punchout=True).order_by("direct", "punchin", "name").first()
    if group is None:
        raise Refused(
            403,
            f"{account} has no group for PunchOut users yet",
            f"{ask} give one group Punchout user access ({_WHERE}, Groups).",
        )
    return create_member(account, email, session.user_name, group)


def _fill(session: PunchOutSession) -> None:
    """The session's cart, with the earlier cart's lines of an edit or inspect."""
    assert session.user is not None
    cart = cart_of(session.user, session)
    quantities = {int(pk): int(quantity) for pk, quantity in session.reopened}
    CartLine.objects.bulk_create(
        CartLine(cart=cart, product=product, quantity=quantities[product.pk])
        for product in Product.objects.filter(pk__in=quantities)
    )
