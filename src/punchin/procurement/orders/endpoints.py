"""``POST /cxml/confirmation``, ``/cxml/shipnotice``, ``/cxml/invoice`` (docs/architecture.md).

No timestamp window here, unlike Punch-in: a supplier's durable queue retries the
same bytes for up to a day, and the payloadID claim already refuses replays.
"""

from __future__ import annotations

from punchin.cxml.fulfill import ConfirmationRequest, ShipNoticeRequest
from punchin.cxml.invoice import InvoiceDetailRequest
from punchin.procurement.orders import fulfilment
from punchin.procurement.orders.models import InboundClaim
from punchin.procurement.partners.inbound import endpoint

confirmation_endpoint = endpoint(ConfirmationRequest, fulfilment.confirmation, InboundClaim)
ship_notice_endpoint = endpoint(ShipNoticeRequest, fulfilment.ship_notice, InboundClaim)
invoice_endpoint = endpoint(InvoiceDetailRequest, fulfilment.invoice, InboundClaim)
