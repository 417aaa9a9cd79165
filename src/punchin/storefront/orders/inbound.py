"""What the buyer's purchasing system sends back (P8): StatusUpdateRequest, OrderRequest.

Each endpoint, in order:

1. ``receive`` stores the body in the document log before anything else;
2. ``read`` strictly (400 with the reason) and check the request type (450);
3. ``authenticate``: the one Sender credential, matched in constant time against the
   inbound credentials of every purchasing system that uses that identity (403, the
   same answer for an unknown sender and a wrong SharedSecret: docs/security.md row 9);
4. ``punchin.web.inbound.answer_once``: the payloadID is claimed, the document
   applied and the answer stored in one transaction; a copy gets the stored answer
   byte for byte, another body under the same payloadID gets 409 (docs/security.md row 11).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from asgiref.sync import sync_to_async
from django.conf import settings
from django.db.models import Q
from django.http import HttpRequest, HttpResponse

from punchin.cxml import Limits, read
from punchin.cxml.envelope import Credential, Document
from punchin.cxml.errors import BadRequest, Forbidden
from punchin.storefront.documents.models import CxmlDocument
from punchin.storefront.documents.services import record_inbound, record_outcome
from punchin.storefront.integration.models import PurchasingSystem
from punchin.storefront.orders.models import InboundRequest
from punchin.web.cxmlhttp import cxml_endpoint
from punchin.web.inbound import answer_once, holder_of, request_of

_NOT_RECOGNISED = (
    "the Sender credential is not recognised: check the Sender identity and SharedSecret "
    "this store expects from your purchasing system"
)

Apply = Callable[[PurchasingSystem, Document, CxmlDocument], HttpResponse]


def _sender(document: Document) -> Credential:
    assert document.header is not None
    credentials = document.header.sender.credentials
    if len(credentials) != 1:
        # docs/security.md row 10: never "first one wins".
        raise BadRequest("the Sender must carry exactly one Credential")
    return credentials[0]


def authenticate(document: Document) -> PurchasingSystem:
    """The purchasing system whose inbound credential the Sender presents, or 403."""
    credential = _sender(document)
    identity = credential.identity.value.strip()
    candidates = (
        PurchasingSystem.objects.filter(credential_domain__iexact=credential.domain.strip())
        .filter(Q(inbound_identity=identity) | Q(inbound_identity="", to_identity=identity))
        .select_related("account")
    )
    presented = credential.shared_secret.value if credential.shared_secret else ""
    system = holder_of(presented, ((s, s.expected_secret) for s in candidates))
    if system is None:
        raise Forbidden(_NOT_RECOGNISED)
    return system


@cxml_endpoint
async def _answer(
    request: HttpRequest, entry: CxmlDocument, expected: type, apply: Apply
) -> HttpResponse:
    body = request.body
    document = read(body, limits=Limits(max_bytes=settings.PUNCHIN_MAX_BODY_BYTES)).document
    entry.payload_id = document.payload_id
    request_of(document, expected)
    system = await sync_to_async(authenticate)(document)
    entry.peer = str(system)[:255]
    claims = {"system": system}
    apply_it = partial(apply, system, document, entry)
    return await sync_to_async(answer_once)(InboundRequest, claims, document, body, apply_it)


async def receive(request: HttpRequest, expected: type, apply: Apply) -> HttpResponse:
    """Store the document as received, answer it, note the answer on the stored row."""
    entry = await record_inbound(
        request.body, request.META.get("REMOTE_ADDR", ""), expected.__name__
    )
    response = await _answer(request, entry, expected, apply)
    await record_outcome(entry, response.content)
    return response
