"""Certificate auth through the shipped nginx configuration (deploy/nginx/procurement.conf)
over real TLS handshakes with trustme CAs (P10, P20; docs/security.md row 13).

The whole stack is real: the supplier's side is ``punchin.transport`` (what the
storefront posts with), nginx from Debian terminates TLS and verifies the client
certificate, procurement runs under uvicorn the way deploy/README.md runs it, and a
fake storefront serves the PoomUrl. nginx connects to uvicorn from 127.0.0.2, the one
trusted proxy address; every other client here connects from 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import hashlib
import http.client
import re
import ssl
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import aiohttp
import pytest
import trustme

from punchin.cxml import parse, serialize
from punchin.cxml.envelope import Response
from punchin.cxml.punchout import PunchOutSetupResponse
from punchin.procurement.accounts.models import Organisation
from punchin.procurement.documents.models import CxmlDocument
from punchin.procurement.partners.credentials import normalise_fingerprint
from punchin.procurement.partners.models import AuthScheme, CertificatePin, SupplierPartner
from punchin.procurement.requisitions.models import Requisition
from punchin.transport import ClientCertificate, CxmlClient, HttpReply
from punchin.web import demo
from punchin.web.testing import LiveASGIServer
from tests.capabilities import needs
from tests.nginx import (
    CURRENT_TLS,
    HEADER_TIMEOUT,
    NGINX,
    OLD_TLS,
    free_port,
    handshake,
    running_nginx,
    trickle,
)
from tests.procurement import builders
from tests.procurement.conftest import FakeStorefront, Page

PROXY_ADDRESS = "127.0.0.2"  # nginx's source address towards uvicorn (proxy_bind)
CLIENT_ADDRESS = "127.0.0.1"  # everyone else's

pytestmark = [
    pytest.mark.django_db(transaction=True),
    needs("nginx", "nginx-light", found=NGINX.exists()),
]


@dataclass(frozen=True)
class Pki:
    """Files of a server CA, the accepted partner CA and a stranger's CA."""

    directory: Path
    server_ca: Path

    def client(self, name: str) -> ClientCertificate:
        return ClientCertificate(
            str(self.directory / f"{name}.pem"), str(self.directory / f"{name}.key")
        )

    def pem(self, name: str) -> str:
        return (self.directory / f"{name}.pem").read_text()

    def sha256(self, name: str) -> str:
        """The pin as an operator enters it: ``openssl x509 -fingerprint -sha256``."""
        return hashlib.sha256(ssl.PEM_cert_to_DER_cert(self.pem(name))).hexdigest()


@dataclass(frozen=True)
class Proxy:
    cxml: str  # the partners' server block (asks for client certificates)
    site: str  # the browsers' server block (does not)


@pytest.fixture
def pki(tmp_path: Path) -> Pki:
    server_ca, partner_ca, stranger_ca = trustme.CA(), trustme.CA(), trustme.CA()
    server = server_ca.issue_cert("127.0.0.1")
    server.cert_chain_pems[0].write_to_path(tmp_path / "server.pem")
    server.private_key_pem.write_to_path(tmp_path / "server.key")
    server_ca.cert_pem.write_to_path(tmp_path / "server-ca.pem")
    partner_ca.cert_pem.write_to_path(tmp_path / "partner-ca.pem")
    for name, ca in (("store", partner_ca), ("other", partner_ca), ("stranger", stranger_ca)):
        issued = ca.issue_cert(f"{name}.example")
        issued.cert_chain_pems[0].write_to_path(tmp_path / f"{name}.pem")
        issued.private_key_pem.write_to_path(tmp_path / f"{name}.key")
    return Pki(tmp_path, tmp_path / "server-ca.pem")


@pytest.fixture
def upstream(seeded: None, dev: None) -> Iterator[LiveASGIServer]:
    """procurement under uvicorn as deployed: --forwarded-allow-ips <the proxy>."""
    from punchin.procurement.asgi import application

    with LiveASGIServer(application, forwarded_allow_ips=PROXY_ADDRESS) as server:
        yield server


