"""The purchasing system writes back (P8): ``POST /cxml/status`` and ``POST /cxml/order``
over real HTTP against the live storefront.

Approved / rejected on the buyer's history; orders matched to the cart lines through
SupplierPartAuxiliaryID; refusals that tell the buyer's admin what to fix; a payloadID
applied once however often (and however concurrently) it arrives; DTD-valid answers.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from punchin.cxml import parse, serialize
from punchin.cxml.common import Comments, ItemID, Money, SupplierPartAuxiliaryID, UnitPrice
from punchin.cxml.envelope import Response
from punchin.cxml.order import OrderRequestType
from punchin.cxml.punchout import ItemOut, ProfileRequest, ProfileResponse
from punchin.cxml.validate import validate
from punchin.storefront.documents.models import CxmlDocument
from punchin.storefront.integration.models import PurchasingSystem
from punchin.storefront.orders.models import InboundRequest, PurchaseOrder, State
from punchin.storefront.submissions.models import Approval, PunchInSubmission
from punchin.web import demo
from punchin.web.inbound import body_digest
from punchin.web.testing import LiveASGIServer

from .conftest import Acme, Browser
from .factories import (
    cart_items,
    from_procurement,
    order_request,
    post,
    post_many,
    status_of,
    status_update,
    submitted,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def cart(acme: Acme, dev: Any) -> PunchInSubmission:
    """A submitted cart of an account whose purchasing system is configured."""
    acme.configure("http://127.0.0.1:9/cxml/punchin")
    return submitted(acme)


def _order(cart: PunchInSubmission, payload_id: str = "po-1@procurement", **kwargs: Any) -> Any:
    return from_procurement(order_request(cart_items(cart), **kwargs), payload_id)


def _valid(answer: bytes, dtd_dir: Path) -> None:
    assert validate(answer, dtd_dir) == []


# --- StatusUpdateRequest ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("decision", "shown"),
    [
        ("approved", "Approved by your purchasing system"),
        ("rejected", "Rejected by your purchasing system"),
    ],
)
def test_status_update_shows_on_the_order_history(
    acme: Acme,
    cart: PunchInSubmission,
    storefront: LiveASGIServer,
    dtd_dir: Path,
    decision: str,
    shown: str,
) -> None:
    """P8: the buyer's order history says approved or rejected, in words, with who
    decided and the approver's comment; no longer "Accepted: continue in your
    purchasing system"; the Status (200 OK) only in the linked document."""
    update = status_update(cart.payload_id, decision)
    update = replace(
        update,
        specific_status=replace(
            update.specific_status, comments=(Comments(text="Within budget.", lang="en"),)
        ),
    )
    document = from_procurement(update, f"su-{decision}@p")
    code, answer = post(storefront.url + "/cxml/status", document)

    assert code == 200, answer
    assert status_of(answer).code == 200
    _valid(answer, dtd_dir)
    cart.refresh_from_db()
    assert cart.approval == decision
    buyer = Browser(storefront.url).sign_in(demo.PUNCHIN_BUYER)
    page = buyer.get("/orders/").text
    assert f'<span class="state {decision}" id="decision-{cart.pk}">{shown}</span>' in page
    start = page.index(f'id="approval-{cart.pk}"')
    approval = page[start : page.index("</div>", start)]
    assert f"Requisition {decision}<br>Within budget." in approval
    assert "200 OK" not in approval
    assert "continue in your purchasing system" not in page
    logged = CxmlDocument.objects.get(payload_id=f"su-{decision}@p", direction="in")
    assert logged.document_type == "StatusUpdateRequest"
    assert logged.status_code == 200
    # The StatusUpdateRequest itself is one click away, under "Technical details".
    details = page.index('<details class="technical">', start)
    assert f"/punchin/documents/{logged.pk}" in page[details : page.index("</details>", details)]
    shown_document = buyer.get(f"/punchin/documents/{logged.pk}").text
    assert "StatusUpdateRequest" in shown_document
    assert 'code="200" text="OK"' in shown_document.replace("&quot;", '"')


def test_status_update_for_an_unknown_cart_is_417(
    cart: PunchInSubmission, storefront: LiveASGIServer, dtd_dir: Path
) -> None:
    document = from_procurement(status_update("nobody@nowhere"), "su-unknown@p")
    code, answer = post(storefront.url + "/cxml/status", document)

    assert code == 417
    status = status_of(answer)
    assert status.code == 417
    assert "PunchOutSetupRequest" in status.detail
    _valid(answer, dtd_dir)


