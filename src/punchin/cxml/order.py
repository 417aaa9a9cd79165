"""The purchase order: ``OrderRequest``.

Content models from cXML.dtd 1.2.063 (1.2.014 is a prefix-compatible subset):
``OrderRequest (OrderRequestHeader, ItemOut+)``; ``OrderRequestHeader (Total, ShipTo?,
BillTo, BusinessPartner*, LegalEntity?, OrganizationalUnit*, Shipping?, Tax?, Payment?,
PaymentTerm*, Contact*, Comments*, Followup?, ControlKeys?, DocumentReference?,
SupplierOrderInfo?, TermsOfDelivery?, DeliveryPeriod?, IdReference*,
OrderRequestHeaderIndustry?, Extrinsic*)``. The lines are ``ItemOut`` (punchout.py).

Enumerated attributes stay plain ``str`` on the models: a partner on a newer DTD may
send a value this one does not list, and reading must not fail on it. The ``StrEnum``
names the values for building and comparing (a member is a ``str``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from punchin.cxml.binding import Element, attr, element, many, one
from punchin.cxml.common import (
    BillTo,
    Comments,
    Contact,
    DocumentReference,
    Extrinsic,
    OrderReference,
    Shipping,
    ShipTo,
    Tax,
    Total,
)
from punchin.cxml.punchout import ItemOut, SupplierOrderInfo
from punchin.cxml.values import DATETIME, DECIMAL


class OrderRequestType(StrEnum):
    """``OrderRequestHeader@type``: a new order, or a change or cancellation of one.

    "DocumentReference: Only needed when the type is update or delete" and it must
    name the most recent OrderRequest of that order (DTD 1.2.063).
    """

    NEW = "new"
    UPDATE = "update"
    DELETE = "delete"


@element(
    "OrderRequestHeader",
    order=(
        "Total",
        "ShipTo",
        "BillTo",
        "BusinessPartner",
        "LegalEntity",
        "OrganizationalUnit",
        "Shipping",
        "Tax",
        "Payment",
        "PaymentTerm",
        "Contact",
        "Comments",
        "Followup",
        "ControlKeys",
        "DocumentReference",
        "SupplierOrderInfo",
        "TermsOfDelivery",
        "DeliveryPeriod",
        "IdReference",
        "OrderRequestHeaderIndustry",
        "Extrinsic",
    ),
)
@dataclass(frozen=True, slots=True, kw_only=True)
class OrderRequestHeader(Element):
    """The purchase order as a whole. Attribute defaults are the DTD's defaults."""

    order_id: str = attr("orderID")  # the buyer's PO number
    order_date: datetime = attr("orderDate", DATETIME)
    type: str = attr("type", default=OrderRequestType.NEW)
    order_type: str = attr("orderType", default="regular")  # regular | release | blanket | ...
    order_version: Decimal | None = attr("orderVersion", DECIMAL, default=None)  # 1, 2, ...
    requisition_id: str | None = attr("requisitionID", default=None)
    # When the buyer needs the whole order (1.2.063); each ItemOut may name its own.
    requested_delivery_date: datetime | None = attr("requestedDeliveryDate", DATETIME, default=None)
    total: Total = one(Total)
    ship_to: ShipTo | None = one(ShipTo, default=None)
    bill_to: BillTo = one(BillTo)
    shipping: Shipping | None = one(Shipping, default=None)
    tax: Tax | None = one(Tax, default=None)
    contacts: tuple[Contact, ...] = many(Contact)
    comments: tuple[Comments, ...] = many(Comments)
    document_reference: DocumentReference | None = one(DocumentReference, default=None)
    supplier_order_info: SupplierOrderInfo | None = one(SupplierOrderInfo, default=None)
    extrinsics: tuple[Extrinsic, ...] = many(Extrinsic)


@element("OrderRequest", order=("OrderRequestHeader", "ItemOut"))
@dataclass(frozen=True, slots=True, kw_only=True)
class OrderRequest(Element):
    """A purchase order from the buyer's system; the supplier answers with a Status."""

    header: OrderRequestHeader = one(OrderRequestHeader)
    items: tuple[ItemOut, ...] = many(ItemOut)

    def reference(self, payload_id: str) -> OrderReference:
        """The ``OrderReference`` a confirmation, ship notice or invoice of this order
        carries; ``payload_id`` is the payloadID of the document that held this order."""
        return OrderReference(
            order_id=self.header.order_id,
            order_date=self.header.order_date,
            document_reference=DocumentReference(payload_id=payload_id),
        )