@pytest.fixture
def proxy(upstream: LiveASGIServer, pki: Pki, settings: Any, tmp_path: Path) -> Iterator[Proxy]:
    """nginx with the rendered template, as a child process (not a daemon)."""
    cxml_port, site_port = free_port(), free_port()
    values = {
        "CXML_LISTEN": f"127.0.0.1:{cxml_port}",
        "CXML_SERVER_NAME": "127.0.0.1",
        "SITE_LISTEN": f"127.0.0.1:{site_port}",
        "SITE_SERVER_NAME": "127.0.0.1",
        "SERVER_CERT": str(pki.directory / "server.pem"),
        "SERVER_KEY": str(pki.directory / "server.key"),
        "PARTNER_CA": str(pki.directory / "partner-ca.pem"),
        "UPSTREAM": f"127.0.0.1:{upstream.port}",
        "PROXY_ADDRESS": PROXY_ADDRESS,
    }
    with running_nginx(tmp_path, "procurement.conf", values, [cxml_port, site_port]):
        settings.PUNCHIN_TRUSTED_PROXIES = [PROXY_ADDRESS]
        site = f"https://127.0.0.1:{site_port}"
        settings.PUNCHIN_PUBLIC_URL = site  # browsers land on the site, not the cXML host
        yield Proxy(cxml=f"https://127.0.0.1:{cxml_port}", site=site)


@pytest.fixture
def partners(pki: Pki, seeded: None) -> SupplierPartner:
    """The demo store authenticates with its certificate; a second supplier of the same
    partner CA has its own certificate pinned."""
    store = SupplierPartner.objects.get(sender_identity=demo.STORE_IDENTITY)
    store.auth_scheme = AuthScheme.CERTIFICATE
    store.save()
    CertificatePin.objects.create(partner=store, sha256=normalise_fingerprint(pki.sha256("store")))
    other = SupplierPartner.objects.create(
        name="Other Supplier",
        organisation=Organisation.objects.get(name=demo.ORGANISATION),
        sender_identity="OtherSupplier",
        auth_scheme=AuthScheme.CERTIFICATE,
    )
    # As an operator pastes it from openssl: upper case, colon-separated.
    colons = ":".join(re.findall("..", pki.sha256("other").upper()))
    CertificatePin.objects.create(partner=other, sha256=normalise_fingerprint(colons))
    return store


def _setup_request(storefront: FakeStorefront) -> bytes:
    """A PunchOutSetupRequest of the demo store whose cart the fake storefront serves."""
    document = builders.setup_request("")
    url = storefront.serve(document.payload_id, Page(builders.poom(document.payload_id)))
    return serialize(builders.setup_request(url, payload_id=document.payload_id))


def _post(url: str, body: bytes, pki: Pki, who: str | None) -> HttpReply:
    """POST as the storefront does: punchin.transport, with or without a certificate."""

    async def once() -> HttpReply:
        async with CxmlClient(ca_file=str(pki.server_ca)) as client:
            auth = pki.client(who) if who else None
            return await client.post(f"{url}/cxml/punchin", body, auth=auth)

    return asyncio.run(once())


def _status(body: bytes) -> tuple[int, str]:
    response = parse(body).body
    assert isinstance(response, Response)
    return response.status.code, response.status.detail


def _forged(pki: Pki, who: str = "store") -> dict[str, str]:
    """The headers nginx sets after verifying ``who``'s certificate. A certificate is
    public, so anyone can write these."""
    return {"X-Client-Verify": "SUCCESS", "X-Client-Cert": quote(pki.pem(who), safe="")}


