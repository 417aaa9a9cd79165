"""Sending one setup request to the purchasing system (P20, P23)."""

from __future__ import annotations

from django.conf import settings

from punchin.cxml.status import Outcome
from punchin.storefront.integration.models import PurchasingSystem
from punchin.storefront.integration.services import (
    ConfigurationError,
    transport_auth,
    url_policy,
    user_agent,
)
from punchin.storefront.submissions.judge import Verdict, judge, judge_failure
from punchin.transport import HttpReply, TransportError
from punchin.web.clients import cxml_client

# The answer we keep and show is capped; a StartPage answer is a few hundred bytes.
MAX_ANSWER_BYTES = 1024 * 1024


async def send(system: PurchasingSystem, body: bytes) -> tuple[Verdict, HttpReply | None]:
    """POST one setup request with the configured auth; P20's headers come from the
    transport, the keep-alive client from the server process (``punchin.web.clients``)."""
    try:
        auth = transport_auth(system)
    except ConfigurationError as exc:
        return Verdict(Outcome.PERMANENT, str(exc), detail=str(exc)), None
    try:
        async with cxml_client() as client:
            reply = await client.post(
                system.endpoint_url,
                body,
                auth=auth,
                user_agent=user_agent(),
                timeout=settings.PUNCHIN_SETUP_TIMEOUT,
                max_bytes=MAX_ANSWER_BYTES,
                policy=url_policy(system.endpoint_url),
            )
    except TransportError as exc:
        return judge_failure(exc), None
    return judge(reply), reply
