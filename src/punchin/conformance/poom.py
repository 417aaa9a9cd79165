"""Checks of a PunchOutOrderMessage, as the e-procurement side reads the cart (P5, P15).

Pure functions: the PoomUrl's bytes in, findings out. Beyond the DTD, they look at
what a requisition needs from every ItemIn (a part number, a positive quantity, a
price in the cart's currency, a description, a UN/CEFACT unit, a classification) and
at whether the header's Total is what the lines add up to.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from punchin.cxml import Document
from punchin.cxml.cart import UNIT_OF_MEASURE
from punchin.cxml.envelope import Message, Response
from punchin.cxml.punchout import ItemIn, PunchOutOrderMessage

from .answers import describe
from .findings import Finding, failed, info, passed, warned
from .reading import read_cxml

PAYLOAD_ID = "payloadID"
KIND = "PunchOutOrderMessage"
NO_SECRET = "No SharedSecret in the cart"  # noqa: S105 (a check name)
BUYER_COOKIE = "BuyerCookie"
CURRENCY = "Currency"
LINES = "Lines"
TOTAL = "Total"


def line_amount(item: ItemIn) -> Decimal:
    """Quantity times unit price, per the PriceBasisQuantity when there is one."""
    detail = item.item_detail
    basis = detail.price_basis_quantity.quantity if detail.price_basis_quantity else Decimal(1)
    amount = item.quantity * detail.unit_price.money.amount
    return amount / basis if basis > 0 else amount


def _item_problems(item: ItemIn, currency: str) -> list[str]:
    detail = item.item_detail
    problems = []
    if not item.item_id.supplier_part_id.strip():
        problems.append("SupplierPartID is empty")
    if item.quantity <= 0:
        problems.append(f"quantity {item.quantity} is not positive")
    money = detail.unit_price.money
    if money.amount < 0:
        problems.append(f"unit price {money.amount} is negative")
    if money.currency != currency:
        problems.append(f"currency {money.currency} differs from the Total's {currency}")
    if not any(d.text.strip() for d in detail.descriptions):
        problems.append("no Description text")
    if UNIT_OF_MEASURE.fullmatch(detail.unit_of_measure.strip()) is None:
        problems.append(f"UnitOfMeasure {detail.unit_of_measure[:20]!r} is not a UN/CEFACT code")
    if detail.price_basis_quantity is not None and detail.price_basis_quantity.quantity <= 0:
        problems.append("PriceBasisQuantity is not positive")
    return problems


def check_item(number: int, item: ItemIn, currency: str) -> Finding:
    """One line: its required parts, or what is missing or wrong."""
    check = f"ItemIn {number}"
    problems = _item_problems(item, currency)
    if problems:
        return failed(check, "; ".join(problems))
    detail = item.item_detail
    text = next(d.text.strip() for d in detail.descriptions if d.text.strip())
    money = detail.unit_price.money
    seen = (
        f"{item.quantity} {detail.unit_of_measure} {item.item_id.supplier_part_id} "
        f"{text[:60]!r} at {money.amount} {money.currency} = {line_amount(item)}"
    )
    if not any(c.domain.upper() == "UNSPSC" for c in detail.classifications):
        return warned(check, f"{seen}; no UNSPSC Classification for spend analysis")
    return passed(check, seen)


def check_total(cart: PunchOutOrderMessage) -> Finding:
    """The Total is the sum of the lines, or that plus the header's Tax and Shipping."""
    header = cart.header
    total = header.total.money
    lines = sum((line_amount(item) for item in cart.items), Decimal(0))
    extras = sum((p.money.amount for p in (header.tax, header.shipping) if p), Decimal(0))
    if total.amount == lines:
        return passed(TOTAL, f"{total.amount} {total.currency}, the sum of the lines")
    if extras and total.amount == lines + extras:
        return passed(
            TOTAL, f"{total.amount} {total.currency}: lines {lines} plus tax and shipping {extras}"
        )
    return warned(
        TOTAL,
        f"{total.amount} {total.currency} differs from the sum of the lines {lines}"
        + (f" (plus tax and shipping: {lines + extras})" if extras else ""),
    )


def _cart(document: Document) -> PunchOutOrderMessage | Finding:
    body = document.body
    if isinstance(body, Message) and isinstance(body.payload, PunchOutOrderMessage):
        return body.payload
    if isinstance(body, Response):
        return failed(KIND, f"a cXML Response instead: {describe(body.status)}")
    return failed(KIND, f"the document is a cXML {type(body).__name__} without one")


def check_cart(document: Document, expected_payload_id: str | None = None) -> list[Finding]:
    """Every check of a readable POOM document after the DTD."""
    cart = _cart(document)
    if isinstance(cart, Finding):
        return [cart]
    findings = [passed(KIND, "a cXML Message carrying the cart")]
    if expected_payload_id is None:
        findings.append(info(PAYLOAD_ID, document.payload_id))
    elif document.payload_id == expected_payload_id:
        findings.append(passed(PAYLOAD_ID, f"{document.payload_id}, the request's (P15)"))
    else:
        findings.append(
            failed(
                PAYLOAD_ID,
                f"{document.payload_id} differs from the request's {expected_payload_id} (P15)",
            )
        )
    sender = document.header.sender.credentials if document.header else ()
    if any(c.shared_secret is not None for c in sender):
        findings.append(
            failed(NO_SECRET, "the cart carries the SharedSecret; anyone with the PoomUrl reads it")
        )
    if cart.buyer_cookie.value.strip():
        findings.append(warned(BUYER_COOKIE, "not empty; in Punch-in it is always empty (P17)"))
    currency = cart.header.total.money.currency
    findings.append(info(CURRENCY, currency))
    if not cart.items:
        findings.append(failed(LINES, "no ItemIn: an empty cart makes no requisition"))
        return findings
    findings.append(info(LINES, f"{len(cart.items)} ItemIn"))
    findings.extend(check_item(n, item, currency) for n, item in enumerate(cart.items, 1))
    findings.append(check_total(cart))
    return findings


def check_poom(
    body: bytes,
    content_type: str | None,
    dtd_dir: Path | None,
    expected_payload_id: str | None = None,
) -> list[Finding]:
    """Findings for a PoomUrl's body: readable cXML, DTD-valid, and a sound cart."""
    reading = read_cxml(body, content_type, dtd_dir)
    if reading.document is None:
        return reading.findings
    return reading.findings + check_cart(reading.document, expected_payload_id)
