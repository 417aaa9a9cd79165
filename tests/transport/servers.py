"""Real loopback HTTP(S) peers for the transport tests: aiohttp.web on 127.0.0.1."""

from __future__ import annotations

import ssl
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

from aiohttp import web

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@asynccontextmanager
async def serve(
    handler: Handler, *, tls: ssl.SSLContext | None = None, path: str = "/cxml"
) -> AsyncIterator[str]:
    """Serve ``handler`` for every method at ``path``; yield the URL of that path."""

    async def route(request: web.Request) -> web.StreamResponse:
        return await handler(request)

    app = web.Application()
    app.router.add_route("*", path, route)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0, ssl_context=tls)
    await site.start()
    port = runner.addresses[0][1]
    try:
        yield f"{'https' if tls else 'http'}://127.0.0.1:{port}{path}"
    finally:
        await runner.cleanup()


def xml_reply(body: bytes = b"<cXML/>", status: int = 200) -> web.Response:
    return web.Response(body=body, status=status, content_type="text/xml", charset="UTF-8")
