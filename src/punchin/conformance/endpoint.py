"""``check_punchin_endpoint``: act as the supplier against an e-procurement endpoint.

The I/O around the pure checks: build the cart and the PunchOutSetupRequest (P14-P21),
serve the cart at a fresh PoomUrl, POST with the headers of P20 through
``punchin.transport``, and judge the answer, the PoomUrl fetches and the timing. With
``probe_refusals`` it then replays the request and sends a wrong SharedSecret and a
malformed document.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

from punchin.cxml import serialize
from punchin.cxml.build import Parties
from punchin.cxml.payload_id import new_payload_id
from punchin.transport import CxmlClient, HttpReply, Timeout, TransportError
from punchin.transport.auth import Auth

from .answers import HTTP_STATUS, RESPONSE_TIME, check_setup_response
from .fetches import POOM_TTL, check_poom_fetches
from .findings import Report, failed, info
from .poomserver import PoomServer
from .refusals import (
    MALFORMED,
    REPLAY,
    WRONG_SECRET,
    check_malformed,
    check_replay,
    check_wrong_secret,
)
from .supplier import order_message, setup_request
from .urls import check_url

ENDPOINT = "Endpoint URL"
POOM_URL = "PoomUrl"
SENT = "Sent"


@dataclass(frozen=True)
class EndpointCheck:
    """What to check and how to reach it. ``parties.user_agent`` is ``<store> PunchIn 1.0``
    (P20); ``budget`` is the answer time that passes, ``timeout`` when we stop waiting."""

    url: str
    parties: Parties
    user_email: str
    auth: Auth | None = field(default=None, repr=False)
    ca_file: str | None = None
    dtd_dir: Path | None = None
    poom_host: str = "127.0.0.1"
    poom_port: int = 0
    public_url: str | None = None
    budget: float = 20.0
    timeout: float = 60.0
    probe_refusals: bool = False
    poom_ttl: float = POOM_TTL


@dataclass
class _Run:
    check: EndpointCheck
    client: CxmlClient
    server: PoomServer
    report: Report

    async def post(self, body: bytes, check: str) -> HttpReply | None:
        """POST ``body``; a transport failure becomes a FAIL of ``check``."""
        try:
            return await self.client.post(
                self.check.url,
                body,
                auth=self.check.auth,
                user_agent=self.check.parties.user_agent,
                timeout=self.check.timeout,
            )
        except Timeout as exc:
            self.report.add(failed(RESPONSE_TIME if check == HTTP_STATUS else check, exc.detail))
        except TransportError as exc:
            self.report.add(failed(check, f"no answer: {exc.detail}"))
        return None

    def request(self, parties: Parties) -> tuple[str, str, bytes]:
        """A fresh payloadID, its cart served at a new PoomUrl, and the request's bytes."""
        payload_id = new_payload_id()
        poom = self.server.publish(serialize(order_message(parties, payload_id)))
        body = serialize(setup_request(parties, payload_id, self.check.user_email, poom.url))
        return payload_id, poom.token, body


async def _probe_refusals(run: _Run, first: HttpReply, token: str, body: bytes) -> None:
    # Replay first, while the cart is still served: a second processing would show.
    fetched = len(run.server.fetches(token, 0.0))
    again = await run.post(body, REPLAY)
    if again is not None:
        refetched = len(run.server.fetches(token, 0.0)) - fetched
        run.report.add(check_replay(first, again, refetched))

    wrong = replace(run.check.parties, shared_secret=f"not-the-secret-{secrets.token_hex(8)}")
    _, wrong_token, wrong_body = run.request(wrong)
    answer = await run.post(wrong_body, WRONG_SECRET)
    if answer is not None:
        run.report.add(check_wrong_secret(answer, len(run.server.fetches(wrong_token, 0.0))))

    _, _, valid = run.request(run.check.parties)
    answer = await run.post(valid.replace(b"</cXML>", b""), MALFORMED)  # root never closed
    if answer is not None:
        run.report.add(check_malformed(answer))


async def check_punchin_endpoint(check: EndpointCheck) -> Report:
    """Punch in once as the supplier would and report every finding (see the module)."""
    report = Report()
    report.add(check_url(ENDPOINT, check.url))
    async with (
        PoomServer(check.poom_host, check.poom_port, check.public_url, check.poom_ttl) as server,
        CxmlClient(check.ca_file) as client,
    ):
        run = _Run(check, client, server, report)
        payload_id, token, body = run.request(check.parties)
        report.add(check_url(POOM_URL, f"{server.base_url}/poom/..."))
        mode = check.parties.deployment_mode
        sent = f"PunchOutSetupRequest {payload_id} for {check.user_email}, deploymentMode {mode}"
        report.add(info(SENT, sent))
        started = time.monotonic()
        reply = await run.post(body, HTTP_STATUS)
        answered = None if reply is None else time.monotonic() - started
        if reply is not None:
            report.add(check_setup_response(reply, check.dtd_dir, check.budget))
        report.add(check_poom_fetches(server.fetches(token, started), answered, check.poom_ttl))
        if check.probe_refusals and reply is not None:
            await _probe_refusals(run, reply, token, body)
    return report
