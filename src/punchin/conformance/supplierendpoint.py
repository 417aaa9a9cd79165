"""``check_supplier``: be the e-procurement endpoint a supplier punches in to.

The I/O around the pure checks of ``setuprequest`` and ``poom``: an aiohttp server on
loopback (or behind ``public_url``) that the supplier's Punch-in is pointed at. It
grades the run step by step:

1. *Setup request*: the first POST, its headers and document (P14-P21);
2. *Cart*: the PoomUrl it names, fetched at once as P5 and P19 ask, and the cart in it
   (the same payloadID, P15; sound lines and Total; DTD-valid); then it answers cXML
   Status 500, which asks the supplier to try again (P23);
3. *Retry*: the supplier sends the same request again (same payloadID), whose PoomUrl
   still answers; this time the answer is 200 with a StartPage (P22);
4. *StartPage*: the buyer's browser arrives there (P7).
"""

from __future__ import annotations

import asyncio
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

from aiohttp import web

from punchin.cxml import serialize
from punchin.cxml.common import URL
from punchin.cxml.punchout import PunchOutSetupResponse, StartPage
from punchin.cxml.reply import http_status_for, response_document
from punchin.transport import CxmlClient
from punchin.transport.serving import Listening

from .findings import Finding, Report, Verdict, failed, in_step, info, passed, warned
from .poom import check_poom
from .poomurl import FETCH, fetch_poom
from .setuprequest import RETRIED, Expected, SetupReading, check_retry, check_setup_request

SETUP = "Setup request"
CART = "Cart"
RETRY = "Retry"
LANDING = "StartPage"
LISTENING = "Listening"
RECEIVED = "Received"
CART_AGAIN = "Cart on retry"
OPENED = "StartPage opened"
MORE = "More requests"
ANSWERED = "Answered"
CONTENT_TYPE = "text/xml; charset=UTF-8"
FETCH_AGENT = "punchin check"
# The flags of the published sample (P22): the buyer exists and needs no login here.
_FLAGS = (
    "requiresAuthByCredentials=0&requiresAuthBySSO=0&buyerExists=1"
    "&mobileSupported=1&internetSupported=1"
)
_LANDED_PAGE = (
    "<!doctype html><html lang=en><meta charset=utf-8><title>punchin check</title>"
    "<p>The supplier sent the browser to the StartPage: this step of the check passed. "
    "The report is in the terminal that runs <code>punchin check supplier</code>.</p></html>"
)


@dataclass(frozen=True)
class SupplierCheck:
    """Where to listen and what to expect. ``public_url`` is the base the supplier and
    the buyer's browser reach us at when that is not ``http://host:port`` (a tunnel or
    a TLS proxy). ``wait``: seconds for the first request; ``retry_wait``: for the
    retry after our 500; ``landing_wait``: for the browser at the StartPage;
    ``fetch_timeout``: for each PoomUrl fetch."""

    host: str = "127.0.0.1"
    port: int = 0
    path: str = "/cxml/punchin"
    public_url: str | None = None
    expected: Expected = field(default_factory=Expected)
    dtd_dir: Path | None = None
    ca_file: str | None = None
    wait: float = 300.0
    retry_wait: float = 120.0
    landing_wait: float = 10.0
    fetch_timeout: float = 10.0


@dataclass(frozen=True, slots=True)
class _Received:
    body: bytes
    reading: SetupReading
    at: float