def _send(
    url: str,
    body: bytes,
    headers: Mapping[str, str],
    *,
    source: str = CLIENT_ADDRESS,
    pki: Pki | None = None,
) -> tuple[int, bytes]:
    """One request with headers of our choosing (transport sends only those of P20)."""
    parts = urlsplit(url)
    assert parts.hostname is not None
    connection: http.client.HTTPConnection
    if parts.scheme == "https":
        assert pki is not None
        context = ssl.create_default_context(cafile=str(pki.server_ca))
        connection = http.client.HTTPSConnection(
            parts.hostname, parts.port, timeout=30, context=context, source_address=(source, 0)
        )
    else:
        connection = http.client.HTTPConnection(
            parts.hostname, parts.port, timeout=30, source_address=(source, 0)
        )
    try:
        connection.request(
            "POST",
            "/cxml/punchin",
            body=body,
            headers={"Content-Type": "text/xml; charset=UTF-8", **headers},
        )
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def test_the_pinned_certificate_punches_in_and_the_buyer_lands_on_the_site(
    proxy: Proxy, pki: Pki, partners: SupplierPartner, storefront: FakeStorefront
) -> None:
    reply = _post(proxy.cxml, _setup_request(storefront), pki, "store")

    assert reply.status == 200, reply.body
    assert _status(reply.body)[0] == 200
    requisition = Requisition.objects.get()
    assert requisition.supplier == partners
    assert requisition.lines.count() == 2
    response = parse(reply.body).body
    assert isinstance(response, Response)
    assert isinstance(response.payload, PunchOutSetupResponse)
    start_page = response.payload.start_page.url.value
    # The buyer's browser goes to the site server, which never asks for a certificate,
    # and logs in over HTTPS: Django's CSRF check passes only if uvicorn took the
    # scheme from the proxy's X-Forwarded-Proto (--forwarded-allow-ips).
    assert start_page.startswith(f"{proxy.site}/"), start_page
    assert _land_and_log_in(start_page, pki) == requisition.number


def _land_and_log_in(start_page: str, pki: Pki) -> str:
    async def land() -> str:
        context = ssl.create_default_context(cafile=str(pki.server_ca))
        jar = aiohttp.CookieJar(unsafe=True)  # cookies for an IP-address host
        async with aiohttp.ClientSession(cookie_jar=jar) as browser:
            async with browser.get(start_page, ssl=context) as page:
                assert page.status == 200, await page.text()
                form = await page.text()
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form)
            assert token is not None, form
            origin = "{0.scheme}://{0.netloc}".format(urlsplit(start_page))
            async with browser.post(
                start_page,
                data={
                    "csrfmiddlewaretoken": token.group(1),
                    "username": demo.PUNCHIN_BUYER,
                    "password": demo.PASSWORD,
                },
                headers={"Origin": origin, "Referer": start_page},
                ssl=context,
                allow_redirects=False,
            ) as answer:
                assert answer.status == 302, await answer.text()
                return answer.headers["Location"].rstrip("/").rsplit("/", 1)[-1]

    return asyncio.run(land())


@pytest.mark.parametrize(
    ("who", "code"),
    [(None, 401), ("stranger", 401), ("other", 403)],
    ids=["no-certificate", "certificate-of-another-ca", "certificate-of-another-partner"],
)
def test_missing_unknown_and_foreign_certificates_are_refused(
    proxy: Proxy,
    pki: Pki,
    partners: SupplierPartner,
    storefront: FakeStorefront,
    who: str | None,
    code: int,
) -> None:
    reply = _post(proxy.cxml, _setup_request(storefront), pki, who)

    assert reply.status == code, reply.body
    assert _status(reply.body)[0] == code
    assert not Requisition.objects.exists()
    assert storefront.fetched == []  # refused before the PoomUrl is touched


def test_forged_headers_sent_to_uvicorn_directly_are_not_believed(
    proxy: Proxy,
    upstream: LiveASGIServer,
    pki: Pki,
    partners: SupplierPartner,
    storefront: FakeStorefront,
) -> None:
    status, body = _send(upstream.url, _setup_request(storefront), _forged(pki))
    assert (status, _status(body)[0]) == (401, 401), body
    assert not Requisition.objects.exists()

    # The same forgery from the proxy's address is believed: the address is the whole
    # proof, which is why uvicorn must be reachable by nginx alone (deploy/README.md).
    status, body = _send(
        upstream.url, _setup_request(storefront), _forged(pki), source=PROXY_ADDRESS
    )
    assert status == 200, body


