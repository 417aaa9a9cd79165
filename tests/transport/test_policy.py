"""UrlPolicy: request forgery refused before connecting (docs/security.md row 15, P5, P18)."""

from __future__ import annotations

import asyncio
import ssl
import time

import pytest
from aiohttp import web

from punchin.transport import CxmlClient, UrlPolicy, UrlRefused, policy
from punchin.transport.policy import check_url

from .conftest import Pki
from .servers import serve, xml_reply

PUBLIC = "93.184.215.14"


def fake_dns(monkeypatch: pytest.MonkeyPatch, table: dict[str, list[str]]) -> list[str]:
    """Make ``policy.lookup`` answer from ``table``; return the names asked for."""
    asked: list[str] = []

    async def lookup(host: str, port: int) -> list[str]:
        asked.append(host)
        return table[host]

    monkeypatch.setattr(policy, "lookup", lookup)
    return asked


def refusal(url: str, rule: UrlPolicy) -> str:
    with pytest.raises(UrlRefused) as caught:
        asyncio.run(check_url(url, rule))
    assert not caught.value.transient
    return caught.value.detail


@pytest.mark.parametrize(
    ("entries", "host", "allowed"),
    [
        ({"partner.example"}, "partner.example", True),
        ({"Partner.Example."}, "PARTNER.example", True),
        ({"partner.example"}, "partner.example.", True),
        ({"partner.example"}, "evil-partner.example", False),
        ({"partner.example"}, "partner.example.evil.com", False),
        ({"*.partner.example"}, "poom.partner.example", True),
        ({"*.partner.example"}, "a.b.partner.example", True),
        ({"*.partner.example"}, "partner.example", False),
        ({"*.partner.example"}, "evilpartner.example", False),
        ({"*"}, "anything.example", True),
        (set(), "partner.example", False),
    ],
)
def test_allowed_hosts_exact_case_insensitive_or_wildcard(
    entries: set[str], host: str, allowed: bool
) -> None:
    assert UrlPolicy(frozenset(entries)).allows(host, 443) is allowed


@pytest.mark.parametrize(
    ("entry", "scheme", "port", "allowed"),
    [
        ("partner.example", "https", 443, True),
        ("partner.example", "https", 8443, False),
        ("partner.example", "http", 80, True),
        ("partner.example", "http", 8080, False),
        ("partner.example:8443", "https", 8443, True),
        ("partner.example:8443", "https", 443, False),
        ("*.partner.example:8443", "https", 8443, True),
        ("*.partner.example:8443", "https", 9443, False),
        ("https://partner.example:8443/cxml/poom", "https", 8443, True),
        ("https://partner.example/cxml/poom", "https", 8443, False),
        ("[2001:db8::1]:8443", "https", 8443, True),
        ("*", "https", 9999, True),
    ],
)
def test_allowed_entries_carry_the_port(entry: str, scheme: str, port: int, allowed: bool) -> None:
    host = "2001:db8::1" if entry.startswith("[") else "poom.partner.example"
    if not entry.startswith(("*", "[")):
        host = "partner.example"
    assert UrlPolicy(frozenset({entry})).allows(host, port, scheme) is allowed


def test_another_port_of_an_allowed_host_is_refused() -> None:
    # The attack of issue 12 item 7: the partner's PoomUrl points at our own admin on
    # another port of the host we allow.
    rule = UrlPolicy(frozenset({"127.0.0.1:8001"}), allow_loopback_http=True)
    assert "not on the list" in refusal("http://127.0.0.1:8002/admin/", rule)
    checked = asyncio.run(check_url("http://127.0.0.1:8001/poom/1", rule))
    assert checked.port == 8001


def test_policy_for_configured_urls_allows_exactly_their_hosts_and_ports() -> None:
    rule = UrlPolicy.for_urls(["https://a.example/cxml", "http://b.example:8080/x", ""])
    assert rule.allowed == frozenset({"a.example:443", "b.example:8080"})


def test_allowed_entries_must_be_a_set_not_a_string() -> None:
    with pytest.raises(TypeError):
        UrlPolicy("partner.example")  # type: ignore[arg-type]


