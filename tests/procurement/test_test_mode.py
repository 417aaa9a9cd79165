"""Test mode on procurement, over real HTTP (docs/test-mode.md): a request marked
deploymentMode="test" is checked exactly as a production one and creates nothing; a
test Punch-in's StartPage is the "Test received" page."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core import signing
from django.core.management import call_command
from django.test import Client

from punchin.cxml import parse, serialize
from punchin.cxml.envelope import Document, Request, Response
from punchin.cxml.punchout import PunchOutSetupResponse
from punchin.procurement.documents.models import CxmlDocument
from punchin.procurement.orders.models import (
    Invoice,
    OrderEvent,
    PurchaseOrder,
    Shipment,
    State,
)
from punchin.procurement.punchin.models import PunchInRequest
from punchin.procurement.requisitions.models import Requisition, StartPageToken
from punchin.procurement.spend.services import spend
from punchin.web import demo
from punchin.web.testing import LiveASGIServer
from tests.procurement import builders, flow
from tests.procurement.conftest import Answer, FakeStorefront, Page, basic, post
from tests.procurement.test_fulfilment import (
    PATHS,
    confirmation,
    invoice,
    receive,
    ship_notice,
    status_of,
)
from tests.procurement.test_fulfilment import document as fulfilment_document
from tests.procurement.test_match import confirmed

pytestmark = pytest.mark.django_db(transaction=True)


def in_test_mode(document: Document) -> Document:
    assert isinstance(document.body, Request)
    return replace(document, body=replace(document.body, deployment_mode="test"))


def punch_in_test(
    server: LiveASGIServer, storefront: FakeStorefront, page: Page | None = None, **request: Any
) -> tuple[Answer, str]:
    """A test Punch-in: the cart served at a fresh PoomUrl, the request marked test."""
    first = builders.setup_request("", **request)
    payload_id = first.payload_id
    url = storefront.serve(payload_id, page or Page(builders.poom(payload_id)))
    document = in_test_mode(builders.setup_request(url, payload_id=payload_id, **request))
    answer = post(f"{server.url}/cxml/punchin", serialize(document), authorization=basic())
    return answer, payload_id


def start_page(answer: Answer) -> str:
    body = parse(answer.body).body
    assert isinstance(body, Response)
    assert isinstance(body.payload, PunchOutSetupResponse)
    return body.payload.start_page.url.value


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return parts.path


# --- Punch-in -------------------------------------------------------------------------


def test_a_test_punch_in_creates_nothing_and_answers_a_start_page_to_test_received(
    procurement: LiveASGIServer, storefront: FakeStorefront, assert_valid: Any
) -> None:
    answer, payload_id = punch_in_test(procurement, storefront)

    assert answer.status == 200, answer.body
    assert_valid(answer.body)
    body = parse(answer.body).body
    assert isinstance(body, Response)
    assert body.status.code == 200
    assert 'deploymentMode="test"' in body.status.detail
    url = start_page(answer)
    assert path_of(url).startswith("/punchin/test/")
    flags = parse_qs(urlsplit(url).query)
    assert flags["requiresAuthByCredentials"] == ["0"]
    assert flags["buyerExists"] == ["1"]
    # Checked and fetched as in production ...
    assert storefront.fetched == [payload_id]
    assert CxmlDocument.objects.filter(
        document_type="PunchOutOrderMessage", payload_id=payload_id, status_code=200
    ).exists()
    # ... and nothing a requester sees: no requisition, no StartPage token.
    assert not Requisition.objects.exists()
    assert not StartPageToken.objects.exists()
    # The document log keeps the request, its answer saying it was a test.
    logged = CxmlDocument.objects.get(document_type="PunchOutSetupRequest", payload_id=payload_id)
    assert b'deploymentMode="test"' in bytes(logged.raw)
    assert "no requisition was created" in logged.detail


def test_the_test_received_page_shows_what_arrived_and_what_production_would_do(
    procurement: LiveASGIServer, storefront: FakeStorefront
) -> None:
    answer, payload_id = punch_in_test(procurement, storefront)

    page = Client().get(path_of(start_page(answer)))
    assert page.status_code == 200
    text = page.content.decode()
    assert f"Test received from {demo.STORE_NAME}" in text
    assert "nothing was created" in text
    assert demo.PUNCHIN_BUYER in text
    assert text.count('data-label="Line total"') == 2  # the cart's two lines
    assert "12.30 USD" in text  # their total
    assert "A draft requisition of 2 lines, 12.30 USD, would wait for" in text
    assert "would need an account here first" not in text  # the buyer exists
    assert 'id="test-technical"' in text  # the documents one click away
    assert payload_id in text
    assert demo.SHARED_SECRET not in text


def test_a_test_punch_in_for_an_unknown_buyer_says_they_would_need_an_account(
    procurement: LiveASGIServer, storefront: FakeStorefront
) -> None:
    answer, _ = punch_in_test(procurement, storefront, email="new.person@acme.example")

    url = start_page(answer)
    assert parse_qs(urlsplit(url).query)["buyerExists"] == ["0"]
    text = Client().get(path_of(url)).content.decode()
    assert "No one at Acme" in text
    assert "would need an account here first" in text


def test_a_test_punch_in_is_refused_as_a_production_one_would_be(
    procurement: LiveASGIServer, storefront: FakeStorefront
) -> None:
    """A test that passes where production would fail proves nothing: the same rules."""
    wrong, _ = punch_in_test(procurement, storefront, secret="not-the-secret")
    assert status_of(wrong)[0] == 403
    unknown_operation, _ = punch_in_test(procurement, storefront, operation="edit")
    assert status_of(unknown_operation)[0] == 450
    assert storefront.fetched == []  # refused before the cart is fetched, as in production


def test_a_test_punch_in_with_an_empty_cart_is_refused_saying_what_to_fix(
    procurement: LiveASGIServer, storefront: FakeStorefront
) -> None:
    first = builders.setup_request("")
    cart = builders.poom(first.payload_id, items=(), total=Decimal(0))
    url = storefront.serve(first.payload_id, Page(cart))
    document = in_test_mode(builders.setup_request(url, payload_id=first.payload_id))
    answer = post(f"{procurement.url}/cxml/punchin", serialize(document), authorization=basic())

    assert status_of(answer) == (400, "the cart (PunchOutOrderMessage) has no ItemIn lines")


def test_a_replayed_test_punch_in_gets_the_same_answer(
    procurement: LiveASGIServer, storefront: FakeStorefront
) -> None:
    first = builders.setup_request("")
    url = storefront.serve(first.payload_id, Page(builders.poom(first.payload_id)))
    body = serialize(in_test_mode(builders.setup_request(url, payload_id=first.payload_id)))
    one = post(f"{procurement.url}/cxml/punchin", body, authorization=basic())
    two = post(f"{procurement.url}/cxml/punchin", body, authorization=basic())

    assert (one.status, one.body) == (two.status, two.body)
    assert storefront.fetched == [first.payload_id]
    assert PunchInRequest.objects.count() == 1


def test_a_test_received_link_that_was_changed_or_expired_is_refused(
    procurement: LiveASGIServer, storefront: FakeStorefront, settings: Any
) -> None:
    answer, _ = punch_in_test(procurement, storefront)
    path = path_of(start_page(answer))
    token = path.rsplit("/", 1)[1]
    fields = signing.loads(token, salt="punchin.procurement.punchin.test-received")
    fields["cart_document"] = fields["setup_document"]  # another row of the log
    forged = signing.dumps(fields, salt="not our salt", compress=True)

    changed = Client().get(f"/punchin/test/{forged}")
    assert changed.status_code == 410
    assert "Send the test request again" in changed.content.decode()
    settings.PUNCHIN_TEST_PAGE_TTL_SECONDS = -1  # every link has expired
    assert Client().get(path).status_code == 410


# --- the order documents ----------------------------------------------------------------


def send_test(server: LiveASGIServer, payload: Any) -> Answer:
    """``payload`` from the demo store, in deploymentMode test."""
    body = fulfilment_document(payload).replace(
        b'deploymentMode="production"', b'deploymentMode="test"'
    )
    return post(server.url + PATHS[type(payload)], body, authorization=basic())


@pytest.fixture
def server(transactional_db: None) -> Any:
    call_command("seed_demo", storefront_url="http://127.0.0.1:8001")
    from punchin.procurement.asgi import application

    with LiveASGIServer(application) as live:
        yield live


def test_a_test_mode_invoice_is_checked_and_not_recorded(
    server: LiveASGIServer, assert_valid: Any
) -> None:
    order = confirmed(server)
    receive(order, {1: "2", 2: "1.5"})
    before = spend(PurchaseOrder.objects.all())

    answer = send_test(server, invoice(order, {1: ("2", "4.50"), 2: ("1.5", "2.20")}))

    assert_valid(answer.body)
    code, detail = status_of(answer)
    assert code == 200
    assert detail.startswith('deploymentMode="test": checked as in production, nothing recorded')
    assert "in production: invoice INV-1 recorded" in detail
    assert not Invoice.objects.exists()
    assert not OrderEvent.objects.filter(kind="invoiced").exists()
    order.refresh_from_db()
    assert order.state == State.RECEIVED
    assert spend(PurchaseOrder.objects.all()) == before


def test_a_test_mode_invoice_production_would_refuse_is_refused(server: LiveASGIServer) -> None:
    order = flow.approved()
    unknown = invoice(order, {1: ("2", "4.50")})
    unknown = replace(
        unknown,
        orders=(
            replace(
                unknown.orders[0],
                order_info=replace(
                    unknown.orders[0].order_info,
                    order_reference=replace(
                        unknown.orders[0].order_info.order_reference, order_id="PO-NOPE"
                    ),
                ),
            ),
        ),
    )
    code, detail = status_of(send_test(server, unknown))
    assert code == 417
    assert "no purchase order 'PO-NOPE'" in detail


def test_a_test_mode_confirmation_and_ship_notice_change_nothing(server: LiveASGIServer) -> None:
    order = flow.approved()
    state = order.state

    confirmed = send_test(server, confirmation(order))
    shipped = send_test(server, ship_notice(order, "TEST-1", {1: "2"}))

    assert status_of(confirmed)[0] == status_of(shipped)[0] == 200
    assert "nothing recorded" in status_of(shipped)[1]
    order.refresh_from_db()
    assert order.state == state
    assert not order.lines.filter(confirmed_quantity__isnull=False).exists()
    assert not Shipment.objects.exists()
    assert not OrderEvent.objects.filter(kind__in=("confirmed", "shipped")).exists()
