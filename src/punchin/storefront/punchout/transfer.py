"""The end of a session: its cart goes back as a PunchOutOrderMessage (P27, P32-P34),
or for an OCI session as NEW_ITEM fields (docs/oci.md).

Built from the session's cart, stored in the document log before the page that
carries it is shown (docs/architecture.md), and the session ended in the same
transaction, so a cart goes back once however many tabs press the button.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlencode

from django.db import transaction

from punchin.cxml import CXMLError, oci, read, serialize
from punchin.cxml.build import LANG
from punchin.cxml.cart import Line, punch_out_order_message
from punchin.cxml.common import Status
from punchin.cxml.delivery import Delivery, address_of
from punchin.cxml.formpost import field_value
from punchin.cxml.payload_id import new_payload_id
from punchin.cxml.punchout import PunchOutSetupRequest
from punchin.cxml.session import operation_allowed
from punchin.storefront.cart import services as cart
from punchin.storefront.cart.services import CheckoutError
from punchin.storefront.documents.models import CxmlDocument
from punchin.storefront.punchout.models import Protocol, PunchOutSession, State
from punchin.storefront.submissions.documents import line_of, parties, referenced
from punchin.web.documents import Direction

_CANCELLED = "the buyer ended the PunchOut session without a cart"


class AlreadyEnded(Exception):
    """The session's cart went back before; the page says when and what to do."""

    def __init__(self, session: PunchOutSession) -> None:
        super().__init__(f"{session} ended")
        self.session = session


@dataclass(frozen=True, slots=True)
class Returned:
    """The form the browser posts: its action, its fields (one for cXML, the NEW_ITEM
    fields for OCI), the frame it targets (OCI's ~TARGET) and how many lines it holds."""

    url: str
    fields: tuple[tuple[str, str], ...]
    items: int
    target: str = ""


Formed = tuple[CxmlDocument, tuple[tuple[str, str], ...]]


def _session_delivery(session: PunchOutSession) -> Delivery | None:
    """A PunchOut session has no checkout: its cart carries what the session knows
    (P41), the ShipTo of the setup request that opened it, read again from the log."""
    try:
        parsed = read(bytes(session.setup_request.raw), lenient=True)
    except CXMLError:
        return None
    request = getattr(parsed.document.body, "payload", None)
    if not isinstance(request, PunchOutSetupRequest) or request.ship_to is None:
        return None
    if request.ship_to.address.postal_address is None:
        return None  # a name without a place tells the buyer's system nothing new
    return Delivery(ship_to=address_of(request.ship_to.address))


def _poom(
    session: PunchOutSession, payload_id: str, lines: Sequence[Line], currency: str, *, empty: bool
) -> Formed:
    """P32-P34: the PunchOutOrderMessage, logged, in the field the system asks for."""
    document = punch_out_order_message(
        payload_id,
        parties(session.system, session.deployment_mode),
        lines,
        currency,
        buyer_cookie=session.buyer_cookie,
        operation_allowed=operation_allowed(session.operation),
        status=Status(code=204, text="No Content", detail=_CANCELLED, lang=LANG) if empty else None,
        omit_optional=session.system.omit_optional_elements,
        delivery=None if empty else _session_delivery(session),
    )
    raw = serialize(document)
    entry = CxmlDocument.objects.create(
        direction=Direction.OUTBOUND,
        document_type="PunchOutOrderMessage",
        payload_id=payload_id,
        peer=str(session.system),
        raw=raw,
        detail=_CANCELLED if empty else f"{len(lines)} lines, through the buyer's browser",
    )
    field = session.system.punchout_cart_field
    return entry, ((field, field_value(raw, field)),)


def _oci_cart(session: PunchOutSession, lines: Sequence[Line], currency: str) -> Formed:
    """The NEW_ITEM fields, logged, with the ~ fields the catalog call carried; no
    lines at all when the buyer cancels (OCI has no other way to say it)."""
    try:
        cart = oci.encode([oci.from_line(line, currency) for line in lines])
    except ValueError as exc:
        raise CheckoutError(f"This cart cannot go back to your purchasing system: {exc}") from None
    fields = (*((name, value) for name, value in session.oci_echo), *cart)
    raw = urlencode(fields).encode()
    entry = CxmlDocument.objects.create(
        direction=Direction.OUTBOUND,
        document_type="OCI cart",
        peer=str(session.system),
        raw=raw,
        detail=f"{len(lines)} lines, through the buyer's browser" if lines else _CANCELLED,
    )
    return entry, fields


def transfer(session: PunchOutSession, base_url: str, now: datetime, *, empty: bool) -> Returned:
    """End ``session`` with its cart (P32), or with no lines and Status 204 when the
    buyer cancels (``empty``, P34). An inspected cart goes back as it came (P31). An
    OCI session's cart goes as NEW_ITEM fields (``CheckoutError`` when a part number
    is longer than OCI keeps)."""
    with transaction.atomic():
        locked = (
            PunchOutSession.objects.select_for_update(of=("self",))
            .select_related("system", "user")
            .get(pk=session.pk)
        )
        if locked.state != State.SHOPPING:
            raise AlreadyEnded(locked)
        assert locked.user is not None
        content = cart.view(locked.user, punchout=locked)
        lines = [] if empty else [line_of(r.product, r.quantity, base_url) for r in content.lines]
        if locked.protocol == Protocol.OCI:
            entry, fields = _oci_cart(locked, lines, content.currency)
        else:
            # As in a Punch-in cart, each line's SupplierPartAuxiliaryID names it, so the
            # purchase order that follows is matched to this cart (orders.carts).
            payload_id = new_payload_id()
            lines = referenced(lines, payload_id)
            entry, fields = _poom(locked, payload_id, lines, content.currency, empty=empty)
        target = State.CANCELLED if empty else State.TRANSFERRED
        if not locked.move(target, poom=entry, ended_at=now):
            raise AlreadyEnded(locked)
    return Returned(locked.browser_form_post_url, fields, len(lines), locked.oci_target)
