"""Fetching the cart from the PoomUrl (P5, P18, P19), and what each failure means (P23).

Only hosts and ports configured for the partner, only https (plain http to loopback in
development), refused before connecting otherwise (docs/security.md row 15). The fetch
has a deadline inside the PoomUrl's one-minute life and a size cap (row 16).

Which failures the supplier should retry decides their code: a PoomUrl that answers
(an expired cart's cXML Status 500, a 404, an HTML page) will answer the same again,
so it is a 400; a connection error or timeout may pass, so it is a 500 and the
supplier's retry of the PunchOutSetupRequest is meaningful.
"""

from __future__ import annotations

import logging
import time

from django.conf import settings

from punchin.cxml import reply_status, status_line
from punchin.cxml.errors import BadRequest, LocalProtocolError
from punchin.procurement.partners.models import SupplierPartner
from punchin.transport import BadReply, TransportError, UrlPolicy, UrlRefused
from punchin.web.clients import cxml_client

log = logging.getLogger(__name__)


def policy_for(partner: SupplierPartner) -> UrlPolicy:
    return UrlPolicy(frozenset(partner.allowed_hosts), allow_loopback_http=settings.PUNCHIN_DEV)


async def fetch_poom(partner: SupplierPartner, url: str) -> bytes:
    """The PoomUrl's body, or the CXMLError to answer the PunchOutSetupRequest with."""
    deadline = time.monotonic() + settings.PUNCHIN_POOM_DEADLINE_SECONDS
    try:
        async with cxml_client() as client:
            return await client.fetch(
                url,
                policy=policy_for(partner),
                deadline=deadline,
                max_bytes=settings.PUNCHIN_POOM_MAX_BYTES,
            )
    except UrlRefused as exc:
        log.warning("PoomUrl of %s refused: %s", partner, exc.detail)
        raise BadRequest(
            "PoomUrl not allowed: it must be an https URL on a host and port configured "
            "for your partner account"
        ) from None
    except BadReply as exc:
        status = reply_status(exc.excerpt)
        if status is not None:
            raise BadRequest(
                f"PoomUrl answered cXML Status {status_line(status)} "
                "(a PoomUrl is valid for one minute)"
            ) from None
        if exc.transient:
            raise LocalProtocolError(
                f"PoomUrl answered HTTP {exc.status}; the request can be retried"
            ) from None
        raise BadRequest(f"PoomUrl answered HTTP {exc.status}") from None
    except TransportError as exc:
        # The partner hears what kind of failure it was, never where we connected or
        # were redirected to: no port scan or map of our network through its replies.
        log.warning("PoomUrl of %s not fetched: %s", partner, exc.detail)
        if exc.transient:
            raise LocalProtocolError(
                f"could not fetch the PoomUrl ({exc.summary}); the request can be retried"
            ) from None
        raise BadRequest(f"could not fetch the PoomUrl: {exc.summary}") from None
