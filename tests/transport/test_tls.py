"""https, TLS 1.2+ and client-certificate auth over real handshakes (P10, P20)."""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import ssl
import warnings
from pathlib import Path

import pytest
from aiohttp import web

from punchin.transport import (
    ClientCertificate,
    CxmlClient,
    TLSFailed,
    TransportError,
    UrlRefused,
    post_sync,
)
from punchin.transport.auth import tls_context

from .conftest import Pki
from .servers import BlockingTlsServer, serve, xml_reply

DOCUMENT = b"<cXML/>"


class TlsRecorder:
    """Keeps each request's negotiated TLS version and client-certificate subject."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, object]] = []

    async def __call__(self, request: web.Request) -> web.Response:
        assert request.transport is not None
        ssl_object = request.transport.get_extra_info("ssl_object")
        self.seen.append((ssl_object.version(), ssl_object.getpeercert() or None))
        return xml_reply()


def test_https_post_negotiates_tls_12_or_newer_p20(pki: Pki) -> None:
    recorder = TlsRecorder()

    async def scenario() -> None:
        async with (
            serve(recorder, tls=pki.server_context()) as url,
            CxmlClient(ca_file=pki.ca_file) as client,
        ):
            reply = await client.post(url, DOCUMENT)
            assert reply.status == 200

    asyncio.run(scenario())
    [(version, _)] = recorder.seen
    assert version in {"TLSv1.2", "TLSv1.3"}


def test_server_certificate_from_an_untrusted_ca_is_refused(pki: Pki) -> None:
    recorder = TlsRecorder()

    async def scenario() -> None:
        async with (
            serve(recorder, tls=pki.server_context()) as url,
            CxmlClient(ca_file=pki.stranger_ca_file) as client,
        ):
            with pytest.raises(TLSFailed) as caught:
                await client.post(url, DOCUMENT)
            assert not caught.value.transient

    asyncio.run(scenario())
    assert recorder.seen == []


def test_server_certificate_for_another_name_is_refused(pki: Pki) -> None:
    leaf = pki.ca.issue_cert("elsewhere.example")
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    leaf.configure_cert(context)

    async def scenario() -> None:
        async with (
            serve(TlsRecorder(), tls=context) as url,
            CxmlClient(ca_file=pki.ca_file) as client,
        ):
            with pytest.raises(TLSFailed, match=r"127\.0\.0\.1"):
                await client.post(url, DOCUMENT)

    asyncio.run(scenario())


def test_client_certificate_authenticates_p10(pki: Pki) -> None:
    recorder = TlsRecorder()
    certificate = ClientCertificate(pki.client_cert_file, pki.client_key_file)

    async def scenario() -> None:
        tls = pki.server_context(require_client_cert=True)
        async with serve(recorder, tls=tls) as url, CxmlClient(ca_file=pki.ca_file) as client:
            for _ in range(2):
                reply = await client.post(url, DOCUMENT, auth=certificate)
                assert reply.status == 200

    asyncio.run(scenario())
    assert len(recorder.seen) == 2
    version, peer = recorder.seen[0]
    assert version in {"TLSv1.2", "TLSv1.3"}
    assert isinstance(peer, dict)
    assert (("commonName", "supplier.example"),) in peer["subject"]


@pytest.mark.parametrize("who", ["missing", "unknown CA"])
def test_server_refuses_a_missing_or_unknown_client_certificate(pki: Pki, who: str) -> None:
    auth = (
        None
        if who == "missing"
        else ClientCertificate(pki.stranger_cert_file, pki.stranger_key_file)
    )
    server = BlockingTlsServer(pki.server_context(require_client_cert=True))

    async def scenario() -> None:
        async with CxmlClient(ca_file=pki.ca_file) as client:
            with pytest.raises(TLSFailed, match="client certificate") as caught:
                await client.post(server.url, DOCUMENT, auth=auth)
            assert not caught.value.transient

    with server:
        asyncio.run(scenario())
    assert server.accepted == []
    assert len(server.refused) == 1


def test_blocking_server_accepts_our_client_certificate(pki: Pki) -> None:
    """The refusals above are about the certificate, not about this server."""
    server = BlockingTlsServer(pki.server_context(require_client_cert=True))
    certificate = ClientCertificate(pki.client_cert_file, pki.client_key_file)

    async def scenario() -> None:
        async with CxmlClient(ca_file=pki.ca_file) as client:
            reply = await client.post(server.url, DOCUMENT, auth=certificate)
            assert reply.body == b"<cXML/>"

    with server:
        asyncio.run(scenario())
    assert server.refused == []


def test_client_certificate_needs_https(pki: Pki) -> None:
    async def scenario() -> None:
        async with CxmlClient(ca_file=pki.ca_file) as client:
            with pytest.raises(UrlRefused, match="https"):
                await client.post(
                    "http://127.0.0.1:9/cxml",
                    DOCUMENT,
                    auth=ClientCertificate(pki.client_cert_file, pki.client_key_file),
                )

    asyncio.run(scenario())


def test_unreadable_client_certificate_is_a_tls_error(pki: Pki, tmp_path: object) -> None:
    async def scenario() -> None:
        async with CxmlClient(ca_file=pki.ca_file) as client:
            with pytest.raises(TLSFailed, match="cannot load"):
                await client.post(
                    "https://127.0.0.1:9/cxml",
                    DOCUMENT,
                    auth=ClientCertificate(pki.client_cert_file, "/nonexistent/key.pem"),
                )

    asyncio.run(scenario())


def _legacy_server_context(pki: Pki) -> ssl.SSLContext:
    """A server that speaks only TLS 1.0/1.1, if this OpenSSL can still build one."""
    context = pki.server_context()
    with warnings.catch_warnings():  # deprecated on purpose: this is the old server
        warnings.simplefilter("ignore", DeprecationWarning)
        context.minimum_version = ssl.TLSVersion.TLSv1
        context.maximum_version = ssl.TLSVersion.TLSv1_1
    context.set_ciphers("DEFAULT:@SECLEVEL=0")
    return context


def _legacy_client_context(pki: Pki) -> ssl.SSLContext:
    context = ssl.create_default_context(cafile=pki.ca_file)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        context.minimum_version = ssl.TLSVersion.TLSv1
        context.maximum_version = ssl.TLSVersion.TLSv1_1
    context.set_ciphers("DEFAULT:@SECLEVEL=0")
    return context


def test_tls_10_and_11_servers_are_refused_p20(pki: Pki) -> None:
    try:
        server = BlockingTlsServer(_legacy_server_context(pki))
        lenient = _legacy_client_context(pki)
    except (ssl.SSLError, ValueError) as exc:
        pytest.skip(f"this OpenSSL cannot build a TLS 1.0/1.1 context: {exc}")

    async def scenario() -> None:
        async with CxmlClient(ca_file=pki.ca_file) as client:
            with pytest.raises(TLSFailed, match=r"TLS 1\.2 or newer"):
                await client.post(server.url, DOCUMENT)

    with server:
        # Prove the server completes a legacy handshake with a lenient client, so the
        # refusal below is our client's doing and not a server that cannot talk at all.
        try:
            with (
                socket.create_connection(("127.0.0.1", server.port), timeout=5) as raw,
                lenient.wrap_socket(raw, server_hostname="127.0.0.1") as tls,
            ):
                legacy = tls.version()
        except (ssl.SSLError, OSError) as exc:
            pytest.skip(f"this OpenSSL refuses TLS 1.0/1.1 handshakes altogether: {exc}")
        assert legacy in {"TLSv1", "TLSv1.1"}
        asyncio.run(scenario())
    assert server.accepted == [legacy]


def test_every_failure_is_a_transport_error() -> None:
    for error in (TLSFailed, UrlRefused):
        assert issubclass(error, TransportError)


def test_tls_contexts_are_built_once_and_rebuilt_when_the_certificate_changes(
    pki: Pki, tmp_path: Path
) -> None:
    """Building a context costs more than a loopback round trip; a renewed certificate
    uploaded to the same path must still be used."""
    cert, key = tmp_path / "client.crt", tmp_path / "client.key"
    shutil.copy(pki.client_cert_file, cert)
    shutil.copy(pki.client_key_file, key)
    certificate = ClientCertificate(str(cert), str(key))
    first = tls_context(pki.ca_file, certificate)
    assert tls_context(pki.ca_file, certificate) is first
    assert first.minimum_version == ssl.TLSVersion.TLSv1_2
    assert tls_context(pki.ca_file, None).minimum_version == ssl.TLSVersion.TLSv1_2
    os.utime(cert, ns=(0, cert.stat().st_mtime_ns + 1_000_000_000))
    assert tls_context(pki.ca_file, certificate) is not first


def test_post_sync_for_background_workers(pki: Pki) -> None:
    with BlockingTlsServer(pki.server_context()) as server:
        reply = post_sync(server.url, DOCUMENT, ca_file=pki.ca_file)
    assert reply.status == 200
    assert reply.body == b"<cXML/>"
    assert server.accepted
