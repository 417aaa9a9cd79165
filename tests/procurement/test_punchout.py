"""Classic PunchOut from the buyer's side, against a real supplier server on loopback:
the setup request (docs/protocol.md S3), the cart coming back through the browser (S4,
S6), edit and inspect, and every way a returned cart is refused with nothing applied.

The requester's own clicks go through Django's test client; the supplier's setup
answers and the browser's post of the cart travel over real HTTP (the cart without any
cookie or CSRF token, as a cross-site POST under SameSite arrives)."""

from __future__ import annotations

import base64
import http.client
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode, urlsplit

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from punchin.cxml.common import Extrinsic
from punchin.cxml.delivery import DeliveryAddress, address_of
from punchin.cxml.punchout import ItemOut
from punchin.procurement.approvals import services as approvals
from punchin.procurement.documents.models import CxmlDocument
from punchin.procurement.partners.models import SupplierPartner
from punchin.procurement.punchout.models import PunchOutSession, PunchOutSupplier, State
from punchin.procurement.requisitions.models import Origin, Requisition
from punchin.procurement.requisitions.services import store_ship_to, token_digest
from punchin.web import demo
from punchin.web.delivery.models import OutboundDelivery
from punchin.web.documents import Direction
from punchin.web.testing import LiveASGIServer
from tests.procurement.conftest import FakeStorefront
from tests.procurement.punchout_supplier import FakeSupplier, Received, line, refusal

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def supplier() -> Iterator[FakeSupplier]:
    fake = FakeSupplier().start()
    yield fake
    fake.stop()


@pytest.fixture
def catalog(procurement: LiveASGIServer, supplier: FakeSupplier, settings: Any) -> PunchOutSupplier:
    """The demo partner open for PunchOut at the fake supplier; our links point at the
    live server, where the browser posts the cart."""
    settings.PUNCHIN_PUBLIC_URL = procurement.url
    found, _ = PunchOutSupplier.objects.update_or_create(
        partner=SupplierPartner.objects.get(),
        defaults={"setup_url": supplier.url, "enabled": True},
    )
    return found


WAREHOUSE = DeliveryAddress(
    name="Acme Corporation",
    deliver_to=("Warehouse 7",),
    street=("7 Depot Road",),
    city="Shelbyville",
    state="IL",
    postal_code="62565",
    country_code="US",
    country="United States",
)


def signed_in(email: str = demo.PUNCHIN_BUYER) -> Client:
    client = Client()
    client.force_login(get_user_model().objects.get(email=email))
    return client


@pytest.fixture
def requester() -> Client:
    return signed_in()


@dataclass(frozen=True)
class Page:
    status: int
    body: str
    location: str


def browser_post(url: str, fields: dict[str, str], cookie: str = "") -> Page:
    """The supplier's auto-submitting form, posted cross-site: no CSRF token, and our
    session cookie only when given."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "Origin": "https://shop.supplier.example",
        **({"Cookie": cookie} if cookie else {}),
    }
    try:
        connection.request("POST", parts.path, body=urlencode(fields), headers=headers)
        response = connection.getresponse()
        return Page(
            response.status,
            response.read().decode("utf-8"),
            response.getheader("Location", ""),
        )
    finally:
        connection.close()


def shop(client: Client, catalog: PunchOutSupplier) -> Any:
    return client.post(reverse("punchout:start", args=[catalog.pk]))


def shopped(client: Client, catalog: PunchOutSupplier, supplier: FakeSupplier) -> Received:
    """Shop at the supplier: our setup request was answered with its StartPage."""
    response = shop(client, catalog)
    assert response.status_code == 302, response.content
    assert response["Location"].startswith(f"http://127.0.0.1:{supplier.port}/start/")
    return supplier.received[-1]


def returned_cart(
    client: Client, catalog: PunchOutSupplier, supplier: FakeSupplier, **checkout: Any
) -> Requisition:
    """Shop and check out: the cart comes back as the requester's draft requisition."""
    shopped(client, catalog, supplier)
    page = browser_post(*supplier.checkout(**checkout))
    assert page.status == 303, page.body
    number = page.location.rstrip("/").rsplit("/", 1)[-1]
    return Requisition.objects.get(number=number)


