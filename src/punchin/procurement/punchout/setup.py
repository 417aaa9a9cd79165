"""Starting a PunchOut session: the setup request built, logged and posted, the answer
judged (docs/protocol.md S3, S5; docs/punchout.md).

``begin`` (in a transaction): the session with its BuyerCookie and one-time token, and
the PunchOutSetupRequest stored before it is sent. ``send``: one POST to the supplier's
setup URL with the partner's outbound authentication; the answer is judged by
``punchin.cxml.reply`` (``setup_outcome``, ``start_page_url``). ``finish``: the answer
stored with the document, the session moved to shopping or refused.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, replace
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from punchin.cxml import CXMLError, read, response_status, serialize, setup_outcome
from punchin.cxml import start_page_url as start_page_of
from punchin.cxml import status_line as status_line_of
from punchin.cxml.buyer import Operation as CxmlOperation
from punchin.cxml.buyer import Shopper, setup_request
from punchin.cxml.cart import Line
from punchin.cxml.payload_id import new_payload_id
from punchin.cxml.policy import describe
from punchin.cxml.status import Outcome
from punchin.procurement.accounts.models import AddressRole
from punchin.procurement.accounts.services import default_address, is_member
from punchin.procurement.documents.models import CxmlDocument
from punchin.procurement.orders.order_documents import address, parties
from punchin.procurement.partners.delivery import USER_AGENT, outbound_auth
from punchin.procurement.punchout.catalog import reopen_operation
from punchin.procurement.punchout.exceptions import PunchOutRefused
from punchin.procurement.punchout.models import (
    MACHINE,
    Operation,
    Protocol,
    PunchOutSession,
    PunchOutSupplier,
    State,
)
from punchin.procurement.requisitions import delivery
from punchin.procurement.requisitions.models import Requisition, RequisitionLine
from punchin.procurement.requisitions.services import token_digest
from punchin.transport import HttpReply, TransportError, UrlPolicy
from punchin.web.clients import cxml_client
from punchin.web.documents import Direction
from punchin.web.inbound import body_digest

_TOKEN_BYTES = 32
_COOKIE_BYTES = 24
# A PunchOutSetupResponse is a few hundred bytes; what we keep of any answer is capped.
MAX_ANSWER_BYTES = 256 * 1024


@dataclass(frozen=True, slots=True)
class Began:
    """A session about to be started: the setup request's exact bytes and its log row."""

    session: PunchOutSession
    body: bytes
    entry: CxmlDocument

    @property
    def supplier(self) -> PunchOutSupplier:
        return self.session.supplier


@dataclass(frozen=True, slots=True)
class Verdict:
    """What the supplier's answer means: where the browser goes, or what to tell the user."""

    outcome: Outcome
    start_page: str = ""
    message: str = ""
    status_line: str = ""
    answer: bytes = b""
    http_status: int | None = None
    status_code: int | None = None
    status_text: str = ""
    repairs: str = ""


def _line(line: RequisitionLine) -> Line:
    return Line(
        quantity=line.quantity,
        supplier_part_id=line.supplier_part_id,
        supplier_part_auxiliary_id=line.supplier_part_auxiliary_id,
        description=line.description,
        short_name=line.short_name,
        unit_price=line.unit_price.normalize(),
        unit_of_measure=line.unit_of_measure,
        unspsc=line.unspsc,
        manufacturer_part_id=line.manufacturer_part_id,
        manufacturer_name=line.manufacturer_name,
        url="",
        lead_time_days=line.lead_time_days,
        price_basis_quantity=line.price_basis_quantity.normalize()
        if line.price_basis_quantity != Decimal(1)
        else None,
    )


def _shopper(user: AbstractUser, requisition: Requisition | None) -> Shopper:
    return Shopper(
        name=user.get_full_name(),
        email=user.email,
        unique_name=user.get_username(),
        cost_center=requisition.cost_centre if requisition is not None else "",
    )


def check_shopper(supplier: PunchOutSupplier, user: AbstractUser, protocol: Protocol) -> None:
    """``supplier`` is open for shopping by ``protocol`` and ``user`` buys for its
    organisation, whichever protocol starts the session."""
    partner = supplier.partner
    if not (supplier.enabled and partner.active and supplier.protocol == protocol):
        raise PunchOutRefused(f"{partner} is not open for shopping at the moment.", 404)
    if not is_member(user, partner.organisation):
        raise PunchOutRefused(f"You do not buy for {partner.organisation}.", 403)


def _check(
    supplier: PunchOutSupplier,
    user: AbstractUser,
    operation: Operation,
    requisition: Requisition | None,
) -> None:
    check_shopper(supplier, user, Protocol.CXML)
    partner = supplier.partner
    if not partner.buyer_identity:
        raise PunchOutRefused(
            f"{partner} is not fully set up: it has no buyer identity for us yet. "
            "Ask your procurement admin.",
            409,
        )
    if operation != Operation.CREATE:
        if requisition is None or requisition.supplier_id != partner.pk:
            raise PunchOutRefused(f"This requisition is not a cart from {partner}.", 404)
        if reopen_operation(requisition, user) != operation:
            raise PunchOutRefused(
                f"{requisition.number}'s cart cannot be reopened this way at {partner} "
                f"(the supplier allows: {requisition.operation_allowed}).",
                409,
            )


