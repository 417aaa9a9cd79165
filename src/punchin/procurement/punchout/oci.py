"""OCI, the buyer's side (docs/oci.md): the browser sent to the catalog, the cart's
NEW_ITEM fields received at the HOOK_URL.

``begin``: the session (state shopping at once: OCI has no setup answer to wait for)
with its one-time token in the HOOK_URL, and the catalog call logged, its password
masked. The browser posts the call itself (``call_fields``), so the partner's catalog
password is in the page it is given, never in a URL. ``receive``: the cXML receiver's
steps (``punchout.receive``) with the OCI form in place of the document: the fields
decoded (``punchin.cxml.oci``), turned into the PunchOutOrderMessage the one cart
reading takes, and applied once.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AbstractUser, AnonymousUser
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from punchin.cxml import CXMLError, oci
from punchin.cxml.payload_id import new_payload_id
from punchin.procurement.documents.models import CxmlDocument
from punchin.procurement.punchout import receive as receiving
from punchin.procurement.punchout.exceptions import PunchOutRefused
from punchin.procurement.punchout.models import (
    Operation,
    Protocol,
    PunchOutSession,
    PunchOutSupplier,
    State,
)
from punchin.procurement.punchout.setup import check_shopper
from punchin.procurement.requisitions.cart import read_cart
from punchin.procurement.requisitions.services import token_digest
from punchin.web.documents import Direction

CALL = "OCI catalog call"
CART = "OCI cart"
_TOKEN_BYTES = 32


@dataclass(frozen=True, slots=True)
class Launch:
    """Where the browser goes and the fields it takes there."""

    session: PunchOutSession
    url: str
    fields: list[tuple[str, str]]


def begin(supplier: PunchOutSupplier, user: AbstractUser, *, base_url: str) -> Launch:
    """The session and its catalog call, stored before the browser is sent."""
    check_shopper(supplier, user, Protocol.OCI)
    partner = supplier.partner
    if not (partner.outbound_user_id and partner.outbound_password):
        raise PunchOutRefused(
            f"{partner} is not fully set up: its catalog login (the partner's outbound "
            "user ID and password) is missing. Ask your procurement admin.",
            409,
        )
    token = secrets.token_urlsafe(_TOKEN_BYTES)
    hook_url = f"{base_url.rstrip('/')}{reverse('punchout:oci_return', args=[token])}"
    call = oci.CatalogCall(
        hook_url=hook_url,
        username=partner.outbound_user_id,
        password=partner.outbound_password,
        version=supplier.oci_version,
        target=oci.TOP,
        user_email=user.email,
        user_name=user.get_full_name(),
    )
    fields = oci.call_fields(call)
    masked = [(name, "***" if name == "PASSWORD" else value) for name, value in fields]
    raw = urlencode(masked).encode()
    payload_id = new_payload_id()
    with transaction.atomic():
        session = PunchOutSession.objects.create(
            supplier=supplier,
            protocol=Protocol.OCI,
            user=user,
            operation=Operation.CREATE,
            buyer_cookie=secrets.token_urlsafe(24),  # unique, never sent: OCI has none
            token_digest=token_digest(token),
            setup_payload_id=payload_id,
            state=State.SHOPPING,
            message="the browser was sent to the OCI catalog",
            expires_at=timezone.now()
            + timedelta(seconds=settings.PUNCHIN_PUNCHOUT_SESSION_SECONDS),
        )
        CxmlDocument.objects.create(
            direction=Direction.OUTBOUND,
            document_type=CALL,
            payload_id=payload_id,
            peer=partner.name[:255],
            raw=raw,
            size=len(raw),
            detail=f"the browser posts it to {supplier.setup_url}",
        )
    return Launch(session, supplier.setup_url, fields)


def receive(
    token: str,
    fields: Iterable[tuple[str, str]],
    user: AbstractBaseUser | AnonymousUser,
    peer: str,
) -> receiving.Returned:
    """Accept the cart posted to the HOOK_URL with ``token``, or raise
    ``PunchOutRefused`` with nothing applied (the refusals of docs/punchout.md)."""
    fields = list(fields)
    raw = urlencode(fields).encode()
    session = receiving.session_of(token, Protocol.OCI)
    if session is None:
        raise receiving.unknown(receiving.log_entry(raw, peer, known=False, document_type=CART))
    partner = session.supplier.partner
    entry = receiving.log_entry(raw, partner.name, known=True, document_type=CART)
    entry.payload_id = new_payload_id()  # OCI carries none: the log row's own
    entry.save()  # stored before anything acts on it
    try:
        receiving.check_session(session, user)
        try:
            posted = oci.decode(fields, settings.PUNCHIN_POOM_MAX_LINES)
            cart = (
                read_cart(oci.cart_message(posted), settings.PUNCHIN_POOM_MAX_LINES)
                if posted.items
                else None
            )
        except CXMLError as exc:
            entry.status_code, entry.status_text = exc.code, exc.text
            raise PunchOutRefused(
                f"{partner}'s cart could not be accepted: {exc.detail}. {receiving.NOTHING_ADDED}",
                exc.code,
            ) from None
        entry.status_code, entry.status_text = 200, "OK"
        with transaction.atomic():
            returned = receiving.apply_cart(session, cart, entry.payload_id)
        ignored = f" Fields OCI does not define, read past: {', '.join(posted.ignored)}."
        entry.detail = returned.message + (ignored if posted.ignored else "")
        return returned
    except PunchOutRefused as refused:
        receiving.refusal(entry, refused)
        raise
    finally:
        entry.save(update_fields=receiving.OUTCOME_FIELDS)
