"""The serving runtime both parties share (``punchin.web``): one keep-alive CxmlClient
per server process, opened and closed by the ASGI lifespan (docs/performance.md)."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

import pytest

from punchin.web import clients
from punchin.web.asgi import SharedClient


@pytest.fixture(autouse=True)
def _dev(settings: Any) -> None:
    """As the demo runs: outside development the startup wants the keys that encrypt
    secrets at rest (tests/procurement/test_secrets_at_rest.py)."""
    settings.PUNCHIN_DEV = True


async def _lifespan(app: SharedClient, event: str) -> str:
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": f"lifespan.{event}"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(dict(message))
        if message["type"] == "lifespan.startup.complete":
            raise _Started

    with contextlib.suppress(_Started):
        await app({"type": "lifespan"}, receive, send)
    return str(sent[-1]["type"])


class _Started(Exception):
    """Ends the fake server's lifespan loop after startup."""


async def _inner(scope: Any, receive: Any, send: Any) -> None:
    raise AssertionError("the lifespan must not reach Django, which refuses it")


def test_without_a_lifespan_each_call_gets_a_client_of_its_own_and_it_is_closed() -> None:
    async def run() -> None:
        async with clients.cxml_client() as first:
            pass
        async with clients.cxml_client() as second:
            pass
        assert first is not second
        assert first._closed
        assert second._closed

    asyncio.run(run())


def test_the_lifespan_opens_one_shared_client_and_closes_it_at_shutdown() -> None:
    app = SharedClient(_inner)

    async def run() -> None:
        assert await _lifespan(app, "startup") == "lifespan.startup.complete"
        async with clients.cxml_client() as first:
            pass
        async with clients.cxml_client() as second:
            pass
        assert first is second
        assert not first._closed
        assert await _lifespan(app, "shutdown") == "lifespan.shutdown.complete"
        assert first._closed
        async with clients.cxml_client() as after:
            assert after is not first

    asyncio.run(run())


def test_another_event_loop_never_gets_the_shared_client() -> None:
    """aiohttp connections belong to the loop that opened them."""
    app = SharedClient(_inner)
    opened = asyncio.new_event_loop()
    try:
        opened.run_until_complete(_lifespan(app, "startup"))

        async def elsewhere() -> bool:
            async with clients.cxml_client() as client:
                return client is clients._shared

        assert asyncio.run(elsewhere()) is False
    finally:
        opened.run_until_complete(_lifespan(app, "shutdown"))
        opened.close()
