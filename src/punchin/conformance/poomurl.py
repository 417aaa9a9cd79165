"""``check_poom_url``: fetch a supplier's PoomUrl as the e-procurement side would (P5).

One GET with ``Accept: text/xml`` through ``punchin.transport``: no redirects, a size
cap, a deadline, https only except to loopback (the policy of a development
e-procurement system; a production one also refuses loopback http). Then the pure
checks of ``poom.check_poom``.
"""

from __future__ import annotations

import time
from pathlib import Path

from punchin.cxml import reply_status
from punchin.transport import BadReply, CxmlClient, RedirectRefused, TransportError, UrlPolicy

from .findings import Finding, Report, failed, passed
from .poom import check_poom
from .urls import check_url

POOM_URL = "PoomUrl"
FETCH = "Fetch"
_ANY_HOST = UrlPolicy(frozenset({"*"}), allow_loopback_http=True)


async def fetch_poom(
    client: CxmlClient, url: str, timeout: float, user_agent: str
) -> tuple[bytes | None, Finding]:
    """GET ``url`` once as an e-procurement system fetches a cart: the body (None on
    failure) and the finding of the fetch."""
    started = time.monotonic()
    try:
        body = await client.fetch(
            url, policy=_ANY_HOST, deadline=started + timeout, retries=0, user_agent=user_agent
        )
    except RedirectRefused as exc:
        return None, failed(FETCH, f"{exc.detail}: an e-procurement system does not follow it")
    except BadReply as exc:
        status = reply_status(exc.excerpt)
        said = f", cXML Status {status.code} {status.text}" if status else ""
        hint = " (expired? a PoomUrl answers for one minute, P19)" if exc.status == 500 else ""
        return None, failed(FETCH, f"HTTP {exc.status}{said}{hint}")
    except TransportError as exc:
        return None, failed(FETCH, exc.detail)
    return body, passed(FETCH, f"{len(body)} bytes in {time.monotonic() - started:.2f} s")


async def check_poom_url(
    url: str,
    *,
    dtd_dir: Path | None = None,
    ca_file: str | None = None,
    timeout: float = 30.0,
    expected_payload_id: str | None = None,
    user_agent: str = "punchin check PunchIn 1.0",
) -> Report:
    """Fetch ``url`` once and report what an e-procurement system would find in the cart;
    ``expected_payload_id`` is the PunchOutSetupRequest's, when known (P15)."""
    report = Report()
    report.add(check_url(POOM_URL, url))
    async with CxmlClient(ca_file) as client:
        body, fetched = await fetch_poom(client, url, timeout, user_agent)
    report.add(fetched)
    if body is not None:
        report.add(check_poom(body, None, dtd_dir, expected_payload_id))
    return report