def test_status_update_without_a_decision_is_400(
    cart: PunchInSubmission, storefront: LiveASGIServer
) -> None:
    update = replace(status_update(cart.payload_id), specific_status=None)
    code, answer = post(storefront.url + "/cxml/status", from_procurement(update, "su-x@p"))

    assert code == 400
    assert "approved or rejected" in status_of(answer).detail
    cart.refresh_from_db()
    assert cart.approval == Approval.PENDING


@pytest.mark.parametrize(
    ("secret", "sender"),
    [
        ("wrong-secret", demo.PROCUREMENT_IDENTITY),
        (demo.SHARED_SECRET, "SomebodyElse"),
        ("", demo.PROCUREMENT_IDENTITY),
    ],
    ids=["bad-secret", "unknown-sender", "empty-secret"],
)
def test_unauthenticated_senders_get_the_same_403(
    cart: PunchInSubmission, storefront: LiveASGIServer, secret: str, sender: str
) -> None:
    """docs/security.md row 9: unknown sender and bad secret look alike."""
    for path, payload in (
        ("/cxml/status", status_update(cart.payload_id)),
        ("/cxml/order", order_request(cart_items(cart))),
    ):
        document = from_procurement(payload, f"auth-{path}@p", secret=secret, sender=sender)
        code, answer = post(storefront.url + path, document)
        assert code == 403
        status = status_of(answer)
        assert (status.code, status.text) == (403, "Forbidden")
        assert status.detail.startswith("the Sender credential is not recognised")
    assert not PurchaseOrder.objects.exists()
    assert not InboundRequest.objects.exists()


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (b"not xml", 400),
        (b'<?xml version="1.0"?><cXML payloadID="x" timestamp="2026-01-01T00:00:00Z"/>', 400),
    ],
)
def test_unreadable_documents_are_400(
    cart: PunchInSubmission, storefront: LiveASGIServer, body: bytes, code: int
) -> None:
    status, answer = post(storefront.url + "/cxml/order", body)
    assert status == code
    assert status_of(answer).code == code
    assert CxmlDocument.objects.filter(direction="in", raw=body).exists()  # stored first


def test_the_wrong_request_type_is_450(cart: PunchInSubmission, storefront: LiveASGIServer) -> None:
    document = from_procurement(status_update(cart.payload_id), "wrong-type@p")
    code, answer = post(storefront.url + "/cxml/order", document)
    assert code == 400  # 450 is not mirrored in HTTP: a 4xx travels as HTTP 400
    assert status_of(answer).code == 450


# --- OrderRequest ----------------------------------------------------------------------


def test_a_new_order_is_matched_to_its_cart_lines(
    acme: Acme, cart: PunchInSubmission, storefront: LiveASGIServer, dtd_dir: Path
) -> None:
    code, answer = post(storefront.url + "/cxml/order", _order(cart))

    assert code == 200, answer
    _valid(answer, dtd_dir)
    order = PurchaseOrder.objects.get()
    assert (order.order_id, order.state, order.payload_id) == (
        "PO-1001",
        "received",
        "po-1@procurement",
    )
    assert order.account == acme.account
    assert [
        (line.line_number, line.cart_id, line.cart_line, line.submission_id, line.supplier_part_id)
        for line in order.lines.all()
    ] == [
        (1, cart.poom.document_id, 1, cart.pk, "OF-10001"),
        (2, cart.poom.document_id, 2, cart.pk, "IT-20001"),
    ]
    assert [line.quantity for line in order.lines.all()] == [Decimal(2), Decimal(1)]
    assert order.ship_to.startswith("Acme Corp, Receiving")
    page = Browser(storefront.url).sign_in(demo.PUNCHIN_BUYER).get("/orders/").text
    assert 'data-order-id="PO-1001"' in page
    assert "Received" in page


def test_the_same_order_twice_creates_one_and_answers_the_same_bytes(
    cart: PunchInSubmission, storefront: LiveASGIServer
) -> None:
    body = serialize(_order(cart))
    first = post(storefront.url + "/cxml/order", body)
    second = post(storefront.url + "/cxml/order", body)

    assert first == second
    assert PurchaseOrder.objects.count() == 1
    assert InboundRequest.objects.count() == 1
    # docs/architecture.md, "The audit trail": both copies logged, the SharedSecret
    # masked at rest, the exact bytes provable by their keyed digest.
    logged = list(CxmlDocument.objects.filter(direction="in"))
    assert len(logged) == 2
    assert {bytes(entry.answer) for entry in logged} == {first[1]}
    for entry in logged:
        assert b"<SharedSecret>***</SharedSecret>" in bytes(entry.raw)
        assert entry.body_digest == body_digest(body)
        assert entry.size == len(body)


