"""Who is posting: the Sender credential, the SharedSecret and the HTTP
authentication, checked in that order (docs/security.md rows 9, 10 and 13): the secret
first, so a request without it gets one answer whether its Sender exists or not.

"Unknown sender" and "wrong SharedSecret" are the same refusal with the same text,
and both paths run one database query and one digest comparison, so neither the
answer nor its timing tells an attacker which sender identities exist.
"""

from __future__ import annotations

import base64
import binascii
import hmac
from collections.abc import Mapping

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from punchin.cxml.envelope import Credential, Header
from punchin.cxml.errors import BadRequest, Forbidden, Unauthorized
from punchin.procurement.partners import credentials
from punchin.procurement.partners.models import AuthScheme, SharedSecret, SupplierPartner
from punchin.procurement.sso.services import PROVIDER
from punchin.web.inbound import holder_of
from punchin.web.prepared import Select, iexact

FORBIDDEN_TEXT = "SharedSecret invalid or sender unknown"
# Compared against when the sender is unknown, so that path costs what a real check costs.
_DUMMY_DIGEST = "0" * 64

# Headers the TLS-terminating proxy sets (deploy/nginx/procurement.conf): nginx's
# $ssl_client_verify and $ssl_client_escaped_cert.
CLIENT_VERIFY_HEADER = "HTTP_X_CLIENT_VERIFY"
CLIENT_CERT_HEADER = "HTTP_X_CLIENT_CERT"


def sender_credential(header: Header) -> Credential | None:
    """The one Sender credential carrying a SharedSecret; None if none does.

    Two are refused rather than picking one ("first one wins" lets an attacker
    prepend a credential of their own: docs/security.md row 10).
    """
    with_secret = [c for c in header.sender.credentials if c.shared_secret is not None]
    if len(with_secret) > 1:
        raise BadRequest("Sender carries more than one Credential with a SharedSecret")
    return with_secret[0] if with_secret else None


# The organisation's identity provider too: the Punch-in's StartPage needs it
# (sso.services.provider_of), and it costs a join here instead of a query there.
# Not the secrets we present when we write (read at send time, partners.delivery):
# each would be decrypted for every request received.
_UNUSED_ON_RECEIPT = (
    "partner__outbound_shared_secret",
    "partner__outbound_password",
    "partner__outbound_bearer_token",
    f"organisation__{PROVIDER}__client_secret",
)
_SECRETS_OF_SENDER: Select[SharedSecret] = Select(
    lambda domain, identity, now: (
        SharedSecret.objects.select_related("partner", "organisation", f"organisation__{PROVIDER}")
        .defer(*_UNUSED_ON_RECEIPT)
        .filter(
            Q(valid_until__isnull=True) | Q(valid_until__gt=now),
            iexact("partner__credential_domain", domain),
            partner__sender_identity=identity,
            partner__active=True,
        )
    )
)


def secrets_of_sender(credential: Credential | None) -> list[SharedSecret]:
    """The active partner's SharedSecrets for this Sender credential that are still
    valid (one prepared query): a store's old secret while it switches, and its new one."""
    if credential is None:
        return []
    return _SECRETS_OF_SENDER.all(
        domain=credential.domain.strip(),
        identity=credential.identity.value.strip(),
        now=timezone.now(),
    )


