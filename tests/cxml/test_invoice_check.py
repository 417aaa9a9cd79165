"""An invoice's own arithmetic and the signs its purpose allows (punchin.cxml.invoice_check),
on documents built from the models and written as DTD-valid cXML."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest

from punchin.cxml import invoice_check, serialize
from punchin.cxml.common import DocumentReference, UnitPrice
from punchin.cxml.invoice import (
    DepositAmount,
    DueAmount,
    GrossAmount,
    InvoiceDetailDiscount,
    InvoiceDetailHeaderIndicator,
    InvoiceDetailHeaderOrder,
    InvoiceDetailOrderSummary,
    InvoiceDetailRequest,
    InvoiceIDInfo,
    InvoicePurpose,
    NetAmount,
    ShippingAmount,
    SpecialHandlingAmount,
    SubtotalAmount,
)
from punchin.cxml.validate import validate
from tests.cxml.builders import _from_supplier, invoice_detail_request, money, tax


def _summary(invoice: InvoiceDetailRequest, **amounts: str) -> InvoiceDetailRequest:
    """``invoice`` with summary amounts replaced (as strings, USD)."""
    kinds = {
        "subtotal_amount": SubtotalAmount,
        "special_handling_amount": SpecialHandlingAmount,
        "shipping_amount": ShippingAmount,
        "gross_amount": GrossAmount,
        "discount": InvoiceDetailDiscount,
        "net_amount": NetAmount,
        "deposit_amount": DepositAmount,
        "due_amount": DueAmount,
    }
    changes: dict[str, object] = {
        name: kinds[name](money=money(value)) for name, value in amounts.items() if name in kinds
    }
    if "tax" in amounts:
        changes["tax"] = tax(Decimal(amounts["tax"]))
    return replace(invoice, summary=replace(invoice.summary, **changes))


@pytest.fixture
def invoice() -> InvoiceDetailRequest:
    """The builders' invoice: 12.30 USD of lines, tax per line, gross = net = due."""
    found = invoice_detail_request()
    assert invoice_check.arithmetic(found) == ()
    assert invoice_check.refusals(found) == ()
    return found


def test_invoice_arithmetic_that_adds_up_has_no_problems(
    invoice: InvoiceDetailRequest, dtd_dir: Path
) -> None:
    t = invoice_check.totals(invoice)
    # 12.30 + 1.09 tax + 2.00 special handling + 4.95 shipping = 20.34; less 1.34
    # discount = 19.00 net; less 5.00 deposit = 14.00 due.
    full = _summary(
        invoice,
        special_handling_amount="2.00",
        shipping_amount="4.95",
        gross_amount=str(t.subtotal + t.tax + Decimal("6.95")),
        discount="1.34",
        net_amount=str(t.subtotal + t.tax + Decimal("5.61")),
        deposit_amount="5.00",
        due_amount=str(t.subtotal + t.tax + Decimal("0.61")),
    )
    assert validate(serialize(_from_supplier(full)), dtd_dir) == []
    assert invoice_check.arithmetic(full) == ()
    totals = invoice_check.totals(full)
    assert (totals.gross, totals.net, totals.due) == (
        Decimal("20.34"),
        Decimal("19.00"),
        Decimal("14.00"),
    )


def test_invoice_arithmetic_due_amount_that_does_not_add_up(
    invoice: InvoiceDetailRequest,
) -> None:
    wrong = _summary(invoice, due_amount="99999.00")
    assert invoice_check.arithmetic(wrong) == (
        "due amount 99,999.00 USD doesn't add up: net 13.39 USD less deposit 0.00 USD is 13.39 USD",
    )


def test_invoice_arithmetic_gross_net_and_subtotal_each_checked(
    invoice: InvoiceDetailRequest,
) -> None:
    wrong = _summary(invoice, subtotal_amount="20.00", gross_amount="30.00", net_amount="25.00")
    assert invoice_check.arithmetic(wrong) == (
        "subtotal 20.00 USD doesn't add up: the lines come to 12.30 USD",
        "gross amount 30.00 USD doesn't add up: subtotal 20.00 USD + tax 1.09 USD + special "
        "handling 0.00 USD + shipping 0.00 USD is 21.09 USD",
        "net amount 25.00 USD doesn't add up: gross 30.00 USD less discount 0.00 USD is 30.00 USD",
        "due amount 13.39 USD doesn't add up: net 25.00 USD less deposit 0.00 USD is 25.00 USD",
    )


def test_invoice_arithmetic_line_subtotal_and_line_tax(invoice: InvoiceDetailRequest) -> None:
    order = invoice.orders[0]
    first = replace(order.items[0], subtotal_amount=SubtotalAmount(money=money("9.10")))
    wrong = replace(invoice, orders=(replace(order, items=(first, *order.items[1:])),))
    assert invoice_check.arithmetic(wrong)[0] == (
        "invoice line 1: subtotal 9.10 USD doesn't add up: 2 x 4.50 is 9.00 USD"
    )
    taxed = _summary(invoice, tax="2.00", gross_amount="14.30", net_amount="14.30")
    assert invoice_check.arithmetic(taxed)[0].startswith(
        "tax 2.00 USD doesn't add up: the lines' tax comes to 1.09 USD"
    )


def test_invoice_arithmetic_a_difference_under_a_cent_is_rounding(
    invoice: InvoiceDetailRequest,
) -> None:
    t = invoice_check.totals(invoice)
    close = _summary(invoice, due_amount=str(t.due + Decimal("0.004")))
    assert invoice_check.arithmetic(close) == ()


