"""The one shape of a test's fake partner: one aiohttp route served on loopback from a
thread of its own (``punchin.transport.serving.InThread``), started and stopped."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Self

from aiohttp import web

from punchin.transport.serving import InThread


class FakeServer:
    """Call ``listen`` once (from ``__init__`` or ``__post_init__``); then ``start``/``stop``."""

    _served: InThread

    def listen(
        self,
        method: str,
        path: str,
        handler: Callable[[web.Request], Awaitable[web.StreamResponse]],
        *,
        port: int = 0,
        reuse_address: bool | None = None,
    ) -> None:
        app = web.Application()
        app.router.add_route(method, path, handler)
        self._served = InThread(app, port=port, reuse_address=reuse_address)

    @property
    def port(self) -> int:
        return self._served.port

    @property
    def base_url(self) -> str:
        return self._served.base_url

    def start(self) -> Self:
        self._served.start()
        return self

    def stop(self) -> None:
        self._served.stop()
