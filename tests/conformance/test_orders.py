"""``check order-endpoint`` and ``check fulfilment-endpoint`` against small receivers that
misbehave one way each, the documents they send, and the commands' reports."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import pytest
from click.testing import CliRunner

from punchin.cli import main
from punchin.conformance import (
    FulfilmentEndpointCheck,
    OrderEndpointCheck,
    Partner,
    Report,
    Verdict,
    buyer,
    check_fulfilment_endpoint,
    check_order_endpoint,
    supplier,
)
from punchin.conformance.applied import check_applied, check_http_status
from punchin.conformance.refusals import check_repeat, check_unknown_sender
from punchin.cxml import Document, parse, serialize, validate
from punchin.cxml.build import Parties
from punchin.cxml.common import Status
from punchin.cxml.order import OrderRequestType
from punchin.transport import HttpReply

from .fake_receivers import SECRET, SENDER, FakeReceiver
from .fakes import status

BUYER = Parties(
    domain="NetworkID",
    from_identity=SENDER,
    to_identity="TestStore",
    sender_identity=SENDER,
    shared_secret=SECRET,
    user_agent="punchin check",
)
STORE = Parties(
    domain="NetworkID",
    from_identity="TestStore",
    to_identity=SENDER,
    sender_identity="TestStore",
    shared_secret=SECRET,
    user_agent="punchin check",
)


def reply(code: int, text: str, detail: str = "") -> HttpReply:
    status_code, content_type, body = status(code, text, detail)
    return HttpReply(status_code, {"Content-Type": content_type}, body, 0.1)


def cart() -> buyer.Cart:
    """The store's own cart, as if it had sent it."""
    return buyer.cart_of(supplier.order_message(STORE, "1700000000.1.1@store.test"))


def ordered() -> supplier.Order:
    """The order the buyer's system sent for that cart."""
    return supplier.order_of(buyer.order_request(BUYER, cart(), "PO-7"))


def run_orders(fake: FakeReceiver, dtd_dir: Path) -> Report:
    check = OrderEndpointCheck(
        order_url=fake.url("order"),
        status_url=fake.url("status"),
        partner=Partner(BUYER, dtd_dir=dtd_dir),
        cart=cart(),
        order_id="PO-7",
    )
    return asyncio.run(check_order_endpoint(check))


def run_fulfilment(fake: FakeReceiver, dtd_dir: Path) -> Report:
    check = FulfilmentEndpointCheck(
        partner=Partner(STORE, dtd_dir=dtd_dir),
        order=ordered(),
        confirmation_url=fake.url("confirmation"),
        ship_notice_url=fake.url("shipnotice"),
        invoice_url=fake.url("invoice"),
    )
    return asyncio.run(check_fulfilment_endpoint(check))


async def _run(fake: FakeReceiver, check: Any, dtd_dir: Path) -> Report:
    async with fake:
        return await asyncio.to_thread(check, fake, dtd_dir)


def against(dtd_dir: Path, check: Any, **behaviour: Any) -> tuple[Report, FakeReceiver]:
    if check is run_fulfilment:
        behaviour.setdefault("sender", STORE.sender_identity)
    fake = FakeReceiver(**behaviour)
    return asyncio.run(_run(fake, check, dtd_dir)), fake


def failures(report: Report) -> set[tuple[str, str]]:
    return {(f.step, f.check) for f in report if f.verdict is Verdict.FAIL}


# --- The documents the checker sends ---------------------------------------------------


def test_every_document_sent_is_dtd_valid(dtd_dir: Path) -> None:
    c = cart()
    new = buyer.order_request(BUYER, c, "PO-7")
    documents: list[Document] = [
        buyer.approval(BUYER, c, "REQ-1"),
        new,
        buyer.order_request(
            BUYER,
            c,
            "PO-7",
            type=OrderRequestType.UPDATE,
            version=2,
            previous=new.payload_id,
            quantities=buyer.fewer(c),
        ),
        buyer.order_request(
            BUYER, c, "PO-7", type=OrderRequestType.DELETE, version=3, previous="x@y"
        ),
        supplier.confirmation(STORE, ordered(), "CONF-1"),
        supplier.ship_notice(STORE, ordered(), "SHIP-1"),
        supplier.invoice(STORE, ordered(), "INV-1"),
    ]
    for document in documents:
        assert validate(serialize(document), dtd_dir) == [], document.payload_id


