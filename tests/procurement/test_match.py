"""The three-way match's rules, one test each: goods receipt (partial, over, returns), the
organisation's tolerances, the invoice's own arithmetic, tax and shipping beyond the PO,
credit memos. Inbound documents are posted over real HTTP to /cxml/invoice
(LiveASGIServer); receipts go through the page or ``receiving.record``."""

from __future__ import annotations

import html
from collections.abc import Callable, Iterator
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from punchin.cxml.common import DocumentReference, UnitPrice
from punchin.cxml.invoice import (
    DepositAmount,
    DueAmount,
    GrossAmount,
    InvoiceDetailDiscount,
    InvoiceDetailHeaderIndicator,
    InvoiceDetailHeaderOrder,
    InvoiceDetailItem,
    InvoiceDetailItemReference,
    InvoiceDetailLineIndicator,
    InvoiceDetailOrder,
    InvoiceDetailOrderInfo,
    InvoiceDetailOrderSummary,
    InvoiceDetailRequest,
    InvoiceDetailRequestHeader,
    InvoiceDetailSummary,
    InvoiceIDInfo,
    InvoicePurpose,
    NetAmount,
    ShippingAmount,
    SpecialHandlingAmount,
    SubtotalAmount,
)
from punchin.cxml.payload_id import now
from punchin.procurement.accounts.models import Membership
from punchin.procurement.orders import services
from punchin.procurement.orders.match import MATCHED, MISMATCH, OPEN, Tolerance, match_order
from punchin.procurement.orders.models import (
    Invoice,
    MatchTolerance,
    PurchaseOrder,
    Purpose,
    Receipt,
    State,
)
from punchin.procurement.orders.receiving import record
from punchin.procurement.requisitions.cart import CartLine
from punchin.web import demo
from punchin.web.statemachine import InvalidTransition
from punchin.web.testing import LiveASGIServer
from tests.cxml.builders import money, tax
from tests.procurement import flow
from tests.procurement.test_fulfilment import (
    confirmation,
    receive,
    reference,
    send,
    ship_notice,
    status_of,
)
from tests.signin import login

Line = tuple[int, str, str]  # PO line number, quantity, unit price


@pytest.fixture
def server(transactional_db: None) -> Iterator[LiveASGIServer]:
    call_command("seed_demo", storefront_url="http://127.0.0.1:8001")
    from punchin.procurement.asgi import application

    with LiveASGIServer(application) as live:
        yield live


def _uom(order: PurchaseOrder, number: int) -> str:
    return order.lines.get(line_number=number).unit_of_measure


def bill(
    order: PurchaseOrder,
    lines: tuple[Line, ...],
    *,
    number: str = "INV-1",
    purpose: str = InvoicePurpose.STANDARD,
    tax_amount: str = "0",
    shipping: str | None = None,
    special: str | None = None,
    discount: str | None = None,
    deposit: str | None = None,
    due: str | None = None,
    credits: str | None = None,
) -> InvoiceDetailRequest:
    """An invoice (or lineLevelCreditMemo) of ``lines`` whose amounts add up unless one
    is given otherwise; ``credits``: the payloadID of the invoice credited."""
    subtotal = sum((Decimal(q) * Decimal(p) for _, q, p in lines), Decimal(0))
    charges = sum((Decimal(x) for x in (shipping, special) if x), Decimal(0))
    gross = subtotal + Decimal(tax_amount) + charges
    net = gross - Decimal(discount or 0)
    return InvoiceDetailRequest(
        header=InvoiceDetailRequestHeader(
            invoice_id=number,
            invoice_date=now(),
            purpose=purpose,
            header_indicator=InvoiceDetailHeaderIndicator(),
            line_indicator=InvoiceDetailLineIndicator(),
            document_reference=DocumentReference(payload_id=credits) if credits else None,
        ),
        orders=(
            InvoiceDetailOrder(
                order_info=InvoiceDetailOrderInfo(order_reference=reference(order)),
                items=tuple(
                    InvoiceDetailItem(
                        invoice_line_number=i,
                        quantity=Decimal(q),
                        unit_of_measure=_uom(order, n),
                        unit_price=UnitPrice(money=money(p)),
                        item_reference=InvoiceDetailItemReference(line_number=n),
                    )
                    for i, (n, q, p) in enumerate(lines, start=1)
                ),
            ),
        ),
        summary=InvoiceDetailSummary(
            subtotal_amount=SubtotalAmount(money=money(subtotal)),
            tax=tax(Decimal(tax_amount)),
            special_handling_amount=SpecialHandlingAmount(money=money(special))
            if special
            else None,
            shipping_amount=ShippingAmount(money=money(shipping)) if shipping else None,
            gross_amount=GrossAmount(money=money(gross)),
            discount=InvoiceDetailDiscount(money=money(discount)) if discount else None,
            net_amount=NetAmount(money=money(net)),
            deposit_amount=DepositAmount(money=money(deposit)) if deposit else None,
            due_amount=DueAmount(money=money(due or net - Decimal(deposit or 0))),
        ),
    )


