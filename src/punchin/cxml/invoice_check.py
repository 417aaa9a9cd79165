"""What an InvoiceDetailRequest says about itself, before anyone compares it to an order.

Two judgements, both pure (docs/purchase-orders.md, "Invoice arithmetic" and "Credit
memos"):

- ``refusals``: what makes the document unusable, answered 400 with these words: a sign
  its purpose forbids (a standard invoice bills positive amounts, a credit memo
  negative ones), a form its purpose forbids, amounts in another currency;
- ``arithmetic``: each stated total that does not follow from the others (lines to
  subtotal, subtotal + tax + special handling + shipping to gross, gross - discount to
  net, net - deposit to due). The invoice is still recorded; each sentence goes to
  reconciliation.

A difference under one cent is rounding, not an error.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from punchin.cxml.common import Money
from punchin.cxml.invoice import InvoiceDetailItem, InvoiceDetailRequest, InvoicePurpose

CENT = Decimal("0.01")
CREDIT_MEMOS = frozenset({InvoicePurpose.CREDIT_MEMO, InvoicePurpose.LINE_LEVEL_CREDIT_MEMO})
# Summary elements that change how net follows from gross in ways not checked here.
_MODIFICATIONS = frozenset(
    {
        "InvoiceHeaderModifications",
        "InvoiceDetailSummaryLineItemModifications",
        "TotalCharges",
        "TotalAllowances",
    }
)


def amount(value: Decimal, currency: str) -> str:
    """``1,234.50 USD``: how every sentence here writes money."""
    return f"{value:,.2f} {currency}"


def _number(value: Decimal) -> str:
    return f"{value.normalize():f}"


@dataclass(frozen=True, slots=True)
class Totals:
    """The summary's amounts; absent optional ones are 0, except gross and due, which
    are computed from the others when absent (``gross_stated`` / ``due_stated``)."""

    currency: str
    subtotal: Decimal
    tax: Decimal
    special_handling: Decimal
    shipping: Decimal
    discount: Decimal
    gross: Decimal
    net: Decimal
    deposit: Decimal
    due: Decimal
    gross_stated: bool
    due_stated: bool

    @property
    def computed_gross(self) -> Decimal:
        return self.subtotal + self.tax + self.special_handling + self.shipping


def totals(request: InvoiceDetailRequest) -> Totals:
    summary = request.summary

    def of(money: Money | None) -> Decimal:
        return money.amount if money is not None else Decimal(0)

    subtotal = summary.subtotal_amount.money.amount
    tax = summary.tax.money.amount
    special = of(summary.special_handling_amount.money if summary.special_handling_amount else None)
    shipping = of(summary.shipping_amount.money if summary.shipping_amount else None)
    discount = of(summary.discount.money if summary.discount else None)
    computed = subtotal + tax + special + shipping
    gross = summary.gross_amount.money.amount if summary.gross_amount else computed
    net = summary.net_amount.money.amount
    deposit = of(summary.deposit_amount.money if summary.deposit_amount else None)
    due = summary.due_amount.money.amount if summary.due_amount else net - deposit
    return Totals(
        currency=summary.subtotal_amount.money.currency,
        subtotal=subtotal,
        tax=tax,
        special_handling=special,
        shipping=shipping,
        discount=discount,
        gross=gross,
        net=net,
        deposit=deposit,
        due=due,
        gross_stated=summary.gross_amount is not None,
        due_stated=summary.due_amount is not None,
    )


def line_amount(item: InvoiceDetailItem) -> Decimal:
    """Quantity times unit price, per PriceBasisQuantity where the line has one."""
    value = item.quantity * item.unit_price.money.amount
    basis = item.price_basis_quantity
    if basis is not None and basis.quantity:
        value = value * basis.conversion_factor / basis.quantity
    return value


def _items(request: InvoiceDetailRequest) -> Iterator[InvoiceDetailItem]:
    for order in request.orders:
        yield from order.items


def monies(request: InvoiceDetailRequest) -> Iterator[tuple[str, Money]]:
    """Every amount the invoice states, with where it is."""
    summary = request.summary
    named = (
        ("SubtotalAmount", summary.subtotal_amount),
        ("Tax", summary.tax),
        ("SpecialHandlingAmount", summary.special_handling_amount),
        ("ShippingAmount", summary.shipping_amount),
        ("GrossAmount", summary.gross_amount),
        ("InvoiceDetailDiscount", summary.discount),
        ("NetAmount", summary.net_amount),
        ("DepositAmount", summary.deposit_amount),
        ("DueAmount", summary.due_amount),
    )
    for name, element in named:
        if element is not None:
            yield f"InvoiceDetailSummary {name}", element.money
    for item in _items(request):
        where = f"invoice line {item.invoice_line_number}"
        yield f"{where} UnitPrice", item.unit_price.money
        for name, part in (
            ("SubtotalAmount", item.subtotal_amount),
            ("Tax", item.tax),
            ("GrossAmount", item.gross_amount),
            ("NetAmount", item.net_amount),
        ):
            if part is not None:
                yield f"{where} {name}", part.money
    for header in request.header_orders:
        yield "InvoiceDetailOrderSummary SubtotalAmount", header.summary.subtotal_amount.money


def refusals(request: InvoiceDetailRequest) -> tuple[str, ...]:
    """Why this invoice cannot be recorded at all, each saying what to send instead."""
    header = request.header
    purpose = header.purpose
    found: list[str] = []
    if header.operation != "new":
        found.append(
            f"operation {header.operation!r} is not accepted: to take back an invoice, send a "
            'credit memo (purpose="lineLevelCreditMemo") that names it'
        )
    if header.is_information_only == "yes":
        found.append(
            'isInformationOnly="yes" invoices are not recorded: send the invoice to be paid '
            "without it"
        )
    if purpose not in (
        InvoicePurpose.STANDARD,
        InvoicePurpose.CREDIT_MEMO,
        InvoicePurpose.LINE_LEVEL_CREDIT_MEMO,
    ):
        found.append(
            f'purpose {str(purpose)!r} is not accepted: send purpose="standard" for what is owed, '
            '"lineLevelCreditMemo" or "creditMemo" for what is credited'
        )
        return tuple(found)
    found.extend(_form(request))
    currency = request.summary.subtotal_amount.money.currency
    found.extend(
        f"{where} is in {money.currency}, the invoice in {currency}: one currency per invoice"
        for where, money in monies(request)
        if money.currency != currency
    )
    found.extend(_signs(request))
    return tuple(found)


def _form(request: InvoiceDetailRequest) -> Iterator[str]:
    header = request.header
    is_header = header.header_indicator.is_header_invoice == "yes"
    if header.purpose == InvoicePurpose.CREDIT_MEMO:
        if not is_header or not request.header_orders or request.orders:
            yield (
                'a creditMemo is a header invoice: isHeaderInvoice="yes" with '
                "InvoiceDetailHeaderOrder, no lines; to credit lines send purpose="
                '"lineLevelCreditMemo"'
            )
    elif is_header or request.header_orders:
        yield (
            f"a {header.purpose} invoice must carry its lines (InvoiceDetailOrder with "
            "InvoiceDetailItem, no isHeaderInvoice): invoices are matched line by line"
        )
    elif not request.orders:
        yield "InvoiceDetailOrder is missing: invoice lines of our purchase orders"
    named = header.document_reference is not None or header.invoice_id_info is not None
    if header.purpose in CREDIT_MEMOS and not named:
        yield (
            "a credit memo names the invoice it credits: DocumentReference with that "
            "invoice's payloadID, or InvoiceIDInfo with its invoiceID"
        )


def _signs(request: InvoiceDetailRequest) -> Iterator[str]:
    purpose = request.header.purpose
    t = totals(request)
    credit = purpose in CREDIT_MEMOS
    for item in _items(request):
        where = f"invoice line {item.invoice_line_number}"
        quantity, price = item.quantity, item.unit_price.money.amount
        if not credit:
            if quantity <= 0:
                yield (
                    f"{where}: quantity {_number(quantity)} is not positive; a standard "
                    'invoice bills what was delivered, a credit memo (purpose="lineLevel'
                    'CreditMemo") credits it'
                )
            if price < 0:
                yield (
                    f"{where}: unit price {price:f} is negative; credit a price "
                    'with a credit memo (purpose="lineLevelCreditMemo")'
                )
        elif quantity < 0 and price < 0:
            yield (
                f"{where}: both quantity and unit price are negative, which bills; credit "
                "a quantity (negative quantity, the unit price as ordered) or a price "
                "(the quantity, a negative unit price)"
            )
        elif line_amount(item) >= 0:
            yield (
                f"{where}: a credit memo line credits: a negative quantity at the unit "
                "price, or the quantity at a negative unit price"
            )
    if credit:
        for header in request.header_orders:
            if header.summary.subtotal_amount.money.amount >= 0:
                yield "InvoiceDetailOrderSummary SubtotalAmount must be negative in a creditMemo"
        if t.due >= 0:
            yield (
                f"DueAmount {amount(t.due, t.currency)} must be negative in a credit memo "
                "(it is what the supplier gives back)"
            )
        positive = [
            name
            for name, value in (
                ("Tax", t.tax),
                ("SpecialHandlingAmount", t.special_handling),
                ("ShippingAmount", t.shipping),
            )
            if value > 0
        ]
        if positive:
            yield f"{', '.join(positive)} must be zero or negative in a credit memo"
        return
    negative = [
        name
        for name, value in (
            ("SubtotalAmount", t.subtotal),
            ("Tax", t.tax),
            ("SpecialHandlingAmount", t.special_handling),
            ("ShippingAmount", t.shipping),
            ("InvoiceDetailDiscount", t.discount),
            ("DepositAmount", t.deposit),
        )
        if value < 0
    ]
    if negative:
        yield (
            f"{', '.join(negative)} cannot be negative in a standard invoice: a discount is "
            "InvoiceDetailDiscount (a positive amount), a credit is a credit memo"
        )


def _differs(stated: Decimal, computed: Decimal) -> bool:
    return abs(stated - computed) >= CENT


def _cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _line_problems(items: Iterable[InvoiceDetailItem], currency: str) -> Iterator[str]:
    for item in items:
        if item.subtotal_amount is None:
            continue
        stated, computed = item.subtotal_amount.money.amount, line_amount(item)
        if _differs(stated, computed):
            yield (
                f"invoice line {item.invoice_line_number}: subtotal "
                f"{amount(stated, currency)} doesn't add up: {_number(item.quantity)} x "
                f"{item.unit_price.money.amount:f} is {amount(computed, currency)}"
            )


def arithmetic(request: InvoiceDetailRequest) -> tuple[str, ...]:
    """Each stated total that does not follow from the others, in words."""
    t = totals(request)
    c = t.currency
    items = list(_items(request))
    found = list(_line_problems(items, c))
    if request.header_orders:
        lines = sum(
            (h.summary.subtotal_amount.money.amount for h in request.header_orders), Decimal(0)
        )
    else:
        lines = sum(
            (
                i.subtotal_amount.money.amount if i.subtotal_amount else _cents(line_amount(i))
                for i in items
            ),
            Decimal(0),
        )
    if _differs(t.subtotal, lines):
        found.append(
            f"subtotal {amount(t.subtotal, c)} doesn't add up: the lines come to {amount(lines, c)}"
        )
    taxed = [i.tax.money.amount for i in items if i.tax is not None]
    if taxed and _differs(t.tax, sum(taxed, Decimal(0))):
        found.append(
            f"tax {amount(t.tax, c)} doesn't add up: the lines' tax comes to "
            f"{amount(sum(taxed, Decimal(0)), c)}"
        )
    if t.gross_stated and _differs(t.gross, t.computed_gross):
        found.append(
            f"gross amount {amount(t.gross, c)} doesn't add up: subtotal {amount(t.subtotal, c)}"
            f" + tax {amount(t.tax, c)} + special handling {amount(t.special_handling, c)} + "
            f"shipping {amount(t.shipping, c)} is {amount(t.computed_gross, c)}"
        )
    modified = any(raw.tag in _MODIFICATIONS for raw in request.summary.extras)
    if not modified and _differs(t.net, t.gross - t.discount):
        found.append(
            f"net amount {amount(t.net, c)} doesn't add up: gross {amount(t.gross, c)} less "
            f"discount {amount(t.discount, c)} is {amount(t.gross - t.discount, c)}"
        )
    if t.due_stated and _differs(t.due, t.net - t.deposit):
        found.append(
            f"due amount {amount(t.due, c)} doesn't add up: net {amount(t.net, c)} less "
            f"deposit {amount(t.deposit, c)} is {amount(t.net - t.deposit, c)}"
        )
    return tuple(found)
