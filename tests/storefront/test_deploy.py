"""The storefront behind the shipped nginx configuration (deploy/nginx/storefront.conf),
over real TLS, proving what deploy/README.md says it does: TLS 1.2+ only, slow clients
cut off by nginx before they reach uvicorn, bodies bounded per location, requests passed
through with the scheme the storefront must believe (docs/security.md rows 5 and 6).
"""

from __future__ import annotations

import asyncio
import http.client
import ssl
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import trustme

from punchin.cxml import reply_status
from punchin.web.testing import LiveASGIServer
from tests.capabilities import needs
from tests.nginx import (
    CURRENT_TLS,
    HEADER_TIMEOUT,
    NGINX,
    OLD_TLS,
    closed,
    free_port,
    handshake,
    running_nginx,
    trickle,
)
from tests.storefront.conftest import storefront_application

pytestmark = [
    pytest.mark.django_db(transaction=True),
    needs("nginx", "nginx-light", found=NGINX.exists()),
]


@dataclass(frozen=True)
class Site:
    url: str
    port: int
    ca_file: Path

    def context(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=str(self.ca_file))


@pytest.fixture
def site(transactional_db: None, tmp_path: Path) -> Iterator[Site]:
    ca = trustme.CA()
    cert = ca.issue_cert("127.0.0.1")
    cert.cert_chain_pems[0].write_to_path(tmp_path / "server.pem")
    cert.private_key_pem.write_to_path(tmp_path / "server.key")
    ca.cert_pem.write_to_path(tmp_path / "ca.pem")
    port = free_port()
    # uvicorn as deploy/README.md runs it: the scheme from nginx, nothing from others.
    with LiveASGIServer(
        storefront_application(), proxy_headers=True, forwarded_allow_ips="127.0.0.1"
    ) as upstream:
        values = {
            "LISTEN": f"127.0.0.1:{port}",
            "SERVER_NAME": "127.0.0.1",
            "SERVER_CERT": str(tmp_path / "server.pem"),
            "SERVER_KEY": str(tmp_path / "server.key"),
            "UPSTREAM": f"127.0.0.1:{upstream.port}",
        }
        with running_nginx(tmp_path, "storefront.conf", values, [port]):
            yield Site(f"https://127.0.0.1:{port}", port, tmp_path / "ca.pem")


async def _exchange(site: Site, request: bytes) -> bytes:
    """Send ``request`` whole and read the answer until nginx closes or 64 KiB arrive."""
    reader, writer = await asyncio.open_connection("127.0.0.1", site.port, ssl=site.context())
    writer.write(request)
    await writer.drain()
    answer = await asyncio.wait_for(reader.read(65536), 30)
    await closed(writer)
    return answer


def _status(answer: bytes) -> int:
    return int(answer.split(b" ", 2)[1])


def test_clients_trickling_their_headers_are_cut_off_while_others_are_served(
    site: Site,
) -> None:
    """Slowloris: 100 connections each sending a header byte a second. nginx ends every
    one of them once the header timeout passes (a total, not per byte), and a normal
    request meanwhile is answered at once."""

    async def scenario() -> tuple[list[float], bytes]:
        slow = [asyncio.create_task(trickle(site.port, site.context())) for _ in range(100)]
        await asyncio.sleep(0)  # let the trickles connect before the normal request
        normal = await _exchange(
            site, b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
        )
        return list(await asyncio.wait_for(asyncio.gather(*slow), 3 * HEADER_TIMEOUT)), normal

    lasted, normal = asyncio.run(scenario())

    assert _status(normal) == 200
    assert min(lasted) >= HEADER_TIMEOUT - 1
    assert max(lasted) < 2 * HEADER_TIMEOUT


def test_bodies_are_bounded_per_location_before_they_are_read(site: Site) -> None:
    """A partner's document may be up to the storefront's own 10 MiB (nginx lets a
    little more through so the storefront answers in cXML); a browser form 2 MiB. A
    larger declared body is refused at once, before a byte of it is buffered."""

    def post(path: str, length: int) -> bytes:
        head = (
            f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/xml\r\n"
            f"Content-Length: {length}\r\nConnection: close\r\n\r\n"
        )
        return asyncio.run(_exchange(site, head.encode()))

    assert _status(post("/cxml/order", 12 * 1024 * 1024)) == 413
    assert _status(post("/cart/add", 3 * 1024 * 1024)) == 413


def test_a_partner_document_reaches_the_storefront_and_gets_its_cxml_answer(site: Site) -> None:
    connection = http.client.HTTPSConnection("127.0.0.1", site.port, context=site.context())
    connection.request("POST", "/cxml/order", b"<not-cxml/>", {"Content-Type": "text/xml"})
    answer = connection.getresponse()
    status = reply_status(answer.read())
    connection.close()
    assert answer.status == 400
    assert status is not None
    assert status.code == 400


def test_the_storefront_believes_the_scheme_nginx_forwards(site: Site) -> None:
    """uvicorn takes X-Forwarded-Proto from nginx alone, so links the storefront builds
    (PoomUrls, StartPages' return links) and its redirects say https."""
    connection = http.client.HTTPSConnection("127.0.0.1", site.port, context=site.context())
    connection.request("GET", "/account/")
    answer = connection.getresponse()
    answer.read()
    connection.close()
    assert answer.status == 302
    assert answer.getheader("Location", "").startswith(("/", "https://"))


@pytest.mark.parametrize("version", sorted(OLD_TLS))
def test_tls_below_1_2_is_refused_at_the_handshake(site: Site, version: str) -> None:
    with pytest.raises(ssl.SSLError) as refused:
        handshake(site.url, site.ca_file, OLD_TLS[version])
    if "ALERT" not in refused.value.reason:
        pytest.skip(f"local OpenSSL cannot try {version}: {refused.value}")
    assert refused.value.reason == "TLSV1_ALERT_PROTOCOL_VERSION", refused.value


@pytest.mark.parametrize("version", sorted(CURRENT_TLS))
def test_tls_1_2_and_1_3_are_accepted(site: Site, version: str) -> None:
    assert handshake(site.url, site.ca_file, CURRENT_TLS[version]) == version