def header_credit(order: PurchaseOrder, amount: str, *, invoice_id: str) -> InvoiceDetailRequest:
    """A creditMemo in its header form, naming the invoice by InvoiceIDInfo."""
    credit = money(amount)
    return InvoiceDetailRequest(
        header=InvoiceDetailRequestHeader(
            invoice_id="CM-H1",
            invoice_date=now(),
            purpose=InvoicePurpose.CREDIT_MEMO,
            header_indicator=InvoiceDetailHeaderIndicator(is_header_invoice="yes"),
            line_indicator=InvoiceDetailLineIndicator(),
            invoice_id_info=InvoiceIDInfo(invoice_id=invoice_id),
        ),
        header_orders=(
            InvoiceDetailHeaderOrder(
                order_info=InvoiceDetailOrderInfo(order_reference=reference(order)),
                summary=InvoiceDetailOrderSummary(
                    invoice_line_number=1, subtotal_amount=SubtotalAmount(money=credit)
                ),
            ),
        ),
        summary=InvoiceDetailSummary(
            subtotal_amount=SubtotalAmount(money=credit),
            tax=tax(Decimal(0)),
            gross_amount=GrossAmount(money=credit),
            net_amount=NetAmount(money=credit),
            due_amount=DueAmount(money=credit),
        ),
    )


def confirmed(
    server: LiveASGIServer,
    lines: tuple[CartLine, ...] = flow.SMALL,
    payload_id: str = "1700000000.1.1@store.test",
) -> PurchaseOrder:
    """An approved PO the supplier confirmed as ordered (over HTTP)."""
    order = flow.approved(lines, payload_id=payload_id)
    assert status_of(send(server, confirmation(order))[0])[0] == 200
    order.refresh_from_db()
    return order


def reconciliation_rows(client: Client) -> list[tuple[str, str, str]]:
    """(PO, where, reason) of every row on the reconciliation page (finance's)."""
    login(client, demo.FINANCE, demo.PASSWORD)
    page = client.get(reverse("orders:reconciliation")).content.decode()
    rows = []
    for row in page.split('<tr data-order="')[1:]:
        cells = [c.split(">", 1)[1].split("</td>", 1)[0] for c in row.split("<td")[1:]]
        where, reason = (
            cell.removeprefix('<div class="cell">').removesuffix("</div>") for cell in cells[2:4]
        )
        where = where.split(" <code>")[0]
        rows.append((row.split('"', 1)[0], html.unescape(where), html.unescape(reason)))
    return rows


# --- invoice arithmetic ----------------------------------------------------------------


def test_invoice_arithmetic_due_amount_that_does_not_add_up_goes_to_reconciliation(
    server: LiveASGIServer, client: Client, assert_valid: Callable[[bytes], None]
) -> None:
    """1 x 7.00 with DueAmount 99,999.00: recorded, held, never "matched"."""
    order = confirmed(server, (flow.line(1, "STAPLER", "1", "7.00"),))
    receive(order, {1: "1"})
    answer, _ = send(server, bill(order, ((1, "1", "7.00"),), due="99999.00"))
    assert_valid(answer.body)
    code, detail = status_of(answer)
    reason = (
        "due amount 99,999.00 USD doesn't add up: net 7.00 USD less deposit 0.00 USD is 7.00 USD"
    )
    assert (code, detail) == (
        200,
        f"invoice INV-1 recorded; held for reconciliation: invoice INV-1: {reason}",
    )
    assert match_order(order).status == MISMATCH
    assert reconciliation_rows(client) == [(order.number, "invoice INV-1", reason)]
    order.refresh_from_db()
    with pytest.raises(InvalidTransition, match="held for reconciliation"):
        services.mark_paid(order, flow.user(demo.PROCUREMENT_ADMIN))


