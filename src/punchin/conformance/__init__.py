"""punchin.conformance: check a partner's endpoint the way the other party would.

``check_punchin_endpoint`` plays the supplier against an e-procurement system's
Punch-in endpoint; ``check_poom_url`` plays the e-procurement system against a
supplier's PoomUrl; ``check_supplier`` is the e-procurement endpoint a supplier punches
in to. The protocol checks are pure functions (bytes or models in, ``Finding``s out)
in ``answers``, ``poom``, ``fetches``, ``refusals``, ``reading`` and ``setuprequest``;
only ``endpoint``, ``poomurl``, ``poomserver`` and ``supplierendpoint`` do I/O, and
``reports`` writes a report as JUnit XML, JSON or HTML.

Edge layer: imports ``punchin.transport``, ``punchin.cxml`` and aiohttp, never Django
or either party's code, so it checks any implementation, ours included.
"""

from .endpoint import EndpointCheck, check_punchin_endpoint
from .findings import Finding, Report, Verdict
from .poomurl import check_poom_url
from .setuprequest import Expected
from .supplierendpoint import SupplierCheck, SupplierEndpoint, check_supplier

__all__ = [
    "EndpointCheck",
    "Expected",
    "Finding",
    "Report",
    "SupplierCheck",
    "SupplierEndpoint",
    "Verdict",
    "check_poom_url",
    "check_punchin_endpoint",
    "check_supplier",
]
