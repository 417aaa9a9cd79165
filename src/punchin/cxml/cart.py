"""The documents a supplier sends about a cart, built from plain values.

In Punch-in, the cart (PunchOutOrderMessage) and the PunchOutSetupRequest that
announces it, as P14-P21 describe: one payloadID for both (P15), the SharedSecret in the
Sender's credential of the request only (P16), an empty BuyerCookie (P17), Extrinsics
UserEmail and PoomUrl (P18), operation ``create``. In classic PunchOut, the same cart
with the session's BuyerCookie and the operation it allows next (P27, P32). All declare
cXML 1.2.063, the newest DTD we validate against; the request's content model is the
same as in the 1.2.014 sample (P21, P25). The storefront sends them; ``punchin check``
sends them to test a partner.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from punchin.cxml import Document
from punchin.cxml.build import LANG, Parties, message, request
from punchin.cxml.common import (
    URL,
    Classification,
    Extrinsic,
    ItemDetail,
    ItemID,
    ManufacturerName,
    Money,
    PriceBasisQuantity,
    Status,
    SupplierPartAuxiliaryID,
    Total,
    UnitPrice,
)
from punchin.cxml.delivery import (
    Delivery,
    payment_extrinsics,
    ship_to_element,
    shipping_element,
    tax_element,
)
from punchin.cxml.names import describe
from punchin.cxml.punchout import (
    BuyerCookie,
    ItemIn,
    PunchOutOrderMessage,
    PunchOutOrderMessageHeader,
    PunchOutSetupRequest,
)

# UN/CEFACT Recommendation 20 codes are 2-3 upper-case letters or digits (EA, BX, C62):
# what a cart line's unit of measure must look like, however the cart came.
UNIT_OF_MEASURE = re.compile(r"[A-Z0-9]{2,3}")


@dataclass(frozen=True, slots=True)
class Line:
    """One cart line, as the POOM describes it."""

    quantity: Decimal | int
    supplier_part_id: str
    supplier_part_auxiliary_id: str
    description: str
    short_name: str
    unit_price: Decimal
    unit_of_measure: str
    unspsc: str
    manufacturer_part_id: str
    manufacturer_name: str
    url: str
    lead_time_days: int | None
    # The unit price is for this many units (None or 1: per unit).
    price_basis_quantity: Decimal | None = None

    @property
    def subtotal(self) -> Decimal:
        return self.unit_price * self.quantity / (self.price_basis_quantity or 1)


def item_id(line: Line) -> ItemID:
    """The part, with the supplier's cookie that re-identifies it (SupplierPartAuxiliaryID)."""
    aux = line.supplier_part_auxiliary_id
    return ItemID(
        supplier_part_id=line.supplier_part_id,
        supplier_part_auxiliary_id=SupplierPartAuxiliaryID(value=aux) if aux else None,
    )


def item_detail(line: Line, currency: str, *, omit_optional: bool = False) -> ItemDetail:
    """The line's ItemDetail, in a cart's ItemIn or a buyer's ItemOut alike; optional
    parts the line lacks are left out rather than sent empty, and ``ShortName`` also
    for a partner whose reader rejects it (docs/compatibility.md); the line's name then
    leads the Description's text (``punchin.cxml.names``)."""
    basis = None
    if line.price_basis_quantity is not None and line.price_basis_quantity != 1:
        basis = PriceBasisQuantity(
            quantity=line.price_basis_quantity,
            conversion_factor=Decimal(1),
            unit_of_measure=line.unit_of_measure,
        )
    return ItemDetail(
        unit_price=UnitPrice(money=Money(amount=line.unit_price, currency=currency)),
        descriptions=(
            describe(line.short_name, line.description, LANG, short_name=not omit_optional),
        ),
        unit_of_measure=line.unit_of_measure,
        price_basis_quantity=basis,
        # At least one Classification (DTD 1.2.014 and later).
        classifications=(Classification(domain="UNSPSC", value=line.unspsc),),
        manufacturer_part_id=line.manufacturer_part_id or None,
        manufacturer_name=ManufacturerName(value=line.manufacturer_name, lang=LANG)
        if line.manufacturer_name
        else None,
        url=URL(value=line.url) if line.url else None,
        lead_time=line.lead_time_days,
    )


def _item(
    number: int,
    line: Line,
    currency: str,
    *,
    omit_optional: bool,
    extrinsics: tuple[Extrinsic, ...],
) -> ItemIn:
    return ItemIn(
        quantity=Decimal(line.quantity),
        line_number=number,
        item_id=item_id(line),
        item_detail=item_detail(line, currency, omit_optional=omit_optional),
        extrinsics=extrinsics,
    )


def punch_out_order_message(
    payload_id: str,
    parties: Parties,
    lines: Sequence[Line],
    currency: str,
    *,
    buyer_cookie: str = "",
    operation_allowed: str = "create",
    status: Status | None = None,
    omit_optional: bool = False,
    delivery: Delivery | None = None,
) -> Document:
    """The cart, with the Total, the sum of the lines and the delivery charge. The
    SharedSecret stays out: this document is served to whoever holds the PoomUrl, or
    travels through the browser.

    Punch-in (P5): under the payloadID of its setup request (P15), BuyerCookie empty as
    in the request (P17), ``create`` only (a new requisition). Classic PunchOut: the
    session's BuyerCookie (P27), the operation its cart allows next (P32), and no lines
    with Status 204 when the user ends the session without a cart (P34).
    ``omit_optional`` leaves out the optional elements some partners' readers reject
    (``Description/ShortName``, docs/compatibility.md), for a partner whose settings ask
    for it. ``delivery`` is what checkout asked for (P41): the address as the header's
    ShipTo, the speed and its price as its Shipping (counted in the Total), the payment
    method as an Extrinsic on each line, the store's tax estimate as its Tax (counted in
    the Total too).
    """
    total = sum((line.subtotal for line in lines), Decimal("0"))
    ship_to = delivery.ship_to if delivery is not None else None
    shipping = delivery.shipping if delivery is not None else None
    tax = delivery.tax if delivery is not None else None
    if shipping is not None:
        total += shipping.amount
    if tax is not None:
        total += tax.amount
    extrinsics = payment_extrinsics(delivery)
    cart = PunchOutOrderMessage(
        buyer_cookie=BuyerCookie(value=buyer_cookie),
        header=PunchOutOrderMessageHeader(
            operation_allowed=operation_allowed,
            total=Total(money=Money(amount=total, currency=currency)),
            ship_to=ship_to_element(ship_to) if ship_to is not None else None,
            shipping=shipping_element(shipping, currency) if shipping is not None else None,
            tax=tax_element(tax, currency) if tax is not None else None,
        ),
        items=tuple(
            _item(n, line, currency, omit_optional=omit_optional, extrinsics=extrinsics)
            for n, line in enumerate(lines, start=1)
        ),
    )
    return message(cart, parties, payload_id=payload_id, status=status)


def punch_out_setup_request(
    payload_id: str, parties: Parties, user_email: str, poom_url: str
) -> Document:
    """P14-P18, P21: operation create, empty BuyerCookie, Extrinsics UserEmail and
    PoomUrl, the SharedSecret in the Sender's credential."""
    setup = PunchOutSetupRequest(
        operation="create",
        buyer_cookie=BuyerCookie(),
        extrinsics=(
            Extrinsic(name="UserEmail", value=user_email),
            Extrinsic(name="PoomUrl", value=poom_url),
        ),
    )
    return request(setup, parties, payload_id=payload_id)
