"""``POST /cxml/confirmation``, ``/cxml/shipnotice``, ``/cxml/invoice`` and ``/cxml/profile``
(docs/architecture.md).

No timestamp window here, unlike Punch-in: a supplier's durable queue retries the
same bytes for up to a day, and the payloadID claim already refuses replays.
"""

from __future__ import annotations

from punchin.cxml.fulfill import ConfirmationRequest, ShipNoticeRequest
from punchin.cxml.invoice import InvoiceDetailRequest
from punchin.cxml.punchout import ProfileRequest
from punchin.procurement.orders import fulfilment
from punchin.procurement.orders.models import InboundClaim
from punchin.procurement.partners.inbound import endpoint
from punchin.web.profile import profile

confirmation_endpoint = endpoint(ConfirmationRequest, fulfilment.confirmation, InboundClaim)
ship_notice_endpoint = endpoint(ShipNoticeRequest, fulfilment.ship_notice, InboundClaim)
invoice_endpoint = endpoint(InvoiceDetailRequest, fulfilment.invoice, InboundClaim)

PROFILE = {
    "PunchOutSetupRequest": "cxml:punchin",
    "ConfirmationRequest": "cxml-confirmation",
    "ShipNoticeRequest": "cxml-shipnotice",
    "InvoiceDetailRequest": "cxml-invoice",
    "ProfileRequest": "cxml-profile",
}
profile_endpoint = endpoint(ProfileRequest, profile(PROFILE), InboundClaim)
