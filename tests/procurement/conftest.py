"""Real servers on loopback: procurement under uvicorn, a fake storefront serving PoomUrls."""

from __future__ import annotations

import asyncio
import base64
import http.client
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from aiohttp import web
from django.core.management import call_command

from punchin.cxml.validate import validate
from punchin.web import demo
from punchin.web.testing import LiveASGIServer
from tests.connections import no_connection_escapes  # noqa: F401 (autouse)
from tests.fakes import FakeServer


@dataclass
class Page:
    body: bytes
    status: int = 200
    content_type: str = "text/xml; charset=UTF-8"
    delay: float = 0.0


@dataclass
class FakeStorefront(FakeServer):
    """Answers ``/poom/<token>`` from a thread of its own."""

    pages: dict[str, Page] = field(default_factory=dict)
    fetched: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.listen("GET", "/poom/{token}", self._poom)

    async def _poom(self, request: web.Request) -> web.Response:
        token = request.match_info["token"]
        self.fetched.append(token)
        page = self.pages.get(token)
        if page is None:
            return web.Response(status=404, text="no such cart")
        if page.delay:
            await asyncio.sleep(page.delay)
        return web.Response(
            status=page.status, body=page.body, headers={"Content-Type": page.content_type}
        )

    def serve(self, token: str, page: Page, host: str = "127.0.0.1") -> str:
        self.pages[token] = page
        return f"http://{host}:{self.port}/poom/{token}"


@pytest.fixture
def storefront() -> Iterator[FakeStorefront]:
    fake = FakeStorefront().start()
    yield fake
    fake.stop()


@pytest.fixture(autouse=True)
def fast_passwords(settings: Any) -> None:
    """Password hashing at production cost would dominate every test's setup."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def dev(settings: Any) -> None:
    """Development mode: PoomUrls over plain http to loopback are allowed."""
    settings.PUNCHIN_DEV = True


@pytest.fixture
def seeded(transactional_db: None, storefront: FakeStorefront) -> None:
    """The demo seed: Acme, the demo store as a basic-auth partner, the buyer."""
    call_command("seed_demo", storefront_url=f"http://127.0.0.1:{storefront.port}")


@pytest.fixture
def procurement(seeded: None, dev: None) -> Iterator[LiveASGIServer]:
    from punchin.procurement.asgi import application

    with LiveASGIServer(application) as server:
        yield server


@dataclass(frozen=True)
class Answer:
    status: int
    body: bytes
    content_type: str


def basic(user: str = demo.ENDPOINT_USER, password: str = demo.ENDPOINT_PASSWORD) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def post(
    url: str,
    body: bytes,
    *,
    authorization: str | None = None,
    headers: dict[str, str] | None = None,
    method: str = "POST",
) -> Answer:
    """One HTTP request with the headers of P20 (and ``authorization`` unless None)."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    sent = {
        "Content-Type": "text/xml; charset=UTF-8",
        "Accept": "text/xml",
        "User-Agent": f"{demo.STORE_NAME} PunchIn 1.0",
        **({"Authorization": authorization} if authorization else {}),
        **(headers or {}),
    }
    try:
        connection.request(method, parts.path, body=body, headers=sent)
        response = connection.getresponse()
        return Answer(response.status, response.read(), response.getheader("Content-Type", ""))
    finally:
        connection.close()


@pytest.fixture
def assert_valid(dtd_dir: Path):  # type: ignore[no-untyped-def]
    """Every cXML document we emit validates against the DTD it declares."""

    def check(data: bytes) -> None:
        assert validate(data, dtd_dir) == [], data.decode()

    return check
