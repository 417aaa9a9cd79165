"""A partner's ProfileResponse: which requests it takes, and where (docs/protocol.md S12).

Given the partner's ProfileRequest endpoint, the checker asks first and posts each
document to the URL the profile lists for its request name, unless the URL was given.
"""

from __future__ import annotations

from punchin.cxml import CXMLError, read, serialize
from punchin.cxml.build import request
from punchin.cxml.envelope import Response
from punchin.cxml.punchout import ProfileRequest, ProfileResponse

from .applied import check_answer
from .exchange import SENT, Exchange, label
from .findings import failed, in_step, info

PROFILE = "Profile"
TRANSACTIONS = "Transactions"


async def endpoints(run: Exchange, url: str) -> dict[str, str]:
    """The URL of each request the profile at ``url`` lists (requestName -> URL)."""
    document = request(ProfileRequest(), run.partner.parties)
    run.report.add(info(SENT, f"{label(document)} to {url}", PROFILE))
    reply = await run.post(url, serialize(document), PROFILE, "HTTP status")
    if reply is None:
        return {}
    run.report.add(in_step(PROFILE, check_answer(reply, run.partner.dtd_dir, run.partner.budget)))
    try:
        body = read(reply.body, lenient=True).document.body
    except CXMLError:
        return {}  # the reading findings said why
    profile = body.payload if isinstance(body, Response) else None
    if not isinstance(profile, ProfileResponse):
        run.report.add(failed(TRANSACTIONS, "the answer carries no ProfileResponse", PROFILE))
        return {}
    routes = {t.request_name: t.url.value.strip() for t in profile.transactions}
    listed = ", ".join(f"{name} {where}" for name, where in routes.items()) or "none"
    run.report.add(info(TRANSACTIONS, listed, PROFILE))
    return routes
