"""The storefront never lacks a worker to serve a PoomUrl while it waits (issue 3).

The fake e-procurement side holds every PunchOutSetupRequest until all of them have
arrived, so N setup requests are in flight on the storefront at once; only then
does it fetch each PoomUrl from that same storefront and answer. A server with
fewer than 2N workers blocked on the sends would hang here; async views under an
ASGI server serve the N PoomUrls while the N attempts wait.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from punchin.cxml import parse
from punchin.cxml.punchout import PunchOutSetupRequest
from punchin.storefront.submissions.models import PunchInSubmission
from punchin.web import demo
from punchin.web.testing import LiveASGIServer

from .conftest import Acme, Browser, setup_response
from .test_punchin import START_PAGE, submit

pytestmark = pytest.mark.django_db(transaction=True)

IN_FLIGHT = 24


def test_many_submissions_in_flight_still_get_their_poom_urls_served(
    acme: Acme, dev: Any, storefront: LiveASGIServer, procurement: Any
) -> None:
    dev.PUNCHIN_SETUP_TIMEOUT = 30
    arrived = 0
    all_arrived = asyncio.Event()
    served: list[str] = []

    async def holds_then_fetches(request: web.Request) -> web.Response:
        nonlocal arrived
        setup = parse(await request.read()).body.payload
        assert isinstance(setup, PunchOutSetupRequest)
        arrived += 1
        if arrived == IN_FLIGHT:
            all_arrived.set()
        await asyncio.wait_for(all_arrived.wait(), timeout=20)
        url = setup.extrinsic("PoomUrl")
        async with aiohttp.ClientSession() as session, session.get(url) as poom:
            assert poom.status == 200
            served.append(parse(await poom.read()).payload_id)
        return web.Response(body=setup_response(200, "OK", START_PAGE), content_type="text/xml")

    acme.configure(procurement(holds_then_fetches).url)
    ids = [submit(acme, storefront.url).pk for _ in range(IN_FLIGHT)]
    browser = Browser(storefront.url).sign_in(demo.PUNCHIN_BUYER)

    def attempt(pk: int) -> dict[str, Any]:
        reply = browser.post(f"/punchin/submissions/{pk}/attempt", Accept="application/json")
        assert reply.status == 200, reply.text
        return reply.json()

    with ThreadPoolExecutor(IN_FLIGHT) as pool:
        results = list(pool.map(attempt, ids))

    assert [r["state"] for r in results] == ["accepted"] * IN_FLIGHT
    assert sorted(served) == sorted(PunchInSubmission.objects.values_list("payload_id", flat=True))
