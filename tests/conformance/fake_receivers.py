"""A small aiohttp endpoint that applies the documents a partner posts, well or badly.

``FakeReceiver`` takes any cXML request at any path (a supplier's status and order
endpoints, a buyer's confirmation, ship notice and invoice endpoints), authenticates
the Sender, answers a copy of a document with the first answer, and applies each
business document once (an OrderRequest new by its orderID, anything else by its
payloadID). Each keyword makes it misbehave one way, so a test shows which finding
that misbehaviour must produce.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from aiohttp import web

from punchin.cxml import CXMLError, read
from punchin.cxml.common import Status
from punchin.cxml.envelope import Document, Request
from punchin.cxml.order import OrderRequest
from punchin.transport.serving import Listening

from .fakes import Answer, status

SENDER = "AcmeProcurement"
SECRET = "sesame-7f3a"
REFUSED = Status(code=403, text="Forbidden", detail="SharedSecret invalid or sender unknown")


def business_key(document: Document) -> str:
    """What applying the document creates: a new order by its orderID, else the
    document itself (a decision, a change, a confirmation)."""
    payload = document.body.payload if isinstance(document.body, Request) else None
    if isinstance(payload, OrderRequest) and payload.header.type == "new":
        return f"order {payload.header.order_id}"
    return f"document {document.payload_id}"


@dataclass
class FakeReceiver:
    """``async with FakeReceiver(...) as fake``; ``fake.url(path)`` is an endpoint.

    sender: the Sender identity it knows. remember: answer a copy of a document (same
    payloadID) with the first answer; without it the copy is applied again, and the
    duplicate refused as a naive system refuses it. check_secret: refuse a wrong
    SharedSecret. unknown: the Status an unknown Sender gets. code: the Status of every
    document applied.
    """

    sender: str = SENDER
    remember: bool = True
    check_secret: bool = True
    unknown: Status = REFUSED
    code: int = 200
    applied: list[str] = field(default_factory=list)
    base: str = ""

    async def __aenter__(self) -> FakeReceiver:
        app = web.Application()
        app.router.add_post("/{path:.*}", self._handle)
        self._listening = await Listening(app).start()
        self.base = self._listening.base_url
        self._answers: dict[str, Answer] = {}
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self._listening.stop()

    def url(self, path: str) -> str:
        return f"{self.base}/cxml/{path}"

    async def _handle(self, request: web.Request) -> web.Response:
        code, content_type, body = self._answer(await request.read())
        return web.Response(status=code, body=body, headers={"Content-Type": content_type})

    def _answer(self, body: bytes) -> Answer:
        try:
            document = read(body, lenient=True).document
        except CXMLError as exc:
            return status(400, "Bad Request", exc.detail)
        assert document.header is not None
        credential = document.header.sender.credentials[0]
        if credential.identity.value != self.sender:
            return status(self.unknown.code, self.unknown.text, self.unknown.detail)
        secret = credential.shared_secret.value if credential.shared_secret else ""
        if self.check_secret and secret != SECRET:
            return status(REFUSED.code, REFUSED.text, REFUSED.detail)
        if self.remember and document.payload_id in self._answers:
            return self._answers[document.payload_id]
        key = business_key(document)
        if key in self.applied:
            return status(409, "Conflict", f"{key} exists already")
        self.applied.append(key)
        answer = status(self.code, "OK" if self.code == 200 else "Internal Server Error")
        self._answers[document.payload_id] = answer
        return answer
