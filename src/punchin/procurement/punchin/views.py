"""The Punch-in endpoint, ``POST /cxml/punchin`` (docs/architecture.md)."""

from __future__ import annotations

from punchin.cxml.punchout import PunchOutSetupRequest
from punchin.procurement.partners.inbound import endpoint
from punchin.procurement.punchin import services
from punchin.procurement.punchin.models import PunchInRequest

punchin_endpoint = endpoint(
    PunchOutSetupRequest,
    services.create_requisition,
    PunchInRequest,
    check=services.check_setup_request,
    prepare=services.fetch_cart,
    gather=services.find_buyer,
    in_test_mode=services.apply_in_test_mode,
)