def begin(
    supplier: PunchOutSupplier,
    user: AbstractUser,
    operation: Operation,
    *,
    base_url: str,
    requisition: Requisition | None = None,
) -> Began:
    """The session and its setup request, stored before anything is sent."""
    _check(supplier, user, operation, requisition)
    partner = supplier.partner
    token = secrets.token_urlsafe(_TOKEN_BYTES)
    cookie = secrets.token_urlsafe(_COOKIE_BYTES)
    payload_id = new_payload_id()
    form_post = f"{base_url.rstrip('/')}{reverse('punchout:return', args=[token])}"
    # Where the goods go: the organisation's default, or for an edit or inspect the
    # address the requisition has (P41), which the cart may bring back as its ShipTo.
    if requisition is not None and operation != Operation.CREATE:
        ship_to = delivery.ship_to(requisition)
    else:
        found = default_address(partner.organisation, AddressRole.SHIP_TO)
        ship_to = delivery.value_of(found) if found is not None else None
    lines = []
    if requisition is not None and operation != Operation.CREATE:
        lines = [(line.line_number, _line(line)) for line in requisition.lines.all()]
    document = setup_request(
        parties(partner),
        operation=CxmlOperation(operation),
        buyer_cookie=cookie,
        browser_form_post=form_post,
        shopper=_shopper(user, requisition),
        ship_to=address(ship_to) if ship_to is not None else None,
        lines=lines,
        currency=requisition.currency if requisition is not None else "",
        payload_id=payload_id,
    )
    body = serialize(document)
    with transaction.atomic():
        session = PunchOutSession.objects.create(
            supplier=supplier,
            user=user,
            operation=operation,
            requisition=requisition,
            buyer_cookie=cookie,
            token_digest=token_digest(token),
            setup_payload_id=payload_id,
            expires_at=timezone.now()
            + timedelta(seconds=settings.PUNCHIN_PUNCHOUT_SESSION_SECONDS),
        )
        entry = CxmlDocument.objects.create(
            direction=Direction.OUTBOUND,
            document_type="PunchOutSetupRequest",
            payload_id=payload_id,
            peer=partner.name[:255],
            raw=body,
            size=len(body),
            body_digest=body_digest(body),
        )
    return Began(session, body, entry)


def judge(reply: HttpReply, supplier: PunchOutSupplier) -> Verdict:
    """The supplier's answer under ``setup_outcome``: 200 with a StartPage the browser
    may go to, or a refusal in words, with the Status it carried."""
    try:
        parsed = read(reply.body, lenient=True)
        document, repairs = parsed.document, parsed.repairs
    except CXMLError:
        document, repairs = None, []
    status = response_status(document)
    url = start_page_of(document)
    verdict = Verdict(
        setup_outcome(reply.status, status, url, allow_http=settings.PUNCHIN_DEV),
        answer=reply.body[:MAX_ANSWER_BYTES],
        http_status=reply.status,
        repairs="\n".join(describe(repair) for repair in repairs),
    )
    if status is None:
        return replace(
            verdict,
            message=f"{supplier} answered HTTP {reply.status} without a cXML Response: "
            "its setup URL may be wrong. Ask your procurement admin.",
        )
    verdict = replace(
        verdict,
        status_line=status_line_of(status),
        status_code=status.code,
        status_text=status.text,
    )
    if verdict.outcome is Outcome.SUCCESS:
        return replace(verdict, start_page=url)
    if status.code < 300:
        message = f"{supplier} accepted but sent no shop page we can take you to."
    elif status.code in (401, 403):
        message = (
            f"{supplier} did not recognise us: the identity or SharedSecret it expects "
            "differs from ours. Ask your procurement admin."
        )
    elif verdict.outcome is Outcome.TRANSIENT:
        message = f"{supplier} had a temporary problem. Try again in a moment."
    else:
        message = f"{supplier} refused to open its shop for us."
    return replace(verdict, message=message)


async def send(began: Began) -> Verdict:
    """Post the setup request once; a network failure is a verdict too."""
    supplier = began.supplier
    try:
        auth = outbound_auth(supplier.partner)
    except ValueError as exc:
        return Verdict(Outcome.PERMANENT, message=f"{supplier}'s outbound credentials: {exc}")
    try:
        async with cxml_client() as client:
            reply = await client.post(
                supplier.setup_url,
                began.body,
                auth=auth,
                user_agent=USER_AGENT,
                timeout=settings.PUNCHIN_PUNCHOUT_SETUP_TIMEOUT,
                max_bytes=MAX_ANSWER_BYTES,
                policy=UrlPolicy.for_urls(
                    [supplier.setup_url], allow_loopback_http=settings.PUNCHIN_DEV
                ),
            )
    except TransportError as exc:
        outcome = Outcome.TRANSIENT if exc.transient else Outcome.PERMANENT
        return Verdict(outcome, message=f"We could not reach {supplier}: {exc.summary}.")
    return judge(reply, supplier)


def finish(began: Began, verdict: Verdict) -> None:
    """The answer on the setup request's log row; the session shopping or refused."""
    entry = began.entry
    entry.answer = verdict.answer
    entry.status_code = verdict.status_code
    entry.status_text = verdict.status_text[:255]
    entry.detail = verdict.message if verdict.outcome is not Outcome.SUCCESS else ""
    entry.repairs = verdict.repairs
    with transaction.atomic():
        entry.save(update_fields=("answer", "status_code", "status_text", "detail", "repairs"))
        session = began.session
        target = State.SHOPPING if verdict.outcome is Outcome.SUCCESS else State.REFUSED
        MACHINE.move(
            PunchOutSession.objects.filter(pk=session.pk),
            (session.state,),
            target,
            instance=session,
            message=verdict.status_line or verdict.message,
        )
