"""The cart's way back: the BrowserFormPost receiver (docs/protocol.md S6, docs/punchout.md).

The supplier's page makes the user's browser post the cart to the URL our setup
request named; the token in it names the session, and the session cookie may well not
come along (a cross-site POST under SameSite). In order:

1. the token finds the session (404); the form carries one cart field,
   ``cxml-urlencoded`` or ``cxml-base64``, its name in any case (400);
2. the document is logged for the session's partner before anything acts on it;
3. the session: its user (403 when another user is signed in here), its expiry (410),
   a cart already received for it (409);
4. the document read by the cart reading Punch-in uses too (``requisitions.reading``),
   under the partner's reading policy, its From, To and Sender checked against the
   partner and its BuyerCookie against the session (403), its lines (400);
5. one transaction: the session moved to returned, which only one copy of the cart
   can do (409 for the others), and the cart applied: a new draft requisition
   (create), the draft's lines replaced (edit), nothing at all (inspect).

Every refusal leaves the requisitions as they were.
"""

from __future__ import annotations

import base64
import binascii
import hmac
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import transaction
from django.utils import timezone

from punchin.cxml import CXMLError
from punchin.cxml.deployment import is_test
from punchin.cxml.envelope import Document
from punchin.cxml.errors import BadRequest, Forbidden
from punchin.cxml.policy import ReadingPolicy
from punchin.cxml.punchout import PunchOutOrderMessage
from punchin.procurement.documents.models import CxmlDocument
from punchin.procurement.partners.services import check_message_parties
from punchin.procurement.punchout.exceptions import PunchOutRefused
from punchin.procurement.punchout.models import (
    MACHINE,
    Operation,
    Protocol,
    PunchOutSession,
    State,
)
from punchin.procurement.requisitions.cart import Cart
from punchin.procurement.requisitions.models import Origin, Requisition
from punchin.procurement.requisitions.reading import Check, read_cart_document
from punchin.procurement.requisitions.services import new_requisition, replace_cart, token_digest
from punchin.web.documents import Direction
from punchin.web.inbound import UNAUTHENTICATED_PREFIX_BYTES, body_digest
from punchin.web.statemachine import InvalidTransition

FIELDS = ("cxml-urlencoded", "cxml-base64")
NOTHING_ADDED = "Nothing was added to your requisitions."
OUTCOME_FIELDS = ("payload_id", "status_code", "status_text", "detail", "repairs", "updated_at")


@dataclass(frozen=True, slots=True)
class Returned:
    """A cart received: the requisition it filled or was viewed from (None for a new
    cart that came back empty), and what to tell the user."""

    session: PunchOutSession
    requisition: Requisition | None
    message: str


def form_document(fields: Iterable[tuple[str, list[str]]]) -> bytes:
    """The cXML document in the posted form: the one ``cxml-urlencoded`` (the XML
    itself) or ``cxml-base64`` (its Base64) field, whatever the case of its name."""
    found = [
        (name.strip().lower(), value)
        for name, values in fields
        if name.strip().lower() in FIELDS
        for value in values
    ]
    if not found:
        raise PunchOutRefused(
            "The supplier's page sent no cart: it must post a field named cxml-urlencoded "
            f"or cxml-base64. {NOTHING_ADDED}"
        )
    if len(found) > 1:
        raise PunchOutRefused(
            f"The supplier's page sent {len(found)} carts at once "
            f"({', '.join(name for name, _ in found)}); it must send one. {NOTHING_ADDED}"
        )
    name, value = found[0]
    if name == "cxml-urlencoded":
        return value.encode("utf-8")  # the form's text, as the browser's charset gave it
    try:
        return base64.b64decode("".join(value.split()), validate=True)
    except (binascii.Error, ValueError):
        raise PunchOutRefused(
            f"The cart in the field cxml-base64 is not valid Base64. {NOTHING_ADDED}"
        ) from None


def session_of(token: str, protocol: Protocol) -> PunchOutSession | None:
    """The session of ``protocol`` whose return URL carries ``token``."""
    return (
        PunchOutSession.objects.select_related("supplier__partner__organisation", "requisition")
        .filter(token_digest=token_digest(token), protocol=protocol)
        .first()
    )


def log_entry(
    raw: bytes, peer: str, *, known: bool, document_type: str = "PunchOutOrderMessage"
) -> CxmlDocument:
    """The document's log row; until the session is known, only a bounded record."""
    return CxmlDocument(
        direction=Direction.INBOUND,
        document_type=document_type,
        peer=peer[:255],
        raw=raw if known else raw[:UNAUTHENTICATED_PREFIX_BYTES],
        size=len(raw),
        body_digest=body_digest(raw),
    )


def unknown(entry: CxmlDocument) -> PunchOutRefused:
    """Step 1's refusal: no session has the token. The record is stored."""
    entry.status_code, entry.status_text = 404, "Not Found"
    entry.detail = "no PunchOut session has this return token"
    entry.save()
    return PunchOutRefused(
        "This cart return link is not one of ours, or no longer exists. Shop again "
        f"from Shop at suppliers. {NOTHING_ADDED}",
        404,
    )