def test_the_order_carries_the_carts_line_references() -> None:
    c = cart()
    order = parse(serialize(buyer.order_request(BUYER, c, "PO-7")))
    payload = order.body.payload  # type: ignore[union-attr]
    assert [(i.line_number, i.item_id, i.quantity) for i in payload.items] == [
        (n, item.item_id, item.quantity) for n, item in zip((1, 2), c.items, strict=True)
    ]
    assert payload.header.total.money.amount == Decimal("234.47")  # 2 x 89.99 + 54.49
    # The update orders one toner cartridge less; the approval names the cart.
    assert buyer.fewer(c) == {1: Decimal(1)}
    approval = parse(serialize(buyer.approval(BUYER, c, "REQ-1")))
    assert approval.body.payload.document_reference.payload_id == c.payload_id  # type: ignore[union-attr]


def test_the_fulfilment_documents_name_the_order() -> None:
    order = ordered()
    assert order.reference.order_id == "PO-7"
    assert [(i.line.line_number, i.quantity, i.unit_price) for i in order.lines] == [
        (1, Decimal(2), Decimal("89.99")),
        (2, Decimal(1), Decimal("54.49")),
    ]
    with pytest.raises(ValueError, match="not an OrderRequest"):
        supplier.order_of(supplier.order_message(STORE, "x@y"))
    with pytest.raises(ValueError, match="not a PunchOutOrderMessage"):
        buyer.cart_of(buyer.order_request(BUYER, cart(), "PO-7"))


# --- The pure checks -------------------------------------------------------------------


def test_answers_judged_on_the_cxml_status() -> None:
    assert check_applied(reply(200, "OK")).verdict is Verdict.PASS
    refused = check_applied(reply(409, "Conflict", "PO exists already"))
    assert refused.verdict is Verdict.FAIL
    assert "does not send it again unchanged" in refused.reason
    assert "sends the same document again later" in check_applied(reply(500, "Oops")).reason
    assert check_applied(HttpReply(200, {}, b"<html/>", 0.1)).verdict is Verdict.FAIL
    # HTTP 500 for a cXML 200: the sender acts on the 200, a proxy on the 500.
    body = status(200, "OK")[2]
    assert check_http_status(HttpReply(500, {}, body, 0.1)).verdict is Verdict.WARN
    assert check_http_status(reply(403, "Forbidden")).verdict is Verdict.PASS


def test_a_repeat_must_get_the_first_answer() -> None:
    first = reply(200, "OK", "PO 7 received")
    assert check_repeat(first, first).verdict is Verdict.PASS
    assert check_repeat(first, reply(200, "OK", "PO 7 received")).verdict is Verdict.PASS
    twice = check_repeat(first, reply(409, "Conflict", "PO 7 exists already"))
    assert twice.verdict is Verdict.FAIL
    assert "change nothing" in twice.reason
    assert check_repeat(reply(500, "Oops"), first).verdict is Verdict.PASS  # processed anew


def test_an_unknown_sender_must_get_the_wrong_secrets_answer() -> None:
    forbidden = reply(403, "Forbidden", "not recognised")
    assert check_unknown_sender(forbidden, forbidden).verdict is Verdict.PASS
    told = check_unknown_sender(forbidden, reply(401, "Unauthorized", "who are you?"))
    assert told.verdict is Verdict.FAIL
    assert "tells a known Sender from an unknown one" in told.reason
    accepted = check_unknown_sender(forbidden, reply(200, "OK"))
    assert accepted.verdict is Verdict.FAIL


