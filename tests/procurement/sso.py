"""Real identity providers on loopback for the single sign-on tests.

The OpenID provider is ``punchin.idp`` (authlib's server) in a thread; the SAML IdP
is pysaml2's ``Server`` behind a small WSGI app under wsgiref, with a key and a
certificate made for the test. Each organisation gets its provider as an admin would
configure it: the issuer and client, or the IdP's metadata.
"""

from __future__ import annotations

import datetime
import html
import re
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import requests
import saml2
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from django.urls import reverse
from saml2.config import IdPConfig
from saml2.metadata import entity_descriptor
from saml2.saml import NAMEID_FORMAT_PERSISTENT
from saml2.server import Server

from punchin.idp import Account, Client, Provider
from punchin.idp.web import application
from punchin.procurement.accounts.models import Organisation
from punchin.procurement.sso.models import IdentityProvider, Protocol
from punchin.transport.serving import InThread
from punchin.web.testing import LiveASGIServer

PASSWORD = "idp-password"


@dataclass
class OpenID:
    """An OpenID provider serving on loopback, and how to register a client with it."""

    provider: Provider
    running: InThread

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.running.port}"

    def configure(
        self,
        organisation: Organisation,
        procurement: LiveASGIServer,
        *,
        domains: str,
        client_id: str = "procurement",
        **options: str,
    ) -> IdentityProvider:
        """The organisation signs in here; the provider knows our redirect URI."""
        provider = IdentityProvider.objects.create(
            organisation=organisation,
            protocol=Protocol.OIDC,
            display_name=f"{organisation.name} sign-in",
            email_domains=domains,
            issuer=self.url,
            client_id=client_id,
            client_secret=f"{client_id}-secret",
            **options,
        )
        callback = procurement.url + reverse("sso:oidc-callback")
        self.provider.clients.append(Client(client_id, f"{client_id}-secret", (callback,)))
        return provider


@contextmanager
def openid_provider(accounts: Iterable[Account]) -> Iterator[OpenID]:
    provider = Provider(issuer="", clients=[], accounts=list(accounts))
    with InThread(application(provider, title="Test sign-in")) as running:
        provider.issuer = f"http://127.0.0.1:{running.port}"
        yield OpenID(provider, running)


