"""CredentialMac (HMAC-SHA1-96, FromSenderCredentials) against the cXML User's Guide."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta, timezone

import pytest

from punchin.cxml.binding import ReadContext, read
from punchin.cxml.credential_mac import ALGORITHM, TYPE, compute, verify
from punchin.cxml.envelope import Credential, CredentialMac, Identity
from punchin.cxml.errors import Unauthorized
from punchin.cxml.safety import Limits, parse_tree

PST = timezone(timedelta(hours=-8))

# The cXML User's Guide's example (its ProfileResponse hands a hub-computed MAC to the
# sender): From and Sender "NetworkID" / "AN9900000100", the receiver's SharedSecret
# "abracadabra", creationDate 2003-01-15T08:42:46-08:00, expirationDate
# 2003-01-15T11:42:46-08:00, CredentialMac "cR6Jpz58nriXERDN". Quoted from
# M3OpenSource/cXML Test.py ("Test values from the cXML User's Guide"; the author's
# post m3ideas.org/2015/08/31/procurement-punchout-with-cxml says the MAC "matches that
# of the cXML User's Guide") and the CredentialMac.value option of the Guide's
# ProfileResponse example as transcribed in public cXML test suites.
SPEC_SECRET = "abracadabra"
SPEC_IDENTITY = "AN9900000100"
SPEC_CREATED = datetime(2003, 1, 15, 8, 42, 46, tzinfo=PST)
SPEC_EXPIRES = datetime(2003, 1, 15, 11, 42, 46, tzinfo=PST)
SPEC_MAC = "cR6Jpz58nriXERDN"


def credential(domain: str = "NetworkID", identity: str = SPEC_IDENTITY) -> Credential:
    return Credential(domain=domain, identity=Identity(value=identity))


def spec_mac(value: str = SPEC_MAC, **overrides: object) -> CredentialMac:
    fields: dict[str, object] = {
        "value": value,
        "type": TYPE,
        "algorithm": ALGORITHM,
        "creation_date": SPEC_CREATED,
        "expiration_date": SPEC_EXPIRES,
        **overrides,
    }
    return CredentialMac(**fields)  # type: ignore[arg-type]


def spec_compute(**overrides: object) -> str:
    args: dict[str, object] = {
        "from_domain": "NetworkID",
        "from_identity": SPEC_IDENTITY,
        "sender_domain": "NetworkID",
        "sender_identity": SPEC_IDENTITY,
        "creation_date": SPEC_CREATED,
        "expiration_date": SPEC_EXPIRES,
        **overrides,
    }
    return compute(SPEC_SECRET, **args)  # type: ignore[arg-type]


def test_compute_reproduces_the_specification_vector() -> None:
    assert spec_compute() == SPEC_MAC


def test_mac_is_96_bits_in_base64() -> None:
    assert len(base64.b64decode(spec_compute(), validate=True)) == 12


def test_domains_and_identities_are_normalised_before_hashing() -> None:
    # Lower case domains, trimmed lower case identities (User's Guide step 1).
    assert spec_compute(from_domain="networkid", sender_identity="  an9900000100 ") == SPEC_MAC


@pytest.mark.parametrize(
    "override",
    [
        {"from_identity": "AN9900000101"},
        {"sender_domain": "DUNS"},
        {"creation_date": SPEC_CREATED + timedelta(seconds=1)},
        {"expiration_date": SPEC_EXPIRES + timedelta(hours=1)},
        # The same instant written with another offset is another text, another MAC.
        {"creation_date": SPEC_CREATED.astimezone(UTC)},
    ],
)
def test_every_covered_value_changes_the_mac(override: dict[str, object]) -> None:
    assert spec_compute(**override) != SPEC_MAC


def test_fields_are_separated_so_they_cannot_slide() -> None:
    # Without the NUL separators "NetworkID"+"AN99..." would equal "NetworkIDAN"+"99...".
    moved = spec_compute(from_domain="NetworkIDAN", from_identity="9900000100")
    assert moved != SPEC_MAC


def test_secret_is_the_key() -> None:
    assert (
        compute(
            "other secret",
            from_domain="NetworkID",
            from_identity=SPEC_IDENTITY,
            sender_domain="NetworkID",
            sender_identity=SPEC_IDENTITY,
            creation_date=SPEC_CREATED,
            expiration_date=SPEC_EXPIRES,
        )
        != SPEC_MAC
    )


def verify_spec(mac: CredentialMac, now: datetime, secret: str = SPEC_SECRET) -> None:
    verify(secret, mac, from_credential=credential(), sender_credential=credential(), now=now)


def test_verify_accepts_the_specification_vector_inside_its_window() -> None:
    verify_spec(spec_mac(), now=SPEC_CREATED + timedelta(hours=1))
    verify_spec(spec_mac(f"  {SPEC_MAC}\n"), now=SPEC_CREATED)  # element text may be padded
    verify_spec(spec_mac(), now=SPEC_EXPIRES)


@pytest.mark.parametrize(
    ("mac", "now", "secret", "reason"),
    [
        (spec_mac(), SPEC_CREATED - timedelta(seconds=1), SPEC_SECRET, "not valid yet"),
        (spec_mac(), SPEC_EXPIRES + timedelta(seconds=1), SPEC_SECRET, "expired"),
        (spec_mac(), SPEC_CREATED, "wrong secret", "does not match"),
        (spec_mac("cR6Jpz58nriXERDM"), SPEC_CREATED, SPEC_SECRET, "does not match"),
        (spec_mac("é" * 16), SPEC_CREATED, SPEC_SECRET, "does not match"),
        (spec_mac(algorithm="HMAC-SHA256"), SPEC_CREATED, SPEC_SECRET, "not supported"),
        (spec_mac(type="ToReceiverCredentials"), SPEC_CREATED, SPEC_SECRET, "not supported"),
    ],
)
def test_verify_rejects_with_401(
    mac: CredentialMac, now: datetime, secret: str, reason: str
) -> None:
    with pytest.raises(Unauthorized, match=reason) as caught:
        verify_spec(mac, now, secret)
    assert caught.value.code == 401


def test_verify_checks_the_credentials_it_is_given() -> None:
    with pytest.raises(Unauthorized, match="does not match"):
        verify(
            SPEC_SECRET,
            spec_mac(),
            from_credential=credential(identity="AN9900000999"),
            sender_credential=credential(),
            now=SPEC_CREATED,
        )


def test_verify_defaults_to_the_current_time() -> None:
    # The 2003 vector expired long ago: without ``now`` the current time is used.
    with pytest.raises(Unauthorized, match="expired"):
        verify(
            SPEC_SECRET, spec_mac(), from_credential=credential(), sender_credential=credential()
        )


def test_a_mac_read_from_xml_verifies() -> None:
    element = parse_tree(
        b'<CredentialMac type="FromSenderCredentials" algorithm="HMAC-SHA1-96" '
        b'creationDate="2003-01-15T08:42:46-08:00" '
        b'expirationDate="2003-01-15T11:42:46-08:00">cR6Jpz58nriXERDN</CredentialMac>'
    )
    mac = read(CredentialMac, element, ReadContext(Limits(), None))
    verify_spec(mac, now=SPEC_CREATED)