def test_a_forwarded_for_naming_the_proxy_does_not_make_a_client_the_proxy(
    pki: Pki, partners: SupplierPartner, storefront: FakeStorefront, settings: Any
) -> None:
    """uvicorn told to trust every peer's X-Forwarded-For (``--forwarded-allow-ips '*'``,
    advice found in many container guides) puts the client's claim into REMOTE_ADDR;
    procurement must still refuse, since its proxy never sends that header."""
    from punchin.procurement.asgi import application

    settings.PUNCHIN_TRUSTED_PROXIES = [PROXY_ADDRESS]
    with LiveASGIServer(application, forwarded_allow_ips="*") as careless:
        headers = {**_forged(pki), "X-Forwarded-For": PROXY_ADDRESS}
        status, body = _send(careless.url, _setup_request(storefront), headers)

    assert (status, _status(body)[0]) == (401, 401), body
    # uvicorn did rewrite the address: the header, not the address, was refused.
    assert CxmlDocument.objects.get(document_type="PunchOutSetupRequest").peer == PROXY_ADDRESS
    assert not Requisition.objects.exists()


@pytest.mark.parametrize("server", ["cxml", "site"])
@pytest.mark.parametrize(
    "spelling",
    [("X-Client-Verify", "X-Client-Cert"), ("X_Client_Verify", "X_Client_Cert")],
    ids=["hyphens", "underscores"],
)
def test_forged_headers_sent_through_nginx_are_replaced(
    proxy: Proxy,
    pki: Pki,
    partners: SupplierPartner,
    storefront: FakeStorefront,
    server: str,
    spelling: tuple[str, str],
) -> None:
    forged = _forged(pki)
    headers = {spelling[0]: forged["X-Client-Verify"], spelling[1]: forged["X-Client-Cert"]}

    status, body = _send(getattr(proxy, server), _setup_request(storefront), headers, pki=pki)

    assert (status, _status(body)[0]) == (401, 401), body
    assert not Requisition.objects.exists()
    assert storefront.fetched == []


@pytest.mark.parametrize("server", ["cxml", "site"])
@pytest.mark.parametrize("version", sorted(OLD_TLS))
def test_tls_below_1_2_is_refused_at_the_handshake(
    proxy: Proxy, pki: Pki, server: str, version: str
) -> None:
    with pytest.raises(ssl.SSLError) as refused:
        handshake(getattr(proxy, server), pki.server_ca, OLD_TLS[version])
    if "ALERT" not in refused.value.reason:
        # Our own OpenSSL would not even offer it: nothing about nginx is shown.
        pytest.skip(f"local OpenSSL cannot try {version}: {refused.value}")
    # nginx's protocol_version alert: refused for the version (ssl_protocols), not
    # for some other reason that a change of ciphers could remove.
    assert refused.value.reason == "TLSV1_ALERT_PROTOCOL_VERSION", refused.value


@pytest.mark.parametrize("server", ["cxml", "site"])
@pytest.mark.parametrize("version", sorted(CURRENT_TLS))
def test_tls_1_2_and_1_3_are_accepted(proxy: Proxy, pki: Pki, server: str, version: str) -> None:
    assert handshake(getattr(proxy, server), pki.server_ca, CURRENT_TLS[version]) == version


@pytest.mark.parametrize("server", ["cxml", "site"])
def test_clients_trickling_their_headers_are_cut_off(proxy: Proxy, pki: Pki, server: str) -> None:
    """Slowloris on either server block: 50 connections sending a header byte a second
    are ended by nginx once the header timeout passes, never reaching uvicorn."""
    port = urlsplit(getattr(proxy, server)).port
    assert port is not None
    context = ssl.create_default_context(cafile=str(pki.server_ca))

    async def scenario() -> list[float]:
        slow = [trickle(port, context) for _ in range(50)]
        return list(await asyncio.wait_for(asyncio.gather(*slow), 3 * HEADER_TIMEOUT))

    lasted = asyncio.run(scenario())
    assert min(lasted) >= HEADER_TIMEOUT - 1
    assert max(lasted) < 2 * HEADER_TIMEOUT
