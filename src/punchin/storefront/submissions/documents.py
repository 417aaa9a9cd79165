"""The documents of a submission: built, stored before they are sent, and the
answers kept as they came (docs/architecture.md)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, replace
from datetime import timedelta

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from punchin.cxml import serialize
from punchin.cxml.build import Parties
from punchin.cxml.cart import (
    Line,
    punch_out_order_message,
    punch_out_setup_request,
)
from punchin.cxml.delivery import Delivery
from punchin.cxml.payload_id import new_payload_id
from punchin.storefront.catalog.models import Product
from punchin.storefront.documents.models import CxmlDocument
from punchin.storefront.integration.models import PurchasingSystem
from punchin.storefront.integration.services import user_agent
from punchin.storefront.submissions.judge import Verdict
from punchin.storefront.submissions.models import Poom
from punchin.transport import HttpReply
from punchin.web.documents import Direction
from punchin.web.prepared import Update


def parties(system: PurchasingSystem, deployment_mode: str | None = None) -> Parties:
    return Parties(
        domain=system.credential_domain,
        from_identity=system.from_identity,
        to_identity=system.to_identity,
        sender_identity=system.sender_identity,
        shared_secret=system.shared_secret,
        user_agent=user_agent(),
        deployment_mode=deployment_mode or system.deployment_mode,
    )


def line_of(product: Product, quantity: int, base_url: str) -> Line:
    return Line(
        quantity=quantity,
        supplier_part_id=product.supplier_part_id,
        supplier_part_auxiliary_id=product.supplier_part_auxiliary_id,
        description=product.description,
        short_name=product.name,
        unit_price=product.price,
        unit_of_measure=product.unit_of_measure,
        unspsc=product.unspsc,
        manufacturer_part_id=product.manufacturer_part_id,
        manufacturer_name=product.manufacturer,
        url=base_url + product.get_absolute_url(),
        lead_time_days=product.lead_time_days,
    )


def line_reference(payload_id: str, line_number: int) -> str:
    """The SupplierPartAuxiliaryID of cart line ``line_number``: the cart's payloadID
    (unique, P15) and the line, so an OrderRequest line finds its cart line."""
    return f"{payload_id}:{line_number}"


def referenced(lines: list[Line], payload_id: str) -> list[Line]:
    """The cart's lines, each with its ``line_reference`` as SupplierPartAuxiliaryID
    (P32: the supplier's cookie for the line, returned verbatim in the order, P8)."""
    return [
        replace(line, supplier_part_auxiliary_id=line_reference(payload_id, number))
        for number, line in enumerate(lines, start=1)
    ]


def parse_line_reference(value: str) -> tuple[str, int] | None:
    """``line_reference`` read back, or None if ``value`` is not one of ours."""
    payload_id, _, number = value.strip().rpartition(":")
    if not payload_id or not number.isascii() or not number.isdigit() or len(number) > 6:
        return None
    return payload_id, int(number)


def _outbound(document_type: str, payload_id: str, peer: str, raw: bytes) -> CxmlDocument:
    return CxmlDocument.objects.create(
        direction=Direction.OUTBOUND,
        document_type=document_type,
        payload_id=payload_id,
        peer=peer,
        raw=raw,
    )


@dataclass(frozen=True, slots=True)
class Prepared:
    """A POOM behind its PoomUrl and the setup request announcing it, both stored."""

    payload_id: str
    poom: Poom
    setup_request: CxmlDocument


def prepare(
    system: PurchasingSystem,
    user_email: str,
    lines: list[Line],
    currency: str,
    base_url: str,
    deployment_mode: str | None = None,
    *,
    delivery: Delivery | None = None,
) -> Prepared:
    """Build and store the POOM and the setup request under one new payloadID (P15);
    the POOM carries what checkout asked for (``delivery``, P41)."""
    payload_id = new_payload_id()
    sides = parties(system, deployment_mode)
    lines = referenced(lines, payload_id)
    poom_doc = _outbound(
        "PunchOutOrderMessage",
        payload_id,
        system.endpoint_url,
        serialize(
            punch_out_order_message(
                payload_id,
                sides,
                lines,
                currency,
                omit_optional=system.omit_optional_elements,
                delivery=delivery,
            )
        ),
    )
    token = secrets.token_urlsafe(32)
    poom = Poom.objects.create(
        token=token,
        document=poom_doc,
        expires_at=timezone.now() + timedelta(seconds=settings.PUNCHIN_POOM_TTL),
    )
    poom_url = base_url + reverse("submissions:poom", args=[token])
    request_doc = _outbound(
        "PunchOutSetupRequest",
        payload_id,
        system.endpoint_url,
        serialize(punch_out_setup_request(payload_id, sides, user_email, poom_url)),
    )
    return Prepared(payload_id, poom, request_doc)


def record_answer(
    system: PurchasingSystem, verdict: Verdict, reply: HttpReply | None
) -> CxmlDocument | None:
    """Keep what came back, before acting on it (docs/architecture.md): its own statement,
    committed even if acting on it fails."""
    if reply is None:
        return None
    payload_id = document_type = repairs = ""
    if (parsed := verdict.answer) is not None:  # read once, by the judgement
        payload_id = parsed.document.payload_id
        payload = getattr(parsed.document.body, "payload", None)
        document_type = type(payload).__name__ if payload is not None else "Response"
        repairs = "; ".join(str(r) for r in parsed.repairs)
    detail = "\n".join(
        part for part in (verdict.detail, f"repaired: {repairs}" if repairs else "") if part
    )
    return CxmlDocument.objects.create(
        direction=Direction.INBOUND,
        document_type=document_type,
        payload_id=payload_id[:255],
        peer=system.endpoint_url,
        raw=reply.body,
        status_code=verdict.status_code,
        status_text=verdict.status_text[:255],
        detail=detail,
    )


_OUTCOME = Update(
    lambda pk, code, text, detail: (
        CxmlDocument.objects.filter(pk=pk),
        {"status_code": code, "status_text": text, "detail": detail},
    )
)


def note_outcome(request_id: int, verdict: Verdict) -> None:
    """The outbound request's row says how its latest send ended."""
    _OUTCOME(
        pk=request_id,
        code=verdict.status_code,
        text=verdict.status_text[:255],
        detail=verdict.message,
    )
