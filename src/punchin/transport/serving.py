"""Serving an aiohttp application on an address, in the caller's loop or a thread.

The conformance kit's endpoints, the demo's OpenID provider and the tests' fake
partners all listen the same way: an ``AppRunner`` and one ``TCPSite``, port 0 meaning
"any free port", read back once bound. This module is that one way.
"""

from __future__ import annotations

import asyncio
import ssl
import threading
from collections.abc import Coroutine
from types import TracebackType
from typing import Any, TypeVar

from aiohttp import web

T = TypeVar("T")


class Listening:
    """``async with Listening(app) as served`` (or ``await start()`` / ``await stop()``).

    ``port`` 0 binds a free port; ``served.port`` is the bound one afterwards.
    ``shutdown_timeout`` bounds how long open connections may linger on exit.
    """

    def __init__(
        self,
        app: web.Application,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        tls: ssl.SSLContext | None = None,
        shutdown_timeout: float = 0.1,
        reuse_address: bool | None = None,
    ) -> None:
        self.host, self.port, self.tls = host, port, tls
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=shutdown_timeout)
        self._reuse_address = reuse_address

    @property
    def base_url(self) -> str:
        """``scheme://host:port`` with an IPv6 host in brackets."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{'https' if self.tls else 'http'}://{host}:{self.port}"

    async def start(self) -> Listening:
        await self._runner.setup()
        site = web.TCPSite(
            self._runner,
            self.host,
            self.port,
            ssl_context=self.tls,
            reuse_address=self._reuse_address,
        )
        await site.start()
        self.port = self._runner.addresses[0][1]
        return self

    async def stop(self) -> None:
        await self._runner.cleanup()

    async def __aenter__(self) -> Listening:
        return await self.start()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.stop()


class InThread:
    """``Listening`` from a thread with its own event loop, for synchronous callers.

    ``with InThread(app) as served`` (or ``start()`` / ``stop()``); ``run`` hands a
    coroutine to the server's loop, for a test that must act inside it.
    """

    def __init__(
        self,
        app: web.Application,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        tls: ssl.SSLContext | None = None,
        shutdown_timeout: float = 0.1,
        reuse_address: bool | None = None,
    ) -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self._listening = Listening(
            app,
            host,
            port,
            tls=tls,
            shutdown_timeout=shutdown_timeout,
            reuse_address=reuse_address,
        )

    @property
    def port(self) -> int:
        return self._listening.port

    @property
    def base_url(self) -> str:
        return self._listening.base_url

    def run(self, coroutine: Coroutine[Any, Any, T], timeout: float = 10) -> T:
        """Run ``coroutine`` in the server's loop and wait for its result."""
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout)

    def start(self) -> InThread:
        self._thread.start()
        self.run(self._listening.start())
        return self

    def stop(self) -> None:
        self.run(self._listening.stop())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(10)
        self.loop.close()

    def __enter__(self) -> InThread:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()
