"""The end of a session: its cart goes back as a PunchOutOrderMessage (P27, P32-P34).

Built from the session's cart, stored in the document log before the page that
carries it is shown (docs/architecture.md), and the session ended in the same
transaction, so a cart goes back once however many tabs press the button.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction

from punchin.cxml import serialize
from punchin.cxml.build import LANG
from punchin.cxml.cart import punch_out_order_message
from punchin.cxml.common import Status
from punchin.cxml.formpost import field_value
from punchin.cxml.payload_id import new_payload_id
from punchin.cxml.session import operation_allowed
from punchin.storefront.cart import services as cart
from punchin.storefront.documents.models import CxmlDocument
from punchin.storefront.punchout.models import PunchOutSession, State
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
    """The form the browser posts: its action, its one field and that field's value."""

    url: str
    field: str
    value: str
    items: int


def transfer(session: PunchOutSession, base_url: str, now: datetime, *, empty: bool) -> Returned:
    """End ``session`` with its cart (P32), or with no lines and Status 204 when the
    buyer cancels (``empty``, P34). An inspected cart goes back as it came (P31)."""
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
        payload_id = new_payload_id()
        # As in a Punch-in cart, each line's SupplierPartAuxiliaryID names it, so the
        # purchase order that follows is matched to this cart (orders.carts).
        lines = referenced(
            [line_of(row.product, row.quantity, base_url) for row in content.lines], payload_id
        )
        if empty:
            lines = []
        document = punch_out_order_message(
            payload_id,
            parties(locked.system, locked.deployment_mode),
            lines,
            content.currency,
            buyer_cookie=locked.buyer_cookie,
            operation_allowed=operation_allowed(locked.operation),
            status=Status(code=204, text="No Content", detail=_CANCELLED, lang=LANG)
            if empty
            else None,
            omit_optional=locked.system.omit_optional_elements,
        )
        raw = serialize(document)
        entry = CxmlDocument.objects.create(
            direction=Direction.OUTBOUND,
            document_type="PunchOutOrderMessage",
            payload_id=payload_id,
            peer=str(locked.system),
            raw=raw,
            detail=_CANCELLED if empty else f"{len(lines)} lines, through the buyer's browser",
        )
        target = State.CANCELLED if empty else State.TRANSFERRED
        if not locked.move(target, poom=entry, ended_at=now):
            raise AlreadyEnded(locked)
    field = locked.system.punchout_cart_field
    return Returned(locked.browser_form_post_url, field, field_value(raw, field), len(lines))
