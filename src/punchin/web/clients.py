"""The process's shared ``CxmlClient``, opened and closed by the ASGI server's lifespan.

A client per request opens a new connection per document; measured through the
whole Punch-in round trip that costs more than all the database work of the
request (docs/performance.md). ``punchin.web.asgi.SharedClient`` opens one client
when the server starts and closes it when the server stops; views reach it through
``cxml_client()``. Where no lifespan ran (tests serving the app with
``lifespan="off"``, management commands, a second event loop), ``cxml_client()``
gives a client of the call's own, closed when the call ends, so callers never
need to know which one they got.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from django.conf import settings

from punchin.transport import CxmlClient

_shared: CxmlClient | None = None
_loop: asyncio.AbstractEventLoop | None = None


def _ca_file() -> str | None:
    ca_file: str | None = getattr(settings, "PUNCHIN_CA_FILE", None)
    return ca_file


def open_shared() -> None:
    """Called at lifespan startup, on the server's event loop."""
    global _shared, _loop
    _shared = CxmlClient(_ca_file())
    _loop = asyncio.get_running_loop()


async def close_shared() -> None:
    """Called at lifespan shutdown: close every pooled connection."""
    global _shared, _loop
    client, _shared, _loop = _shared, None, None
    if client is not None:
        await client.close()


@asynccontextmanager
async def cxml_client() -> AsyncIterator[CxmlClient]:
    """The shared client on the loop that opened it; otherwise one for this call.

    aiohttp's connections belong to one event loop, hence the loop check.
    """
    if _shared is not None and _loop is asyncio.get_running_loop():
        yield _shared
        return
    async with CxmlClient(_ca_file()) as client:
        yield client
