"""Submitting a cart for approval (P3, P4): the submission and its first documents.

The rest of the job has a module each: ``documents`` (build and store), ``judge``
(what an answer means), ``sending``, ``attempts`` (the state machine's moves) and
``testrequest`` (P9's test request).
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from punchin.storefront.accounts.models import Member, PurchasingMode
from punchin.storefront.cart import services as cart
from punchin.storefront.cart.services import Checkout, CheckoutError
from punchin.storefront.integration.services import system_of
from punchin.storefront.submissions.documents import line_of, prepare
from punchin.storefront.submissions.models import PunchInSubmission


@transaction.atomic
def submit(member: Member, checkout: Checkout, base_url: str) -> PunchInSubmission:
    """P3/P4: "Submit order for approval" - snapshot the cart into a POOM and queue
    its setup request. Nothing is sent yet; the submission page drives the attempts."""
    if checkout.mode != PurchasingMode.PUNCHIN:
        raise CheckoutError("This group buys directly on the website.")
    system = system_of(member.account)
    if system is None:
        # P13: Punch-in requires the account's integration to exist.
        raise CheckoutError(
            "Your account has no purchasing system configured yet; ask your account "
            "admin to set it up under Business Settings > Systems integrations."
        )
    content = cart.view(member.user)
    if not content.lines:
        raise CheckoutError("Your cart is empty.")
    lines = [line_of(line.product, line.quantity, base_url) for line in content.lines]
    delivery = checkout.delivery(content.total)
    prepared = prepare(
        system, member.user.email, lines, content.currency, base_url, delivery=delivery
    )
    now = timezone.now()
    return PunchInSubmission.objects.create(
        user=member.user,
        account=member.account,
        group=checkout.group,
        delivery_address=checkout.delivery_address,
        payment_method=checkout.payment_method,
        delivery_speed=checkout.delivery_speed,
        # As the cart's Total says it (P41): the lines, the delivery and the tax.
        total=content.total + delivery.charges,
        currency=content.currency,
        payload_id=prepared.payload_id,
        poom=prepared.poom,
        setup_request=prepared.setup_request,
        endpoint_url=system.endpoint_url,
        max_attempts=max(1, settings.PUNCHIN_SETUP_ATTEMPTS),
        next_attempt_at=now,
    )
