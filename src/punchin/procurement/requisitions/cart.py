"""From a PunchOutOrderMessage to requisition lines, refusing cart garbage line by line.

The cXML codecs already refuse numbers that are not plain decimals (comma, exponent,
NaN: docs/security.md row 17) or too large or too fine for any column (``DECIMAL_BOUND``,
row 24); this module checks what the DTD cannot say: positive
quantities, one currency, a plausible unit of measure, a part number, a Total
that matches the lines, and a delivery address and charge we can store and send on
(P41). Money stays ``Decimal`` throughout.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from punchin.cxml.cart import UNIT_OF_MEASURE
from punchin.cxml.delivery import DeliveryAddress, address_of, payment_method_of
from punchin.cxml.errors import BadRequest, PayloadTooLarge
from punchin.cxml.names import Named, named
from punchin.cxml.punchout import ItemIn, PunchOutOrderMessage

_MAX_REASONS = 10
# operationAllowed names the highest later operation: create < inspect < edit.
OPERATIONS_ALLOWED = ("create", "inspect", "edit")
# The longest part of a delivery address a requisition keeps (its columns' sizes);
# a longer one is refused rather than cut, which would change where goods go.
ADDRESS_LIMITS = {
    "Name": 200,
    "DeliverTo": 200,
    "Street": 500,
    "City": 100,
    "State": 100,
    "PostalCode": 20,
    "Country": 100,
}
SHIPPING_DESCRIPTION_LIMIT = 200
PAYMENT_METHOD_LIMIT = 64
_COUNTRY_CODE = re.compile(r"[A-Z]{2}")


@dataclass(frozen=True, slots=True)
class CartLine:
    line_number: int
    supplier_part_id: str
    supplier_part_auxiliary_id: str
    description: str
    short_name: str
    quantity: Decimal
    unit_of_measure: str
    unit_price: Decimal
    price_basis_quantity: Decimal
    currency: str
    unspsc: str
    manufacturer_name: str
    manufacturer_part_id: str
    lead_time_days: int | None
    extrinsics: dict[str, Any]

    @property
    def named(self) -> Named:
        """The name and description by the rule every page uses (docs/product-names.md),
        for the pages that show a cart as it arrived (the Test received page)."""
        return named(self.short_name, self.description)

    @property
    def total(self) -> Decimal:
        return self.quantity * self.unit_price / self.price_basis_quantity


@dataclass(frozen=True, slots=True)
class Cart:
    currency: str
    lines: tuple[CartLine, ...]
    total: Decimal
    supplier_total: Decimal
    tax: Decimal | None = None
    shipping: Decimal | None = None
    # What the supplier lets us reopen the cart for later (docs/protocol.md S4).
    operation_allowed: str = "create"
    # What the buyer chose at the supplier's checkout (P41): the header's ShipTo and
    # Shipping's Description, and the lines' PaymentMethod Extrinsic.
    ship_to: DeliveryAddress | None = None
    shipping_description: str = ""
    payment_method: str = ""


def _line(number: int, item: ItemIn, currency: str, reasons: list[str]) -> CartLine:
    detail = item.item_detail
    where = f"line {number}"
    part_id = item.item_id.supplier_part_id.strip()
    if not part_id:
        reasons.append(f"{where}: SupplierPartID is empty")
    if item.quantity <= 0:
        reasons.append(f"{where}: quantity {item.quantity} is not positive")
    money = detail.unit_price.money
    if money.amount < 0:
        reasons.append(f"{where}: unit price {money.amount} is negative")
    if money.currency != currency:
        reasons.append(f"{where}: currency {money.currency} differs from the cart's {currency}")
    unit = detail.unit_of_measure.strip()
    if UNIT_OF_MEASURE.fullmatch(unit) is None:
        reasons.append(f"{where}: unit of measure {unit[:20]!r} is not a UN/CEFACT code")
    basis = Decimal(1)
    if detail.price_basis_quantity is not None:
        basis = detail.price_basis_quantity.quantity
        if basis <= 0:
            reasons.append(f"{where}: PriceBasisQuantity {basis} is not a positive amount")
            basis = Decimal(1)
    description = detail.descriptions[0] if detail.descriptions else None
    unspsc = next(
        (c.value.strip() for c in detail.classifications if c.domain.upper() == "UNSPSC"), ""
    )
    aux = item.item_id.supplier_part_auxiliary_id
    extrinsics = {e.name: e.value for e in (*detail.extrinsics, *item.extrinsics)}
    return CartLine(
        line_number=number,
        # Exactly as the cart carried it: the OrderRequest must name the same part.
        supplier_part_id=item.item_id.supplier_part_id,
        supplier_part_auxiliary_id=aux.value if aux is not None else "",
        description=description.text.strip() if description else "",
        short_name=(
            description.short_name.value.strip() if description and description.short_name else ""
        ),
        quantity=item.quantity,
        unit_of_measure=unit,
        unit_price=money.amount,
        price_basis_quantity=basis,
        currency=money.currency,
        unspsc=unspsc,
        manufacturer_name=detail.manufacturer_name.value if detail.manufacturer_name else "",
        manufacturer_part_id=detail.manufacturer_part_id or "",
        lead_time_days=detail.lead_time,
        extrinsics=extrinsics,
    )


def _ship_to(message: PunchOutOrderMessage, reasons: list[str]) -> DeliveryAddress | None:
    """The header's ShipTo as an address we can deliver to and name again in the
    OrderRequest; one without a PostalAddress names no place (the organisation's
    default applies), and a part too long or a country code that is not ISO 3166's
    is refused, saying which."""
    ship_to = message.header.ship_to
    if ship_to is None or ship_to.address.postal_address is None:
        return None
    found = address_of(ship_to.address)
    parts = {
        "Name": found.name,
        "DeliverTo": "\n".join(found.deliver_to),
        "Street": "\n".join(found.street),
        "City": found.city,
        "State": found.state,
        "PostalCode": found.postal_code,
        "Country": found.country,
    }
    for label, value in parts.items():
        if len(value) > ADDRESS_LIMITS[label]:
            reasons.append(
                f"ShipTo {label} has {len(value)} characters; at most {ADDRESS_LIMITS[label]}"
            )
    for label in ("Name", "Street", "City"):
        if not parts[label]:
            reasons.append(f"ShipTo {label} is empty")
    if _COUNTRY_CODE.fullmatch(found.country_code) is None:
        reasons.append(
            f"ShipTo Country isoCountryCode {found.country_code[:10]!r} is not an ISO 3166 "
            "two-letter code"
        )
    return found


def _delivery(message: PunchOutOrderMessage, reasons: list[str]) -> tuple[str, str]:
    """The Shipping's Description and the lines' PaymentMethod, within their columns."""
    shipping = message.header.shipping
    description = shipping.description.text.strip() if shipping is not None else ""
    if len(description) > SHIPPING_DESCRIPTION_LIMIT:
        reasons.append(
            f"Shipping Description has {len(description)} characters; "
            f"at most {SHIPPING_DESCRIPTION_LIMIT}"
        )
    payment = next(
        (found for item in message.items if (found := payment_method_of(item.extrinsics))), ""
    )
    if len(payment) > PAYMENT_METHOD_LIMIT:
        reasons.append(
            f"Extrinsic PaymentMethod has {len(payment)} characters; at most {PAYMENT_METHOD_LIMIT}"
        )
    return description, payment


def read_cart(message: PunchOutOrderMessage, max_lines: int) -> Cart:
    """The cart as requisition lines, or a 400 listing what is wrong with which line."""
    if not message.items:
        raise BadRequest("the cart (PunchOutOrderMessage) has no ItemIn lines")
    if len(message.items) > max_lines:
        raise PayloadTooLarge(f"the cart has {len(message.items)} lines; the limit is {max_lines}")
    header_money = message.header.total.money
    currency = header_money.currency
    reasons: list[str] = []
    lines = tuple(
        _line(number, item, currency, reasons) for number, item in enumerate(message.items, 1)
    )
    total = sum((line.total for line in lines), Decimal(0))
    # Policy: the supplier's Total is the sum of the lines, possibly with the header's
    # shipping and tax; anything else means the two sides disagree on the price.
    extras = sum(
        (part.money.amount for part in (message.header.shipping, message.header.tax) if part),
        Decimal(0),
    )
    for label, part in (("Tax", message.header.tax), ("Shipping", message.header.shipping)):
        if part is not None and part.money.amount < 0:
            reasons.append(f"{label} {part.money.amount} is negative")
    for label, part in (("Tax", message.header.tax), ("Shipping", message.header.shipping)):
        if part is not None and part.money.currency != currency:
            reasons.append(f"{label} currency {part.money.currency} differs from the cart's")
    if not reasons and header_money.amount not in (total, total + extras):
        reasons.append(
            f"Total {header_money.amount} {currency} does not equal the sum of the lines "
            f"{total} {currency}"
        )
    ship_to = _ship_to(message, reasons)
    shipping_description, payment_method = _delivery(message, reasons)
    if reasons:
        shown = "; ".join(reasons[:_MAX_REASONS])
        more = f" (and {len(reasons) - _MAX_REASONS} more)" if len(reasons) > _MAX_REASONS else ""
        raise BadRequest(f"cart refused: {shown}{more}")
    header = message.header
    allowed = header.operation_allowed.strip()
    return Cart(
        currency,
        lines,
        total,
        header_money.amount,
        tax=header.tax.money.amount if header.tax else None,
        shipping=header.shipping.money.amount if header.shipping else None,
        # A value the DTD does not list allows nothing more than an order (create).
        operation_allowed=allowed if allowed in OPERATIONS_ALLOWED else "create",
        ship_to=ship_to,
        shipping_description=shipping_description,
        payment_method=payment_method,
    )