def test_ten_copies_at_once_create_one_order(
    cart: PunchInSubmission, storefront: LiveASGIServer
) -> None:
    answers = post_many(storefront.url + "/cxml/order", serialize(_order(cart)), 10)

    assert {code for code, _ in answers} == {200}
    assert len({body for _, body in answers}) == 1
    assert PurchaseOrder.objects.count() == 1
    assert PurchaseOrder.objects.get().lines.count() == 2


def test_same_payload_id_with_another_body_is_409(
    cart: PunchInSubmission, storefront: LiveASGIServer
) -> None:
    post(storefront.url + "/cxml/order", _order(cart))
    code, answer = post(storefront.url + "/cxml/order", _order(cart, order_id="PO-OTHER"))

    assert code == 409
    assert "another body" in status_of(answer).detail
    assert list(PurchaseOrder.objects.values_list("order_id", flat=True)) == ["PO-1001"]


def test_same_order_id_under_a_new_payload_id_is_409(
    cart: PunchInSubmission, storefront: LiveASGIServer
) -> None:
    post(storefront.url + "/cxml/order", _order(cart))
    code, answer = post(storefront.url + "/cxml/order", _order(cart, "po-1-again@procurement"))

    assert code == 409
    assert 'type="update"' in status_of(answer).detail
    assert PurchaseOrder.objects.count() == 1


def _with_price(item: ItemOut, amount: str) -> ItemOut:
    assert item.item_detail is not None
    detail = replace(
        item.item_detail, unit_price=UnitPrice(money=Money(amount=Decimal(amount), currency="USD"))
    )
    return replace(item, item_detail=detail)


def test_price_mismatch_and_unknown_parts_are_400_line_by_line(
    cart: PunchInSubmission, storefront: LiveASGIServer
) -> None:
    first, second = cart_items(cart)
    foreign = replace(
        second,
        item_id=ItemID(
            supplier_part_id="IT-20001",
            supplier_part_auxiliary_id=SupplierPartAuxiliaryID(value="offer-from-elsewhere"),
        ),
    )
    document = from_procurement(order_request([_with_price(first, "0.99"), foreign]), "bad@p")
    code, answer = post(storefront.url + "/cxml/order", document)

    assert code == 400
    detail = status_of(answer).detail
    assert "line 1 (OF-10001): unit price 0.99 USD differs from the cart's 14.49 USD" in detail
    assert "line 2 (IT-20001): SupplierPartAuxiliaryID" in detail
    assert not PurchaseOrder.objects.exists()
    # A refusal is an answer too: the same document again gets the same bytes.
    assert post(storefront.url + "/cxml/order", document)[0] == 400
    assert InboundRequest.objects.get().answer_http_status == 400


def test_more_than_the_cart_is_refused(cart: PunchInSubmission, storefront: LiveASGIServer) -> None:
    first, second = cart_items(cart)
    order = order_request([replace(first, quantity=Decimal(3)), second])
    code, answer = post(storefront.url + "/cxml/order", from_procurement(order, "more@p"))

    assert code == 400
    assert "quantity 3 exceeds the cart's 2" in status_of(answer).detail


def test_an_order_for_a_rejected_cart_is_refused(
    cart: PunchInSubmission, storefront: LiveASGIServer
) -> None:
    post(
        storefront.url + "/cxml/status",
        from_procurement(status_update(cart.payload_id, "rejected"), "rej@p"),
    )
    code, answer = post(storefront.url + "/cxml/order", _order(cart))

    assert code == 400
    assert "was rejected" in status_of(answer).detail


def test_a_cart_line_is_ordered_once(cart: PunchInSubmission, storefront: LiveASGIServer) -> None:
    post(storefront.url + "/cxml/order", _order(cart))
    code, answer = post(storefront.url + "/cxml/order", _order(cart, "po-2@p", order_id="PO-1002"))

    assert code == 409
    assert "already ordered by PO PO-1001" in status_of(answer).detail


