"""The Punch-in endpoint's own work, on the one inbound pipeline (docs/architecture.md).

The pipeline reads the PunchOutSetupRequest, authenticates the store and claims the
payloadID; here, in the order of the issue (P4-P6, P22, P23):

1. ``check_setup_request``: operation create, cXML 1.x, a timestamp near our clock;
2. ``find_buyer`` (in the claim's transaction): the UserEmail looked up in the
   organisation of the store that punched in (P16); ``fetch_cart`` (after the claim,
   outside any transaction): the cart fetched from the PoomUrl, its payloadID (P15)
   and lines checked;
3. ``create_requisition`` (in the pipeline's transaction, with the stored answer): the
   draft requisition, its lines and the StartPage token, so a failure leaves nothing
   half-stored (docs/security.md row 22).

A request in deploymentMode test takes steps 1 and 2 as in production, then
``apply_in_test_mode`` instead of step 3: nothing is created, and the StartPage shows what
arrived (docs/test-mode.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from django.conf import settings
from django.contrib.auth.models import AbstractUser

from punchin.cxml import response_document
from punchin.cxml.common import URL
from punchin.cxml.envelope import Document
from punchin.cxml.errors import BadRequest, NotImplementedRequest
from punchin.cxml.policy import ReadingPolicy
from punchin.cxml.punchout import (
    PunchOutOrderMessage,
    PunchOutSetupRequest,
    PunchOutSetupResponse,
    StartPage,
)
from punchin.procurement.accounts.services import find_member
from punchin.procurement.documents.models import CxmlDocument
from punchin.procurement.documents.services import record_received
from punchin.procurement.partners.models import SharedSecret
from punchin.procurement.punchin.poom import fetch_poom
from punchin.procurement.punchin.testpage import ReceivedInTestMode, received_page_url
from punchin.procurement.requisitions.cart import Cart
from punchin.procurement.requisitions.reading import Check, read_cart_document
from punchin.procurement.requisitions.services import create_draft
from punchin.web.inbound import Received

SetupRequest = Received[SharedSecret, PunchOutSetupRequest]


def check_setup_request(document: Document, request: PunchOutSetupRequest) -> None:
    """Punch-in's rules for a PunchOutSetupRequest, judged before authentication."""
    if request.operation != "create":
        raise NotImplementedRequest(f'Punch-in uses operation="create", not {request.operation!r}')
    if document.version is not None and not document.version.startswith("1."):
        raise BadRequest(f"cXML version {document.version!r} is not supported")
    skew = abs((datetime.now(UTC) - document.timestamp).total_seconds())
    if skew > settings.PUNCHIN_TIMESTAMP_TOLERANCE_SECONDS:
        raise BadRequest(
            f"timestamp {document.timestamp.isoformat()} is {int(skew)} s away from our clock"
        )


@dataclass(frozen=True, slots=True)
class FetchedCart:
    """What ``fetch_cart`` learnt: the buyer and the cart to make a requisition of, and
    the cart's row in the document log."""

    buyer: AbstractUser | None
    email: str
    cart: Cart
    cart_document: CxmlDocument


def _same_payload_id(payload_id: str) -> Check:
    """P15: a cart carries the payloadID of the PunchOutSetupRequest that announced it."""

    def check(document: Document, message: PunchOutOrderMessage) -> None:
        if document.payload_id != payload_id:
            raise BadRequest(
                f"the cart's payloadID {document.payload_id!r} differs from the "
                f"PunchOutSetupRequest's {payload_id!r}; a cart carries its request's payloadID"
            )

    return check


def read_poom(raw: bytes, url: str, received: SetupRequest) -> tuple[Cart, CxmlDocument]:
    """The fetched cart, read and checked; stored with its outcome whatever happens,
    before anything is created from it (the audit invariant: the pipeline stores
    ``received.records`` in the transaction that applies or refuses). Read leniently,
    as every document we fetch is, its repairs logged (docs/architecture.md, "Reading
    policies")."""
    entry = CxmlDocument(raw=raw, peer=url, document_type="PunchOutOrderMessage")
    received.records.append(entry)
    try:
        read = read_cart_document(
            raw, entry, ReadingPolicy.LENIENT, check=_same_payload_id(received.document.payload_id)
        )
    finally:
        record_received(entry)
    assert read.cart is not None  # an empty cart was refused
    return read.cart, entry


def _email(request: PunchOutSetupRequest) -> str:
    return (request.extrinsic("UserEmail") or "").strip()


def find_buyer(received: SetupRequest) -> AbstractUser | None:
    """Step 2, in the claim's transaction: the member the UserEmail names (P16)."""
    return find_member(received.sender.organisation, _email(received.payload))


async def fetch_cart(received: SetupRequest) -> FetchedCart:
    """Step 2: the cart behind the PoomUrl (P5, P18), for the buyer ``find_buyer`` found."""
    poom_url = (received.payload.extrinsic("PoomUrl") or "").strip()
    if not poom_url:
        raise BadRequest("Extrinsic PoomUrl is missing: it says where to fetch the cart")
    raw = await fetch_poom(received.sender.partner, poom_url)
    cart, entry = read_poom(raw, poom_url, received)  # entry is saved before apply runs
    return FetchedCart(received.gathered, _email(received.payload), cart, entry)


def create_requisition(received: SetupRequest) -> Document:
    """Step 3: the draft requisition; answers 200 with its StartPage (P6, P22)."""
    fetched: FetchedCart = received.prepared
    payload_id = received.document.payload_id
    _, start_page = create_draft(
        organisation=received.sender.organisation,
        supplier=received.sender.partner,
        requester=fetched.buyer,
        buyer_email=fetched.email,
        cart=fetched.cart,
        source_payload_id=payload_id,
        poom_payload_id=payload_id,
        base_url=received.base_url,
    )
    return response_document(
        200, payload=PunchOutSetupResponse(start_page=StartPage(url=URL(value=start_page.url)))
    )


def apply_in_test_mode(received: SetupRequest) -> Document:
    """A test Punch-in: the request and the cart were checked as in production; nothing
    is created, and the StartPage is the "Test received" page (docs/test-mode.md)."""
    fetched: FetchedCart = received.prepared
    url = received_page_url(
        received.base_url,
        ReceivedInTestMode(
            setup_document=received.entry.pk,
            cart_document=fetched.cart_document.pk,
            partner=received.sender.partner_id,
            organisation=received.sender.organisation_id,
            buyer_email=fetched.email,
            buyer_exists=fetched.buyer is not None,
        ),
    )
    return response_document(
        200,
        detail=(
            'deploymentMode="test": the request and its cart were checked as in production; '
            "no requisition was created, the StartPage shows what arrived"
        ),
        payload=PunchOutSetupResponse(start_page=StartPage(url=URL(value=url))),
    )
