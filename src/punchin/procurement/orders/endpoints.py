"""``POST /cxml/confirmation``, ``/cxml/shipnotice``, ``/cxml/invoice`` (docs/architecture.md)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from punchin.cxml.fulfill import ConfirmationRequest, ShipNoticeRequest
from punchin.cxml.invoice import InvoiceDetailRequest
from punchin.procurement.orders import fulfilment
from punchin.procurement.orders.inbound import receive
from punchin.web.cxmlhttp import cxml_endpoint


@csrf_exempt  # server-to-server POSTs authenticated by their own credentials
@require_POST
@cxml_endpoint
async def confirmation_endpoint(request: HttpRequest) -> HttpResponse:
    return await receive(request, ConfirmationRequest, fulfilment.confirmation)


@csrf_exempt
@require_POST
@cxml_endpoint
async def ship_notice_endpoint(request: HttpRequest) -> HttpResponse:
    return await receive(request, ShipNoticeRequest, fulfilment.ship_notice)


@csrf_exempt
@require_POST
@cxml_endpoint
async def invoice_endpoint(request: HttpRequest) -> HttpResponse:
    return await receive(request, InvoiceDetailRequest, fulfilment.invoice)
