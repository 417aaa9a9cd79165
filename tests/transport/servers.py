"""Real loopback HTTP(S) peers for the transport tests: aiohttp.web on 127.0.0.1."""

from __future__ import annotations

import contextlib
import socket
import ssl
import threading
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

from aiohttp import web

from punchin.transport.serving import Listening

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@asynccontextmanager
async def serve(
    handler: Handler,
    *,
    tls: ssl.SSLContext | None = None,
    path: str = "/cxml",
    host: str = "127.0.0.1",
) -> AsyncIterator[str]:
    """Serve ``handler`` for every method at ``path``; yield the URL of that path."""

    async def route(request: web.Request) -> web.StreamResponse:
        return await handler(request)

    app = web.Application()
    app.router.add_route("*", path, route)
    async with Listening(app, host, tls=tls) as served:
        yield f"{served.base_url}{path}"


def xml_reply(body: bytes = b"<cXML/>", status: int = 200) -> web.Response:
    return web.Response(body=body, status=status, content_type="text/xml", charset="UTF-8")


class BlockingTlsServer:
    """A TLS server on blocking sockets, one thread per connection, shaped like nginx.

    asyncio's TLS server aborts a failed handshake without sending the TLS alert, so
    a client cannot tell "certificate refused" from a network reset. Real servers
    (nginx, OpenSSL-based proxies) send the alert and close gracefully; this one does
    too, so the tests see what production peers do. A completed handshake is
    answered with a fixed cXML 200 document.
    """

    def __init__(self, context: ssl.SSLContext) -> None:
        self._context = context
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.05)  # so the accept loop notices ``stop``
        self._stopped = threading.Event()
        self.port = int(self._listener.getsockname()[1])
        self.url = f"https://127.0.0.1:{self.port}/cxml"
        self.accepted: list[str] = []  # negotiated TLS versions
        self.refused: list[str] = []  # handshake errors
        self._thread = threading.Thread(target=self._accept, daemon=True)

    def __enter__(self) -> BlockingTlsServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stopped.set()
        self._thread.join(timeout=5)
        self._listener.close()

    def _accept(self) -> None:
        while not self._stopped.is_set():
            try:
                conn, _ = self._listener.accept()
            except TimeoutError:
                continue
            threading.Thread(target=self._handle, args=(conn,), daemon=True).start()

    def _handle(self, conn: socket.socket) -> None:
        conn.settimeout(5)
        tls = self._context.wrap_socket(conn, server_side=True, do_handshake_on_connect=False)
        with tls:
            try:
                tls.do_handshake()
            except (ssl.SSLError, OSError) as exc:
                # OpenSSL has sent its alert; close gracefully, draining what the client sent.
                self.refused.append(str(exc))
                with contextlib.suppress(OSError):
                    tls.shutdown(socket.SHUT_WR)
                    while tls.recv(65536):
                        pass
                return
            self.accepted.append(str(tls.version()))
            request = b""
            while b"\r\n\r\n" not in request:
                chunk = tls.recv(65536)
                if not chunk:
                    return
                request += chunk
            body = b"<cXML/>"
            tls.sendall(
                b"HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nConnection: close\r\n"
                b"Content-Length: %d\r\n\r\n%s" % (len(body), body)
            )
