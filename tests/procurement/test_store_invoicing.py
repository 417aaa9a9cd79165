"""The store's invoices and credit memos as the storefront builds them
(``punchin.cxml.fulfilment``), posted over real HTTP to /cxml/invoice: the PO's delivery
charge is matched as the PO's shipping, and a credit memo is linked to the invoice it
names and taken off spend."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.test import Client

from punchin.cxml import fulfilment, serialize
from punchin.cxml.build import Parties
from punchin.cxml.envelope import Document
from punchin.procurement.orders.match import MATCHED, MISMATCH, match_order
from punchin.procurement.orders.models import Invoice, PurchaseOrder, Purpose
from punchin.procurement.orders.receiving import record
from punchin.procurement.spend.services import spend
from punchin.web import demo
from punchin.web.testing import LiveASGIServer
from tests.procurement import flow
from tests.procurement.conftest import basic, post
from tests.procurement.test_fulfilment import receive, status_of
from tests.procurement.test_match import confirmed, reconciliation_rows

D = Decimal
STORE = Parties(
    domain=demo.CREDENTIAL_DOMAIN,
    from_identity=demo.STORE_IDENTITY,
    to_identity=demo.PROCUREMENT_IDENTITY,
    sender_identity=demo.STORE_IDENTITY,
    shared_secret=demo.SHARED_SECRET,
    user_agent=f"{demo.STORE_NAME} PunchIn 1.0",
)


@pytest.fixture
def server(transactional_db: None) -> Iterator[LiveASGIServer]:
    call_command("seed_demo", storefront_url="http://127.0.0.1:8001")
    from punchin.procurement.asgi import application

    with LiveASGIServer(application) as live:
        yield live


def sent(server: LiveASGIServer, document: Document) -> tuple[int, str]:
    answer = post(server.url + "/cxml/invoice", serialize(document), authorization=basic())
    return status_of(answer)


def ref(order: PurchaseOrder) -> fulfilment.OrderRef:
    return fulfilment.OrderRef(order.number, order.order_date, order.payload_id, order.currency)


def lines(order: PurchaseOrder, quantities: dict[int, str]) -> list[fulfilment.InvoicedLine]:
    found = []
    for po_line in order.lines.filter(line_number__in=quantities):
        line = fulfilment.LineRef(
            po_line.line_number,
            po_line.supplier_part_id,
            po_line.supplier_part_auxiliary_id,
            po_line.description,
            po_line.unit_of_measure,
        )
        found.append(
            fulfilment.InvoicedLine(line, D(quantities[po_line.line_number]), po_line.unit_price)
        )
    return found


def store_invoice(
    order: PurchaseOrder, number: str, *, tax: str = "1.09", shipping: str
) -> Document:
    """The whole order (2 BX at 4.50, 1.5 MTR at 2.20: 12.30) as the store invoices it."""
    billed = lines(order, {1: "2", 2: "1.5"})
    subtotal = sum((b.amount for b in billed), D(0))
    totals = fulfilment.InvoiceTotals(subtotal, D("8.862"), D(tax), D(shipping))
    return fulfilment.invoice_detail_request(STORE, ref(order), number, billed, totals)


def test_the_stores_invoice_of_the_pos_delivery_charge_is_matched(
    server: LiveASGIServer, client: Client
) -> None:
    """PO: 12.30 of lines, 1.09 tax, 4.95 delivery (the cart's Shipping); the store's
    invoice of the same is matched once the goods are received."""
    order = confirmed(server)
    assert (order.tax, order.shipping) == (flow.TAX, flow.SHIPPING)
    receive(order, {1: "2", 2: "1.5"})
    assert sent(server, store_invoice(order, "INV-1", shipping="4.95")) == (
        200,
        "invoice INV-1 recorded",
    )
    recorded = Invoice.objects.get()
    assert (recorded.shipping, recorded.due, recorded.problems) == (
        D("4.95"),
        D("18.34"),
        [],
    )
    assert match_order(order).status == MATCHED
    assert reconciliation_rows(client) == []


def test_the_stores_delivery_charge_beyond_the_pos_goes_to_reconciliation(
    server: LiveASGIServer, client: Client
) -> None:
    order = confirmed(server)
    receive(order, {1: "2", 2: "1.5"})
    code, detail = sent(server, store_invoice(order, "INV-1", shipping="9.95"))
    assert code == 200
    assert "held for reconciliation" in detail
    assert match_order(order).status == MISMATCH
    assert reconciliation_rows(client) == [
        (
            order.number,
            "order",
            "shipping invoiced 9.95 USD is beyond the PO's 4.95 USD (tolerance 0.01 USD)",
        )
    ]


def _invoiced_spend() -> Decimal:
    (figure,) = spend(PurchaseOrder.objects.all()).of("supplier")
    return figure.invoiced


def test_the_stores_credit_memos_are_linked_to_their_invoice_and_taken_off_spend(
    server: LiveASGIServer, client: Client
) -> None:
    order = confirmed(server)
    receive(order, {1: "2", 2: "1.5"})
    invoice = store_invoice(order, "INV-1", shipping="4.95")
    assert sent(server, invoice)[0] == 200
    assert _invoiced_spend() == D("12.30")
    credited = fulfilment.CreditedInvoice("INV-1", invoice.payload_id)
    assert order.requester is not None  # half a metre of cable goes back
    record(order, {2: D("-0.5")}, by=order.requester, reasons={2: "cut short"})
    back = lines(order, {2: "0.5"})
    memo = fulfilment.credit_memo_request(
        STORE,
        ref(order),
        "CM-1",
        credited,
        "Cable cut short",
        lines=back,
        totals=fulfilment.InvoiceTotals(D("-1.10"), D(0), D(0), D(0)),
    )
    assert sent(server, memo) == (200, "credit memo CM-1 recorded")
    goodwill = fulfilment.credit_memo_request(
        STORE,
        ref(order),
        "CM-2",
        credited,
        "Late delivery",
        totals=fulfilment.InvoiceTotals(D("-2.00"), D(0), D(0), D(0)),
    )
    assert sent(server, goodwill) == (200, "credit memo CM-2 recorded")

    by_id = {i.invoice_id: i for i in Invoice.objects.select_related("credits")}
    assert (by_id["CM-1"].purpose, by_id["CM-1"].credits, by_id["CM-1"].due) == (
        Purpose.LINE_LEVEL_CREDIT_MEMO,
        by_id["INV-1"],
        D("-1.10"),
    )
    assert (by_id["CM-2"].purpose, by_id["CM-2"].credits, by_id["CM-2"].due) == (
        Purpose.CREDIT_MEMO,
        by_id["INV-1"],
        D("-2.00"),
    )
    assert match_order(order).mismatches == ()
    assert match_order(order).findings == ()
    assert _invoiced_spend() == D("12.30") - D("1.10") - D("2.00")
    # The 2.00 is spread over INV-1's lines pro rata: pens 9.00 of 12.30, cable 3.30.
    segments = {f.label: f.invoiced for f in spend(PurchaseOrder.objects.all()).of("segment")}
    assert segments == {"44": D("9.00") - D("1.4634"), "26": D("3.30") - D("1.10") - D("0.5366")}