PRODUCTION = UrlPolicy(frozenset({"*"}))
DEVELOPMENT = UrlPolicy(frozenset({"*"}), allow_loopback_http=True)


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://partner.example/poom", "https is required"),
        ("ftp://partner.example/poom", "only https"),
        ("file:///etc/passwd", "only https"),
        ("https://user:pw@partner.example/poom", "user name or password"),
        ("https://10.1.2.3/poom", "private"),
        ("https://192.168.0.10/poom", "private"),
        ("https://172.16.5.4/poom", "private"),
        ("https://[fd00::1]/poom", "private"),
        ("https://169.254.169.254/latest/meta-data/", "cloud metadata"),
        ("https://169.254.1.1/poom", "link-local"),
        ("https://[fe80::1]/poom", "link-local"),
        ("https://127.0.0.1/poom", "loopback"),
        ("https://[::1]/poom", "loopback"),
        ("https://[::ffff:127.0.0.1]/poom", "loopback"),
        ("https://[::ffff:169.254.169.254]/poom", "cloud metadata"),
        ("https://[2002:a00:1::]/poom", "private"),  # 6to4 around 10.0.0.1
        ("https://[64:ff9b::a9fe:a9fe]/poom", "cloud metadata"),  # NAT64
        ("https://224.0.0.1/poom", "multicast"),
        ("https://240.0.0.1/poom", "reserved"),
        ("https://0.0.0.0/poom", "unspecified"),
        ("https://100.64.0.1/poom", "non-public"),  # carrier-grade NAT
        ("https://2130706433/poom", "canonical"),
        ("https://127.1/poom", "canonical"),
        ("https://0x7f000001/poom", "canonical"),
    ],
)
def test_refused_urls_in_production(url: str, reason: str) -> None:
    assert reason in refusal(url, PRODUCTION)


def test_host_not_on_the_partners_list_is_refused() -> None:
    rule = UrlPolicy(frozenset({"poom.partner.example"}))
    assert "not on the list" in refusal("https://poom.attacker.example/x", rule)


def test_hostname_resolving_to_loopback_is_refused_outside_development() -> None:
    # "localhost" really resolves (to 127.0.0.1 and maybe ::1): no fake DNS here.
    assert "loopback" in refusal("https://localhost:8443/poom", PRODUCTION)


def test_hostname_resolving_to_a_private_address_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fake_dns(monkeypatch, {"intranet.partner.example": [PUBLIC, "10.0.0.7"]})
    detail = refusal("https://intranet.partner.example/poom", PRODUCTION)
    assert "10.0.0.7" in detail
    assert "private" in detail


def test_public_address_passes_and_is_pinned(monkeypatch: pytest.MonkeyPatch) -> None:
    fake_dns(monkeypatch, {"poom.partner.example": [PUBLIC]})
    checked = asyncio.run(check_url("https://POOM.partner.example./cxml/poom/abc", PRODUCTION))
    assert checked.host == "poom.partner.example"
    assert checked.port == 443
    assert checked.addresses == (PUBLIC,)