def test_update_replaces_the_lines_and_delete_cancels(
    cart: PunchInSubmission, storefront: LiveASGIServer
) -> None:
    post(storefront.url + "/cxml/order", _order(cart))
    first, _ = cart_items(cart)
    update = order_request(
        [replace(first, quantity=Decimal(1))],
        type=OrderRequestType.UPDATE,
        previous="po-1@procurement",
        version=2,
    )
    code, answer = post(storefront.url + "/cxml/order", from_procurement(update, "po-1-v2@p"))
    assert code == 200, answer
    order = PurchaseOrder.objects.get()
    assert (order.order_version, order.payload_id, order.state) == (2, "po-1-v2@p", "received")
    assert [(line.line_number, line.quantity) for line in order.lines.all()] == [(1, Decimal(1))]

    stale = order_request(
        [first], type=OrderRequestType.DELETE, previous="po-1@procurement", version=3
    )
    code, answer = post(storefront.url + "/cxml/order", from_procurement(stale, "po-1-del@p"))
    assert code == 409
    assert "not the most recent OrderRequest" in status_of(answer).detail

    delete = order_request([first], type=OrderRequestType.DELETE, previous="po-1-v2@p", version=3)
    code, answer = post(storefront.url + "/cxml/order", from_procurement(delete, "po-1-del2@p"))
    assert code == 200, answer
    order.refresh_from_db()
    assert order.state == State.CANCELLED


def test_update_of_an_unknown_order_is_417(
    cart: PunchInSubmission, storefront: LiveASGIServer
) -> None:
    update = order_request(cart_items(cart), type=OrderRequestType.UPDATE, previous="x@p")
    code, answer = post(storefront.url + "/cxml/order", from_procurement(update, "upd@p"))

    assert code == 417
    assert "no PO PO-1001" in status_of(answer).detail


# --- Reading policy ----------------------------------------------------------------------


def _with_raw_ampersand(cart: PunchInSubmission) -> bytes:
    """An order a lenient reader repairs: a raw '&' in the ShipTo name."""
    body = serialize(_order(cart))
    assert b"Acme Corp, Receiving" in body
    return body.replace(b"Acme Corp, Receiving", b"Acme Corp & Sons, Receiving", 1)


def test_standard_reading_refuses_a_raw_ampersand_with_the_rule(
    cart: PunchInSubmission, storefront: LiveASGIServer
) -> None:
    status, answer = post(storefront.url + "/cxml/order", _with_raw_ampersand(cart))

    assert status == 400
    assert "raw '&'" in status_of(answer).detail
    assert not PurchaseOrder.objects.exists()


def test_lenient_reading_accepts_it_and_logs_the_repair(
    cart: PunchInSubmission, storefront: LiveASGIServer
) -> None:
    PurchasingSystem.objects.update(reading_policy="lenient")
    status, answer = post(storefront.url + "/cxml/order", _with_raw_ampersand(cart))

    assert status == 200, answer
    assert PurchaseOrder.objects.get().ship_to.startswith("Acme Corp & Sons")
    entry = CxmlDocument.objects.get(direction="in")
    assert "escaped raw '&' characters as '&amp;'" in entry.repairs


def test_strict_reading_refuses_a_dtd_invalid_order_with_406(
    cart: PunchInSubmission,
    storefront: LiveASGIServer,
    dtd_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PUNCHIN_CXML_DTD_DIR", str(dtd_dir))
    PurchasingSystem.objects.update(reading_policy="strict")
    body = serialize(_order(cart)).replace(b"</Header>", b"<Unexpected/></Header>", 1)
    status, answer = post(storefront.url + "/cxml/order", body)

    assert status == 406, answer
    assert "not valid against its DTD" in status_of(answer).detail
    assert not PurchaseOrder.objects.exists()
    assert post(storefront.url + "/cxml/order", serialize(_order(cart, "po-2@p")))[0] == 200


# --- ProfileRequest ----------------------------------------------------------------------


def test_a_profile_request_lists_what_the_store_takes_and_where(
    cart: PunchInSubmission, storefront: LiveASGIServer, dtd_dir: Path
) -> None:
    profile = from_procurement(ProfileRequest(), "profile-1@procurement")
    status, answer = post(storefront.url + "/cxml/profile", profile)

    assert status == 200, answer
    _valid(answer, dtd_dir)
    body = parse(answer).body
    assert isinstance(body, Response)
    assert isinstance(body.payload, ProfileResponse)
    assert {t.request_name: t.url.value for t in body.payload.transactions} == {
        "StatusUpdateRequest": storefront.url + "/cxml/status",
        "OrderRequest": storefront.url + "/cxml/order",
        "ProfileRequest": storefront.url + "/cxml/profile",
        "PunchOutSetupRequest": storefront.url + "/cxml/punchout",
    }
    stranger = from_procurement(ProfileRequest(), "profile-2@p", secret="guess")
    assert post(storefront.url + "/cxml/profile", stranger)[0] == 403