def aux(item: ItemOut) -> str:
    """The supplier's cookie of a line, as we carried it back."""
    found = item.item_id.supplier_part_auxiliary_id
    return found.value if found is not None else ""


def refused_in_layout(page: Page, status: int, words: str) -> None:
    assert page.status == status, page.body
    assert "punchin procurement" in page.body  # the site's own layout
    assert 'id="punchout-refused"' in page.body
    assert words in page.body


def lines_of(requisition: Requisition) -> list[tuple[str, str, Decimal, Decimal]]:
    return [
        (ln.supplier_part_id, ln.supplier_part_auxiliary_id, ln.quantity, ln.unit_price)
        for ln in requisition.lines.order_by("line_number")
    ]


# --- the catalog ---------------------------------------------------------------------


def test_the_demo_lists_its_store_for_shopping(seeded: None, storefront: FakeStorefront) -> None:
    """``punchin demo``: the store's partner is open for PunchOut at its setup URL,
    identities and SharedSecret those the store's seed expects (both read
    ``punchin.web.demo``)."""
    entry = PunchOutSupplier.objects.get()
    store = f"http://127.0.0.1:{storefront.port}"
    assert (entry.setup_url, entry.protocol, entry.enabled) == (
        f"{store}/cxml/punchout",
        "cxml",
        True,
    )
    assert (entry.partner.buyer_identity, entry.partner.to_identity) == (
        demo.PROCUREMENT_IDENTITY,
        demo.STORE_IDENTITY,
    )
    assert entry.partner.outbound_shared_secret == demo.SHARED_SECRET
    call_command("seed_demo", storefront_url=store)  # idempotent
    assert PunchOutSupplier.objects.get() == entry


def test_the_admin_sets_a_supplier_up_for_punchout_and_requesters_see_it(
    procurement: LiveASGIServer, supplier: FakeSupplier
) -> None:
    partner = SupplierPartner.objects.get()
    PunchOutSupplier.objects.all().delete()  # the demo's store, not set up yet
    admin = signed_in(demo.PROCUREMENT_ADMIN)
    listing = admin.get(reverse("punchout:suppliers"))
    assert listing.status_code == 200
    assert "Set up PunchOut" in listing.content.decode()

    url = reverse("punchout:supplier", args=[partner.pk])
    answer = admin.post(url, {"setup_url": supplier.url, "protocol": "cxml", "enabled": "on"})
    assert answer.status_code == 302, answer.content
    entry = PunchOutSupplier.objects.get(partner=partner)
    assert (entry.setup_url, entry.protocol, entry.enabled) == (supplier.url, "cxml", True)

    page = signed_in().get(reverse("punchout:shop")).content.decode()
    assert f"Shop at {partner}" in page

    entry.enabled = False
    entry.save()
    page = signed_in().get(reverse("punchout:shop")).content.decode()
    assert f"Shop at {partner}" not in page
    for admin_page in ("punchoutsupplier/add/", "punchoutsupplier/", "punchoutsession/"):
        assert admin.get(f"/admin/procurement_punchout/{admin_page}").status_code == 200


def test_only_organisation_admins_change_punchout_settings(procurement: LiveASGIServer) -> None:
    partner = SupplierPartner.objects.get()
    buyer = signed_in()
    assert buyer.get(reverse("punchout:suppliers")).status_code == 403
    url = reverse("punchout:supplier", args=[partner.pk])
    before = PunchOutSupplier.objects.get(partner=partner).setup_url
    answer = buyer.post(url, {"setup_url": "https://shop.example/po", "protocol": "cxml"})
    assert answer.status_code == 404
    assert PunchOutSupplier.objects.get(partner=partner).setup_url == before