def test_invoice_arithmetic_discount_and_deposit_that_add_up_match(
    server: LiveASGIServer,
) -> None:
    order = confirmed(server)
    receive(order, {1: "2", 2: "1.5"})
    lines = ((1, "2", "4.50"), (2, "1.5", "2.20"))
    # 12.30 + 1.09 tax + 4.95 shipping = 18.34 gross, less 0.34 discount = 18.00 net,
    # less 8.00 deposit = 10.00 due.
    invoice = bill(
        order, lines, tax_amount="1.09", shipping="4.95", discount="0.34", deposit="8.00"
    )
    assert status_of(send(server, invoice)[0]) == (200, "invoice INV-1 recorded")
    stored = Invoice.objects.get(order=order)
    assert (stored.gross, stored.net, stored.due, stored.problems) == (
        Decimal("18.34"),
        Decimal("18.00"),
        Decimal("10.00"),
        [],
    )
    assert match_order(order).status == MATCHED
    order.refresh_from_db()
    assert order.state == State.INVOICED


# --- tax and shipping beyond the PO -----------------------------------------------------


def test_tax_and_shipping_beyond_the_po_go_to_reconciliation(
    server: LiveASGIServer, client: Client
) -> None:
    """A PO of 282.87 (276.83 + 1.09 tax + 4.95 shipping) invoiced 316.16: the lines
    match, the 24.38 tax and 14.95 shipping do not."""
    order = confirmed(server, (flow.line(1, "CHAIR", "1", "276.83"),))
    assert order.total == Decimal("282.87")
    receive(order, {1: "1"})
    invoice = bill(order, ((1, "1", "276.83"),), tax_amount="24.38", shipping="14.95")
    answer, _ = send(server, invoice)
    assert "held for reconciliation" in status_of(answer)[1]
    assert Invoice.objects.get(order=order).due == Decimal("316.16")
    assert reconciliation_rows(client) == [
        (
            order.number,
            "order",
            "tax invoiced 24.38 USD is beyond the PO's 1.09 USD (tolerance 0.01 USD)",
        ),
        (
            order.number,
            "order",
            "shipping invoiced 14.95 USD is beyond the PO's 4.95 USD (tolerance 0.01 USD)",
        ),
    ]
    result = match_order(order)
    assert [m.status for m in result.lines] == [MATCHED]
    assert result.status == MISMATCH
    # The organisation allows more: within tolerance, the same invoice is matched.
    MatchTolerance.objects.create(
        organisation=order.organisation,
        tax_amount=Decimal("25.00"),
        shipping_percent=Decimal(250),
    )
    assert match_order(order).status == MATCHED
    assert reconciliation_rows(client) == []


def test_special_handling_the_po_does_not_have_goes_to_reconciliation(
    server: LiveASGIServer,
) -> None:
    order = confirmed(server)
    receive(order, {1: "2", 2: "1.5"})
    lines = ((1, "2", "4.50"), (2, "1.5", "2.20"))
    send(server, bill(order, lines, tax_amount="1.09", shipping="4.95", special="7.50"))
    findings = match_order(order).findings
    assert [(f.where, f.reason) for f in findings] == [
        (
            "order",
            "special handling invoiced 7.50 USD on a PO that carries none (tolerance 0.01 "
            "USD: a percentage of no special handling allows none, only the shipping amount "
            "tolerance does)",
        )
    ]


