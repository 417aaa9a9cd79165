"""CredentialMac: a hub's proof that it authenticated the sender (cXML User's Guide,
"Message Authentication Code").

A trusted third party (a network hub) that knows the receiver's SharedSecret computes
the MAC and hands it to the sender in a ProfileResponse; the sender then posts
directly to the receiver with ``<CredentialMac>`` in its Sender Credential instead of
a SharedSecret, and the receiver recomputes it with the secret it shares with the hub.

The DTD (1.2.063) fixes the two names: ``type`` "currently only FromSenderCredentials",
``algorithm`` "currently only HMAC-SHA1-96", and "the receiver must reject the
CredentialMac before creationDate or after expirationDate".

The cXML User's Guide's algorithm, as implemented by M3OpenSource/cXML ``Test.py``
(m3ideas.org, 2015-08-31, "it matches that of the cXML User's Guide"):

1. take From domain (lower case), From Identity (trimmed, lower case), Sender domain
   (lower case), Sender Identity (trimmed, lower case), creationDate, expirationDate;
2. concatenate their UTF-8 bytes, each followed by one NUL byte;
3. HMAC-SHA1 keyed with the SharedSecret's UTF-8 bytes;
4. keep the first 96 bits (12 bytes) and Base64-encode them (16 characters).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import UTC, datetime

from punchin.cxml.envelope import Credential, CredentialMac
from punchin.cxml.errors import Unauthorized
from punchin.cxml.values import dump_datetime

TYPE = "FromSenderCredentials"
ALGORITHM = "HMAC-SHA1-96"
_TRUNCATED_BYTES = 96 // 8


def compute(
    secret: str,
    *,
    from_domain: str,
    from_identity: str,
    sender_domain: str,
    sender_identity: str,
    creation_date: datetime,
    expiration_date: datetime,
) -> str:
    """The Base64 HMAC-SHA1-96 of the sender's credentials and the validity window.

    ``secret`` is the receiver's SharedSecret with the hub. Dates are aware datetimes,
    written as on the wire (``2003-01-15T08:42:46-08:00``): the MAC covers their text.
    """
    fields = (
        from_domain.lower(),
        from_identity.strip().lower(),
        sender_domain.lower(),
        sender_identity.strip().lower(),
        dump_datetime(creation_date),
        dump_datetime(expiration_date),
    )
    message = b"".join(field.encode("utf-8") + b"\x00" for field in fields)
    digest = hmac.new(secret.encode("utf-8"), message, hashlib.sha1).digest()
    return base64.b64encode(digest[:_TRUNCATED_BYTES]).decode("ascii")


def verify(
    secret: str,
    mac: CredentialMac,
    *,
    from_credential: Credential,
    sender_credential: Credential,
    now: datetime | None = None,
) -> None:
    """Accept ``mac`` or raise ``Unauthorized`` (401: the Sender is not authenticated).

    Checked in this order: the type and algorithm are the ones the DTD defines, ``now``
    (default: the current time) lies in [creationDate, expirationDate], and the MAC
    matches, compared in constant time.
    """
    if mac.type != TYPE or mac.algorithm != ALGORITHM:
        raise Unauthorized(
            f"CredentialMac type {mac.type!r} / algorithm {mac.algorithm!r} not supported: "
            f"expected {TYPE!r} / {ALGORITHM!r}"
        )
    moment = now if now is not None else datetime.now(UTC)
    if moment < mac.creation_date:
        raise Unauthorized("CredentialMac is not valid yet (before its creationDate)")
    if moment > mac.expiration_date:
        raise Unauthorized("CredentialMac has expired (after its expirationDate)")
    expected = compute(
        secret,
        from_domain=from_credential.domain,
        from_identity=from_credential.identity.value,
        sender_domain=sender_credential.domain,
        sender_identity=sender_credential.identity.value,
        creation_date=mac.creation_date,
        expiration_date=mac.expiration_date,
    )
    if not hmac.compare_digest(expected.encode("ascii"), mac.value.strip().encode("utf-8")):
        raise Unauthorized("CredentialMac does not match the sender's credentials")