def test_the_setup_url_must_be_https_outside_development(
    procurement: LiveASGIServer, settings: Any
) -> None:
    settings.PUNCHIN_DEV = False
    partner = SupplierPartner.objects.get()
    url = reverse("punchout:supplier", args=[partner.pk])
    before = PunchOutSupplier.objects.get(partner=partner).setup_url
    answer = signed_in(demo.PROCUREMENT_ADMIN).post(
        url, {"setup_url": "http://shop.example/po", "protocol": "cxml", "enabled": "on"}
    )
    assert answer.status_code == 200
    assert "must start with https://" in answer.content.decode()
    assert PunchOutSupplier.objects.get(partner=partner).setup_url == before


# --- the setup request ---------------------------------------------------------------


def test_shopping_posts_a_valid_create_request_bound_to_a_new_session(
    catalog: PunchOutSupplier, supplier: FakeSupplier, requester: Client, assert_valid: Any
) -> None:
    received = shopped(requester, catalog, supplier)
    assert_valid(received.raw)
    session = PunchOutSession.objects.get()
    request = received.request
    assert request.operation == "create"
    assert request.items == ()
    assert request.buyer_cookie.value == session.buyer_cookie
    assert session.state == State.SHOPPING
    assert session.user.email == demo.PUNCHIN_BUYER
    assert session.requisition is None
    # The BrowserFormPost URL is ours, and its token is the session's one-time key.
    url = urlsplit(received.form_post_url)
    assert f"{url.scheme}://{url.netloc}" == settings.PUNCHIN_PUBLIC_URL
    assert token_digest(url.path.rsplit("/", 1)[-1]) == session.token_digest
    # Who shops, and where to deliver.
    contact = request.contacts[0]
    assert contact.role == "endUser"
    assert [e.value for e in contact.emails] == [demo.PUNCHIN_BUYER]
    assert request.extrinsics == (
        Extrinsic(name="UserEmail", value=demo.PUNCHIN_BUYER),
        Extrinsic(name="UniqueName", value=demo.PUNCHIN_BUYER),
    )
    assert request.ship_to is not None
    assert request.ship_to.address.name.value == "Acme Corporation, Receiving"
    # The partner's identities and the SharedSecret it expects of us.
    header = received.document.header
    assert header is not None
    assert header.from_.credentials[0].identity.value == demo.PROCUREMENT_IDENTITY
    assert header.to.credentials[0].identity.value == demo.STORE_IDENTITY
    sender = header.sender.credentials[0]
    assert sender.identity.value == demo.PROCUREMENT_IDENTITY
    assert sender.shared_secret is not None
    assert sender.shared_secret.value == demo.SHARED_SECRET
    # Stored before it was sent, with the supplier's answer.
    entry = CxmlDocument.objects.get(document_type="PunchOutSetupRequest")
    assert entry.direction == Direction.OUTBOUND
    assert entry.sent == received.raw  # the SharedSecret masked at rest, kept encrypted
    assert demo.SHARED_SECRET.encode() not in bytes(entry.raw)
    assert entry.payload_id == session.setup_payload_id == received.document.payload_id
    assert entry.status_code == 200
    assert b"StartPage" in bytes(entry.answer)


def test_the_partners_outbound_authentication_goes_with_the_request(
    catalog: PunchOutSupplier, supplier: FakeSupplier, requester: Client
) -> None:
    SupplierPartner.objects.update(outbound_auth_scheme="bearer", outbound_bearer_token="tok-42")
    received = shopped(requester, catalog, supplier)
    assert received.authorization == "Bearer tok-42"


