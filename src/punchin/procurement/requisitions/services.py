"""Requisition domain logic: create a draft from a cart, land the buyer, move it.

Every change is a guarded update (``filter(state).update(...)``), so two browsers or
two processes racing for the same token or the same requisition cannot both win
(docs/security.md row 21). ``move`` is the one function that changes a requisition's
state; approval (``punchin.procurement.approvals``) decides when to call it.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from punchin.cxml.delivery import DeliveryAddress
from punchin.procurement.accounts.models import Organisation
from punchin.procurement.accounts.services import is_member
from punchin.procurement.partners.models import SupplierPartner
from punchin.procurement.requisitions.cart import Cart
from punchin.procurement.requisitions.exceptions import LandingRefused
from punchin.procurement.requisitions.models import (
    MACHINE,
    Origin,
    Requisition,
    RequisitionEvent,
    RequisitionLine,
    ShipToAddress,
    StartPageToken,
    State,
)
from punchin.procurement.sso.services import provider_of, sends_through, signs_in
from punchin.web.statemachine import InvalidTransition

_TOKEN_BYTES = 32
_FOUR_PLACES = Decimal("0.0001")


@dataclass(frozen=True, slots=True)
class StartPage:
    """A freshly issued StartPage: the URL with its token, shown once (P22)."""

    url: str
    buyer_exists: bool


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_page_url(
    base_url: str, token: str, buyer_exists: bool, *, sso: bool = False, password: bool = True
) -> str:
    """The StartPage URL with the flags the supplier can read (P22): whether the buyer
    will sign in through their organisation's identity provider, or with a password of
    ours, or may choose (P40)."""
    path = reverse("landing:land", args=[token])
    flags = (
        f"requiresAuthByCredentials={int(password)}&requiresAuthBySSO={int(sso)}"
        f"&buyerExists={int(buyer_exists)}&mobileSupported=1&internetSupported=1"
    )
    return f"{base_url.rstrip('/')}{path}?{flags}"


def _cart_fields(cart: Cart) -> dict[str, object]:
    """What a requisition takes from its cart, beside the lines."""
    return {
        "currency": cart.currency,
        "total": cart.total.quantize(_FOUR_PLACES),
        "supplier_total": cart.supplier_total,
        "tax": cart.tax,
        "shipping": cart.shipping,
        "operation_allowed": cart.operation_allowed,
        "shipping_description": cart.shipping_description,
        "payment_method": cart.payment_method,
    }


def ship_to_columns(address: DeliveryAddress) -> dict[str, str]:
    """``address`` as a ``ShipToAddress`` row holds it: one line per Street, DeliverTo."""
    return {
        "name": address.name,
        "deliver_to": "\n".join(address.deliver_to),
        "street": "\n".join(address.street),
        "city": address.city,
        "state": address.state,
        "postal_code": address.postal_code,
        "country": address.country,
        "iso_country_code": address.country_code,
        "address_id": address.address_id,
        "email": address.email,
    }


def store_ship_to(requisition: Requisition, address: DeliveryAddress) -> None:
    """``address`` becomes where the requisition's goods go (P41)."""
    ShipToAddress.objects.update_or_create(
        requisition=requisition, defaults=ship_to_columns(address)
    )


def _write_delivery(requisition: Requisition, cart: Cart) -> None:
    """The cart's ShipTo becomes the requisition's address; a cart without one leaves
    the organisation's default to apply, or (edited at the supplier) the address the
    requisition already had."""
    if cart.ship_to is not None:
        store_ship_to(requisition, cart.ship_to)


def _write_lines(requisition: Requisition, cart: Cart) -> None:
    RequisitionLine.objects.bulk_create(
        RequisitionLine(
            requisition=requisition,
            line_number=line.line_number,
            supplier_part_id=line.supplier_part_id,
            supplier_part_auxiliary_id=line.supplier_part_auxiliary_id,
            description=line.description,
            short_name=line.short_name[:255],
            quantity=line.quantity,
            unit_of_measure=line.unit_of_measure,
            unit_price=line.unit_price,
            price_basis_quantity=line.price_basis_quantity,
            currency=line.currency,
            unspsc=line.unspsc[:32],
            manufacturer_name=line.manufacturer_name[:255],
            manufacturer_part_id=line.manufacturer_part_id[:255],
            lead_time_days=line.lead_time_days,
            extrinsics=line.extrinsics,
        )
        for line in cart.lines
    )


def new_requisition(
    *,
    origin: Origin,
    organisation: Organisation,
    supplier: SupplierPartner,
    requester: AbstractUser | None,
    buyer_email: str,
    cart: Cart,
    source_payload_id: str,
    poom_payload_id: str,
) -> Requisition:
    """A draft requisition holding ``cart``, from Punch-in or PunchOut (``origin``); call
    inside a transaction. ``source_payload_id`` names the PunchOutSetupRequest that
    began it."""
    requisition = Requisition.objects.create(
        number=f"REQ-{timezone.now():%Y%m%d}-{secrets.token_hex(4).upper()}",
        origin=origin,
        organisation=organisation,
        supplier=supplier,
        requester=requester,
        buyer_email=buyer_email[:254],
        source_payload_id=source_payload_id,
        poom_payload_id=poom_payload_id,
        **_cart_fields(cart),
    )
    _write_lines(requisition, cart)
    if cart.ship_to is not None:
        # A new requisition has no address yet: one INSERT, not update_or_create's
        # SELECT, two savepoints and INSERT (docs/performance.md).
        ShipToAddress.objects.create(requisition=requisition, **ship_to_columns(cart.ship_to))
    return requisition


