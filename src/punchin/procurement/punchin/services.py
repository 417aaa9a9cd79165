"""The Punch-in endpoint's work, step by step in the order of the issue (P4-P6, P22, P23).

1. read the PunchOutSetupRequest safely (strict; 400 with the reason);
2. find the partner by its Sender credential, check its HTTP authentication (401)
   and the SharedSecret in constant time (403);
3. claim the payloadID (unique per partner): a copy of a request already answered
   gets the stored answer byte for byte, a different body under the same payloadID
   gets 409 (SECURITY.md row 11);
4. look the UserEmail up in the organisation of the store that punched in (P16);
5. fetch the cart from the PoomUrl, check its payloadID (P15) and its lines;
6. in one transaction: the draft requisition, its lines, the StartPage token and the
   stored answer, so a failure leaves nothing half-stored (SECURITY.md row 22).

Answers that will not change on a retry (2xx, 4xx) are stored with the claim; a
transient failure (5xx) releases the claim so the supplier's retry is processed anew.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpResponse
from django.utils import timezone

from punchin.cxml import CXMLError, Limits, read, response_document
from punchin.cxml.common import URL
from punchin.cxml.envelope import Document, Message
from punchin.cxml.errors import BadRequest, LocalProtocolError, NotImplementedRequest
from punchin.cxml.punchout import (
    PunchOutOrderMessage,
    PunchOutSetupRequest,
    PunchOutSetupResponse,
    StartPage,
)
from punchin.cxml.status import Outcome, outcome
from punchin.procurement.accounts.services import find_member
from punchin.procurement.documents.models import CxmlDocument
from punchin.procurement.documents.services import record_received
from punchin.procurement.partners import services as partners
from punchin.procurement.partners.models import SharedSecret
from punchin.procurement.punchin.models import PunchInRequest, State
from punchin.procurement.punchin.poom import fetch_poom
from punchin.procurement.requisitions.cart import Cart, read_cart
from punchin.procurement.requisitions.services import create_draft
from punchin.web.cxmlhttp import cxml_response, status_response
from punchin.web.inbound import body_digest, check_same_body, request_of, stored_answer

_CLAIM_POLL_SECONDS = 0.05


@dataclass(frozen=True, slots=True)
class Inbound:
    """What the view hands over: the body, the request's META, our public base URL."""

    body: bytes
    meta: dict[str, str]
    base_url: str


def setup_request(document: Document) -> PunchOutSetupRequest:
    """The document's PunchOutSetupRequest with operation create, or the refusal."""
    payload = request_of(document, PunchOutSetupRequest)
    if payload.operation != "create":
        raise NotImplementedRequest(
            f'Punch-in uses operation="create" (P21), not {payload.operation!r}'
        )
    if document.version is not None and not document.version.startswith("1."):
        raise BadRequest(f"cXML version {document.version!r} is not supported")
    skew = abs((datetime.now(UTC) - document.timestamp).total_seconds())
    if skew > settings.PUNCHIN_TIMESTAMP_TOLERANCE_SECONDS:
        raise BadRequest(
            f"timestamp {document.timestamp.isoformat()} is {int(skew)} s away from our clock"
        )
    return payload


async def authenticate(document: Document, meta: dict[str, str]) -> SharedSecret:
    """The store that sent ``document``: Sender credential, HTTP auth, SharedSecret."""
    assert document.header is not None
    credential = partners.sender_credential(document.header)
    secrets = await partners.secrets_of_sender(credential)
    if secrets:
        await partners.check_http_auth(secrets[0].partner, meta)
    secret = partners.match_secret(secrets, credential)
    partners.check_from(secret.partner, document.header)
    return secret


async def claim(
    secret: SharedSecret, payload_id: str, body: bytes
) -> PunchInRequest | HttpResponse:
    """Claim ``payload_id`` for processing, or the stored answer of an earlier copy.

    A copy that arrives while the first is still being processed waits up to
    ``PUNCHIN_INFLIGHT_WAIT_SECONDS`` for the first answer, then answers 500 so the
    supplier retries later; it never processes the cart a second time.
    """
    body_sha256 = body_digest(body)
    deadline = time.monotonic() + settings.PUNCHIN_INFLIGHT_WAIT_SECONDS
    while True:
        try:
            return await PunchInRequest.objects.acreate(
                partner=secret.partner, payload_id=payload_id, body_sha256=body_sha256
            )
        except IntegrityError:
            pass
        existing = await PunchInRequest.objects.filter(
            partner=secret.partner, payload_id=payload_id
        ).afirst()
        if existing is not None:
            check_same_body(existing, body_sha256)
            if existing.state == State.ANSWERED:
                return stored_answer(existing)
            stale = timezone.now() - timedelta(seconds=settings.PUNCHIN_STALE_CLAIM_SECONDS)
            if existing.created_at < stale:
                await PunchInRequest.objects.filter(
                    pk=existing.pk, state=State.PROCESSING
                ).adelete()
                continue
        if time.monotonic() > deadline:
            raise LocalProtocolError(
                f"payloadID {payload_id} is still being processed; retry later"
            )
        await asyncio.sleep(_CLAIM_POLL_SECONDS)