@pytest.mark.parametrize(
    ("answer", "status_line", "words"),
    [
        (refusal(403, "unknown buyer"), "403 Forbidden: unknown buyer", "did not recognise us"),
        (refusal(500, "maintenance"), "500 Internal Server Error", "temporary problem"),
        (refusal(200), "200 OK", "sent no shop page"),
        (lambda _: (200, b"<html>login</html>"), "", "without a cXML Response"),
    ],
    ids=["403", "500", "no-start-page", "html"],
)
def test_a_refused_setup_shows_what_the_supplier_answered(
    catalog: PunchOutSupplier,
    supplier: FakeSupplier,
    requester: Client,
    answer: Any,
    status_line: str,
    words: str,
) -> None:
    supplier.answer = answer
    response = shop(requester, catalog)
    page = response.content.decode()
    assert response.status_code == 502
    assert 'id="punchout-setup-failed"' in page
    assert words in page
    if status_line:
        assert status_line in page
    session = PunchOutSession.objects.get()
    assert session.state == State.REFUSED
    assert CxmlDocument.objects.get(document_type="PunchOutSetupRequest").answer


def test_an_unreachable_supplier_is_said_so(
    catalog: PunchOutSupplier, supplier: FakeSupplier, requester: Client
) -> None:
    with socket.socket() as closed:  # a port nobody listens on once it is closed
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    PunchOutSupplier.objects.update(setup_url=f"http://127.0.0.1:{port}/punchout")
    response = shop(requester, catalog)
    assert response.status_code == 502
    assert "We could not reach" in response.content.decode()
    assert PunchOutSession.objects.get().state == State.REFUSED


def test_a_supplier_that_is_not_enabled_cannot_be_shopped_at(
    catalog: PunchOutSupplier, supplier: FakeSupplier, requester: Client
) -> None:
    PunchOutSupplier.objects.update(enabled=False)
    assert shop(requester, catalog).status_code == 404
    assert supplier.received == []
    assert not PunchOutSession.objects.exists()


# --- the cart's return ---------------------------------------------------------------


@pytest.mark.parametrize(
    "field", ["cxml-base64", "cxml-urlencoded", "CXML-Base64", "cXML-urlencoded"]
)
def test_the_cart_becomes_the_requesters_draft_requisition(
    catalog: PunchOutSupplier, supplier: FakeSupplier, requester: Client, field: str
) -> None:
    requisition = returned_cart(requester, catalog, supplier, encoding=field)
    assert requisition.state == "draft"
    assert requisition.origin == Origin.PUNCHOUT
    assert requisition.requester is not None
    assert requisition.requester.email == demo.PUNCHIN_BUYER
    assert requisition.supplier == catalog.partner
    assert requisition.operation_allowed == "edit"
    assert requisition.total == Decimal("12.30")
    assert lines_of(requisition) == [
        ("PEN-BLK-12", "cfg-PEN-BLK-12", Decimal(2), Decimal("4.50")),
        ("CAB", "cfg-CAB", Decimal(1), Decimal("3.30")),
    ]
    session = PunchOutSession.objects.get()
    assert session.state == State.RETURNED
    assert session.requisition == requisition
    assert requisition.source_payload_id == session.setup_payload_id
    # The cart is in the document log, answered 200.
    entry = CxmlDocument.objects.get(document_type="PunchOutOrderMessage")
    assert entry.direction == Direction.INBOUND
    assert entry.payload_id == requisition.poom_payload_id
    assert entry.peer == catalog.partner.name
    assert entry.status_code == 200
    # The requester lands on it, with the way back to the supplier's shop.
    page = requester.get(reverse("requisitions:detail", args=[requisition.number]))
    assert f"Edit cart at {catalog.partner}" in page.content.decode()


@pytest.mark.parametrize("decision", ["approve", "reject", "withdraw"])
def test_only_the_order_request_goes_to_the_supplier_of_a_punchout_cart(
    catalog: PunchOutSupplier, supplier: FakeSupplier, requester: Client, decision: str
) -> None:
    """Classic PunchOut: the requester brought the cart back, so the supplier waits for
    no decision (P8's StatusUpdateRequest is Punch-in's); approved, the cart is ordered."""
    requisition = returned_cart(requester, catalog, supplier)
    buyer = get_user_model().objects.get(email=demo.PUNCHIN_BUYER)
    approvals.submit(requisition, buyer, approvals.Coding(cost_centre="CC-4100", gl_account="6100"))
    approver = get_user_model().objects.get(email=demo.APPROVER)
    if decision == "withdraw":
        approvals.cancel(requisition, buyer)
    else:
        approvals.decide(requisition, approver, approve=decision == "approve", comment="why")

    queued = [d.document_type for d in OutboundDelivery.objects.all()]
    assert queued == (["OrderRequest"] if decision == "approve" else [])


