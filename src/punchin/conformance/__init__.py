"""punchin.conformance: check a partner's endpoint the way the other party would.

``check_punchin_endpoint`` plays the supplier against an e-procurement system's
Punch-in endpoint; ``check_poom_url`` plays the e-procurement system against a
supplier's PoomUrl; ``check_supplier`` is the e-procurement endpoint a supplier punches
in to; ``check_order_endpoint`` writes back to a supplier's status and order endpoints
as the e-procurement system, ``check_fulfilment_endpoint`` to a buyer's confirmation,
ship notice and invoice endpoints as the supplier. The protocol checks are pure
functions (bytes or models in, ``Finding``s out) in ``answers``, ``applied``, ``poom``,
``fetches``, ``refusals``, ``reading`` and ``setuprequest``; the documents sent are
built in ``supplier`` and ``buyer``; only ``endpoint``, ``poomurl``, ``poomserver``,
``supplierendpoint``, ``exchange``, ``orderendpoint`` and ``fulfilmentendpoint`` do
I/O, and ``reports`` writes a report as JUnit XML, JSON or HTML.

Edge layer: imports ``punchin.transport``, ``punchin.cxml`` and aiohttp, never Django
or either party's code, so it checks any implementation, ours included.
"""

from .endpoint import EndpointCheck, check_punchin_endpoint
from .exchange import Partner
from .findings import Finding, Report, Verdict
from .fulfilmentendpoint import FulfilmentEndpointCheck, check_fulfilment_endpoint
from .orderendpoint import OrderEndpointCheck, check_order_endpoint
from .poomurl import check_poom_url
from .setuprequest import Expected
from .supplierendpoint import SupplierCheck, SupplierEndpoint, check_supplier

__all__ = [
    "EndpointCheck",
    "Expected",
    "Finding",
    "FulfilmentEndpointCheck",
    "OrderEndpointCheck",
    "Partner",
    "Report",
    "SupplierCheck",
    "SupplierEndpoint",
    "Verdict",
    "check_fulfilment_endpoint",
    "check_order_endpoint",
    "check_poom_url",
    "check_punchin_endpoint",
    "check_supplier",
]