def check_http_auth(partner: SupplierPartner, meta: Mapping[str, str]) -> None:
    """The transport authentication the partner's scheme requires (P10, docs/security.md row 13).

    401 when the credential is missing or wrong; 403 when a verified certificate is
    not pinned to this partner (it belongs to someone else).
    """
    if partner.auth_scheme == AuthScheme.BASIC:
        user_id, password = _basic_credentials(meta.get("HTTP_AUTHORIZATION", ""))
        user_ok = hmac.compare_digest(user_id.encode(), partner.basic_user_id.encode())
        password_ok = credentials.matches(password, partner.basic_password_digest or _DUMMY_DIGEST)
        if not (user_ok and password_ok and partner.basic_password_digest):
            raise Unauthorized("basic authentication failed")
    elif partner.auth_scheme == AuthScheme.BEARER:
        scheme, _, token = meta.get("HTTP_AUTHORIZATION", "").partition(" ")
        token_ok = credentials.matches(token.strip(), partner.bearer_token_digest or _DUMMY_DIGEST)
        if scheme.lower() != "bearer" or not token_ok or not partner.bearer_token_digest:
            raise Unauthorized("bearer authentication failed")
    elif partner.auth_scheme == AuthScheme.CERTIFICATE:
        fingerprint = _forwarded_fingerprint(meta)
        if fingerprint is None:
            raise Unauthorized("a client certificate verified by the TLS proxy is required")
        if not partner.certificate_pins.filter(sha256=fingerprint).exists():
            raise Forbidden("the client certificate is not pinned to this partner")
    else:  # a scheme the code does not know must never mean "no authentication"
        raise Unauthorized("the partner has no usable authentication scheme configured")


def _basic_credentials(header: str) -> tuple[str, str]:
    scheme, _, encoded = header.partition(" ")
    if scheme.lower() != "basic":
        return "", ""
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return "", ""
    user_id, _, password = decoded.partition(":")
    return user_id, password


def _forwarded_fingerprint(meta: Mapping[str, str]) -> str | None:
    """The SHA-256 of the certificate the proxy verified, believed only from the proxy.

    Our proxy never sends X-Forwarded-For (deploy/nginx/procurement.conf). When one
    arrives, uvicorn's --proxy-headers may have put an address taken from it into
    REMOTE_ADDR, which then no longer proves who connected: not believed.
    """
    if meta.get("REMOTE_ADDR", "") not in settings.PUNCHIN_TRUSTED_PROXIES:
        return None
    if "HTTP_X_FORWARDED_FOR" in meta:
        return None
    if meta.get(CLIENT_VERIFY_HEADER, "") != "SUCCESS":
        return None
    return credentials.fingerprint_of_forwarded(meta.get(CLIENT_CERT_HEADER, ""))


def match_secret(secrets: list[SharedSecret], credential: Credential | None) -> SharedSecret:
    """The store whose SharedSecret was presented, compared in constant time (P16, P23)."""
    presented = ""
    if credential is not None and credential.shared_secret is not None:
        presented = credential.shared_secret.value
    found = holder_of(presented, ((s, s.digest) for s in secrets), credentials.digest)
    if found is None:
        raise Forbidden(FORBIDDEN_TEXT)
    return found


def _names(credentials: tuple[Credential, ...], domain: str, identity: str) -> bool:
    """One of ``credentials`` is ``identity`` in ``domain`` (the domain in any case)."""
    return any(
        c.domain.strip().lower() == domain.lower() and c.identity.value.strip() == identity
        for c in credentials
    )


def check_from(partner: SupplierPartner, header: Header) -> None:
    """Header/From must name the partner when its From identity is configured."""
    if partner.from_identity and not _names(
        header.from_.credentials, partner.credential_domain, partner.from_identity
    ):
        raise Forbidden("Header/From does not name this partner")


def check_message_parties(partner: SupplierPartner, header: Header) -> None:
    """A one-way message from the partner (the cart of classic PunchOut) names it as
    From (when configured) and Sender, and us as To (docs/protocol.md S1.1). Such a
    message carries no SharedSecret (S1.2): who sent it is settled by the session."""
    check_from(partner, header)
    if not _names(header.sender.credentials, partner.credential_domain, partner.sender_identity):
        raise Forbidden(
            f"Header/Sender does not name {partner} "
            f"({partner.credential_domain} {partner.sender_identity})"
        )
    if partner.buyer_identity and not _names(
        header.to.credentials, partner.credential_domain, partner.buyer_identity
    ):
        raise Forbidden(
            f"Header/To does not name us ({partner.credential_domain} {partner.buyer_identity})"
        )