def replace_cart(
    requisition: Requisition, cart: Cart, *, poom_payload_id: str, actor: AbstractUser
) -> None:
    """The cart edited at the supplier replaces the draft's lines (PunchOut edit);
    call inside a transaction. A requisition that is no longer a draft, or that
    changed meanwhile, raises ``InvalidTransition`` and keeps its lines."""
    move(
        requisition,
        State.DRAFT,
        actor=actor,
        action="cart edited at the supplier",
        poom_payload_id=poom_payload_id,
        **_cart_fields(cart),
    )
    requisition.lines.all().delete()
    _write_lines(requisition, cart)
    _write_delivery(requisition, cart)


def create_draft(
    *,
    organisation: Organisation,
    supplier: SupplierPartner,
    requester: AbstractUser | None,
    buyer_email: str,
    cart: Cart,
    source_payload_id: str,
    poom_payload_id: str,
    base_url: str,
) -> tuple[Requisition, StartPage]:
    """A punched-in draft requisition and its StartPage token (P22); call inside a
    transaction."""
    requisition = new_requisition(
        origin=Origin.PUNCH_IN,
        organisation=organisation,
        supplier=supplier,
        requester=requester,
        buyer_email=buyer_email,
        cart=cart,
        source_payload_id=source_payload_id,
        poom_payload_id=poom_payload_id,
    )
    token = secrets.token_urlsafe(_TOKEN_BYTES)
    buyer_exists = requester is not None
    StartPageToken.objects.create(
        requisition=requisition,
        digest=token_digest(token),
        expires_at=timezone.now() + timedelta(seconds=settings.PUNCHIN_START_PAGE_TTL_SECONDS),
        buyer_exists=buyer_exists,
    )
    provider = provider_of(organisation)
    url = start_page_url(
        base_url,
        token,
        buyer_exists,
        sso=provider is not None and signs_in(provider, buyer_email),
        password=not sends_through(provider, buyer_email, requester),
    )
    return requisition, StartPage(url, buyer_exists)


def usable_token(token: str) -> StartPageToken:
    """The token of a StartPage link that can still be used, or ``LandingRefused``."""
    found = (
        StartPageToken.objects.select_related("requisition", "requisition__supplier")
        .filter(digest=token_digest(token))
        .first()
    )
    if found is None:
        raise LandingRefused("This link is not valid.")
    if found.used_at is not None:
        raise LandingRefused("This link has already been used. Open your requisitions instead.")
    if found.expires_at <= timezone.now():
        raise LandingRefused(
            "This link has expired. Submit the cart again from the supplier's site."
        )
    return found


def redeem(token: str, user: AbstractUser) -> Requisition:
    """Use a StartPage link once: the requisition becomes ``user``'s (also when the
    supplier's UserEmail was unknown to us), if ``user`` belongs to its organisation."""
    with transaction.atomic():
        found = usable_token(token)
        requisition = found.requisition
        if not is_member(user, requisition.organisation):
            raise LandingRefused(
                f"Your account is not a member of {requisition.organisation}, "
                "which this requisition belongs to."
            )
        if requisition.requester_id not in (None, user.pk):
            raise LandingRefused("This requisition belongs to another buyer.")
        now = timezone.now()
        used = StartPageToken.objects.filter(
            pk=found.pk, used_at__isnull=True, expires_at__gt=now
        ).update(used_at=now)
        if used != 1:
            raise LandingRefused("This link has already been used.")
        if requisition.requester_id is None:
            Requisition.objects.filter(pk=requisition.pk, requester__isnull=True).update(
                requester=user
            )
            requisition.requester = user
    return requisition


def move(
    requisition: Requisition,
    to: str,
    *,
    actor: AbstractUser | None,
    action: str,
    comment: str = "",
    **changes: object,
) -> None:
    """The one guarded mutator of a requisition's state (docs/style.md section 6).

    Legal only if ``TRANSITIONS`` lists the move; applied only if the row still has
    the state and version ``requisition`` was read with, so of two racing callers
    exactly one wins and the other gets ``InvalidTransition`` with a message to show.
    Writes the history row in the same transaction.
    """
    current = requisition.state
    moved = MACHINE.move(
        Requisition.objects.filter(pk=requisition.pk, version=requisition.version),
        (current,),
        to,
        what=requisition.number,
        instance=requisition,
        record=RequisitionEvent(
            requisition=requisition,
            actor=actor,
            action=action,
            from_state=current,
            to_state=to,
            comment=comment,
        ),
        version=requisition.version + 1,
        **changes,
    )
    if not moved:
        raise InvalidTransition(
            f"{requisition.number} was changed by someone else meanwhile; reload the page"
        )
