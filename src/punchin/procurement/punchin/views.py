"""The Punch-in endpoint, ``POST /cxml/punchin`` (docs/architecture.md)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from punchin.procurement.documents.models import CxmlDocument
from punchin.procurement.documents.services import record_answer, record_inbound
from punchin.procurement.punchin.services import Inbound, punch_in
from punchin.web.cxmlhttp import cxml_endpoint


@cxml_endpoint
async def _answer(request: HttpRequest, entry: CxmlDocument) -> HttpResponse:
    base_url = settings.PUNCHIN_PUBLIC_URL or request.build_absolute_uri("/")
    meta = {k: v for k, v in request.META.items() if isinstance(v, str)}
    return await punch_in(Inbound(request.body, meta, base_url), entry)


@csrf_exempt  # a server-to-server POST authenticated by its own credentials
@require_POST
@cxml_endpoint
async def punchin_endpoint(request: HttpRequest) -> HttpResponse:
    """Store the request as received, answer it, store the answer (the audit trail)."""
    entry = await record_inbound(
        request.body, request.META.get("REMOTE_ADDR", ""), "PunchOutSetupRequest"
    )
    response = await _answer(request, entry)
    await record_answer(entry, response.content)
    return response
