"""The documents the checker sends as the supplier (the role Amazon Business plays).

A realistic two-line cart (a toner cartridge and a case of copy paper, UN/CEFACT units,
UNSPSC codes, manufacturer parts) and the PunchOutSetupRequest that announces it,
exactly as P14-P21 describe: one payloadID for both (P15), the SharedSecret in the
Sender's credential (P16), an empty BuyerCookie (P17), Extrinsics UserEmail and PoomUrl
(P18), operation ``create``. Built from ``punchin.cxml`` models only, so both are
DTD-valid by construction (the tests check it).
"""

from __future__ import annotations

from decimal import Decimal

from punchin.cxml import Document
from punchin.cxml.build import Parties
from punchin.cxml.cart import Line, punch_out_order_message, punch_out_setup_request

_SHOP = "https://supplier.example/dp"

# (quantity, part, description, short name, unit price, UN/CEFACT unit, UNSPSC,
#  manufacturer, manufacturer part)
_GOODS = (
    (2, "B00CF226A1", "HP 26A Black Original LaserJet Toner Cartridge, about 3,100 pages",
     "HP 26A black toner", "89.99", "EA", "44103103", "HP", "CF226A"),
    (1, "B01PAPER10", "Multipurpose copy paper, letter, 20 lb, 92 bright, 10 reams per case",
     "Copy paper, case of 10 reams", "54.49", "CS", "14111507", "Hammermill", "HAM-105007"),
)  # fmt: skip


def cart(payload_id: str) -> tuple[Line, ...]:
    """The two lines; each SupplierPartAuxiliaryID names its cart and line, as a store's
    own cookie would (the storefront does the same)."""
    return tuple(
        Line(
            quantity=Decimal(quantity),
            supplier_part_id=part,
            supplier_part_auxiliary_id=f"{payload_id}:{number}",
            description=description,
            short_name=short_name,
            unit_price=Decimal(price),
            unit_of_measure=unit,
            unspsc=unspsc,
            manufacturer_part_id=manufacturer_part,
            manufacturer_name=manufacturer,
            url=f"{_SHOP}/{part}",
            lead_time_days=2,
        )
        for number, (
            quantity, part, description, short_name, price, unit, unspsc, manufacturer,
            manufacturer_part,
        ) in enumerate(_GOODS, start=1)
    )  # fmt: skip


def cart_total(payload_id: str = "") -> Decimal:
    return sum((line.subtotal for line in cart(payload_id)), Decimal(0))


def order_message(parties: Parties, payload_id: str, currency: str = "USD") -> Document:
    """The cart (POOM), under the setup request's payloadID (P15), without the secret."""
    return punch_out_order_message(payload_id, parties, cart(payload_id), currency)


def setup_request(parties: Parties, payload_id: str, user_email: str, poom_url: str) -> Document:
    """The PunchOutSetupRequest of P14-P21 (the version is the DTD we validate against)."""
    return punch_out_setup_request(payload_id, parties, user_email, poom_url)