def key_and_certificate(directory: Path, name: str) -> tuple[Path, Path]:
    """A fresh RSA key and a self-signed certificate for it, as PEM files."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=2))
        .sign(key, hashes.SHA256())
    )
    key_path, cert_path = directory / f"{name}.key", directory / f"{name}.pem"
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.TraditionalOpenSSL,
            serialization.NoEncryption(),
        )
    )
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    return key_path, cert_path


class _Quiet(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


_LOGIN = """<!doctype html><html><head><meta charset="utf-8"><title>Test IdP</title></head>
<body><h1>Test IdP: sign in</h1>{error}<form method="post" action="/sso/login">
<input type="hidden" name="SAMLRequest" value="{request}">
<input type="hidden" name="RelayState" value="{relay}">
<p><label>Email <input type="email" name="email"></label></p>
<p><label>Password <input type="password" name="password"></label></p>
<p><button type="submit">Sign in</button></p></form></body></html>"""


@dataclass
class SamlIdP:
    """pysaml2's IdP on loopback: a login form, then a signed Response by HTTP-POST."""

    directory: Path
    accounts: list[Account]
    name: str = "idp"
    port: int = 0
    responses: list[str] = field(default_factory=list)

    def __enter__(self) -> SamlIdP:
        self._http: WSGIServer = make_server("127.0.0.1", 0, self._app, handler_class=_Quiet)
        self.port = self._http.server_port
        self._thread = threading.Thread(target=self._http.serve_forever, daemon=True)
        self._thread.start()
        self.key, self.cert = key_and_certificate(self.directory, self.name)
        self._server: Server | None = None
        return self

    def __exit__(self, *_: Any) -> None:
        self._http.shutdown()
        self._http.server_close()
        self._thread.join(10)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _config(self, sp_metadata: str | None) -> IdPConfig:
        conf = IdPConfig()
        conf.load(
            {
                "entityid": f"{self.url}/metadata",
                "key_file": str(self.key),
                "cert_file": str(self.cert),
                "service": {
                    "idp": {
                        "name": f"Test IdP {self.name}",
                        "endpoints": {
                            "single_sign_on_service": [
                                (f"{self.url}/sso/redirect", saml2.BINDING_HTTP_REDIRECT)
                            ]
                        },
                        "name_id_format": [NAMEID_FORMAT_PERSISTENT],
                        "policy": {"default": {"lifetime": {"minutes": 5}}},
                    }
                },
                **({"metadata": {"inline": [sp_metadata]}} if sp_metadata else {}),
            }
        )
        return conf

    def metadata(self) -> str:
        """The IdP's metadata, with its signing certificate, for the SP to trust."""
        return str(entity_descriptor(self._config(None)))

    def configure(
        self, organisation: Organisation, procurement: LiveASGIServer, *, domains: str
    ) -> IdentityProvider:
        """The organisation trusts this IdP, and this IdP its SP (metadata read over HTTP)."""
        provider = IdentityProvider.objects.create(
            organisation=organisation,
            protocol=Protocol.SAML,
            display_name=f"{organisation.name} SAML",
            email_domains=domains,
            saml_metadata=self.metadata(),
        )
        metadata_url = procurement.url + reverse("sso:saml-metadata", args=[provider.pk])
        answer = requests.get(metadata_url, timeout=10)
        answer.raise_for_status()
        self._server = Server(config=self._config(answer.text))
        return provider

    def _app(self, environ: dict[str, Any], start_response: Any) -> list[bytes]:
        if environ["PATH_INFO"] == "/sso/redirect":
            query = {k: v[0] for k, v in parse_qs(environ.get("QUERY_STRING", "")).items()}
            return self._page(start_response, query["SAMLRequest"], query.get("RelayState", ""))
        if environ["PATH_INFO"] == "/sso/login" and environ["REQUEST_METHOD"] == "POST":
            size = int(environ.get("CONTENT_LENGTH") or 0)
            form = {k: v[0] for k, v in parse_qs(environ["wsgi.input"].read(size).decode()).items()}
            return self._login(start_response, form)
        start_response("404 Not Found", [("Content-Type", "text/plain")])
        return [b"not here"]

    def _page(self, start_response: Any, request: str, relay: str, error: str = "") -> list[bytes]:
        start_response("200 OK", [("Content-Type", "text/html; charset=utf-8")])
        page = _LOGIN.format(error=error, request=html.escape(request), relay=html.escape(relay))
        return [page.encode()]

    def _login(self, start_response: Any, form: dict[str, str]) -> list[bytes]:
        account = next(
            (
                a
                for a in self.accounts
                if a.email == form.get("email") and a.password == form.get("password")
            ),
            None,
        )
        if account is None:
            return self._page(
                start_response, form["SAMLRequest"], form.get("RelayState", ""), "<p>Wrong.</p>"
            )
        assert self._server is not None, "configure() the IdP before signing in"
        parsed = self._server.parse_authn_request(form["SAMLRequest"], saml2.BINDING_HTTP_REDIRECT)
        args = self._server.response_args(parsed.message)
        identity = {
            "mail": [account.email],
            "givenName": [account.given_name],
            "sn": [account.family_name],
        }
        response = self._server.create_authn_response(
            identity,
            userid=account.sub,
            authn={"class_ref": saml2.saml.AUTHN_PASSWORD, "authn_auth": self.url},
            sign_response=True,
            sign_assertion=True,
            **args,
        )
        self.responses.append(str(response))
        http = self._server.apply_binding(
            saml2.BINDING_HTTP_POST,
            str(response),
            args["destination"],
            form.get("RelayState", ""),
            response=True,
        )
        start_response("200 OK", [("Content-Type", "text/html; charset=utf-8")])
        return [http["data"].encode()]


FORM_FIELD = re.compile(r'<input[^>]*name="(\w+)"[^>]*value="([^"]*)"', re.IGNORECASE)
FORM_ACTION = re.compile(r'<form[^>]*action="([^"]+)"', re.IGNORECASE)


def auto_post_form(page: str) -> tuple[str, dict[str, str]]:
    """The target and fields of an HTTP-POST binding page (what its script submits)."""
    action = FORM_ACTION.search(page)
    assert action, page
    return html.unescape(action.group(1)), {
        name: html.unescape(value) for name, value in FORM_FIELD.findall(page)
    }
