"""Punch-in documents as a supplier's store sends them (P14-P21), built from the models.

The cart lines come from ``tests.cxml.builders``: two lines, 2 BX at 4.50 and 1.5 MTR
at 2.20, 12.30 USD in all.
"""

from __future__ import annotations

from decimal import Decimal

from punchin.cxml import serialize
from punchin.cxml.common import Extrinsic, Total
from punchin.cxml.envelope import (
    Credential,
    Document,
    From,
    Header,
    Identity,
    Message,
    Request,
    Sender,
    SharedSecret,
    To,
)
from punchin.cxml.payload_id import new_payload_id, now
from punchin.cxml.punchout import (
    BuyerCookie,
    ItemIn,
    PunchOutOrderMessage,
    PunchOutOrderMessageHeader,
    PunchOutSetupRequest,
)
from punchin.web import demo
from tests.cxml.builders import item_in, line_amount, money

CART_TOTAL = line_amount(1) + line_amount(2)


def credential(identity: str, secret: str | None = None) -> Credential:
    return Credential(
        domain=demo.CREDENTIAL_DOMAIN,
        identity=Identity(value=identity),
        shared_secret=SharedSecret(value=secret) if secret is not None else None,
    )


def setup_request(
    poom_url: str,
    *,
    payload_id: str | None = None,
    email: str = demo.PUNCHIN_BUYER,
    secret: str = demo.SHARED_SECRET,
    sender: str = demo.STORE_IDENTITY,
    sender_credentials: tuple[Credential, ...] | None = None,
    operation: str = "create",
) -> Document:
    """A PunchOutSetupRequest shaped like the published sample (P14, P17, P18, P21)."""
    return Document(
        payload_id=payload_id or new_payload_id("store.test"),
        timestamp=now(),
        lang="en-US",
        version="1.2.023",
        header=Header(
            from_=From(credentials=(credential(demo.STORE_IDENTITY),)),
            to=To(credentials=(credential(demo.PROCUREMENT_IDENTITY),)),
            sender=Sender(
                credentials=sender_credentials or (credential(sender, secret),),
                user_agent=f"{demo.STORE_NAME} PunchIn 1.0",
            ),
        ),
        body=Request(
            deployment_mode="production",
            payload=PunchOutSetupRequest(
                operation=operation,
                buyer_cookie=BuyerCookie(value=""),
                extrinsics=(
                    Extrinsic(name="UserEmail", value=email),
                    Extrinsic(name="PoomUrl", value=poom_url),
                ),
            ),
        ),
    )


def poom(
    payload_id: str,
    items: tuple[ItemIn, ...] | None = None,
    total: Decimal = CART_TOTAL,
    currency: str = "USD",
    *,
    buyer_cookie: str = "",
    operation_allowed: str = "create",
    sender: str = demo.STORE_IDENTITY,
) -> bytes:
    """The cart the PoomUrl answers, with the setup request's payloadID (P15); in
    classic PunchOut, with the BuyerCookie of the session (docs/protocol.md S4)."""
    document = Document(
        payload_id=payload_id,
        timestamp=now(),
        lang="en-US",
        header=Header(
            from_=From(credentials=(credential(demo.STORE_IDENTITY),)),
            to=To(credentials=(credential(demo.PROCUREMENT_IDENTITY),)),
            sender=Sender(credentials=(credential(sender),), user_agent="store PunchIn 1.0"),
        ),
        body=Message(
            payload=PunchOutOrderMessage(
                buyer_cookie=BuyerCookie(value=buyer_cookie),
                header=PunchOutOrderMessageHeader(
                    operation_allowed=operation_allowed, total=Total(money=money(total, currency))
                ),
                items=items if items is not None else (item_in(1), item_in(2)),
            )
        ),
    )
    return serialize(document)


def body(document: Document) -> bytes:
    return serialize(document)
