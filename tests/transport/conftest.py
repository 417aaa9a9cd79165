"""A test PKI for the TLS cases: our CA, a stranger's CA, server and client certificates."""

from __future__ import annotations

import ssl
from dataclasses import dataclass
from pathlib import Path

import pytest
import trustme


@dataclass(frozen=True)
class Pki:
    ca: trustme.CA
    ca_file: str
    server: trustme.LeafCert
    client_cert_file: str
    client_key_file: str
    stranger_cert_file: str
    stranger_key_file: str
    stranger_ca_file: str

    def server_context(self, *, require_client_cert: bool = False) -> ssl.SSLContext:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.server.configure_cert(context)
        if require_client_cert:
            context.verify_mode = ssl.CERT_REQUIRED
            self.ca.configure_trust(context)
        return context


def _write_leaf(leaf: trustme.LeafCert, directory: Path, name: str) -> tuple[str, str]:
    cert, key = directory / f"{name}.crt", directory / f"{name}.key"
    leaf.cert_chain_pems[0].write_to_path(str(cert))
    leaf.private_key_pem.write_to_path(str(key))
    return str(cert), str(key)


@pytest.fixture(scope="session")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    directory = tmp_path_factory.mktemp("pki")
    ca, stranger_ca = trustme.CA(), trustme.CA()
    ca.cert_pem.write_to_path(str(directory / "ca.pem"))
    stranger_ca.cert_pem.write_to_path(str(directory / "stranger-ca.pem"))
    client_cert, client_key = _write_leaf(
        ca.issue_cert("supplier.example", common_name="supplier.example"), directory, "client"
    )
    stranger_cert, stranger_key = _write_leaf(
        stranger_ca.issue_cert("supplier.example"), directory, "stranger"
    )
    return Pki(
        ca=ca,
        ca_file=str(directory / "ca.pem"),
        server=ca.issue_cert("127.0.0.1", "localhost", "partner.test"),
        client_cert_file=client_cert,
        client_key_file=client_key,
        stranger_cert_file=stranger_cert,
        stranger_key_file=stranger_key,
        stranger_ca_file=str(directory / "stranger-ca.pem"),
    )