class SupplierEndpoint:
    """``async with SupplierEndpoint(check) as endpoint``: ``endpoint.url`` is what the
    supplier's Punch-in points at; ``await endpoint.run()`` waits for the supplier and
    returns the report."""

    def __init__(self, check: SupplierCheck) -> None:
        self.check = check
        self.report = Report()
        self._received: list[_Received] = []
        self._token = secrets.token_urlsafe(32)
        self._first, self._retried, self._landed = asyncio.Event(), asyncio.Event(), asyncio.Event()
        self._answered_500 = 0.0
        self._client = CxmlClient(check.ca_file)
        app = web.Application()
        app.router.add_route("*", check.path, self._punchin)
        app.router.add_get("/start/{token}", self._land)
        self._listening = Listening(app, check.host, check.port)

    @property
    def port(self) -> int:
        return self._listening.port

    async def __aenter__(self) -> SupplierEndpoint:
        await self._listening.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self._listening.stop()
        await self._client.close()

    @property
    def base_url(self) -> str:
        if self.check.public_url:
            return self.check.public_url.rstrip("/")
        return self._listening.base_url

    @property
    def url(self) -> str:
        return f"{self.base_url}{self.check.path}"

    @property
    def start_page(self) -> str:
        return f"{self.base_url}/start/{self._token}?{_FLAGS}"

    async def run(self) -> Report:
        """Wait for each step in turn; a step that never comes FAILs (or, for the
        browser, WARNs: a server-side test has none) and ends the run."""
        check, report = self.check, self.report
        report.add(info(LISTENING, f"{self.url} (point the supplier's Punch-in here)"))
        if not await _within(self._first, check.wait):
            report.add(failed(RECEIVED, f"no request at {self.url} within {check.wait:g} s", SETUP))
            return report
        if not await _within(self._retried, check.retry_wait):
            report.add(
                failed(
                    RETRIED,
                    f"no second request within {check.retry_wait:g} s: a cXML Status 500 "
                    "asks the supplier to send the same request again (P23)",
                    RETRY,
                )
            )
            return report
        if await _within(self._landed, check.landing_wait):
            report.add(passed(OPENED, "the browser came to the StartPage (P7)", LANDING))
        else:
            report.add(
                warned(
                    OPENED,
                    f"not within {check.landing_wait:g} s: on 200 the supplier sends the "
                    "buyer's browser to the StartPage (P7)",
                    LANDING,
                )
            )
        if len(self._received) > 2:
            report.add(info(MORE, f"{len(self._received)} requests in all", RETRY))
        return report

    async def _punchin(self, request: web.Request) -> web.Response:
        body = await request.read()
        headers = {name.lower(): value for name, value in request.headers.items()}
        reading = check_setup_request(
            request.method, headers, body, self.check.dtd_dir, self.check.expected
        )
        received = _Received(body, reading, time.monotonic())
        self._received.append(received)
        if len(self._received) == 1:
            await self._grade_first(received)
            self.report.add(
                info(ANSWERED, "cXML Status 500: the supplier should retry (P23)", CART)
            )
            self._answered_500 = time.monotonic()
            self._first.set()
            return _answer(500, "punchin check answers 500 first, to see the supplier retry (P23)")
        if len(self._received) == 2:
            await self._grade_retry(self._received[0], received)
            self.report.add(info(ANSWERED, f"200 with the StartPage {self.start_page}", RETRY))
            self._retried.set()
        return _answer(200, start_page=self.start_page)

    async def _grade_first(self, first: _Received) -> None:
        self.report.add(in_step(SETUP, first.reading.findings))
        if first.reading.poom_url is None:
            self.report.add(failed(FETCH, "nothing to fetch: the request names no PoomUrl", CART))
            return
        body, fetched = await fetch_poom(
            self._client, first.reading.poom_url, self.check.fetch_timeout, FETCH_AGENT
        )
        self.report.add(in_step(CART, [fetched]))
        if body is not None:
            found = check_poom(body, None, self.check.dtd_dir, first.reading.payload_id)
            self.report.add(in_step(CART, found))

    async def _grade_retry(self, first: _Received, again: _Received) -> None:
        after = again.at - self._answered_500
        findings = [passed(RETRIED, f"{after:.2f} s after our 500 (P23)")]
        findings.append(
            check_retry(first.body, first.reading.payload_id, again.body, again.reading.payload_id)
        )
        if again.body != first.body:  # a new document: read it as such
            findings.extend(again.reading.findings)
        if again.reading.poom_url is not None:
            findings.append(
                await self._cart_again(again.reading.poom_url, again.reading.payload_id)
            )
        self.report.add(in_step(RETRY, findings))

    async def _cart_again(self, poom_url: str, payload_id: str | None) -> Finding:
        """The retry is handled anew, so its PoomUrl must answer again (P19, P23)."""
        body, fetched = await fetch_poom(
            self._client, poom_url, self.check.fetch_timeout, FETCH_AGENT
        )
        if body is None:
            return failed(
                CART_AGAIN,
                f"{fetched.reason}: the PoomUrl must answer while the retry is handled (P19)",
            )
        found = check_poom(body, None, self.check.dtd_dir, payload_id)
        problems = [f"{f.check}: {f.reason}" for f in found if f.verdict is Verdict.FAIL]
        if problems:
            return failed(CART_AGAIN, "; ".join(problems))
        return passed(CART_AGAIN, f"fetched again ({fetched.reason}), the retry's payloadID")

    async def _land(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self._token:
            return web.Response(status=404, text="not this check's StartPage")
        self._landed.set()
        return web.Response(text=_LANDED_PAGE, content_type="text/html")


def _answer(code: int, detail: str = "", start_page: str | None = None) -> web.Response:
    payload = None
    if start_page is not None:
        payload = PunchOutSetupResponse(start_page=StartPage(url=URL(value=start_page)))
    body = serialize(response_document(code, detail=detail, payload=payload))
    return web.Response(
        status=http_status_for(code), body=body, headers={"Content-Type": CONTENT_TYPE}
    )


async def _within(event: asyncio.Event, seconds: float) -> bool:
    try:
        await asyncio.wait_for(event.wait(), seconds)
    except TimeoutError:
        return False
    return True


async def check_supplier(
    check: SupplierCheck, on_ready: Callable[[str], None] | None = None
) -> Report:
    """Serve the endpoint, call ``on_ready(url)`` once it listens, and grade the
    supplier's Punch-in (see the module)."""
    async with SupplierEndpoint(check) as endpoint:
        if on_ready is not None:
            on_ready(endpoint.url)
        return await endpoint.run()
