"""The documents the checker sends as the supplier (the role Amazon Business plays).

A realistic two-line cart (a toner cartridge and a case of copy paper, UN/CEFACT units,
UNSPSC codes, manufacturer parts) and the PunchOutSetupRequest that announces it,
exactly as P14-P21 describe: one payloadID for both (P15), the SharedSecret in the
Sender's credential (P16), an empty BuyerCookie (P17), Extrinsics UserEmail and PoomUrl
(P18), operation ``create``. Built from ``punchin.cxml`` models only, so both are
DTD-valid by construction (the tests check it).
"""

from __future__ import annotations

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
class CartLine:
    quantity: Decimal
    supplier_part_id: str
    description: str
    short_name: str
    unit_price: Decimal
    unit_of_measure: str  # UN/CEFACT Recommendation 20
    unspsc: str
    manufacturer: str
    manufacturer_part_id: str


CART = (
    CartLine(
        quantity=Decimal(2),
        supplier_part_id="B00CF226A1",
        description="HP 26A Black Original LaserJet Toner Cartridge, about 3,100 pages",
        short_name="HP 26A black toner",
        unit_price=Decimal("89.99"),
        unit_of_measure="EA",
        unspsc="44103103",
        manufacturer="HP",
        manufacturer_part_id="CF226A",
    ),
    CartLine(
        quantity=Decimal(1),
        supplier_part_id="B01PAPER10",
        description="Multipurpose copy paper, letter, 20 lb, 92 bright, 10 reams per case",
        short_name="Copy paper, case of 10 reams",
        unit_price=Decimal("54.49"),
        unit_of_measure="CS",
        unspsc="14111507",
        manufacturer="Hammermill",
        manufacturer_part_id="HAM-105007",
    ),
)


def _item(number: int, line: CartLine, currency: str, payload_id: str) -> ItemIn:
    return ItemIn(
        quantity=line.quantity,
        line_number=number,
        item_id=ItemID(
            supplier_part_id=line.supplier_part_id,
            supplier_part_auxiliary_id=SupplierPartAuxiliaryID(value=f"{payload_id}:{number}"),
        ),
        item_detail=ItemDetail(
            unit_price=UnitPrice(money=Money(amount=line.unit_price, currency=currency)),
            descriptions=(
                Description(
                    text=line.description, lang=LANG, short_name=ShortName(value=line.short_name)
                ),
            ),
            unit_of_measure=line.unit_of_measure,
            classifications=(Classification(domain="UNSPSC", value=line.unspsc),),
            manufacturer_part_id=line.manufacturer_part_id,
            manufacturer_name=ManufacturerName(value=line.manufacturer, lang=LANG),
            url=URL(value=f"https://supplier.example/dp/{line.supplier_part_id}"),
            lead_time=2,
        ),
    )


def cart_total(lines: tuple[CartLine, ...] = CART) -> Decimal:
    return sum((line.quantity * line.unit_price for line in lines), Decimal(0))


def order_message(parties: Parties, payload_id: str, currency: str = "USD") -> Document:
    """The cart (POOM), under the setup request's payloadID (P15), without the secret."""
    cart = PunchOutOrderMessage(
        buyer_cookie=BuyerCookie(),
        header=PunchOutOrderMessageHeader(
            operation_allowed="create",
            total=Total(money=Money(amount=cart_total(), currency=currency)),
        ),
        items=tuple(_item(n, line, currency, payload_id) for n, line in enumerate(CART, 1)),
    )
    return message(cart, parties, payload_id=payload_id)


def setup_request(parties: Parties, payload_id: str, user_email: str, poom_url: str) -> Document:
    """The PunchOutSetupRequest of P14-P21 (the version is the DTD we validate against)."""
    setup = PunchOutSetupRequest(
        operation="create",
        buyer_cookie=BuyerCookie(),
        extrinsics=(
            Extrinsic(name="UserEmail", value=user_email),
            Extrinsic(name="PoomUrl", value=poom_url),
        ),
    )
    return request(setup, parties, payload_id=payload_id)