def test_tax_on_a_po_without_tax_is_allowed_by_the_absolute_tax_tolerance_alone(
    server: LiveASGIServer,
) -> None:
    order = confirmed(server)
    PurchaseOrder.objects.filter(pk=order.pk).update(tax=None)
    receive(order, {1: "2", 2: "1.5"})
    lines = ((1, "2", "4.50"), (2, "1.5", "2.20"))
    send(server, bill(order, lines, tax_amount="1.09", shipping="4.95"))
    # 50 % of no tax is none: the percentage allows nothing, and the reason says what does.
    tolerance = MatchTolerance.objects.create(
        organisation=order.organisation, tax_percent=Decimal(50)
    )
    assert [f.reason for f in match_order(order).findings] == [
        "tax invoiced 1.09 USD on a PO that carries none (tolerance 0.01 USD: a percentage "
        "of no tax allows none, only the tax amount tolerance does)"
    ]
    tolerance.tax_amount = Decimal("1.09")
    tolerance.save()
    assert match_order(order).findings == ()
    assert match_order(order).status == MATCHED


# --- tolerances -------------------------------------------------------------------------


def test_tolerances_are_the_larger_of_percent_and_absolute() -> None:
    tolerance = Tolerance(
        quantity_percent=Decimal(10),
        quantity_amount=Decimal("0.5"),
        price_percent=Decimal(2),
        price_amount=Decimal("0.05"),
        tax_percent=Decimal(5),
        tax_amount=Decimal("0.10"),
        shipping_percent=Decimal(0),
        shipping_amount=Decimal(1),
    )
    assert tolerance.quantity_ok(Decimal("10.9"), Decimal(10))  # 10 %
    assert not tolerance.quantity_ok(Decimal("11.1"), Decimal(10))
    assert tolerance.quantity_ok(Decimal("2.5"), Decimal(2))  # 0.5 absolute beats 10 %
    assert tolerance.price_ok(Decimal("4.55"), Decimal("4.50"))  # 0.05 absolute
    assert not tolerance.price_ok(Decimal("4.60"), Decimal("4.50"))  # 2 % is 0.09
    assert tolerance.price_ok(Decimal("102.00"), Decimal("100.00"))  # 2 %
    assert tolerance.tax_allowed(Decimal("10.00")) == Decimal("0.50")
    assert tolerance.tax_allowed(Decimal("1.00")) == Decimal("0.10")
    assert tolerance.shipping_allowed(Decimal("500")) == Decimal(1)


def test_tolerances_per_organisation_price_and_quantity(server: LiveASGIServer) -> None:
    order = confirmed(server)
    receive(order, {1: "2", 2: "1.5"})
    # 4.60 is 2.2 % above 4.50: beyond the default 1 %; 1.6 MTR invoiced of 1.5 received.
    send(server, bill(order, ((1, "2", "4.60"), (2, "1.6", "2.20"))))
    reasons = [r for m in match_order(order).mismatches for r in m.reasons]
    assert reasons == [
        "invoiced unit price 4.60 but agreed 4.50 USD",
        "invoiced 1.6 but received 1.5",
    ]
    MatchTolerance.objects.create(
        organisation=order.organisation,
        price_percent=Decimal(3),
        quantity_amount=Decimal("0.1"),
    )
    assert match_order(order).status == MATCHED


# --- goods receipt ----------------------------------------------------------------------


def test_partial_receipts_then_the_rest(server: LiveASGIServer, client: Client) -> None:
    order = confirmed(server)
    send(server, ship_notice(order, "SHIP-1", {1: "2", 2: "1.5"}))
    login(client, demo.PUNCHIN_BUYER, demo.PASSWORD)
    url = reverse("orders:receive", args=[order.number])
    page = client.get(url).content.decode()
    assert 'id="receive-all-shipped"' in page
    assert " autofocus" in page
    assert client.post(url, {"received-1": "1", "note": "DN 4711"}).status_code == 302
    order.refresh_from_db()
    assert order.state == State.PARTIALLY_RECEIVED
    assert [m.status for m in match_order(order).lines] == [OPEN, OPEN]
    assert client.post(url, {"all": "shipped"}).status_code == 302
    order.refresh_from_db()
    assert order.state == State.RECEIVED
    assert [(m.received, m.status) for m in match_order(order).lines] == [
        (Decimal(2), OPEN),
        (Decimal("1.5"), OPEN),
    ]
    detail = client.get(reverse("orders:detail", args=[order.number])).content.decode()
    assert "DN 4711" in detail
    assert [h.to_state for h in order.history.all()] == [
        State.CONFIRMED,
        State.PARTIALLY_RECEIVED,
        State.RECEIVED,
    ]


