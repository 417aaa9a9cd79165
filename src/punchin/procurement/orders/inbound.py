"""The fulfilment endpoints' common path: store, read, authenticate, apply once.

1. the view stores the body in the document log before anything reads it;
2. ``read`` strictly (400 with the reason) and check the request type (450);
3. authenticate exactly like the Punch-in endpoint (Sender credential, the partner's
   HTTP authentication, SharedSecret in constant time: 401 / 403);
4. ``answer_once``: claim the payloadID, apply the document and store the answer in
   one transaction. A copy gets the stored answer byte for byte; another body under
   the same payloadID gets 409 (SECURITY.md row 11); a transient failure (5xx) rolls
   everything back so the supplier's retry is applied anew.

No timestamp window here, unlike Punch-in: a supplier's durable queue retries the
same bytes for up to a day, and the payloadID claim already refuses replays.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable

from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse

from punchin.cxml import CXMLError, Limits, read
from punchin.cxml.envelope import Document, Request
from punchin.cxml.errors import BadRequest, Conflict, LocalProtocolError, NotImplementedRequest
from punchin.cxml.status import Outcome, outcome
from punchin.procurement.documents.models import CxmlDocument
from punchin.procurement.documents.services import record_answer, record_inbound
from punchin.procurement.orders.models import InboundClaim
from punchin.procurement.partners.models import SupplierPartner
from punchin.procurement.punchin.services import authenticate, body_digest
from punchin.web.cxmlhttp import CXML_CONTENT_TYPE, cxml_endpoint, status_response

Apply = Callable[[SupplierPartner, Document, CxmlDocument], HttpResponse]
_CLAIM_ATTEMPTS = 3


def _checked(document: Document, expected: str) -> None:
    if document.header is None or not isinstance(document.body, Request):
        raise BadRequest(f"expected a cXML Request with a Header ({expected})")
    payload = document.body.payload
    found = type(payload).__name__ if payload is not None else "an unknown request"
    if found != expected:
        raise NotImplementedRequest(f"this endpoint accepts {expected}, not {found}")
    if document.body.deployment_mode not in (None, "production", "test"):
        raise BadRequest(f"unknown deploymentMode {document.body.deployment_mode!r}")
    if not document.payload_id.strip() or len(document.payload_id) > 255:
        raise BadRequest("payloadID must be 1 to 255 characters")


def _stored(claim: InboundClaim) -> HttpResponse:
    return HttpResponse(
        bytes(claim.answer), status=claim.answer_http_status, content_type=CXML_CONTENT_TYPE
    )


def answer_once(
    partner: SupplierPartner, document: Document, entry: CxmlDocument, body: bytes, apply: Apply
) -> HttpResponse:
    """Apply ``document`` once per (partner, payloadID); every copy gets the same answer.

    The claim, ``apply``'s changes and the answer commit together: a racing copy waits
    on the unique index (PostgreSQL) or the write lock (SQLite), then reads the answer.
    """
    digest = body_digest(body)
    for _ in range(_CLAIM_ATTEMPTS):
        claim = InboundClaim.objects.filter(partner=partner, payload_id=document.payload_id).first()
        if claim is not None:
            if not hmac.compare_digest(claim.body_sha256, digest):
                raise Conflict(
                    f"payloadID {document.payload_id} was received before with another body"
                )
            return _stored(claim)
        try:
            with transaction.atomic():
                claim = InboundClaim.objects.create(
                    partner=partner,
                    payload_id=document.payload_id,
                    document_type=entry.document_type,
                    body_sha256=digest,
                    answer=b"",
                    answer_http_status=0,
                )
                try:
                    with transaction.atomic():
                        answer = apply(partner, document, entry)
                except CXMLError as exc:
                    if outcome(exc.code) is Outcome.TRANSIENT:
                        raise
                    answer = status_response(exc.code, exc.detail, exc.text)
                claim.answer = answer.content
                claim.answer_http_status = answer.status_code
                claim.save(update_fields=("answer", "answer_http_status"))
            return answer
        except IntegrityError:
            continue  # a copy committed first: its answer is ours
    raise LocalProtocolError(f"payloadID {document.payload_id} is busy; retry later")


@cxml_endpoint
async def _answer(
    request: HttpRequest, entry: CxmlDocument, expected: str, apply: Apply
) -> HttpResponse:
    body = request.body
    document = read(body, limits=Limits(max_bytes=settings.PUNCHIN_MAX_BODY_BYTES)).document
    entry.payload_id = document.payload_id
    payload = getattr(document.body, "payload", None)
    entry.document_type = type(payload).__name__ if payload is not None else "unknown"
    _checked(document, expected)
    meta = {k: v for k, v in request.META.items() if isinstance(v, str)}
    secret = await authenticate(document, meta)
    entry.peer = secret.partner.name
    return await sync_to_async(answer_once)(secret.partner, document, entry, body, apply)


async def receive(request: HttpRequest, expected: str, apply: Apply) -> HttpResponse:
    """Store the request as received, answer it, store the answer (the audit trail)."""
    entry = await record_inbound(request.body, request.META.get("REMOTE_ADDR", ""), expected)
    response = await _answer(request, entry, expected, apply)
    await record_answer(entry, response.content)
    return response