async def read_poom(raw: bytes, url: str, payload_id: str) -> Cart:
    """The fetched cart, read and checked; stored with its outcome whatever happens,
    before anything is created from it (the audit invariant)."""
    entry = CxmlDocument(raw=raw, peer=url, document_type="PunchOutOrderMessage")
    try:
        limits = Limits(max_bytes=settings.PUNCHIN_POOM_MAX_BYTES)
        parsed = read(raw, lenient=True, limits=limits)
        document = parsed.document
        entry.payload_id = document.payload_id
        message = document.body.payload if isinstance(document.body, Message) else None
        if not isinstance(message, PunchOutOrderMessage):
            raise BadRequest("the PoomUrl did not answer a PunchOutOrderMessage")
        if document.payload_id != payload_id:
            raise BadRequest(
                f"the cart's payloadID {document.payload_id!r} differs from the "
                f"PunchOutSetupRequest's {payload_id!r} (P15)"
            )
        cart = read_cart(message, settings.PUNCHIN_POOM_MAX_LINES)
        repairs = "; ".join(r.what for r in parsed.repairs)
        entry.status_code, entry.status_text = 200, "OK"
        entry.detail = f"read with repairs: {repairs}" if repairs else ""
        return cart
    except CXMLError as exc:
        entry.status_code, entry.status_text, entry.detail = exc.code, exc.text, exc.detail
        raise
    finally:
        await record_received(entry)


async def process(
    inbound: Inbound,
    document: Document,
    request: PunchOutSetupRequest,
    secret: SharedSecret,
    claimed: PunchInRequest,
) -> HttpResponse:
    """Steps 4-6 for a claimed payloadID; answers 200 with the StartPage (P6, P22)."""
    email = (request.extrinsic("UserEmail") or "").strip()
    poom_url = (request.extrinsic("PoomUrl") or "").strip()
    if not poom_url:
        raise BadRequest("Extrinsic PoomUrl is missing (P18)")
    buyer = await find_member(secret.organisation, email)
    raw = await fetch_poom(secret.partner, poom_url)
    cart = await read_poom(raw, poom_url, document.payload_id)

    @sync_to_async
    def create() -> HttpResponse:
        with transaction.atomic():
            requisition, start_page = create_draft(
                organisation=secret.organisation,
                supplier=secret.partner,
                requester=buyer,
                buyer_email=email,
                cart=cart,
                source_payload_id=document.payload_id,
                poom_payload_id=document.payload_id,
                base_url=inbound.base_url,
            )
            answer = cxml_response(
                response_document(
                    200,
                    payload=PunchOutSetupResponse(
                        start_page=StartPage(url=URL(value=start_page.url))
                    ),
                )
            )
            _store_answer(claimed, answer, requisition_id=requisition.pk)
        return answer

    return await create()


def _store_answer(claimed: PunchInRequest, answer: HttpResponse, **extra: object) -> None:
    updated = PunchInRequest.objects.filter(pk=claimed.pk, state=State.PROCESSING).update(
        state=State.ANSWERED,
        answer=answer.content,
        answer_http_status=answer.status_code,
        answered_at=timezone.now(),
        **extra,
    )
    if updated != 1:  # our claim was taken over as stale: roll the whole request back
        raise RuntimeError(f"the claim on {claimed.payload_id} was lost while processing")


async def punch_in(inbound: Inbound, entry: CxmlDocument) -> HttpResponse:
    """Answer one PunchOutSetupRequest; ``entry`` is its row in the document log."""
    document = read(inbound.body, limits=Limits(max_bytes=settings.PUNCHIN_MAX_BODY_BYTES)).document
    entry.payload_id = document.payload_id
    payload = getattr(document.body, "payload", None)
    entry.document_type = type(payload).__name__ if payload is not None else "unknown"
    request = setup_request(document)
    secret = await authenticate(document, inbound.meta)
    entry.peer = secret.partner.name
    claimed = await claim(secret, document.payload_id, inbound.body)
    if isinstance(claimed, HttpResponse):
        return claimed
    try:
        return await process(inbound, document, request, secret, claimed)
    except CXMLError as exc:
        answer = status_response(exc.code, exc.detail, exc.text)
        if outcome(exc.code) is Outcome.TRANSIENT:
            await _release(claimed)
        else:
            await sync_to_async(_store_answer)(claimed, answer)
        return answer
    except BaseException:
        await asyncio.shield(_release(claimed))
        raise


async def _release(claimed: PunchInRequest) -> None:
    """Give the payloadID back so the supplier's retry is processed (5xx, P23)."""
    await PunchInRequest.objects.filter(pk=claimed.pk, state=State.PROCESSING).adelete()
