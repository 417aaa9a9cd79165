"""Endpoint checks, uploaded certificates and the transport settings of a system.

The rule for endpoint URLs is the transport's ``UrlPolicy``, applied when the admin
saves: https always (P20), plain http only to a loopback address and only in
development (``PUNCHIN_DEV``); never an address inside our own network (docs/security.md
row 15). The same policy guards every send, so a DNS change after saving cannot
turn the endpoint inward.
"""

from __future__ import annotations

import os
from pathlib import Path

from asgiref.sync import async_to_sync
from django.conf import settings

from punchin.storefront.accounts.models import BusinessAccount
from punchin.storefront.integration.models import AuthScheme, PurchasingSystem
from punchin.transport import BasicAuth, BearerAuth, ClientCertificate, UrlPolicy
from punchin.transport.errors import TransportError
from punchin.transport.policy import check_url
from punchin.web.delivery.exceptions import UnknownPartner
from punchin.web.delivery.targets import Target

PEM_MAX_BYTES = 64 * 1024


class ConfigurationError(Exception):
    """The configuration cannot be used; the message is for the account admin."""


def url_policy(endpoint_url: str) -> UrlPolicy:
    """The policy a send to ``endpoint_url`` runs under: that one host."""
    return UrlPolicy.for_urls([endpoint_url], allow_loopback_http=settings.PUNCHIN_DEV)


def endpoint_hint() -> str:
    """What the endpoint field accepts here, said beside it: the same rule as ``url_policy``."""
    if settings.PUNCHIN_DEV:
        return (
            "Your purchasing system's Punch-in endpoint: https, or plain http to this machine "
            "while the store runs in development mode."
        )
    return "Your purchasing system's Punch-in endpoint; it must start with https://."


def endpoint_problem(endpoint_url: str) -> str | None:
    """Why ``endpoint_url`` cannot be used, or None (resolves the host name once)."""
    try:
        async_to_sync(check_url)(endpoint_url, url_policy(endpoint_url))
    except (TransportError, ValueError) as exc:
        return f"This endpoint cannot be used: {getattr(exc, 'detail', exc)}"
    return None


def certificate_dir(account: BusinessAccount) -> Path:
    path = settings.DATA_DIR / "storefront-certs" / str(account.pk)
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def store_pem(account: BusinessAccount, name: str, data: bytes, marker: bytes) -> str:
    """Keep an uploaded PEM file in the data directory, readable by us only (0600)."""
    if len(data) > PEM_MAX_BYTES or b"-----BEGIN " not in data or marker not in data:
        raise ConfigurationError(f"The {name} file is not a PEM {marker.decode()} file.")
    path = certificate_dir(account) / f"{name}.pem"
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as out:
        out.write(data)
    path.chmod(0o600)
    return str(path)


def transport_auth(system: PurchasingSystem) -> BasicAuth | BearerAuth | ClientCertificate:
    """The configured P10 scheme as the transport's auth value."""
    try:
        if system.auth_scheme == AuthScheme.BASIC:
            return BasicAuth(system.basic_user, system.basic_password)
        if system.auth_scheme == AuthScheme.BEARER:
            return BearerAuth(system.bearer_token)
    except ValueError as exc:
        raise ConfigurationError(str(exc)) from None
    if not (system.client_cert_file and system.client_key_file):
        raise ConfigurationError("Upload the client certificate and its key.")
    return ClientCertificate(system.client_cert_file, system.client_key_file)


def user_agent() -> str:
    """P20: ``User-Agent: <store> PunchIn 1.0`` (also the Sender's UserAgent)."""
    return f"{settings.PUNCHIN_STORE_NAME} PunchIn 1.0"


def system_of(account: BusinessAccount | None) -> PurchasingSystem | None:
    if account is None:
        return None
    return PurchasingSystem.objects.filter(account=account).first()


class PurchasingSystemTargets:
    """The storefront's delivery ``TargetResolver`` (registered by
    ``IntegrationConfig.ready``): the partner key is the purchasing system's id.

    The order documents go with the integration's own P10 authentication, to the
    hosts of its configured URLs only.
    """

    def target(self, partner_key: str) -> Target:
        system = (
            PurchasingSystem.objects.filter(pk=int(partner_key)).first()
            if partner_key.isascii() and partner_key.isdigit()
            else None
        )
        if system is None:
            raise UnknownPartner(f"no purchasing system {partner_key}")
        try:
            auth = transport_auth(system)
        except ConfigurationError as exc:
            raise UnknownPartner(f"{system}: {exc}") from None
        urls = (system.endpoint_url, *(system.document_url(f) for f in system.DEFAULT_PATHS))
        return Target(
            auth=auth,
            policy=UrlPolicy.for_urls(urls, allow_loopback_http=settings.PUNCHIN_DEV),
            user_agent=user_agent(),
            ca_file=settings.PUNCHIN_CA_FILE,
        )
