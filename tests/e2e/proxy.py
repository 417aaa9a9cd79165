"""A slow network path between the parties: an HTTP proxy on loopback that forwards
every request to the real server and, when asked, holds the answer to one path.

The fault tests point procurement's order URL at it, so the storefront receives and
applies the OrderRequest while procurement's worker still waits for the answer: the
moment at which killing the worker is hardest to survive.
"""

from __future__ import annotations

import asyncio
import threading
from dataclasses import dataclass, field
from typing import Self

from aiohttp import ClientSession, web

from tests.e2e.servers import free_ports
from tests.fakes import FakeServer

FORWARDED = ("Content-Type", "Authorization", "User-Agent")


@dataclass
class SlowProxy(FakeServer):
    upstream: str
    hold_path: str = ""  # answers to this path are held for ``hold_seconds``
    hold_seconds: float = 60.0
    held: threading.Event = field(default_factory=threading.Event)
    requests: list[tuple[str, bytes]] = field(default_factory=list)  # path, body

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __post_init__(self) -> None:
        self.listen("*", "/{tail:.*}", self._forward, port=free_ports(1)[0])

    def start(self) -> Self:
        super().start()
        self._session = self._served.run(self._open_session())
        return self

    @staticmethod
    async def _open_session() -> ClientSession:
        return ClientSession()

    async def _forward(self, request: web.Request) -> web.Response:
        body = await request.read()
        self.requests.append((request.path, body))
        headers = {k: request.headers[k] for k in FORWARDED if k in request.headers}
        async with self._session.request(
            request.method,
            self.upstream + request.path_qs,
            data=body,
            headers=headers,
            allow_redirects=False,
        ) as answer:
            content = await answer.read()
            content_type = answer.headers.get("Content-Type", "application/octet-stream")
        if request.path == self.hold_path:
            self.held.set()
            await asyncio.sleep(self.hold_seconds)
        return web.Response(
            status=answer.status, body=content, headers={"Content-Type": content_type}
        )

    def stop(self) -> None:
        self._served.run(self._session.close())
        super().stop()
