"""Small suppliers that punch in to ``punchin check supplier``, well- and ill-behaved.

``FakeSupplier`` builds the cart and the PunchOutSetupRequest with
``punchin.conformance.supplier`` (DTD-valid by construction), serves the cart with a
``PoomServer``, POSTs through ``punchin.transport``, retries on 500 and opens the
StartPage, like a real one; each keyword makes it misbehave one way.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass, field

import aiohttp

from punchin.conformance.poomserver import PoomServer
from punchin.conformance.supplier import order_message, setup_request
from punchin.cxml import serialize, start_page_url
from punchin.cxml.build import Parties
from punchin.cxml.document import read
from punchin.cxml.payload_id import new_payload_id
from punchin.transport import CxmlClient, HttpReply

from .fakes import SECRET

PARTIES = Parties(
    "NetworkID", "TestStore", "AcmeProcurement", "TestStore", SECRET, "Test Store PunchIn 1.0"
)
_SECRET_ELEMENT = re.compile(rb"<SharedSecret>.*?</SharedSecret>", re.S)


@dataclass
class FakeSupplier:
    """retry: send again on a transient answer; new_payload_id: ... but as a new request;
    cart_payload_id: the cart's payloadID, when not the request's; shared_secret:
    False sends none; user_agent: the header sent; open_start_page: GET it on 200."""

    retry: bool = True
    new_payload_id: bool = False
    cart_payload_id: str | None = None
    shared_secret: bool = True
    user_agent: str = PARTIES.user_agent
    open_start_page: bool = True
    replies: list[HttpReply] = field(default_factory=list)

    def _request(self, server: PoomServer) -> bytes:
        payload_id = new_payload_id()
        cart = order_message(PARTIES, self.cart_payload_id or payload_id)
        poom = server.publish(serialize(cart))
        body = serialize(setup_request(PARTIES, payload_id, "buyer@acme.example", poom.url))
        return body if self.shared_secret else _SECRET_ELEMENT.sub(b"", body)

    async def punch_in(self, url: str) -> None:
        async with PoomServer() as server, CxmlClient() as client:
            body = self._request(server)
            for _ in range(3):
                reply = await client.post(url, body, user_agent=self.user_agent, timeout=10)
                self.replies.append(reply)
                if reply.status != 500 or not self.retry:
                    break
                await asyncio.sleep(0.05)
                if self.new_payload_id:
                    body = self._request(server)
            start_page = start_page_url(read(self.replies[-1].body, lenient=True).document)
            if self.open_start_page and start_page:
                async with aiohttp.ClientSession() as session, session.get(start_page) as page:
                    await page.read()
