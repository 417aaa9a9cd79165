"""ASGI wrappers around each party's Django application.

``BodyLimit``: Django's ASGI handler reads the whole body before the view runs, with
no size limit of its own, so a lying Content-Length or an endless chunked body would
cost memory and disk (docs/security.md row 5). This wrapper answers 413 at the limit.

``SharedClient``: Django's handler refuses the ASGI lifespan protocol, so nothing
lives from server start to server stop. This wrapper answers the lifespan itself and
opens the process's one ``CxmlClient`` (``punchin.web.clients``) at startup and
closes it at shutdown, with the database connections of the process's lanes
(``punchin.web.lanes``). uvicorn runs none of Django's system checks, so the startup
also refuses to go on without the keys that encrypt secrets at rest
(``punchin.web.encryption.problems``): a production server never starts without them.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from punchin.cxml import http_status_for, response_document, serialize
from punchin.cxml.errors import PayloadTooLarge
from punchin.web import clients, encryption, lanes

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


class SharedClient:
    """Own the ASGI lifespan: one keep-alive ``CxmlClient`` per server process."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "lifespan":
            await self.app(scope, receive, send)
            return
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                if problems := encryption.problems():
                    failed = {"type": "lifespan.startup.failed", "message": "; ".join(problems)}
                    await send(failed)
                    return
                clients.open_shared()
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await clients.close_shared()
                await asyncio.get_running_loop().run_in_executor(None, lanes.close_all)
                await send({"type": "lifespan.shutdown.complete"})
                return


class BodyTooLarge(Exception):
    pass


class BodyLimit:
    """Refuse HTTP requests whose body exceeds ``max_bytes`` with a cXML 413."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", ()):
            if name == b"content-length" and value.isdigit() and int(value) > self.max_bytes:
                await self._refuse(send)
                return
        seen = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    raise BodyTooLarge
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except BodyTooLarge:
            if not started:
                await self._refuse(send)

    @staticmethod
    async def _refuse(send: Send) -> None:
        error = PayloadTooLarge("request body exceeds the limit")
        body = serialize(response_document(error.code, error.text, error.detail))
        await send(
            {
                "type": "http.response.start",
                "status": http_status_for(error.code),
                "headers": [
                    (b"content-type", b"text/xml; charset=UTF-8"),
                    (b"content-length", str(len(body)).encode()),
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})