def test_over_receipt_is_refused_beyond_tolerance(server: LiveASGIServer, client: Client) -> None:
    order = confirmed(server)
    login(client, demo.PUNCHIN_BUYER, demo.PASSWORD)
    url = reverse("orders:receive", args=[order.number])
    refused = client.post(url, {"received-1": "3"})
    assert refused.status_code == 400
    assert (
        "Line 1: 3 more would make 3 received of 2 agreed; record at most 2 and refuse or "
        "return the extra units." in refused.content.decode()
    )
    assert not Receipt.objects.filter(order=order).exists()
    # Within the organisation's quantity tolerance, the extra unit is accepted.
    MatchTolerance.objects.create(organisation=order.organisation, quantity_amount=Decimal(1))
    receive(order, {1: "3", 2: "1.5"})
    order.refresh_from_db()
    assert order.state == State.RECEIVED


def test_returns_need_a_reason_and_cannot_exceed_what_was_received(
    server: LiveASGIServer, client: Client
) -> None:
    order = confirmed(server)
    receive(order, {1: "2", 2: "1.5"})
    login(client, demo.PUNCHIN_BUYER, demo.PASSWORD)
    url = reverse("orders:receive", args=[order.number])
    page = client.post(url, {"received-1": "-1"}).content.decode()
    assert "Line 1: say why the goods go back." in page
    page = client.post(url, {"received-1": "-3", "reason-1": "wrong colour"}).content.decode()
    assert "Line 1: 3 cannot go back, only 2 received." in page
    client.post(url, {"received-1": "-1", "reason-1": "box crushed"})
    order.refresh_from_db()
    assert order.state == State.PARTIALLY_RECEIVED
    assert order.events.filter(kind="returned", text__contains="box crushed").exists()
    assert match_order(order).lines[0].received == 1


def test_invoiced_quantity_is_matched_against_received_not_shipped(
    server: LiveASGIServer, client: Client
) -> None:
    """The ship notice says 2 boxes; 1 arrived. An invoice of 2 is held until the
    second box is received."""
    order = confirmed(server)
    send(server, ship_notice(order, "SHIP-1", {1: "2", 2: "1.5"}))
    receive(order, {1: "1", 2: "1.5"})
    send(server, bill(order, ((1, "2", "4.50"), (2, "1.5", "2.20"))))
    assert reconciliation_rows(client) == [(order.number, "line 1", "invoiced 2 but received 1")]
    receive(order, {1: "1"})
    assert match_order(order).status == MATCHED
    order.refresh_from_db()
    assert order.state == State.INVOICED


def test_receiving_desk_receives_and_others_cannot(server: LiveASGIServer, client: Client) -> None:
    """The seeded receiving desk (a group with ``receive_goods``) sees and receives the
    organisation's POs; a member without it (or a desk of another organisation) cannot."""
    order = confirmed(server)
    url = reverse("orders:receive", args=[order.number])
    outsider = flow.user(demo.APPROVER)
    Membership.objects.filter(user=outsider).update(is_approver=False)
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    desk = flow.user(demo.RECEIVING_DESK)
    assert desk.groups.filter(permissions__codename="receive_goods").exists()
    client.force_login(desk)
    assert order.number in client.get(reverse("orders:list")).content.decode()
    assert client.post(url, {"all": "ordered"}).status_code == 302
    order.refresh_from_db()
    assert order.state == State.RECEIVED
    assert Receipt.objects.get(order=order).recorded_by == desk
    Membership.objects.filter(user=desk).delete()
    assert client.get(url).status_code == 404


# --- credit memos -----------------------------------------------------------------------


