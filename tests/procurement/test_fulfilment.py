"""The supplier's confirmation, ship notice and invoice over real HTTP (LiveASGIServer),
applied to the PO once; the three-way match; the reconciliation list; the spend page."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from punchin.cxml import parse, serialize
from punchin.cxml.common import Comments, DocumentReference, OrderReference, UnitPrice
from punchin.cxml.envelope import Document, From, Header, Request, Response, Sender, To
from punchin.cxml.fulfill import (
    CarrierIdentifier,
    ConfirmationHeader,
    ConfirmationItem,
    ConfirmationRequest,
    ConfirmationStatus,
    ConfirmationType,
    ShipControl,
    ShipmentIdentifier,
    ShipNoticeHeader,
    ShipNoticeItem,
    ShipNoticePortion,
    ShipNoticeRequest,
)
from punchin.cxml.invoice import (
    DueAmount,
    InvoiceDetailHeaderIndicator,
    InvoiceDetailItem,
    InvoiceDetailItemReference,
    InvoiceDetailLineIndicator,
    InvoiceDetailOrder,
    InvoiceDetailOrderInfo,
    InvoiceDetailRequest,
    InvoiceDetailRequestHeader,
    InvoiceDetailSummary,
    NetAmount,
)
from punchin.cxml.payload_id import new_payload_id, now
from punchin.cxml.punchout import ProfileRequest, ProfileResponse
from punchin.cxml.validate import validate
from punchin.procurement.orders import services
from punchin.procurement.orders.match import match_order
from punchin.procurement.orders.models import MatchTolerance, PurchaseOrder, Shipment, State
from punchin.procurement.orders.receiving import ReceiptRefused, record
from punchin.web import demo
from punchin.web.statemachine import InvalidTransition
from punchin.web.testing import LiveASGIServer
from tests.cxml.builders import money, tax
from tests.procurement import flow
from tests.procurement.builders import credential
from tests.procurement.conftest import Answer, basic, post
from tests.signin import login


@pytest.fixture
def server(transactional_db: None) -> Iterator[LiveASGIServer]:
    call_command("seed_demo", storefront_url="http://127.0.0.1:8001")
    from punchin.procurement.asgi import application

    with LiveASGIServer(application) as live:
        yield live


def document(payload: Any, *, secret: str = demo.SHARED_SECRET, payload_id: str = "") -> bytes:
    """A request from the demo store, as its durable queue sends it."""
    return serialize(
        Document(
            payload_id=payload_id or new_payload_id("store.test"),
            timestamp=now(),
            lang="en-US",
            version="1.2.063",
            header=Header(
                from_=From(credentials=(credential(demo.STORE_IDENTITY),)),
                to=To(credentials=(credential(demo.PROCUREMENT_IDENTITY),)),
                sender=Sender(
                    credentials=(credential(demo.STORE_IDENTITY, secret),),
                    user_agent=f"{demo.STORE_NAME} PunchIn 1.0",
                ),
            ),
            body=Request(deployment_mode="production", payload=payload),
        )
    )


def reference(order: PurchaseOrder, number: str | None = None) -> OrderReference:
    return OrderReference(
        order_id=number or order.number,
        order_date=order.order_date,
        document_reference=DocumentReference(payload_id=order.payload_id),
    )


def confirmation(order: PurchaseOrder, price: str | None = None) -> ConfirmationRequest:
    """Line 1 accepted (at ``price`` if given), line 2 as ordered (not listed)."""
    return ConfirmationRequest(
        header=ConfirmationHeader(
            type=ConfirmationType.DETAIL if price else ConfirmationType.ACCEPT,
            notice_date=now(),
            confirm_id="CONF-1",
        ),
        order_reference=reference(order),
        items=(
            ConfirmationItem(
                quantity=Decimal(2),
                line_number=1,
                unit_of_measure="BX",
                statuses=(
                    ConfirmationStatus(
                        quantity=Decimal(2),
                        type="detail",
                        unit_of_measure="BX",
                        delivery_date=now() + timedelta(days=2),
                        unit_price=UnitPrice(money=money(price)),
                    ),
                ),
            ),
        )
        if price
        else (),
    )


def ship_notice(
    order: PurchaseOrder, shipment: str, lines: dict[int, str], number: str | None = None
) -> ShipNoticeRequest:
    return ShipNoticeRequest(
        header=ShipNoticeHeader(
            shipment_id=shipment, notice_date=now(), shipment_date=now(), shipment_type="actual"
        ),
        ship_controls=(
            ShipControl(
                carrier_identifiers=(CarrierIdentifier(domain="companyName", value="UPS"),),
                shipment_identifiers=(ShipmentIdentifier(value="1Z999AA10123456784"),),
            ),
        ),
        portions=(
            ShipNoticePortion(
                order_reference=reference(order, number),
                items=tuple(
                    ShipNoticeItem(
                        quantity=Decimal(q),
                        line_number=n,
                        unit_of_measure="BX" if n == 1 else "MTR",
                    )
                    for n, q in lines.items()
                ),
            ),
        ),
    )


def invoice(
    order: PurchaseOrder, lines: dict[int, tuple[str, str]], number: str = "INV-1"
) -> InvoiceDetailRequest:
    """``lines``: line number -> (quantity, unit price)."""
    subtotal = sum((Decimal(q) * Decimal(p) for q, p in lines.values()), Decimal(0))
    return InvoiceDetailRequest(
        header=InvoiceDetailRequestHeader(
            invoice_id=number,
            invoice_date=now(),
            header_indicator=InvoiceDetailHeaderIndicator(),
            line_indicator=InvoiceDetailLineIndicator(),
            comments=Comments(text="Net 30.", lang="en-US"),
        ),
        orders=(
            InvoiceDetailOrder(
                order_info=InvoiceDetailOrderInfo(order_reference=reference(order)),
                items=tuple(
                    InvoiceDetailItem(
                        invoice_line_number=i,
                        quantity=Decimal(q),
                        unit_of_measure="BX" if n == 1 else "MTR",
                        unit_price=UnitPrice(money=money(p)),
                        item_reference=InvoiceDetailItemReference(line_number=n),
                    )
                    for i, (n, (q, p)) in enumerate(lines.items(), start=1)
                ),
            ),
        ),
        summary=InvoiceDetailSummary(
            subtotal_amount=money_of("SubtotalAmount", subtotal),
            tax=tax(Decimal("1.09")),
            net_amount=NetAmount(money=money(subtotal + Decimal("1.09"))),
            due_amount=DueAmount(money=money(subtotal + Decimal("1.09"))),
        ),
    )


def receive(order: PurchaseOrder, lines: dict[int, str]) -> None:
    """The requester records what arrived (``receiving.record``)."""
    assert order.requester is not None
    record(order, {n: Decimal(q) for n, q in lines.items()}, by=order.requester)


def money_of(_: str, amount: Decimal) -> Any:
    from punchin.cxml.invoice import SubtotalAmount

    return SubtotalAmount(money=money(amount))


PATHS = {
    ConfirmationRequest: "/cxml/confirmation",
    ShipNoticeRequest: "/cxml/shipnotice",
    InvoiceDetailRequest: "/cxml/invoice",
}


def send(server: LiveASGIServer, payload: Any, **kwargs: Any) -> tuple[Answer, bytes]:
    body = document(payload, **kwargs)
    return post(server.url + PATHS[type(payload)], body, authorization=basic()), body


def status_of(answer: Answer) -> tuple[int, str]:
    body = parse(answer.body).body
    assert isinstance(body, Response)
    return body.status.code, body.status.detail


def test_confirm_ship_invoice_match(
    server: LiveASGIServer, client: Client, assert_valid: Callable[[bytes], None]
) -> None:
    order = flow.approved()
    answer, _ = send(server, confirmation(order, price="4.55"))
    assert_valid(answer.body)
    assert status_of(answer) == (200, f"PO {order.number} recorded as confirmed (detail)")
    order.refresh_from_db()
    assert order.state == State.CONFIRMED
    first, second = order.lines.all()
    assert (first.confirmed_quantity, first.confirmed_unit_price) == (2, Decimal("4.55"))
    assert first.confirmed_delivery_date is not None
    assert second.confirmed_quantity == Decimal("1.5")  # not listed: as ordered

    # A partial shipment, then the rest; each applied once however often it comes.
    answer, body = send(server, ship_notice(order, "SHIP-1", {1: "2"}))
    assert status_of(answer)[0] == 200
    replay = post(server.url + "/cxml/shipnotice", body, authorization=basic())
    assert (replay.status, replay.body) == (answer.status, answer.body)
    assert Shipment.objects.filter(order=order).count() == 1
    send(server, ship_notice(order, "SHIP-2", {2: "1.5"}))

    login(client, username=demo.PUNCHIN_BUYER, password=demo.PASSWORD)
    page = client.get(reverse("orders:detail", args=[order.number])).content.decode()
    assert 'id="match-status">open<' in page
    # The buyer receives what the ship notices announced: the receipt is what counts.
    received = client.post(reverse("orders:receive", args=[order.number]), {"all": "shipped"})
    assert received.status_code == 302
    order.refresh_from_db()
    assert order.state == State.RECEIVED
    answer, _ = send(server, invoice(order, {1: ("2", "4.55"), 2: ("1.5", "2.20")}))
    assert status_of(answer) == (200, "invoice INV-1 recorded")
    page = client.get(reverse("orders:detail", args=[order.number])).content.decode()
    assert 'id="match-status">matched<' in page
    order.refresh_from_db()
    assert order.state == State.INVOICED
    assert [h.to_state for h in order.history.all()] == ["confirmed", "received", "invoiced"]
    for kind in ("approved", "sent", "confirmed", "shipped", "received", "invoiced"):
        assert f'data-kind="{kind}"' in page
    assert "UPS" in page
    assert "1Z999AA10123456784" in page
    reconciliation = client.get(reverse("orders:reconciliation")).content.decode()
    assert 'id="nothing-to-reconcile"' in reconciliation


def short_confirmation(order: PurchaseOrder) -> ConfirmationRequest:
    """Line 1: one of the two boxes confirmed, the other rejected; line 2 as ordered."""
    box = {"unit_of_measure": "BX"}
    return ConfirmationRequest(
        header=ConfirmationHeader(
            type=ConfirmationType.DETAIL, notice_date=now(), confirm_id="CONF-SHORT"
        ),
        order_reference=reference(order),
        items=(
            ConfirmationItem(
                quantity=Decimal(2),
                line_number=1,
                statuses=(
                    ConfirmationStatus(quantity=Decimal(1), type="accept", **box),
                    ConfirmationStatus(quantity=Decimal(1), type="reject", **box),
                ),
                **box,
            ),
        ),
    )


def test_a_line_confirmed_short_is_matched_against_the_confirmation(
    server: LiveASGIServer, client: Client
) -> None:
    """The supplier confirms one of two boxes, ships and invoices that one: the PO is
    matched (it stayed "open" forever, in no reconciliation list, when the match
    expected the ordered two). A change to the order voids the confirmation."""
    order = flow.approved()
    assert status_of(send(server, short_confirmation(order))[0])[0] == 200
    line = order.lines.get(line_number=1)
    assert (line.quantity, line.confirmed_quantity, line.agreed_quantity) == (2, 1, 1)
    send(server, ship_notice(order, "SHIP-1", {1: "1", 2: "1.5"}))
    receive(order, {1: "1", 2: "1.5"})
    send(server, invoice(order, {1: ("1", "4.50"), 2: ("1.5", "2.20")}))
    result = match_order(order)
    assert [m.status for m in result.lines] == ["matched", "matched"]
    assert result.status == "matched"
    login(client, username=demo.APPROVER, password=demo.PASSWORD)
    page = client.get(reverse("orders:detail", args=[order.number])).content.decode()
    assert 'id="match-status">matched<' in page

    # Two boxes came though one was confirmed: the receipt is refused beyond the
    # confirmation (the extra box goes back); a ship notice of two is information only.
    shipped_twice = flow.approved(payload_id="twice@store.test")
    send(server, short_confirmation(shipped_twice))
    send(server, ship_notice(shipped_twice, "SHIP-1", {1: "2", 2: "1.5"}))
    assert match_order(shipped_twice).mismatches == ()
    with pytest.raises(ReceiptRefused, match="would make 2 received of 1 agreed"):
        receive(shipped_twice, {1: "2"})


def test_a_change_voids_the_earlier_confirmation(server: LiveASGIServer) -> None:
    order = flow.approved()
    send(server, short_confirmation(order))
    order.refresh_from_db()
    services.change(order, {2: Decimal(1)}, "one metre less")
    for line in order.lines.all():
        assert (line.confirmed_quantity, line.confirmed_unit_price, line.confirmation) == (
            None,
            None,
            "",
        )
        assert line.agreed_quantity == line.quantity


def test_a_confirmation_of_an_earlier_version_is_refused(
    server: LiveASGIServer, assert_valid: Callable[[bytes], None]
) -> None:
    """After a change (version 2), a late confirmation (or rejection) of version 1 is
    refused with 409 naming the latest payloadID; nothing is applied. Confirming the
    latest version is applied."""
    order = flow.approved()
    send(server, confirmation(order))
    stale_accept, stale_reject = confirmation(order), confirmation(order)
    stale_reject = replace(
        stale_reject, header=replace(stale_reject.header, type=ConfirmationType.REJECT)
    )
    services.change(order, {2: Decimal(1)}, "one metre less")
    order.refresh_from_db()
    assert (order.state, order.version) == (State.SENT, 2)
    for stale in (stale_accept, stale_reject):
        answer, _ = send(server, stale)
        assert answer.status == 409
        assert_valid(answer.body)
        code, detail = status_of(answer)
        assert code == 409
        assert "not the latest version" in detail
        assert f"confirm version 2, DocumentReference payloadID {order.payload_id}" in detail
    order.refresh_from_db()
    assert order.state == State.SENT
    assert not order.lines.filter(confirmed_quantity__isnull=False).exists()
    assert not order.events.filter(kind="rejected").exists()

    answer, _ = send(server, confirmation(order))
    assert status_of(answer)[0] == 200
    order.refresh_from_db()
    assert order.state == State.CONFIRMED

    services.cancel(order)
    answer, _ = send(server, stale_accept)
    assert status_of(answer)[0] == 409
    assert "was cancelled" in status_of(answer)[1]


def test_no_change_or_cancel_once_shipped(server: LiveASGIServer, client: Client) -> None:
    """The supplier refuses changes once anything shipped (409): procurement no longer
    offers them, so no OrderRequest is sent only to need attention."""
    order = flow.approved()
    send(server, confirmation(order))
    login(client, username=demo.PUNCHIN_BUYER, password=demo.PASSWORD)
    detail = reverse("orders:detail", args=[order.number])
    assert 'id="change-form"' in client.get(detail).content.decode()
    send(server, ship_notice(order, "SHIP-1", {1: "1"}))
    assert 'id="change-form"' not in client.get(detail).content.decode()
    order.refresh_from_db()
    for attempt in (
        lambda: services.change(order, {1: Decimal(1)}),
        lambda: services.cancel(order),
    ):
        with pytest.raises(InvalidTransition, match="has shipped"):
            attempt()
    order.refresh_from_db()
    assert (order.state, order.version) == (State.CONFIRMED, 1)


def test_mismatches_go_to_the_reconciliation_list(server: LiveASGIServer, client: Client) -> None:
    within = flow.approved(payload_id="within@store.test")
    beyond = flow.approved(payload_id="beyond@store.test")
    for order in (within, beyond):
        send(server, confirmation(order))
        send(server, ship_notice(order, "S", {1: "2", 2: "1.5"}))
        receive(order, {1: "2", 2: "1.5"})
    # 4.54 is within the default 1 % of 4.50; 4.60 is not; 2 MTR invoiced but 1.5 received.
    send(server, invoice(within, {1: ("2", "4.54"), 2: ("1.5", "2.20")}))
    send(server, invoice(beyond, {1: ("2", "4.60"), 2: ("2", "2.20")}))
    login(client, username=demo.APPROVER, password=demo.PASSWORD)
    page = client.get(reverse("orders:reconciliation")).content.decode()
    assert beyond.number in page
    assert within.number not in page
    assert "invoiced unit price 4.60 but agreed 4.50 USD" in page
    assert "invoiced 2 but received 1.5" in page
    MatchTolerance.objects.create(
        organisation=within.organisation, price_percent=Decimal(0), price_amount=Decimal(0)
    )
    page = client.get(reverse("orders:reconciliation")).content.decode()
    assert within.number in page  # no tolerance: 4.54 is a mismatch too


def test_refusals_say_what_to_fix(
    server: LiveASGIServer, assert_valid: Callable[[bytes], None]
) -> None:
    order = flow.approved()
    answer, _ = send(server, ship_notice(order, "S", {1: "1"}, number="PO-1999-999999"))
    assert answer.status == 417
    assert_valid(answer.body)
    code, detail = status_of(answer)
    assert code == 417
    assert "no purchase order 'PO-1999-999999'" in detail
    assert "OrderReference@orderID must be the orderID" in detail
    answer, _ = send(server, ship_notice(order, "S", {7: "1"}))
    assert status_of(answer)[0] == 400
    assert "has no line 7" in status_of(answer)[1]
    answer, _ = send(server, confirmation(order), secret="wrong")
    assert status_of(answer)[0] == 403
    wrong_auth = post(
        server.url + "/cxml/confirmation",
        document(confirmation(order)),
        authorization=basic(password="nope"),
    )
    assert wrong_auth.status == 401
    # The same payloadID with another body: 409, nothing applied.
    answer, _ = send(server, ship_notice(order, "A", {1: "1"}), payload_id="dup@store.test")
    assert status_of(answer)[0] == 200
    other, _ = send(server, ship_notice(order, "B", {1: "1"}), payload_id="dup@store.test")
    assert status_of(other)[0] == 409
    assert list(Shipment.objects.values_list("shipment_id", flat=True)) == ["A"]
    # The wrong endpoint for the document: 450.
    misplaced = post(
        server.url + "/cxml/invoice", document(confirmation(order)), authorization=basic()
    )
    assert status_of(misplaced)[0] == 450


def test_spend_page_figures_come_from_the_orders(client: Client, db: None) -> None:
    call_command("seed_demo", storefront_url="http://127.0.0.1:8001")
    flow.approved()  # 9.00 segment 44 + 3.30 segment 26, cost centre CC-4100
    big = flow.approved(
        (flow.line(1, "DESK", "2", "150.00", unspsc="56101703"),), payload_id="desk@store.test"
    )
    cancelled = flow.approved(
        (flow.line(1, "CHAIR", "1", "99.00", unspsc="56101504"),), payload_id="chair@store.test"
    )
    PurchaseOrder.objects.filter(pk=cancelled.pk).update(state=State.CANCELLED)
    login(client, username=demo.PROCUREMENT_ADMIN, password=demo.PASSWORD)
    page = client.get(reverse("spend:overview")).content.decode()
    month = f"{big.order_date:%Y-%m}"
    for section, rows in {
        "supplier": [(demo.STORE_NAME, "312.30")],
        "segment": [("56", "300.00"), ("44", "9.00"), ("26", "3.30")],
        "cost-centre": [("CC-4100", "312.30")],
        "month": [(month, "312.30")],
    }.items():
        start = page.index(f'id="spend-{section}"')
        table = page[page.index("<table", start) : page.index("</table>", start)]
        found = [
            (cells[0], cells[2])
            for cells in (
                [c.split(">", 1)[1].split("<", 1)[0] for c in row.split("<td")[1:]]
                for row in table.split("<tr>")[2:]
            )
        ]
        assert found == rows, section
    assert page.count("<svg") == 4
    assert "<script" not in page  # nothing fetched from a CDN


def test_a_profile_request_lists_every_endpoint_a_supplier_posts_to(
    server: LiveASGIServer, dtd_dir: Any
) -> None:
    answer = post(server.url + "/cxml/profile", document(ProfileRequest()), authorization=basic())

    assert answer.status == 200, answer.body
    assert validate(answer.body, dtd_dir) == []
    body = parse(answer.body).body
    assert isinstance(body, Response)
    assert isinstance(body.payload, ProfileResponse)
    assert {t.request_name: t.url.value for t in body.payload.transactions} == {
        name: server.url + path
        for name, path in (
            ("PunchOutSetupRequest", "/cxml/punchin"),
            ("ConfirmationRequest", "/cxml/confirmation"),
            ("ShipNoticeRequest", "/cxml/shipnotice"),
            ("InvoiceDetailRequest", "/cxml/invoice"),
            ("ProfileRequest", "/cxml/profile"),
        )
    }
    wrong = document(ProfileRequest(), secret="guess")
    assert post(server.url + "/cxml/profile", wrong, authorization=basic()).status == 403
