"""From a PunchOutOrderMessage to requisition lines, refusing cart garbage line by line.

The cXML codecs already refuse numbers that are not plain decimals (comma, exponent,
NaN: docs/security.md row 17) or too large or too fine for any column (``DECIMAL_BOUND``,
row 24); this module checks what the DTD cannot say: positive
quantities, one currency, a plausible unit of measure, a part number, and a Total
that matches the lines. Money stays ``Decimal`` throughout.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from punchin.cxml.cart import UNIT_OF_MEASURE
from punchin.cxml.errors import BadRequest, PayloadTooLarge
from punchin.cxml.punchout import ItemIn, PunchOutOrderMessage

_MAX_REASONS = 10
# operationAllowed names the highest later operation: create < inspect < edit.
OPERATIONS_ALLOWED = ("create", "inspect", "edit")


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
    if not reasons and header_money.amount not in (total, total + extras):
        reasons.append(
            f"Total {header_money.amount} {currency} does not equal the sum of the lines "
            f"{total} {currency}"
        )
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
    )