def test_credit_memo_line_level_takes_back_a_returned_unit(
    server: LiveASGIServer, client: Client
) -> None:
    order = confirmed(server)
    receive(order, {1: "2", 2: "1.5"})
    lines = ((1, "2", "4.50"), (2, "1.5", "2.20"))
    answer, body = send(server, bill(order, lines, tax_amount="1.09", shipping="4.95"))
    invoice_payload = body.split(b'payloadID="', 1)[1].split(b'"', 1)[0].decode()
    assert status_of(answer)[0] == 200
    assert order.requester is not None  # who sends one box back
    record(order, {1: Decimal(-1)}, by=order.requester, reasons={1: "damaged"})
    memo = bill(
        order,
        ((1, "-1", "4.50"),),
        number="CM-1",
        purpose=InvoicePurpose.LINE_LEVEL_CREDIT_MEMO,
        credits=invoice_payload,
    )
    answer, _ = send(server, memo)
    assert status_of(answer) == (200, "credit memo CM-1 recorded")
    credit = Invoice.objects.get(invoice_id="CM-1")
    assert (credit.purpose, credit.credits.invoice_id, credit.due) == (  # type: ignore[union-attr]
        Purpose.LINE_LEVEL_CREDIT_MEMO,
        "INV-1",
        Decimal("-4.50"),
    )
    first = match_order(order).lines[0]
    assert (first.received, first.invoiced, first.status) == (1, 1, OPEN)
    assert match_order(order).mismatches == ()
    login(client, demo.PUNCHIN_BUYER, demo.PASSWORD)
    page_text = client.get(reverse("orders:detail", args=[order.number])).content.decode()
    assert 'data-purpose="lineLevelCreditMemo"' in page_text
    assert "credits INV-1" in page_text


def test_credit_memo_header_form_names_the_invoice_by_invoice_id(server: LiveASGIServer) -> None:
    order = confirmed(server)
    receive(order, {1: "2", 2: "1.5"})
    send(server, bill(order, ((1, "2", "4.50"), (2, "1.5", "2.20"))))
    answer, _ = send(server, header_credit(order, "-2.30", invoice_id="INV-1"))
    assert status_of(answer) == (200, "credit memo CM-H1 recorded")
    memo = Invoice.objects.get(invoice_id="CM-H1")
    assert (memo.purpose, memo.credits.invoice_id, memo.due) == (  # type: ignore[union-attr]
        Purpose.CREDIT_MEMO,
        "INV-1",
        Decimal("-2.30"),
    )
    assert match_order(order).status == MATCHED  # lines untouched, money taken back


def test_credit_memo_must_name_an_invoice_we_have(
    server: LiveASGIServer, assert_valid: Callable[[bytes], None]
) -> None:
    order = confirmed(server)
    memo = bill(
        order, ((1, "-1", "4.50"),), number="CM-1", purpose=InvoicePurpose.LINE_LEVEL_CREDIT_MEMO
    )
    answer, _ = send(server, memo)
    assert_valid(answer.body)
    assert status_of(answer) == (
        400,
        "a credit memo names the invoice it credits: DocumentReference with that invoice's "
        "payloadID, or InvoiceIDInfo with its invoiceID",
    )
    unknown = bill(
        order,
        ((1, "-1", "4.50"),),
        number="CM-2",
        purpose=InvoicePurpose.LINE_LEVEL_CREDIT_MEMO,
        credits="nothing@store.test",
    )
    answer, _ = send(server, unknown)
    code, detail = status_of(answer)
    assert code == 417
    assert "no invoice of yours came with payloadID 'nothing@store.test'" in detail
    assert not Invoice.objects.exists()


def test_credit_memo_taking_back_more_than_invoiced_goes_to_reconciliation(
    server: LiveASGIServer, client: Client
) -> None:
    order = confirmed(server)
    receive(order, {1: "2", 2: "1.5"})
    _, body = send(server, bill(order, ((1, "1", "4.50"),)))
    invoice_payload = body.split(b'payloadID="', 1)[1].split(b'"', 1)[0].decode()
    memo = bill(
        order,
        ((1, "-2", "4.50"),),
        number="CM-1",
        purpose=InvoicePurpose.LINE_LEVEL_CREDIT_MEMO,
        credits=invoice_payload,
    )
    send(server, memo)
    rows = reconciliation_rows(client)
    assert (
        order.number,
        "invoice INV-1",
        "credit memos take back 9.00 USD, more than its 4.50 USD due",
    ) in rows
    assert (order.number, "line 1", "credit memos take back 1 more than was invoiced") in rows