def test_negative_quantities_and_prices_refused_unless_credit_memo(
    invoice: InvoiceDetailRequest,
) -> None:
    order = invoice.orders[0]
    first = replace(order.items[0], quantity=Decimal(-2))
    second = replace(order.items[1], unit_price=UnitPrice(money=money("-2.20")))
    negative = replace(invoice, orders=(replace(order, items=(first, second)),))
    refused = invoice_check.refusals(negative)
    assert refused[0].startswith("invoice line 1: quantity -2 is not positive")
    assert refused[1].startswith("invoice line 2: unit price -2.20 is negative")
    discount = _summary(invoice, discount="-1.00")
    assert "cannot be negative in a standard invoice" in invoice_check.refusals(discount)[0]


def _line_credit(invoice: InvoiceDetailRequest, quantity: str, price: str) -> InvoiceDetailRequest:
    """A lineLevelCreditMemo of one line of ``invoice``, naming it by payloadID."""
    order = invoice.orders[0]
    item = replace(
        order.items[0],
        quantity=Decimal(quantity),
        unit_price=UnitPrice(money=money(price)),
        subtotal_amount=None,
        tax=None,
        gross_amount=None,
        net_amount=None,
    )
    amount = str(Decimal(quantity) * Decimal(price))
    credit = replace(
        invoice,
        header=replace(
            invoice.header,
            invoice_id="CM-1",
            purpose=InvoicePurpose.LINE_LEVEL_CREDIT_MEMO,
            document_reference=DocumentReference(payload_id="1714999999.77.5@supplier.example"),
        ),
        orders=(replace(order, items=(item,)),),
    )
    return _summary(credit, subtotal_amount=amount, tax="0", gross_amount=amount, net_amount=amount,
                    due_amount=amount)  # fmt: skip


def test_credit_memo_line_level_credits_a_quantity_or_a_price(
    invoice: InvoiceDetailRequest, dtd_dir: Path
) -> None:
    for quantity, price in (("-1", "4.50"), ("2", "-0.25")):
        credit = _line_credit(invoice, quantity, price)
        assert validate(serialize(_from_supplier(credit)), dtd_dir) == []
        assert invoice_check.refusals(credit) == (), (quantity, price)
        assert invoice_check.arithmetic(credit) == ()


def test_credit_memo_that_bills_is_refused(invoice: InvoiceDetailRequest) -> None:
    both = invoice_check.refusals(_line_credit(invoice, "-1", "-4.50"))
    assert both[0].startswith("invoice line 1: both quantity and unit price are negative")
    positive = invoice_check.refusals(_line_credit(invoice, "1", "4.50"))
    assert positive[0].startswith("invoice line 1: a credit memo line credits")
    assert positive[1].startswith("DueAmount 4.50 USD must be negative in a credit memo")


def test_credit_memo_must_name_the_invoice_it_credits(invoice: InvoiceDetailRequest) -> None:
    credit = _line_credit(invoice, "-1", "4.50")
    unnamed = replace(credit, header=replace(credit.header, document_reference=None))
    assert invoice_check.refusals(unnamed) == (
        "a credit memo names the invoice it credits: DocumentReference with that invoice's "
        "payloadID, or InvoiceIDInfo with its invoiceID",
    )


def test_credit_memo_header_form(invoice: InvoiceDetailRequest, dtd_dir: Path) -> None:
    """purpose="creditMemo": isHeaderInvoice="yes", InvoiceDetailHeaderOrder, no lines."""
    header_order = InvoiceDetailHeaderOrder(
        order_info=invoice.orders[0].order_info,
        summary=InvoiceDetailOrderSummary(
            invoice_line_number=1, subtotal_amount=SubtotalAmount(money=money("-5.00"))
        ),
    )
    credit = _summary(
        replace(
            invoice,
            header=replace(
                invoice.header,
                invoice_id="CM-2",
                purpose=InvoicePurpose.CREDIT_MEMO,
                header_indicator=InvoiceDetailHeaderIndicator(is_header_invoice="yes"),
                line_indicator=replace(invoice.header.line_indicator, is_tax_in_line=None),
                invoice_id_info=InvoiceIDInfo(invoice_id="INV-2024-1007"),
            ),
            orders=(),
            header_orders=(header_order,),
        ),
        subtotal_amount="-5.00",
        tax="0",
        gross_amount="-5.00",
        net_amount="-5.00",
        due_amount="-5.00",
    )
    assert validate(serialize(_from_supplier(credit)), dtd_dir) == []
    assert invoice_check.refusals(credit) == ()
    assert invoice_check.arithmetic(credit) == ()
    as_lines = replace(credit, header_orders=(), orders=invoice.orders)
    assert invoice_check.refusals(as_lines)[0].startswith("a creditMemo is a header invoice")
    standard = replace(credit, header=replace(credit.header, purpose=InvoicePurpose.STANDARD))
    assert invoice_check.refusals(standard)[0].startswith("a standard invoice must carry its lines")


def test_debit_memos_and_deletions_are_refused_with_what_to_send(
    invoice: InvoiceDetailRequest,
) -> None:
    debit = replace(invoice, header=replace(invoice.header, purpose=InvoicePurpose.DEBIT_MEMO))
    assert invoice_check.refusals(debit)[0].startswith("purpose 'debitMemo' is not accepted")
    delete = replace(invoice, header=replace(invoice.header, operation="delete"))
    assert "send a credit memo" in invoice_check.refusals(delete)[0]
