"""Storefront test fixtures: the demo account, a live storefront, fake procurements.

Run with ``pytest tests/storefront --ds punchin.storefront.settings``. The storefront
is served by the real uvicorn stack (``LiveASGIServer``); the e-procurement side is
an ``aiohttp.web`` server on loopback whose handler each test writes.
"""

from __future__ import annotations

import http.cookiejar
import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiohttp import web

from punchin.storefront.accounts.models import BusinessAccount, BuyingGroup, Member
from punchin.storefront.accounts.services import ensure_member
from punchin.storefront.catalog.models import Product
from punchin.storefront.catalog.services import load_demo_catalog
from punchin.storefront.integration.models import (
    AuthScheme,
    DeploymentMode,
    PurchasingSystem,
    SystemKind,
)
from punchin.web import demo
from punchin.web.testing import LiveASGIServer
from tests.connections import no_connection_escapes  # noqa: F401 (autouse)
from tests.fakes import FakeServer


def storefront_application() -> Any:
    """The storefront as uvicorn serves it (punchin.storefront.asgi)."""
    from punchin.storefront.asgi import application

    return application


Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def setup_response(code: int, text: str, start_page: str | None = None) -> bytes:
    """A PunchOutSetupResponse as an e-procurement system answers (P22)."""
    payload = (
        f"<PunchOutSetupResponse><StartPage><URL>{start_page}</URL></StartPage>"
        "</PunchOutSetupResponse>"
        if start_page
        else ""
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<!DOCTYPE cXML SYSTEM "http://xml.cxml.org/schemas/cXML/1.2.063/cXML.dtd">\n'
        '<cXML payloadID="answer@procurement" timestamp="2026-01-01T00:00:00+00:00">'
        f'<Response><Status code="{code}" text="{text}"/>{payload}</Response></cXML>'
    ).encode()


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes
    path: str = "/cxml/punchin"


@dataclass
class FakeProcurement(FakeServer):
    """Answers every POST with ``handler``, on loopback from a thread of its own."""

    handler: Handler
    received: list[Received] = field(default_factory=list)

    def __post_init__(self) -> None:
        # /cxml/punchin, and the order documents' /cxml/confirmation, /cxml/shipnotice, ...
        self.listen("POST", "/{path:.*}", self._handle)

    @property
    def url(self) -> str:
        return f"{self.base_url}/cxml/punchin"

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        self.received.append(Received(dict(request.headers), await request.read(), request.path))
        return await self.handler(request)


@pytest.fixture
def procurement() -> Iterator[Callable[[Handler], FakeProcurement]]:
    started: list[FakeProcurement] = []

    def start(handler: Handler) -> FakeProcurement:
        fake = FakeProcurement(handler).start()
        started.append(fake)
        return fake

    yield start
    for fake in started:
        fake.stop()


@pytest.fixture
def dev(settings: Any) -> Any:
    """Development mode: plain http to loopback partners (PUNCHIN_DEV)."""
    settings.PUNCHIN_DEV = True
    settings.PUNCHIN_SETUP_BACKOFF = 0.05
    return settings


@dataclass
class Acme:
    account: BusinessAccount
    punchin_group: BuyingGroup
    direct_group: BuyingGroup
    buyer: Member
    direct_buyer: Member
    admin: Member

    def configure(self, endpoint_url: str, **overrides: Any) -> PurchasingSystem:
        values: dict[str, Any] = {
            "system": SystemKind.PUNCHIN,
            "endpoint_url": endpoint_url,
            "auth_scheme": AuthScheme.BASIC,
            "basic_user": demo.ENDPOINT_USER,
            "basic_password": demo.ENDPOINT_PASSWORD,
            "credential_domain": demo.CREDENTIAL_DOMAIN,
            "from_identity": demo.STORE_IDENTITY,
            "to_identity": demo.PROCUREMENT_IDENTITY,
            "sender_identity": demo.STORE_IDENTITY,
            "shared_secret": demo.SHARED_SECRET,
            "deployment_mode": DeploymentMode.PRODUCTION,
            **overrides,
        }
        system, _ = PurchasingSystem.objects.update_or_create(account=self.account, defaults=values)
        return system


@pytest.fixture
def acme(db: None) -> Acme:
    """The demo account: a Punch-in group, a Direct group, three members."""
    load_demo_catalog()
    account = BusinessAccount.objects.create(name=demo.ORGANISATION)
    punchin_group = BuyingGroup.objects.create(
        account=account, name="Procurement buyers", punchin=True
    )
    direct_group = BuyingGroup.objects.create(account=account, name="Direct buyers", direct=True)
    return Acme(
        account=account,
        punchin_group=punchin_group,
        direct_group=direct_group,
        buyer=ensure_member(account, demo.PUNCHIN_BUYER, demo.PASSWORD, groups=(punchin_group,)),
        direct_buyer=ensure_member(
            account, demo.DIRECT_BUYER, demo.PASSWORD, groups=(direct_group,)
        ),
        admin=ensure_member(
            account,
            demo.STORE_ADMIN,
            demo.PASSWORD,
            groups=(punchin_group,),
            is_account_admin=True,
        ),
    )


def product(part_id: str) -> Product:
    return Product.objects.get(supplier_part_id=part_id)


@pytest.fixture
def storefront(transactional_db: None) -> Iterator[LiveASGIServer]:
    with LiveASGIServer(storefront_application()) as server:
        yield server


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode()

    def json(self) -> Any:
        return json.loads(self.body)


class Browser:
    """A cookie-keeping HTTP client that speaks to the live storefront like a browser
    (session cookie, CSRF token); redirects are not followed, so tests see them."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.cookies = http.cookiejar.CookieJar()
        self._opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), _NoRedirect
        )

    def _csrf(self) -> str:
        for cookie in self.cookies:
            if cookie.name == "storefront_csrftoken":
                return cookie.value or ""
        return ""

    def request(
        self, method: str, path: str, data: dict[str, str] | None = None, **headers: str
    ) -> Reply:
        url = path if path.startswith("http") else self.base_url + path
        body = urllib.parse.urlencode(data or {}).encode() if method == "POST" else None
        request = urllib.request.Request(url, data=body, method=method)  # noqa: S310 (http only)
        if method == "POST":
            request.add_header("Content-Type", "application/x-www-form-urlencoded")
            request.add_header("X-CSRFToken", self._csrf())
        for name, value in headers.items():
            request.add_header(name.replace("_", "-"), value)
        try:
            with self._opener.open(request, timeout=60) as response:
                return Reply(response.status, _lower(response.headers), response.read())
        except urllib.error.HTTPError as error:
            return Reply(error.code, _lower(error.headers), error.read())

    def get(self, path: str, **headers: str) -> Reply:
        return self.request("GET", path, **headers)

    def post(self, path: str, data: dict[str, str] | None = None, **headers: str) -> Reply:
        return self.request("POST", path, data, **headers)

    def sign_in(self, email: str, password: str = demo.PASSWORD) -> Browser:
        self.get("/accounts/login/")
        reply = self.post("/accounts/login/", {"username": email, "password": password})
        assert reply.status == 302, reply.text
        return self


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    """Tests sign many users in; the production hasher's cost is not under test."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _lower(headers: Any) -> dict[str, str]:
    return {name.lower(): value for name, value in headers.items()}