# --- Whole runs against receivers ------------------------------------------------------


def test_a_well_behaved_supplier_passes(dtd_dir: Path) -> None:
    report, fake = against(dtd_dir, run_orders)
    assert failures(report) == set(), "\n".join(map(str, report))
    # The approval, the new order, its update and its deletion: each applied once.
    assert len(fake.applied) == 4
    assert fake.applied[1] == "order PO-7"


def test_a_supplier_applying_a_copy_again_fails(dtd_dir: Path) -> None:
    report, _ = against(dtd_dir, run_orders, remember=False)
    assert ("OrderRequest new", "Same payloadID again") in failures(report)
    assert ("StatusUpdateRequest", "Same payloadID again") in failures(report)
    new = next(
        f for f in report if (f.step, f.check) == ("OrderRequest new", "Same payloadID again")
    )
    assert "409 Conflict: order PO-7 exists already" in new.reason


def test_a_supplier_answering_500_fails_and_nothing_follows(dtd_dir: Path) -> None:
    report, _ = against(dtd_dir, run_orders, code=500)
    assert {
        ("StatusUpdateRequest", "cXML Status"),
        ("OrderRequest new", "cXML Status"),
    } <= failures(report)
    skipped = {f.step for f in report if f.check == "Not sent"}
    assert skipped == {"OrderRequest update", "OrderRequest delete"}


def test_a_supplier_telling_unknown_senders_apart_fails(dtd_dir: Path) -> None:
    unknown = Status(code=401, text="Unauthorized", detail="no such Sender")
    report, _ = against(dtd_dir, run_orders, unknown=unknown)
    assert failures(report) == {("Refusals", "Unknown Sender answered alike")}


def test_a_supplier_accepting_any_secret_fails(dtd_dir: Path) -> None:
    report, _ = against(dtd_dir, run_orders, check_secret=False)
    assert ("Refusals", "Refuses a wrong SharedSecret") in failures(report)


def test_a_well_behaved_buyer_passes_and_a_careless_one_fails(dtd_dir: Path) -> None:
    report, fake = against(dtd_dir, run_fulfilment)
    assert failures(report) == set(), "\n".join(map(str, report))
    assert len(fake.applied) == 3  # confirmation, ship notice, invoice: each once
    report, _ = against(dtd_dir, run_fulfilment, remember=False)
    assert {
        ("ConfirmationRequest", "Same payloadID again"),
        ("ShipNoticeRequest", "Same payloadID again"),
        ("InvoiceDetailRequest", "Same payloadID again"),
    } <= failures(report)


# --- The commands ----------------------------------------------------------------------


@pytest.fixture
def receiver(request: pytest.FixtureRequest) -> Iterator[FakeReceiver]:
    """A FakeReceiver in a thread and loop of its own (the command runs its own loop)."""
    options: dict[str, Any] = getattr(request, "param", {})
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    fake = FakeReceiver(**options)
    asyncio.run_coroutine_threadsafe(fake.__aenter__(), loop).result(10)
    yield fake
    asyncio.run_coroutine_threadsafe(fake.__aexit__(), loop).result(10)
    loop.call_soon_threadsafe(loop.stop)
    thread.join(10)
    loop.close()


def invoke(*args: str) -> Any:
    return CliRunner().invoke(main, list(args), env={"PUNCHIN_CHECK_SHARED_SECRET": SECRET})