def check_session(session: PunchOutSession, user: AbstractBaseUser | AnonymousUser) -> None:
    """Step 3: the session's user, a cart not yet received, its expiry."""
    if user.is_authenticated and user.pk != session.user_id:
        raise PunchOutRefused(
            "This cart belongs to another user's shopping session: it was not added to "
            "your requisitions, nor to theirs. Sign in as that user, or shop again.",
            403,
        )
    if session.state == State.RETURNED:
        where = f" (requisition {session.requisition.number})" if session.requisition else ""
        raise PunchOutRefused(
            f"This cart was already received{where}; a cart counts once. {NOTHING_ADDED}", 409
        )
    if session.state != State.SHOPPING:
        raise PunchOutRefused(
            f"{session.supplier} never opened this shopping session. {NOTHING_ADDED}", 409
        )
    if session.expires_at <= timezone.now():
        raise PunchOutRefused(
            f"This shopping session at {session.supplier} expired at "
            f"{session.expires_at:%Y-%m-%d %H:%M} UTC. Shop again from Shop at suppliers. "
            f"{NOTHING_ADDED}",
            410,
        )


def _from_session(session: PunchOutSession) -> Check:
    """The cart names the partner and us (From, To, Sender) and carries the BuyerCookie
    we gave this session: the BuyerCookie ties it to the session, the token in the URL
    proves the post came through our link (docs/protocol.md S6)."""
    partner = session.supplier.partner

    def check(document: Document, message: PunchOutOrderMessage) -> None:
        if is_test(document):  # we shop in production: a test cart is never a requisition
            raise BadRequest(
                'the cart is marked deploymentMode="test", but this shopping session is a '
                "production one: the supplier must send its carts in production mode"
            )
        if document.header is None:
            raise BadRequest("the cart has no Header naming who sent it")
        check_message_parties(partner, document.header)
        cookie = message.buyer_cookie.value.strip().encode()
        if not hmac.compare_digest(cookie, session.buyer_cookie.encode()):
            raise Forbidden(
                "the cart's BuyerCookie is not the one of this shopping session: the cart "
                "belongs to another session"
            )

    return check


def apply_cart(session: PunchOutSession, cart: Cart | None, payload_id: str) -> Returned:
    """Step 5, in the caller's transaction."""
    now = timezone.now()
    won = MACHINE.move(
        PunchOutSession.objects.filter(pk=session.pk, expires_at__gt=now),
        (State.SHOPPING,),
        State.RETURNED,
        instance=session,
        returned_at=now,
    )
    if not won:
        raise PunchOutRefused(
            f"This cart was already received; a cart counts once. {NOTHING_ADDED}", 409
        )
    supplier, user = session.supplier, session.user
    requisition = session.requisition
    if session.operation == Operation.INSPECT:
        return Returned(
            session, requisition, f"You viewed the cart at {supplier}; nothing changed."
        )
    if cart is None:
        return Returned(
            session, requisition, f"You left {supplier} without a cart; nothing changed."
        )
    if session.operation == Operation.EDIT:
        assert requisition is not None  # an edit session names its requisition
        requisition = Requisition.objects.get(pk=requisition.pk)  # its current version
        try:
            replace_cart(requisition, cart, poom_payload_id=payload_id, actor=user)
        except InvalidTransition as exc:
            raise PunchOutRefused(f"{exc}. The edited cart was not applied.", 409) from None
        message = f"{requisition.number} now holds the cart you edited at {supplier}."
    else:
        partner = supplier.partner
        requisition = new_requisition(
            origin=Origin.PUNCHOUT,
            organisation=partner.organisation,
            supplier=partner,
            requester=user,
            buyer_email=user.email,
            cart=cart,
            source_payload_id=session.setup_payload_id,
            poom_payload_id=payload_id,
        )
        PunchOutSession.objects.filter(pk=session.pk).update(requisition=requisition)
        session.requisition = requisition
        message = f"Your cart from {supplier} is now requisition {requisition.number}."
    return Returned(session, requisition, message)


def receive(
    token: str,
    fields: Iterable[tuple[str, list[str]]],
    user: AbstractBaseUser | AnonymousUser,
    peer: str,
) -> Returned:
    """Accept the cart posted to the BrowserFormPost URL with ``token``, or raise
    ``PunchOutRefused`` with nothing applied."""
    session = session_of(token, Protocol.CXML)
    raw = form_document(fields)
    if session is None:
        raise unknown(log_entry(raw, peer, known=False))
    partner = session.supplier.partner
    entry = log_entry(raw, partner.name, known=True)
    entry.save()  # stored before anything acts on it
    try:
        check_session(session, user)
        try:
            read = read_cart_document(
                raw,
                entry,
                ReadingPolicy(partner.reading_policy),
                check=_from_session(session),
                allow_empty=True,
            )
        except CXMLError as exc:
            raise PunchOutRefused(
                f"{partner}'s cart could not be accepted: {exc.detail}. {NOTHING_ADDED}",
                exc.code if 400 <= exc.code < 600 else 400,
            ) from None
        with transaction.atomic():
            returned = apply_cart(session, read.cart, read.document.payload_id)
        entry.detail = returned.message
        return returned
    except PunchOutRefused as refused:
        refusal(entry, refused)
        raise
    finally:
        entry.save(update_fields=OUTCOME_FIELDS)


def refusal(entry: CxmlDocument, refused: PunchOutRefused) -> None:
    """The log row of a refused cart says so (a reading's own Status stays)."""
    if entry.status_code in (None, 200):
        entry.status_code, entry.status_text = refused.http_status, "Refused"
    entry.detail = str(refused)