def test_negative_quantities_and_prices_refused_unless_credit_memo(
    server: LiveASGIServer, assert_valid: Callable[[bytes], None]
) -> None:
    """A standard invoice that nets out a line with a negative one is refused, nothing
    recorded; the same credit as a credit memo is the way."""
    order = confirmed(server)
    receive(order, {1: "2", 2: "1.5"})
    netted = bill(order, ((1, "2", "4.50"), (2, "-1.5", "2.20")))
    answer, _ = send(server, netted)
    assert_valid(answer.body)
    code, detail = status_of(answer)
    assert code == 400
    assert detail.startswith("invoice line 2: quantity -1.5 is not positive; a standard invoice")
    priced = bill(order, ((1, "2", "-4.50"),))
    code, detail = status_of(send(server, priced)[0])
    assert (code, detail.split(";")[0]) == (400, "invoice line 1: unit price -4.50 is negative")
    assert not Invoice.objects.exists()


# --- settling -------------------------------------------------------------------------


def test_a_matched_invoiced_po_is_paid_then_closed(server: LiveASGIServer, client: Client) -> None:
    order = confirmed(server)
    receive(order, {1: "2", 2: "1.5"})
    send(server, bill(order, ((1, "2", "4.50"), (2, "1.5", "2.20")), tax_amount="1.09"))
    login(client, demo.PROCUREMENT_ADMIN, demo.PASSWORD)
    detail = reverse("orders:detail", args=[order.number])
    assert 'id="pay-form"' in client.get(detail).content.decode()
    client.post(reverse("orders:pay", args=[order.number]), {"reference": "BANK-77"})
    order.refresh_from_db()
    assert order.state == State.PAID
    client.post(reverse("orders:close", args=[order.number]), {"comment": "done"})
    order.refresh_from_db()
    assert order.state == State.CLOSED
    last = order.history.last()
    assert last is not None
    assert last.actor == flow.user(demo.PROCUREMENT_ADMIN)
    assert order.events.filter(kind="paid", text__contains="BANK-77").exists()
    # The requester may receive, not pay.
    login(client, demo.PUNCHIN_BUYER, demo.PASSWORD)
    assert client.post(reverse("orders:pay", args=[order.number])).status_code == 404


# --- spend ----------------------------------------------------------------------------


def test_spend_counts_invoiced_money_only_where_the_match_holds_nothing(
    server: LiveASGIServer,
) -> None:
    """The 99,999.00 invoice is not spend; the matching one is, net of its credit memo."""
    from punchin.procurement.spend.services import spend

    wrong = confirmed(server, (flow.line(1, "STAPLER", "1", "7.00"),))
    receive(wrong, {1: "1"})
    send(server, bill(wrong, ((1, "1", "7.00"),), due="99999.00"))
    right = confirmed(server, payload_id="right@store.test")
    receive(right, {1: "2", 2: "1.5"})
    _, body = send(server, bill(right, ((1, "2", "4.50"), (2, "1.5", "2.20")), number="INV-2"))
    payload = body.split(b'payloadID="', 1)[1].split(b'"', 1)[0].decode()
    assert right.requester is not None  # half a metre goes back, and is credited
    record(right, {2: Decimal("-0.5")}, by=right.requester, reasons={2: "cut short"})
    memo = bill(
        right,
        ((2, "-0.5", "2.20"),),
        number="CM-2",
        purpose=InvoicePurpose.LINE_LEVEL_CREDIT_MEMO,
        credits=payload,
    )
    assert status_of(send(server, memo)[0])[0] == 200
    figures = {f.label: f for f in spend(PurchaseOrder.objects.all()).of("segment")}
    # Segment 44: the stapler (7.00, held) and the pens (9.00); 26: the cable (3.30).
    assert (figures["44"].approved, figures["44"].received, figures["44"].invoiced) == (
        Decimal("16.00"),
        Decimal("16.00"),
        Decimal("9.00"),
    )
    assert (figures["26"].approved, figures["26"].received, figures["26"].invoiced) == (
        Decimal("3.30"),
        Decimal("2.20"),
        Decimal("2.20"),
    )