def test_development_allows_loopback_but_not_private_or_http_elsewhere(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fake_dns(monkeypatch, {"partner.example": [PUBLIC], "lan.example": ["192.168.1.5"]})
    assert asyncio.run(check_url("http://127.0.0.1:8001/poom", DEVELOPMENT)).addresses
    assert asyncio.run(check_url("https://[::1]:8001/poom", DEVELOPMENT)).addresses
    assert "non-loopback" in refusal("http://partner.example/poom", DEVELOPMENT)
    assert "private" in refusal("https://lan.example/poom", DEVELOPMENT)
    assert "cloud metadata" in refusal("http://169.254.169.254/", DEVELOPMENT)


class Recorder:
    def __init__(self) -> None:
        self.hosts: list[str] = []
        self.peers: list[object] = []

    async def __call__(self, request: web.Request) -> web.Response:
        self.hosts.append(request.host)
        assert request.transport is not None
        self.peers.append(request.transport.get_extra_info("peername"))
        return xml_reply()


def test_refused_before_connecting_plain_http_in_production() -> None:
    recorder = Recorder()

    async def scenario() -> None:
        async with serve(recorder) as url, CxmlClient() as client:
            rule = UrlPolicy(frozenset({"127.0.0.1"}))
            with pytest.raises(UrlRefused, match="https is required"):
                await client.post(url, b"<cXML/>", policy=rule)
            with pytest.raises(UrlRefused, match="https is required"):
                await client.fetch(url, policy=rule, deadline=time.monotonic() + 5)

    asyncio.run(scenario())
    assert recorder.hosts == []


def test_connects_to_the_checked_address_not_a_fresh_dns_answer(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """DNS rebinding: aiohttp must not resolve the name again after the check.

    ``partner.test`` exists only in the fake DNS the policy consults; if the client
    resolved it again itself, the system resolver would fail and no request would
    arrive. The Host header still carries the name.
    """
    recorder = Recorder()
    asked = fake_dns(monkeypatch, {"partner.test": ["127.0.0.1"]})

    async def scenario() -> None:
        async with serve(recorder) as url, CxmlClient() as client:
            named = url.replace("127.0.0.1", "partner.test")
            rule = UrlPolicy.for_urls([named], allow_loopback_http=True)
            for _ in range(2):
                reply = await client.post(named, b"<cXML/>", policy=rule)
                assert reply.status == 200

    asyncio.run(scenario())
    assert asked == ["partner.test", "partner.test"]  # checked on every request
    assert all(host.startswith("partner.test:") for host in recorder.hosts)
    assert len(recorder.hosts) == 2


def test_tls_uses_the_name_while_connecting_to_the_checked_address(
    monkeypatch: pytest.MonkeyPatch, pki: Pki
) -> None:
    """SNI and certificate verification use the URL's host, not the pinned IP."""
    fake_dns(monkeypatch, {"partner.test": ["127.0.0.1"]})
    leaf = pki.ca.issue_cert("partner.test")  # valid for the name only, not 127.0.0.1
    server_names: list[str | None] = []
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    leaf.configure_cert(context)
    context.sni_callback = lambda _sock, name, _ctx: server_names.append(name)
    recorder = Recorder()

    async def scenario() -> None:
        async with (
            serve(recorder, tls=context) as url,
            CxmlClient(ca_file=pki.ca_file) as client,
        ):
            named = url.replace("127.0.0.1", "partner.test")
            rule = UrlPolicy.for_urls([named], allow_loopback_http=True)
            assert (await client.post(named, b"<cXML/>", policy=rule)).status == 200

    asyncio.run(scenario())
    assert server_names == ["partner.test"]


def test_checked_requests_never_reuse_an_unchecked_connection() -> None:
    recorder = Recorder()

    async def scenario() -> None:
        async with serve(recorder) as url, CxmlClient() as client:
            rule = UrlPolicy.for_urls([url], allow_loopback_http=True)
            await client.post(url, b"<cXML/>")
            await client.post(url, b"<cXML/>", policy=rule)
            await client.post(url, b"<cXML/>", policy=rule)

    asyncio.run(scenario())
    unchecked, checked, checked_again = recorder.peers
    assert checked != unchecked
    assert checked == checked_again  # keep-alive within the checked pool


def test_concurrent_requests_keep_their_own_checked_addresses(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The pinned addresses belong to one request: 32 concurrent requests to two names
    on two loopback addresses each reach their own server."""
    fake_dns(monkeypatch, {"a.test": ["127.0.0.1"], "b.test": ["127.0.0.2"]})
    a, b = Recorder(), Recorder()

    async def scenario() -> None:
        async with (
            serve(a, host="127.0.0.1") as url_a,
            serve(b, host="127.0.0.2") as url_b,
            CxmlClient() as client,
        ):
            urls = [url_a.replace("127.0.0.1", "a.test"), url_b.replace("127.0.0.2", "b.test")]
            rule = UrlPolicy.for_urls(urls, allow_loopback_http=True)
            replies = await asyncio.gather(
                *(client.post(urls[i % 2], b"<cXML/>", policy=rule) for i in range(32))
            )
            assert all(reply.status == 200 for reply in replies)

    asyncio.run(scenario())
    assert len(a.hosts) == len(b.hosts) == 16
    assert all(host.startswith("a.test:") for host in a.hosts)
    assert all(host.startswith("b.test:") for host in b.hosts)
