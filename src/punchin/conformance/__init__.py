"""punchin.conformance: check a partner's endpoint the way the other party would.

``check_punchin_endpoint`` plays the supplier against an e-procurement system's
Punch-in endpoint; ``check_poom_url`` plays the e-procurement system against a
supplier's PoomUrl. The protocol checks are pure functions (bytes or models in,
``Finding``s out) in ``answers``, ``poom``, ``fetches``, ``refusals`` and ``reading``;
only ``endpoint``, ``poomurl`` and ``poomserver`` do I/O.

Edge layer: imports ``punchin.transport``, ``punchin.cxml`` and aiohttp, never Django
or either party's code, so it checks any implementation, ours included.
"""

from .endpoint import EndpointCheck, check_punchin_endpoint
from .findings import Finding, Report, Verdict
from .poomurl import check_poom_url

__all__ = [
    "EndpointCheck",
    "Finding",
    "Report",
    "Verdict",
    "check_poom_url",
    "check_punchin_endpoint",
]
