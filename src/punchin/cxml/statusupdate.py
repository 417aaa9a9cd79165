"""``StatusUpdateRequest``: the status of an earlier document (an approval, an order).

Content models from cXML.dtd 1.2.063: ``StatusUpdateRequest (DocumentReference?,
Status, (PaymentStatus | SourcingStatus | InvoiceStatus | DocumentStatus |
IntegrationStatus)?, Extrinsic*)``; ``DocumentStatus (DocumentInfo?, ItemStatus*,
Comments*)``; ``IntegrationStatus (IntegrationMessage?)``. 1.2.014 has neither
DocumentStatus nor IntegrationStatus; the other statuses ride in ``extras``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from punchin.cxml.binding import Element, attr, content, element, many, one
from punchin.cxml.common import Comments, DocumentReference, Extrinsic, Status
from punchin.cxml.values import DATETIME


@element("DocumentInfo")
@dataclass(frozen=True, slots=True, kw_only=True)
class DocumentInfo(Element):
    """Names a document by its business id (``documentID``) rather than its payloadID."""

    document_id: str = attr("documentID")
    document_type: str = attr("documentType")
    document_date: datetime | None = attr("documentDate", DATETIME, default=None)


@element("DocumentStatus", order=("DocumentInfo", "ItemStatus", "Comments"))
@dataclass(frozen=True, slots=True, kw_only=True)
class DocumentStatus(Element):
    """The business state of the referenced document; ``type`` values are per hub
    (DTD 1.2.063), e.g. ``approved`` / ``rejected`` for a Punch-in cart."""

    type: str = attr("type")
    document_info: DocumentInfo | None = one(DocumentInfo, default=None)
    comments: tuple[Comments, ...] = many(Comments)


@element("IntegrationMessage")
@dataclass(frozen=True, slots=True, kw_only=True)
class IntegrationMessage(Element):
    text: str = content(default="")
    is_successful: str = attr("isSuccessful")  # yes | no
    type: str = attr("type")  # 997 | 824 | MDN | ...


@element("IntegrationStatus", order=("IntegrationMessage",))
@dataclass(frozen=True, slots=True, kw_only=True)
class IntegrationStatus(Element):
    """Delivery or processing state reported after the network delivered a document."""

    # deliverySuccessful | deliveryDelayed | deliveryFailed | deliveryReady |
    # customerConfirmed | customerReceived | customerFailed
    document_status: str = attr("documentStatus")
    integration_message: IntegrationMessage | None = one(IntegrationMessage, default=None)


@element(
    "StatusUpdateRequest",
    order=(
        "DocumentReference",
        "Status",
        "PaymentStatus",
        "SourcingStatus",
        "InvoiceStatus",
        "DocumentStatus",
        "IntegrationStatus",
        "Extrinsic",
    ),
)
@dataclass(frozen=True, slots=True, kw_only=True)
class StatusUpdateRequest(Element):
    """``document_reference`` is the payloadID of the document whose status changed; the
    DTD lets it be absent only with an InvoiceStatus carrying an InvoiceIDInfo."""

    status: Status = one(Status)
    document_reference: DocumentReference | None = one(DocumentReference, default=None)
    # At most one of %cxml.statuses; the two modelled here form the choice.
    specific_status: DocumentStatus | IntegrationStatus | None = one(
        DocumentStatus, IntegrationStatus, default=None
    )
    extrinsics: tuple[Extrinsic, ...] = many(Extrinsic)