def test_a_cart_left_empty_at_the_supplier_adds_nothing(
    catalog: PunchOutSupplier, supplier: FakeSupplier, requester: Client
) -> None:
    shopped(requester, catalog, supplier)
    page = browser_post(*supplier.checkout(items=()))
    assert page.status == 303
    assert page.location == reverse("punchout:shop")
    assert not Requisition.objects.exists()
    assert PunchOutSession.objects.get().state == State.RETURNED


def _cookie_of(email: str) -> str:
    client = signed_in(email)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def test_the_requester_signed_in_here_may_post_their_own_cart(
    catalog: PunchOutSupplier, supplier: FakeSupplier, requester: Client
) -> None:
    shopped(requester, catalog, supplier)
    page = browser_post(*supplier.checkout(), cookie=_cookie_of(demo.PUNCHIN_BUYER))
    assert page.status == 303, page.body
    assert Requisition.objects.count() == 1


@pytest.mark.parametrize(
    ("case", "status", "words"),
    [
        ("wrong-buyer-cookie", 403, "BuyerCookie is not the one of this shopping session"),
        ("replayed-buyer-cookie", 403, "BuyerCookie is not the one of this shopping session"),
        ("another-users-session", 403, "belongs to another user"),
        ("posted-twice", 409, "already received"),
        ("expired", 410, "expired"),
        ("unknown-token", 404, "not one of ours"),
        ("broken-base64", 400, "not valid Base64"),
        ("no-cart-field", 400, "must post a field named cxml-urlencoded or cxml-base64"),
        ("both-fields", 400, "2 carts at once"),
        ("another-sender", 403, "Header/Sender does not name"),
        ("total-mismatch", 400, "does not equal the sum of the lines"),
        ("hostile-xml", 400, "DOCTYPE"),
        ("test-mode-cart", 400, "marked deploymentMode=&quot;test&quot;, but this shopping"),
    ],
)
def test_a_bad_cart_is_refused_in_a_page_and_nothing_is_applied(
    catalog: PunchOutSupplier,
    supplier: FakeSupplier,
    requester: Client,
    case: str,
    status: int,
    words: str,
) -> None:
    cookie = ""
    if case == "replayed-buyer-cookie":
        first = returned_cart(requester, catalog, supplier)
        earlier = supplier.received[-1]
        shopped(requester, catalog, supplier)
        url, _ = supplier.checkout()
        _, fields = supplier.checkout(of=earlier)
    else:
        shopped(requester, catalog, supplier)
        url, fields = supplier.checkout()
    if case == "wrong-buyer-cookie":
        _, fields = supplier.checkout(buyer_cookie="guessed")
    elif case == "another-users-session":
        cookie = _cookie_of(demo.APPROVER)
    elif case == "posted-twice":
        assert browser_post(url, fields).status == 303
    elif case == "expired":
        PunchOutSession.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    elif case == "unknown-token":
        url = url.rsplit("/", 1)[0] + "/not-a-token"
    elif case == "broken-base64":
        fields = {"cxml-base64": "PGNYTUw+" + "!!"}
    elif case == "no-cart-field":
        fields = {"cart": fields["cxml-base64"]}
    elif case == "both-fields":
        fields["cxml-urlencoded"] = base64.b64decode(fields["cxml-base64"]).decode()
    elif case == "another-sender":
        _, fields = supplier.checkout(sender="SomeoneElse")
    elif case == "total-mismatch":
        _, fields = supplier.checkout(total=Decimal("1.00"))
    elif case == "test-mode-cart":  # a test is never a requisition
        raw = base64.b64decode(fields["cxml-base64"])
        marked = raw.replace(b"<Message", b'<Message deploymentMode="test"', 1)
        assert marked != raw
        fields = {"cxml-base64": base64.b64encode(marked).decode()}
    elif case == "hostile-xml":
        fields = {
            "cxml-urlencoded": '<?xml version="1.0"?><!DOCTYPE cXML [<!ENTITY x SYSTEM '
            '"file:///etc/passwd">]><cXML>&x;</cXML>'
        }
    before = {r.number: lines_of(r) for r in Requisition.objects.all()}

    page = browser_post(url, fields, cookie)

    refused_in_layout(page, status, words)
    assert {r.number: lines_of(r) for r in Requisition.objects.all()} == before
    if case == "replayed-buyer-cookie":
        assert list(Requisition.objects.all()) == [first]
    if case not in ("posted-twice", "replayed-buyer-cookie"):
        assert PunchOutSession.objects.filter(state=State.RETURNED).count() == 0
    if case in ("wrong-buyer-cookie", "another-sender", "total-mismatch"):
        entry = CxmlDocument.objects.filter(document_type="PunchOutOrderMessage").latest("pk")
        assert entry.status_code == status
        assert words.split(":")[0] in entry.detail


