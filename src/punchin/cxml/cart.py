"""The two documents a supplier sends in Punch-in, built from plain values.

The cart (PunchOutOrderMessage) and the PunchOutSetupRequest that announces it, as
P14-P21 describe: one payloadID for both (P15), the SharedSecret in the Sender's
credential of the request only (P16), an empty BuyerCookie (P17), Extrinsics UserEmail
and PoomUrl (P18), operation ``create``. Both declare cXML 1.2.063, the newest DTD we
validate against; the request's content model is the same as in the 1.2.014 sample
(P21, P25). The storefront sends them; ``punchin check`` sends them to test a partner.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from punchin.cxml import Document
from punchin.cxml.build import LANG, Parties, message, request
from punchin.cxml.common import (
    URL,
    Classification,
    Description,
    Extrinsic,
    ItemDetail,
    ItemID,
    ManufacturerName,
    Money,
    ShortName,
    SupplierPartAuxiliaryID,
    Total,
    UnitPrice,
)
from punchin.cxml.punchout import (
    BuyerCookie,
    ItemIn,
    PunchOutOrderMessage,
    PunchOutOrderMessageHeader,
    PunchOutSetupRequest,
)


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
    lead_time_days: int

    @property
    def subtotal(self) -> Decimal:
        return self.unit_price * self.quantity


def _item(number: int, line: Line, currency: str, *, omit_optional: bool) -> ItemIn:
    return ItemIn(
        quantity=Decimal(line.quantity),
        line_number=number,
        item_id=ItemID(
            supplier_part_id=line.supplier_part_id,
            supplier_part_auxiliary_id=SupplierPartAuxiliaryID(
                value=line.supplier_part_auxiliary_id
            ),
        ),
        item_detail=ItemDetail(
            unit_price=UnitPrice(money=Money(amount=line.unit_price, currency=currency)),
            descriptions=(
                Description(
                    text=line.description,
                    lang=LANG,
                    short_name=None if omit_optional else ShortName(value=line.short_name),
                ),
            ),
            unit_of_measure=line.unit_of_measure,
            classifications=(Classification(domain="UNSPSC", value=line.unspsc),),
            manufacturer_part_id=line.manufacturer_part_id,
            manufacturer_name=ManufacturerName(value=line.manufacturer_name, lang=LANG),
            url=URL(value=line.url),
            lead_time=line.lead_time_days,
        ),
    )


def punch_out_order_message(
    payload_id: str,
    parties: Parties,
    lines: Sequence[Line],
    currency: str,
    *,
    omit_optional: bool = False,
) -> Document:
    """The cart (P5), under the payloadID of its setup request (P15).

    BuyerCookie is empty as in the request (P17); the header allows ``create`` only
    (a new requisition) and carries the Total, the sum of the lines. The SharedSecret
    stays out: this document is served to whoever holds the PoomUrl. ``omit_optional``
    leaves out the optional elements some partners' readers reject (``Description/
    ShortName``, docs/compatibility.md), for a partner whose settings ask for it.
    """
    total = sum((line.subtotal for line in lines), Decimal("0"))
    cart = PunchOutOrderMessage(
        buyer_cookie=BuyerCookie(),
        header=PunchOutOrderMessageHeader(
            operation_allowed="create",
            total=Total(money=Money(amount=total, currency=currency)),
        ),
        items=tuple(
            _item(n, line, currency, omit_optional=omit_optional)
            for n, line in enumerate(lines, start=1)
        ),
    )
    return message(cart, parties, payload_id=payload_id)


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
