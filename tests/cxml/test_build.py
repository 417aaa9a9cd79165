"""The shared envelope builder: what each party's outbound documents stand on."""

from __future__ import annotations

from pathlib import Path

from punchin.cxml import parse, serialize
from punchin.cxml.build import Parties, message, request
from punchin.cxml.envelope import Message, Request
from punchin.cxml.validate import validate
from tests.cxml.builders import DOCUMENTS

PARTIES = Parties(
    domain="NetworkID",
    from_identity="Buyer",
    to_identity="Supplier",
    sender_identity="Buyer",
    shared_secret="s3cret",
    user_agent="punchin tests 1.0",
    deployment_mode="test",
)


def test_a_request_carries_the_secret_in_the_sender_and_validates(dtd_dir: Path) -> None:
    payload = DOCUMENTS["OrderRequest"]().body.payload
    document = request(payload, PARTIES)
    assert isinstance(document.body, Request)
    assert document.body.deployment_mode == "test"
    header = document.header
    assert header is not None
    (sender,) = header.sender.credentials
    assert sender.shared_secret is not None
    assert sender.shared_secret.value == "s3cret"
    assert all(c.shared_secret is None for c in header.from_.credentials + header.to.credentials)
    wire = serialize(document)
    assert validate(wire, dtd_dir) == []
    assert parse(wire) == document


def test_a_message_never_carries_the_secret(dtd_dir: Path) -> None:
    payload = DOCUMENTS["PunchOutOrderMessage"]().body.payload
    document = message(payload, PARTIES, payload_id="1@example.com")
    assert isinstance(document.body, Message)
    assert document.payload_id == "1@example.com"
    assert b"s3cret" not in serialize(document)
    assert validate(serialize(document), dtd_dir) == []


def test_repr_hides_the_secret() -> None:
    assert "s3cret" not in repr(PARTIES)


def test_each_document_gets_a_new_payload_id() -> None:
    payload = DOCUMENTS["OrderRequest"]().body.payload
    assert request(payload, PARTIES).payload_id != request(payload, PARTIES).payload_id


def test_the_cart_leaves_short_names_out_when_asked(dtd_dir: Path) -> None:
    """docs/compatibility.md: ShortName is optional; a strict peer gets none."""
    from punchin.conformance.supplier import cart
    from punchin.cxml.cart import punch_out_order_message

    parties = Parties("NetworkID", "Store", "Buyer", "Store", None, "Store PunchIn 1.0")
    full = serialize(punch_out_order_message("1.1@t", parties, cart("1.1@t"), "USD"))
    plain = serialize(
        punch_out_order_message("1.1@t", parties, cart("1.1@t"), "USD", omit_optional=True)
    )
    assert full.count(b"<ShortName>") == 2
    assert b"ShortName" not in plain
    assert validate(plain, dtd_dir) == []
    assert validate(full, dtd_dir) == []
