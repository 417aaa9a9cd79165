"""Reading a cart document (a PunchOutOrderMessage) into a ``Cart``: the one path every
cart takes, however it arrived: fetched from a PoomUrl in Punch-in (P5) or posted by the
buyer's browser in classic PunchOut (docs/protocol.md S4, S6).

Each way in adds its own check of who sent the cart (``check``: the payloadID of the
setup request in Punch-in, the partner's identities and our BuyerCookie in PunchOut)
and its reading policy; the reading, the lines and the log row's outcome are common.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings

from punchin.cxml import CXMLError, Limits, read
from punchin.cxml.envelope import Document, Message
from punchin.cxml.errors import BadRequest
from punchin.cxml.policy import ReadingPolicy, accept, describe
from punchin.cxml.punchout import PunchOutOrderMessage
from punchin.procurement.requisitions.cart import Cart, read_cart
from punchin.web.documents import CxmlDocumentBase

Check = Callable[[Document, PunchOutOrderMessage], None]

# A Message's Status 204: the PunchOut session ended without a change to the cart.
NO_CHANGE = 204


@dataclass(frozen=True, slots=True)
class CartDocument:
    """A cart document that passed: the document, its message, and the cart in it
    (None when the session ended without a cart and the caller allowed that)."""

    document: Document
    message: PunchOutOrderMessage
    cart: Cart | None


def _ended_without_cart(document: Document, message: PunchOutOrderMessage) -> bool:
    status = document.body.status if isinstance(document.body, Message) else None
    return not message.items or (status is not None and status.code == NO_CHANGE)


def read_cart_document(
    raw: bytes,
    entry: CxmlDocumentBase,
    policy: ReadingPolicy,
    *,
    check: Check,
    allow_empty: bool = False,
) -> CartDocument:
    """Read ``raw`` as a cart under ``policy``, or raise the ``CXMLError`` that says why not.

    ``entry``, the document's unsaved log row, learns its payloadID, the repairs made
    and the outcome whatever happens; the caller stores it. An empty cart (no ItemIn,
    or a Message Status 204) is refused unless ``allow_empty``.
    """
    try:
        limits = Limits(max_bytes=settings.PUNCHIN_POOM_MAX_BYTES)
        parsed = read(raw, lenient=True, limits=limits)
        entry.payload_id = parsed.document.payload_id
        parsed = accept(raw, parsed, policy, limits=limits)
        document = parsed.document
        message = document.body.payload if isinstance(document.body, Message) else None
        if not isinstance(message, PunchOutOrderMessage):
            raise BadRequest("the document is not a PunchOutOrderMessage (a cart)")
        check(document, message)
        cart = None
        if not (allow_empty and _ended_without_cart(document, message)):
            cart = read_cart(message, settings.PUNCHIN_POOM_MAX_LINES)
        entry.repairs = "\n".join(describe(repair) for repair in parsed.repairs)
        entry.status_code, entry.status_text = 200, "OK"
        return CartDocument(document, message, cart)
    except CXMLError as exc:
        entry.status_code, entry.status_text, entry.detail = exc.code, exc.text, exc.detail
        raise
