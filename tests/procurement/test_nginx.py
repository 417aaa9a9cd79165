"""Certificate auth through the shipped nginx configuration, over a real TLS handshake
(P10, P20; SECURITY.md row 13): nginx verifies the client certificate against a test
CA and forwards it; procurement trusts the forwarded certificate only from the proxy
and only when it is pinned to the partner."""

from __future__ import annotations

import asyncio
import hashlib
import shutil
import socket
import ssl
import subprocess
import time
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import trustme

from punchin.cxml import serialize
from punchin.procurement.partners.credentials import normalise_fingerprint
from punchin.procurement.partners.models import AuthScheme, CertificatePin, SupplierPartner
from punchin.procurement.requisitions.models import Requisition
from punchin.transport import ClientCertificate, CxmlClient, HttpReply
from punchin.web.testing import LiveASGIServer
from tests.procurement import builders
from tests.procurement.conftest import FakeStorefront, Page

pytestmark = pytest.mark.django_db(transaction=True)

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
TEMPLATE = (
    Path(__file__).resolve().parents[2]
    / "src/punchin/procurement/deploy/nginx-client-certificate.conf"
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def certificates(tmp_path: Path) -> dict[str, Any]:
    """A server CA for the site, a client CA for partners, a stranger's CA."""
    server_ca, client_ca, stranger_ca = trustme.CA(), trustme.CA(), trustme.CA()
    files: dict[str, Any] = {"dir": tmp_path}
    server = server_ca.issue_cert("127.0.0.1")
    server.cert_chain_pems[0].write_to_path(tmp_path / "server.pem")
    server.private_key_pem.write_to_path(tmp_path / "server.key")
    server_ca.cert_pem.write_to_path(tmp_path / "server-ca.pem")
    client_ca.cert_pem.write_to_path(tmp_path / "client-ca.pem")
    for name, ca in (("store", client_ca), ("other", client_ca), ("stranger", stranger_ca)):
        issued = ca.issue_cert(f"{name}.example")
        issued.cert_chain_pems[0].write_to_path(tmp_path / f"{name}.pem")
        issued.private_key_pem.write_to_path(tmp_path / f"{name}.key")
    return files


@pytest.fixture
def proxy(
    procurement: LiveASGIServer, certificates: dict[str, Any], settings: Any
) -> Iterator[str]:
    if not Path(NGINX).exists():
        pytest.skip("nginx is not installed (Debian: apt-get install nginx)")
    directory: Path = certificates["dir"]
    port = _free_port()
    config = TEMPLATE.read_text()
    for placeholder, value in {
        "@LISTEN@": f"127.0.0.1:{port}",
        "@UPSTREAM@": f"127.0.0.1:{procurement.port}",
        "@SERVER_CERT@": str(directory / "server.pem"),
        "@SERVER_KEY@": str(directory / "server.key"),
        "@CLIENT_CA@": str(directory / "client-ca.pem"),
        "@PREFIX@": str(directory),
    }.items():
        config = config.replace(placeholder, value)
    (directory / "nginx.conf").write_text(config)
    log = directory / "nginx-stderr.log"
    command = [NGINX, "-e", str(log), "-p", str(directory), "-c", str(directory / "nginx.conf")]
    process = subprocess.Popen([*command, "-g", "daemon off;"])
    deadline = time.monotonic() + 10
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                process.wait()
                raise RuntimeError(log.read_text()) from None
            time.sleep(0.05)
    settings.PUNCHIN_TRUSTED_PROXIES = ["127.0.0.1"]
    yield f"https://127.0.0.1:{port}/cxml/punchin"
    process.terminate()
    process.wait(10)


@pytest.fixture
def certificate_partner(certificates: dict[str, Any]) -> None:
    """The demo store authenticates with its client certificate, pinned by SHA-256."""

    pem = (certificates["dir"] / "store.pem").read_text()
    fingerprint = hashlib.sha256(ssl.PEM_cert_to_DER_cert(pem)).hexdigest()
    partner = SupplierPartner.objects.get()
    partner.auth_scheme = AuthScheme.CERTIFICATE
    partner.save()
    CertificatePin.objects.create(partner=partner, sha256=normalise_fingerprint(fingerprint))


def _send(url: str, storefront: FakeStorefront, directory: Path, who: str | None) -> HttpReply:
    document = builders.setup_request("")
    poom_url = storefront.serve(document.payload_id, Page(builders.poom(document.payload_id)))
    data = serialize(builders.setup_request(poom_url, payload_id=document.payload_id))
    auth = (
        ClientCertificate(str(directory / f"{who}.pem"), str(directory / f"{who}.key"))
        if who
        else None
    )

    async def once() -> HttpReply:
        async with CxmlClient(ca_file=str(directory / "server-ca.pem")) as client:
            return await client.post(url, data, auth=auth)

    return asyncio.run(once())


def test_pinned_client_certificate_is_accepted_through_nginx(
    proxy: str, storefront: FakeStorefront, certificates: dict[str, Any], certificate_partner: None
) -> None:
    reply = _send(proxy, storefront, certificates["dir"], "store")
    assert reply.status == 200, reply.body
    assert Requisition.objects.count() == 1


@pytest.mark.parametrize(
    ("who", "status"),
    [(None, 401), ("stranger", 401), ("other", 403)],
    ids=["no-certificate", "another-ca", "not-pinned"],
)
def test_missing_unknown_or_unpinned_certificates_are_refused(
    proxy: str,
    storefront: FakeStorefront,
    certificates: dict[str, Any],
    certificate_partner: None,
    who: str | None,
    status: int,
) -> None:
    reply = _send(proxy, storefront, certificates["dir"], who)
    assert reply.status == status, reply.body
    assert not Requisition.objects.exists()
    assert storefront.fetched == []


def test_tls_below_1_2_is_refused_by_the_proxy(proxy: str, certificates: dict[str, Any]) -> None:

    context = ssl.create_default_context(cafile=str(certificates["dir"] / "server-ca.pem"))
    context.set_ciphers("DEFAULT:@SECLEVEL=0")  # let our side offer TLS 1.1 at all
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        context.minimum_version = context.maximum_version = ssl.TLSVersion.TLSv1_1
    host, port = proxy.split("//")[1].split("/")[0].split(":")
    with (
        socket.create_connection((host, int(port))) as raw,
        pytest.raises(ssl.SSLError) as refused,
    ):
        context.wrap_socket(raw, server_hostname=host)
    # The server's alert, not our own refusal to speak TLS 1.1.
    assert "ALERT_PROTOCOL_VERSION" in str(refused.value), refused.value