def test_two_copies_posted_at_once_make_one_requisition(
    catalog: PunchOutSupplier, supplier: FakeSupplier, requester: Client
) -> None:
    """docs/security.md row 21: exactly one copy moves the session; the other gets 409."""
    shopped(requester, catalog, supplier)
    url, fields = supplier.checkout()
    start = threading.Barrier(2)
    pages: list[Page] = []

    def post() -> None:
        start.wait()
        pages.append(browser_post(url, fields))

    threads = [threading.Thread(target=post) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(page.status for page in pages) == [303, 409]
    assert Requisition.objects.count() == 1
    assert Requisition.objects.get().lines.count() == 2


# --- edit and inspect ----------------------------------------------------------------


def test_edit_sends_the_lines_back_and_the_returned_cart_replaces_them(
    catalog: PunchOutSupplier, supplier: FakeSupplier, requester: Client, assert_valid: Any
) -> None:
    requisition = returned_cart(requester, catalog, supplier)
    version = requisition.version

    response = requester.post(reverse("punchout:edit", args=[requisition.number]))
    assert response.status_code == 302, response.content
    received = supplier.received[-1]
    assert_valid(received.raw)
    request = received.request
    assert request.operation == "edit"
    assert [
        (i.line_number, i.item_id.supplier_part_id, aux(i), i.quantity) for i in request.items
    ] == [
        (1, "PEN-BLK-12", "cfg-PEN-BLK-12", Decimal(2)),
        (2, "CAB", "cfg-CAB", Decimal(1)),
    ]
    session = PunchOutSession.objects.get(operation="edit")
    assert session.requisition == requisition
    assert request.buyer_cookie.value == session.buyer_cookie

    # The shopper doubles the pens, drops the cable and adds paper at the supplier.
    edited = (
        line("PEN-BLK-12", "4", "4.50", aux=aux(request.items[0])),
        line("PAPER-A4", "3", "5.00"),
    )
    page = browser_post(*supplier.checkout(edited, operation_allowed="inspect"))
    assert page.status == 303, page.body
    assert page.location == reverse("requisitions:detail", args=[requisition.number])

    requisition.refresh_from_db()
    assert lines_of(requisition) == [
        ("PEN-BLK-12", "cfg-PEN-BLK-12", Decimal(4), Decimal("4.50")),
        ("PAPER-A4", "cfg-PAPER-A4", Decimal(3), Decimal("5.00")),
    ]
    assert requisition.total == Decimal("33.00")
    assert requisition.operation_allowed == "inspect"
    assert requisition.version == version + 1
    assert requisition.events.filter(action="cart edited at the supplier").count() == 1
    assert Requisition.objects.count() == 1
    # operationAllowed="inspect" now: no Edit button, only View.
    page_html = requester.get(reverse("requisitions:detail", args=[requisition.number]))
    assert "Edit cart at" not in page_html.content.decode()
    assert f"View cart at {catalog.partner}" in page_html.content.decode()


def test_edit_sends_the_requisitions_own_delivery_address_as_ship_to(
    catalog: PunchOutSupplier, supplier: FakeSupplier, requester: Client
) -> None:
    """P41: the address the requisition has (here a requester's change), not the
    organisation's default, so the edited cart can bring it back."""
    requisition = returned_cart(requester, catalog, supplier)
    store_ship_to(requisition, WAREHOUSE)
    response = requester.post(reverse("punchout:edit", args=[requisition.number]))
    assert response.status_code == 302, response.content
    request = supplier.received[-1].request
    assert request.ship_to is not None
    assert address_of(request.ship_to.address) == WAREHOUSE


def test_a_cart_allowing_only_create_cannot_be_reopened(
    catalog: PunchOutSupplier, supplier: FakeSupplier, requester: Client
) -> None:
    requisition = returned_cart(requester, catalog, supplier, operation_allowed="create")
    page = requester.get(reverse("requisitions:detail", args=[requisition.number]))
    assert "Edit cart at" not in page.content.decode()
    assert "View cart at" not in page.content.decode()
    sent = len(supplier.received)
    for name in ("punchout:edit", "punchout:inspect"):
        response = requester.post(reverse(name, args=[requisition.number]))
        assert response.status_code == 409
        assert "cannot be reopened" in response.content.decode()
    assert len(supplier.received) == sent


def test_an_edited_cart_for_a_requisition_submitted_meanwhile_is_not_applied(
    catalog: PunchOutSupplier, supplier: FakeSupplier, requester: Client
) -> None:
    requisition = returned_cart(requester, catalog, supplier)
    assert requester.post(reverse("punchout:edit", args=[requisition.number])).status_code == 302
    before = lines_of(requisition)
    approvals.submit(
        requisition,
        requisition.requester,  # type: ignore[arg-type]
        approvals.Coding(cost_centre="CC-4100", gl_account="6100", note=""),
    )
    page = browser_post(*supplier.checkout((line("OTHER", "1", "1.00"),)))
    refused_in_layout(page, 409, "submitted for approval")
    requisition.refresh_from_db()
    assert lines_of(requisition) == before
    assert requisition.state == "submitted"


def test_inspect_shows_a_submitted_cart_and_its_return_changes_nothing(
    catalog: PunchOutSupplier, supplier: FakeSupplier, requester: Client, assert_valid: Any
) -> None:
    requisition = returned_cart(requester, catalog, supplier)
    approvals.submit(
        requisition,
        requisition.requester,  # type: ignore[arg-type]
        approvals.Coding(cost_centre="CC-4100", gl_account="6100", note=""),
    )
    requisition.refresh_from_db()
    detail = requester.get(reverse("requisitions:detail", args=[requisition.number]))
    assert "Edit cart at" not in detail.content.decode()
    assert f"View cart at {catalog.partner}" in detail.content.decode()
    assert requester.post(reverse("punchout:edit", args=[requisition.number])).status_code == 409

    response = requester.post(reverse("punchout:inspect", args=[requisition.number]))
    assert response.status_code == 302, response.content
    received = supplier.received[-1]
    assert_valid(received.raw)
    assert received.request.operation == "inspect"
    assert [i.item_id.supplier_part_id for i in received.request.items] == ["PEN-BLK-12", "CAB"]
    assert Extrinsic(name="CostCenter", value="CC-4100") in received.request.extrinsics
    before, version = lines_of(requisition), requisition.version

    page = browser_post(*supplier.checkout((line("OTHER", "9", "9.00"),)))
    assert page.status == 303, page.body
    assert page.location == reverse("requisitions:detail", args=[requisition.number])
    requisition.refresh_from_db()
    assert lines_of(requisition) == before
    assert (requisition.version, requisition.state) == (version, "submitted")
    assert PunchOutSession.objects.get(operation="inspect").state == State.RETURNED
