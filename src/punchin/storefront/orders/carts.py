"""The carts this store sent, found again from a line's SupplierPartAuxiliaryID.

Every cart goes out as a PunchOutOrderMessage: a Punch-in cart behind its PoomUrl (P5),
a PunchOut session's cart through the buyer's browser (P32). Each of its lines carries
``line_reference`` (the cart's payloadID and the line number), which the buyer's
system returns verbatim: in the OrderRequest (P8) and in a PunchOut edit (P31). Both
kinds of cart are found here, by one lookup in the document log.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from punchin.cxml import parse
from punchin.cxml.delivery import DeliveryAddress, address_of, payment_method_of
from punchin.cxml.envelope import Message
from punchin.cxml.punchout import ItemIn, PunchOutOrderMessage, PunchOutOrderMessageHeader
from punchin.storefront.accounts.models import BusinessAccount
from punchin.storefront.documents.models import CxmlDocument
from punchin.storefront.submissions.documents import parse_line_reference
from punchin.storefront.submissions.models import PunchInSubmission
from punchin.web.documents import Direction


@dataclass(frozen=True, slots=True)
class SentCart:
    """A cart as it was sent: its stored document, its header (the delivery chosen at
    checkout, P41), its lines by line number, and the Punch-in submission it was part
    of (None for a PunchOut session's cart)."""

    document: CxmlDocument
    header: PunchOutOrderMessageHeader
    items: dict[int, ItemIn]
    submission: PunchInSubmission | None

    @property
    def ship_to(self) -> DeliveryAddress | None:
        """Where the cart said the goods go, if it named a place."""
        ship_to = self.header.ship_to
        if ship_to is None or ship_to.address.postal_address is None:
            return None
        return address_of(ship_to.address)

    @property
    def payment_method(self) -> str:
        """The payment method chosen at checkout, as its lines carry it ("" if none)."""
        return next(
            (
                found
                for item in self.items.values()
                if (found := payment_method_of(item.extrinsics))
            ),
            "",
        )


def sent_cart(account: BusinessAccount, payload_id: str) -> SentCart | None:
    """The cart this store sent ``account`` under ``payload_id``, if any."""
    document = (
        CxmlDocument.objects.filter(
            direction=Direction.OUTBOUND,
            document_type="PunchOutOrderMessage",
            payload_id=payload_id,
        )
        .filter(Q(poom__submission__account=account) | Q(punchout_cart__system__account=account))
        .first()
    )
    if document is None:
        return None
    body = parse(bytes(document.raw)).body  # our own bytes, exactly as sent
    assert isinstance(body, Message)
    assert isinstance(body.payload, PunchOutOrderMessage)
    items = {item.line_number or n: item for n, item in enumerate(body.payload.items, start=1)}
    submission = PunchInSubmission.objects.filter(poom__document=document).first()
    return SentCart(document, body.payload.header, items, submission)


class Carts:
    """The carts one document's lines name, each looked up once."""

    def __init__(self, account: BusinessAccount) -> None:
        self.account = account
        self._found: dict[str, SentCart | None] = {}

    def line(self, auxiliary_id: str) -> tuple[SentCart, int, ItemIn] | None:
        """The cart and line ``auxiliary_id`` names, or None if it names none of ours."""
        reference = parse_line_reference(auxiliary_id)
        if reference is None:
            return None
        payload_id, number = reference
        if payload_id not in self._found:
            self._found[payload_id] = sent_cart(self.account, payload_id)
        cart = self._found[payload_id]
        item = cart.items.get(number) if cart is not None else None
        if cart is None or item is None:
            return None
        return cart, number, item
