"""The fulfilment endpoints' common path: store, read, authenticate, apply once.

1. the view stores the body in the document log before anything reads it;
2. ``read`` strictly (400 with the reason) and check the request type (450);
3. authenticate exactly like the Punch-in endpoint (Sender credential, the partner's
   HTTP authentication, SharedSecret in constant time: 401 / 403);
4. ``punchin.web.inbound.answer_once``: claim the payloadID, apply the document and
   store the answer in one transaction. A copy gets the stored answer byte for byte;
   another body under the same payloadID gets 409 (docs/security.md row 11); a transient
   failure (5xx) rolls everything back so the supplier's retry is applied anew.

No timestamp window here, unlike Punch-in: a supplier's durable queue retries the
same bytes for up to a day, and the payloadID claim already refuses replays.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from asgiref.sync import sync_to_async
from django.conf import settings
from django.http import HttpRequest, HttpResponse

from punchin.cxml import Limits, read
from punchin.cxml.envelope import Document
from punchin.procurement.documents.models import CxmlDocument
from punchin.procurement.documents.services import record_answer, record_inbound
from punchin.procurement.orders.models import InboundClaim
from punchin.procurement.partners.models import SupplierPartner
from punchin.procurement.punchin.services import authenticate
from punchin.web.cxmlhttp import cxml_endpoint
from punchin.web.inbound import answer_once, request_of

Apply = Callable[[SupplierPartner, Document, CxmlDocument], HttpResponse]


@cxml_endpoint
async def _answer(
    request: HttpRequest, entry: CxmlDocument, expected: type, apply: Apply
) -> HttpResponse:
    body = request.body
    document = read(body, limits=Limits(max_bytes=settings.PUNCHIN_MAX_BODY_BYTES)).document
    entry.payload_id = document.payload_id
    payload = getattr(document.body, "payload", None)
    entry.document_type = type(payload).__name__ if payload is not None else "unknown"
    request_of(document, expected)
    meta = {k: v for k, v in request.META.items() if isinstance(v, str)}
    partner = (await authenticate(document, meta)).partner
    entry.peer = partner.name
    claims = {"partner": partner}
    apply_it = partial(apply, partner, document, entry)
    return await sync_to_async(answer_once)(InboundClaim, claims, document, body, apply_it)


async def receive(request: HttpRequest, expected: type, apply: Apply) -> HttpResponse:
    """Store the request as received, answer it, store the answer (the audit trail)."""
    entry = await record_inbound(
        request.body, request.META.get("REMOTE_ADDR", ""), expected.__name__
    )
    response = await _answer(request, entry, expected, apply)
    await record_answer(entry, response.content)
    return response