@pytest.mark.parametrize("receiver", [{"remember": False}], indirect=True)
def test_the_order_command_fails_a_careless_supplier_in_junit(
    receiver: FakeReceiver, dtd_dir: Path, tmp_path: Path
) -> None:
    poom = tmp_path / "cart.xml"
    poom.write_bytes(serialize(supplier.order_message(STORE, "1700000000.1.1@store.test")))
    junit = tmp_path / "junit.xml"
    result = invoke(
        "check", "order-endpoint", receiver.url("order"), "--status-url", receiver.url("status"),
        "--from-cart", str(poom), "--dtd-dir", str(dtd_dir), "--report", str(junit),
    )  # fmt: skip

    assert result.exit_code == 1, result.output
    assert "FAIL  [OrderRequest new] Same payloadID again" in result.stdout
    assert SECRET not in result.output
    root = ET.parse(junit).getroot()  # noqa: S314 (our own file)
    suite = next(
        s for s in root if s.get("name") == "punchin check order-endpoint: OrderRequest new"
    )
    failed = [c.get("name") for c in suite.iter("testcase") if c.find("failure") is not None]
    assert failed == ["Same payloadID again"]
    assert int(root.get("failures") or 0) >= 2  # the approval's copy too


@pytest.mark.parametrize("receiver", [{"sender": "TestStore"}], indirect=True)
def test_the_fulfilment_command_passes_a_careful_buyer(
    receiver: FakeReceiver, dtd_dir: Path, tmp_path: Path
) -> None:
    order = tmp_path / "order.xml"
    order.write_bytes(serialize(buyer.order_request(BUYER, cart(), "PO-7")))
    report = tmp_path / "report.json"
    result = invoke(
        "check", "fulfilment-endpoint", receiver.url("confirmation"), "--order", str(order),
        "--ship-notice-url", receiver.url("shipnotice"), "--dtd-dir", str(dtd_dir),
        "--report", str(report),
    )  # fmt: skip

    assert result.exit_code == 0, result.output
    assert "INFO  [InvoiceDetailRequest] Not sent: no endpoint URL given" in result.stdout
    assert len(receiver.applied) == 2  # the confirmation and the ship notice


@pytest.mark.parametrize(
    ("args", "error"),
    [
        ((), "give --from-identity and --to-identity"),
        (("--from-cart", "ORDER"), "not a PunchOutOrderMessage"),
        (("--from-cart", "GARBAGE"), "GARBAGE"),
    ],
)
def test_order_command_usage_errors(
    dtd_dir: Path, tmp_path: Path, args: tuple[str, ...], error: str
) -> None:
    files = {
        "ORDER": tmp_path / "order.xml",
        "GARBAGE": tmp_path / "garbage.xml",
    }
    files["ORDER"].write_bytes(serialize(buyer.order_request(BUYER, cart(), "PO-7")))
    files["GARBAGE"].write_bytes(b"<html>not cXML</html>")
    named = [str(files[a]) if a in files else a for a in args]
    result = invoke("check", "order-endpoint", "http://127.0.0.1:9/cxml/order", *named)
    assert result.exit_code == 2, result.output
    assert error.replace("GARBAGE", str(files["GARBAGE"])) in result.output
    assert "Traceback" not in result.output


def test_a_profile_without_the_endpoints_fails(dtd_dir: Path) -> None:
    """The receiver answers a ProfileRequest with a bare Status: nothing to post to."""

    def run(fake: FakeReceiver, dtd_dir: Path) -> Report:
        check = OrderEndpointCheck(
            partner=Partner(BUYER, dtd_dir=dtd_dir), cart=cart(), profile_url=fake.url("profile")
        )
        return asyncio.run(check_order_endpoint(check))

    report, fake = against(dtd_dir, run)
    assert failures(report) == {("Profile", "Transactions"), ("OrderRequest new", "Endpoint URL")}
    assert len(fake.applied) == 1  # the ProfileRequest; no order was sent


def test_the_commands_need_an_endpoint_or_a_profile(tmp_path: Path) -> None:
    order = tmp_path / "order.xml"
    order.write_bytes(serialize(buyer.order_request(BUYER, cart(), "PO-7")))
    for args in (["order-endpoint"], ["fulfilment-endpoint", "--order", str(order)]):
        result = invoke("check", *args, "--from-identity", "A", "--to-identity", "B")
        assert result.exit_code == 2, result.output
        assert "or --profile-url" in result.output
