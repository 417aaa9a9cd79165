"""The procurement journey after the Punch-in, made directly through the services.

``draft`` makes a requisition as the Punch-in endpoint would (lines from
``tests.cxml.builders``: 2 BX at 4.50 and 1.5 MTR at 2.20, or a big line to cross
the demo's 5,000 USD finance limit); ``approved`` carries it through the demo policy.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser

from punchin.cxml.delivery import Delivery
from punchin.procurement.approvals import services as approvals
from punchin.procurement.orders.models import PurchaseOrder
from punchin.procurement.partners.models import SupplierPartner
from punchin.procurement.requisitions.cart import Cart, CartLine
from punchin.procurement.requisitions.models import Requisition
from punchin.procurement.requisitions.services import create_draft
from punchin.web import demo

TAX = Decimal("1.09")
SHIPPING = Decimal("4.95")


def user(email: str) -> AbstractUser:
    found: AbstractUser = get_user_model().objects.get(email=email)
    return found


def line(
    number: int,
    part: str,
    quantity: str,
    price: str,
    *,
    uom: str = "EA",
    unspsc: str = "44121704",
    aux: str | None = None,
) -> CartLine:
    return CartLine(
        line_number=number,
        supplier_part_id=part,
        supplier_part_auxiliary_id=aux if aux is not None else f"cart-1:{number}",
        description=f"{part} description",
        short_name=part,
        quantity=Decimal(quantity),
        unit_of_measure=uom,
        unit_price=Decimal(price),
        price_basis_quantity=Decimal(1),
        currency="USD",
        unspsc=unspsc,
        manufacturer_name="",
        manufacturer_part_id="",
        lead_time_days=None,
        extrinsics={},
    )


SMALL = (
    line(1, "PEN-BLK-12", "2", "4.50", uom="BX"),
    line(2, "CAB-CAT6", "1.5", "2.20", uom="MTR", unspsc="26121609"),
)


def draft(
    lines: tuple[CartLine, ...] = SMALL,
    *,
    requester: str = demo.PUNCHIN_BUYER,
    payload_id: str = "1700000000.1.1@store.test",
    delivery: Delivery | None = None,
) -> Requisition:
    """``delivery``: what the buyer chose at the supplier's checkout (P41), carried by
    the cart (its Shipping replaces the usual one)."""
    total = sum((ln.total for ln in lines), Decimal(0))
    shipping = delivery.charge if delivery is not None and delivery.shipping else SHIPPING
    cart = Cart(
        "USD",
        lines,
        total,
        total + TAX + shipping,
        tax=TAX,
        shipping=shipping,
        ship_to=delivery.ship_to if delivery is not None else None,
        shipping_description=delivery.shipping.description
        if delivery is not None and delivery.shipping
        else "",
        payment_method=delivery.payment_method if delivery is not None else "",
    )
    partner = SupplierPartner.objects.get()
    requisition, _ = create_draft(
        organisation=partner.organisation,
        supplier=partner,
        requester=user(requester),
        buyer_email=requester,
        cart=cart,
        source_payload_id=payload_id,
        poom_payload_id=payload_id,
        base_url="https://procurement.example",
    )
    return requisition


CODING = approvals.Coding(cost_centre="CC-4100", gl_account="6100", note="Dock 2, mornings")


def submit(requisition: Requisition) -> Requisition:
    approvals.submit(requisition, user(requisition.requester.email), CODING)  # type: ignore[union-attr]
    return requisition


def approve(requisition: Requisition) -> PurchaseOrder:
    """Submit ``requisition`` if it is a draft, approve it: its purchase order."""
    if requisition.state == "draft":
        submit(requisition)
    approvals.decide(requisition, user(demo.APPROVER), approve=True, comment="fine")
    requisition.refresh_from_db()
    return PurchaseOrder.objects.get(requisition=requisition)


def submitted(lines: tuple[CartLine, ...] = SMALL, **kwargs: Any) -> Requisition:
    return submit(draft(lines, **kwargs))


def approved(lines: tuple[CartLine, ...] = SMALL, **kwargs: Any) -> PurchaseOrder:
    return approve(submitted(lines, **kwargs))
