"""The documents a buyer's system sends a supplier about a cart, built from plain values.

P8: after the punch-in, a StatusUpdateRequest says whether the cart (named by the
payloadID of its PunchOutSetupRequest, P15) was approved or rejected, and an approved
cart is ordered with an OrderRequest whose lines are the cart's lines (docs/protocol.md
S7, S11). Procurement sends the decision; ``punchin check order-endpoint`` sends both to
test a supplier's endpoints.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from punchin.cxml import Document
from punchin.cxml.build import LANG, Parties, request
from punchin.cxml.common import Comments, DocumentReference, Extrinsic, Status
from punchin.cxml.punchout import ItemIn, ItemOut
from punchin.cxml.statusupdate import DocumentInfo, DocumentStatus, StatusUpdateRequest

APPROVED = "approved"
REJECTED = "rejected"


def status_update_request(
    parties: Parties,
    cart_payload_id: str,
    *,
    approved: bool,
    detail: str,
    requisition_id: str,
    comment: str = "",
) -> Document:
    """P8: the cart was approved or rejected. ``Status`` 200 says the update itself is a
    normal one; the decision is ``DocumentStatus@type``, the approver's comment its
    ``Comments`` (docs/statusupdate.md)."""
    decision = APPROVED if approved else REJECTED
    return request(
        StatusUpdateRequest(
            document_reference=DocumentReference(payload_id=cart_payload_id),
            status=Status(code=200, text="OK", detail=detail, lang=LANG),
            specific_status=DocumentStatus(
                type=decision,
                document_info=DocumentInfo(document_id=requisition_id, document_type="requisition"),
                comments=(Comments(text=comment, lang=LANG),) if comment else (),
            ),
            extrinsics=(Extrinsic(name="RequisitionID", value=requisition_id),),
        ),
        parties,
    )


def ordered(
    item: ItemIn,
    line_number: int,
    *,
    quantity: Decimal | None = None,
    requested_delivery_date: datetime | None = None,
) -> ItemOut:
    """The order line of cart line ``item``: its ItemID (with the SupplierPartAuxiliaryID
    the supplier finds its cart line by) and ItemDetail as the cart carried them, at
    ``quantity`` (default: the cart's)."""
    return ItemOut(
        quantity=item.quantity if quantity is None else quantity,
        line_number=line_number,
        requested_delivery_date=requested_delivery_date,
        item_id=item.item_id,
        item_detail=item.item_detail,
    )
