"""The supplier's answers to an order (Fulfill.dtd): ``ConfirmationRequest`` and
``ShipNoticeRequest``. Documents holding them declare ``Fulfill.dtd``, not cXML.dtd.

Content models from Fulfill.dtd 1.2.063:
``ConfirmationRequest (ConfirmationHeader, OrderReference, (OrderStatusRequestReference |
OrderStatusRequestIDInfo)*, ConfirmationItem*)``; ``ShipNoticeRequest (ShipNoticeHeader,
ShipControl*, ShipNoticePortion*)``. Neither has a response document: the buyer answers
with a plain Status. Enumerated attributes stay ``str`` (see order.py); the enums name
the values.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from punchin.cxml.binding import Element, attr, content, element, many, one, text
from punchin.cxml.common import (
    Comments,
    Contact,
    DocumentReference,
    Extrinsic,
    ItemID,
    OrderReference,
    Shipping,
    Tax,
    Total,
    UnitPrice,
)
from punchin.cxml.punchout import ItemIn
from punchin.cxml.values import DATETIME, DECIMAL, OPTIONAL_DATETIME, UINT


class ConfirmationType(StrEnum):
    """``ConfirmationHeader@type`` (Fulfill.dtd 1.2.063): what the confirmation says
    about the whole order."""

    ACCEPT = "accept"  # the whole order as ordered; no items needed
    ALL_DETAIL = "allDetail"  # a full snapshot of the listed lines
    DETAIL = "detail"  # only the listed lines change; only differences given
    BACKORDERED = "backordered"  # the whole order is backordered
    EXCEPT = "except"  # accepted except the listed lines
    REJECT = "reject"  # the whole order is rejected; no items
    REQUEST_TO_PAY = "requestToPay"
    REPLACE = "replace"  # wholesale replacement; items carry ItemIn


class ConfirmationStatusType(StrEnum):
    """``ConfirmationStatus@type``: what happens to ``quantity`` units of one line."""

    ACCEPT = "accept"
    ALL_DETAIL = "allDetail"
    DETAIL = "detail"
    BACKORDERED = "backordered"
    REJECT = "reject"
    UNKNOWN = "unknown"
    REQUEST_TO_PAY = "requestToPay"


# --- ConfirmationRequest ------------------------------------------------------------


@element(
    "ConfirmationHeader",
    order=(
        "DocumentReference",
        "Total",
        "Shipping",
        "Tax",
        "Contact",
        "Hazard",
        "Comments",
        "IdReference",
        "Extrinsic",
    ),
)
@dataclass(frozen=True, slots=True, kw_only=True)
class ConfirmationHeader(Element):
    """An ``update`` replaces the earlier confirmation completely: it repeats
    ``confirmID`` and points at it with ``DocumentReference`` (Fulfill.dtd 1.2.063)."""

    type: str = attr("type")  # ConfirmationType
    notice_date: datetime = attr("noticeDate", DATETIME)
    confirm_id: str | None = attr("confirmID", default=None)
    operation: str = attr("operation", default="new")  # new | update
    invoice_id: str | None = attr("invoiceID", default=None)
    document_reference: DocumentReference | None = one(DocumentReference, default=None)
    total: Total | None = one(Total, default=None)
    shipping: Shipping | None = one(Shipping, default=None)
    tax: Tax | None = one(Tax, default=None)
    contacts: tuple[Contact, ...] = many(Contact)
    comments: tuple[Comments, ...] = many(Comments)
    extrinsics: tuple[Extrinsic, ...] = many(Extrinsic)


@element(
    "ConfirmationStatus",
    order=(
        "UnitOfMeasure",
        "ItemIn",
        "UnitPrice",
        "Tax",
        "Shipping",
        "SupplierBatchID",
        "ScheduleLineReference",
        "ComponentConsumptionDetails",
        "Comments",
        "Extrinsic",
    ),
)
@dataclass(frozen=True, slots=True, kw_only=True)
class ConfirmationStatus(Element):
    """``(UnitOfMeasure, (ItemIn | (UnitPrice?, Tax?, Shipping?)), ...)``: set either
    ``item_in`` (a replaced item) or the price fields, never both."""

    quantity: Decimal = attr("quantity", DECIMAL)
    type: str = attr("type")  # ConfirmationStatusType
    unit_of_measure: str = text("UnitOfMeasure")
    shipment_date: datetime | None = attr("shipmentDate", OPTIONAL_DATETIME, default=None)
    delivery_date: datetime | None = attr("deliveryDate", OPTIONAL_DATETIME, default=None)
    item_in: ItemIn | None = one(ItemIn, default=None)
    unit_price: UnitPrice | None = one(UnitPrice, default=None)
    tax: Tax | None = one(Tax, default=None)
    shipping: Shipping | None = one(Shipping, default=None)
    comments: tuple[Comments, ...] = many(Comments)
    extrinsics: tuple[Extrinsic, ...] = many(Extrinsic)


@element("ConfirmationItem", order=("UnitOfMeasure", "Contact", "Hazard", "ConfirmationStatus"))
@dataclass(frozen=True, slots=True, kw_only=True)
class ConfirmationItem(Element):
    """One order line (``lineNumber`` of its ItemOut); the statuses' quantities add up
    to ``quantity`` (Fulfill.dtd 1.2.063)."""

    quantity: Decimal = attr("quantity", DECIMAL)
    line_number: int = attr("lineNumber", UINT)
    unit_of_measure: str = text("UnitOfMeasure")
    contacts: tuple[Contact, ...] = many(Contact)
    statuses: tuple[ConfirmationStatus, ...] = many(ConfirmationStatus)


@element(
    "ConfirmationRequest",
    order=(
        "ConfirmationHeader",
        "OrderReference",
        "OrderStatusRequestReference",
        "OrderStatusRequestIDInfo",
        "ConfirmationItem",
    ),
)
@dataclass(frozen=True, slots=True, kw_only=True)
class ConfirmationRequest(Element):
    header: ConfirmationHeader = one(ConfirmationHeader)
    order_reference: OrderReference = one(OrderReference)
    items: tuple[ConfirmationItem, ...] = many(ConfirmationItem)


# --- ShipNoticeRequest --------------------------------------------------------------


@element(
    "ShipNoticeHeader",
    order=(
        "ServiceLevel",
        "DocumentReference",
        "Contact",
        "LegalEntity",
        "OrganizationalUnit",
        "Hazard",
        "Comments",
        "TermsOfDelivery",
        "TermsOfTransport",
        "Packaging",
        "Extrinsic",
        "IdReference",
        "ReferenceDocumentInfo",
    ),
)
@dataclass(frozen=True, slots=True, kw_only=True)
class ShipNoticeHeader(Element):
    shipment_id: str = attr("shipmentID")
    notice_date: datetime = attr("noticeDate", DATETIME)
    operation: str = attr("operation", default="new")  # new | update | delete
    shipment_date: datetime | None = attr("shipmentDate", OPTIONAL_DATETIME, default=None)
    delivery_date: datetime | None = attr("deliveryDate", OPTIONAL_DATETIME, default=None)
    shipment_type: str | None = attr("shipmentType", default=None)  # actual | planned
    fulfillment_type: str | None = attr("fulfillmentType", default=None)  # partial | complete
    document_reference: DocumentReference | None = one(DocumentReference, default=None)
    contacts: tuple[Contact, ...] = many(Contact)
    comments: tuple[Comments, ...] = many(Comments)
    extrinsics: tuple[Extrinsic, ...] = many(Extrinsic)


@element("CarrierIdentifier")
@dataclass(frozen=True, slots=True, kw_only=True)
class CarrierIdentifier(Element):
    """The carrier, e.g. ``domain="SCAC"`` ``FDE`` or ``domain="companyName"`` ``UPS``."""

    value: str = content()
    domain: str = attr("domain")


@element("ShipmentIdentifier")
@dataclass(frozen=True, slots=True, kw_only=True)
class ShipmentIdentifier(Element):
    """The carrier's tracking number."""

    value: str = content()
    domain: str | None = attr("domain", default=None)
    tracking_number_date: datetime | None = attr(
        "trackingNumberDate", OPTIONAL_DATETIME, default=None
    )
    tracking_url: str | None = attr("trackingURL", default=None)


@element("PackageIdentification")
@dataclass(frozen=True, slots=True, kw_only=True)
class PackageIdentification(Element):
    """Packages ``rangeBegin`` to ``rangeEnd`` of the shipment carry this notice's goods."""

    range_begin: int = attr("rangeBegin", UINT)
    range_end: int = attr("rangeEnd", UINT)


@element(
    "ShipControl",
    order=(
        "CarrierIdentifier",
        "ShipmentIdentifier",
        "PackageIdentification",
        "Route",
        "TransportInformation",
        "Contact",
        "Comments",
        "Extrinsic",
    ),
)
@dataclass(frozen=True, slots=True, kw_only=True)
class ShipControl(Element):
    """``(CarrierIdentifier+, ShipmentIdentifier+, PackageIdentification?, ...)``."""

    carrier_identifiers: tuple[CarrierIdentifier, ...] = many(CarrierIdentifier)
    shipment_identifiers: tuple[ShipmentIdentifier, ...] = many(ShipmentIdentifier)
    package_identification: PackageIdentification | None = one(PackageIdentification, default=None)
    contacts: tuple[Contact, ...] = many(Contact)
    comments: tuple[Comments, ...] = many(Comments)
    extrinsics: tuple[Extrinsic, ...] = many(Extrinsic)
    start_date: datetime | None = attr("startDate", OPTIONAL_DATETIME, default=None)


@element(
    "ShipNoticeItem",
    order=(
        "ItemID",
        "ShipNoticeItemDetail",
        "UnitOfMeasure",
        "Packaging",
        "Hazard",
        "Batch",
        "SupplierBatchID",
        "AssetInfo",
        "TermsOfDelivery",
        "OrderedQuantity",
        "ShipNoticeItemIndustry",
        "ComponentConsumptionDetails",
        "ReferenceDocumentInfo",
        "Comments",
        "Extrinsic",
    ),
)
@dataclass(frozen=True, slots=True, kw_only=True)
class ShipNoticeItem(Element):
    """``quantity`` units of order line ``lineNumber`` are in this shipment."""

    quantity: Decimal = attr("quantity", DECIMAL)
    line_number: int = attr("lineNumber", UINT)
    unit_of_measure: str = text("UnitOfMeasure")
    ship_notice_line_number: int | None = attr("shipNoticeLineNumber", UINT, default=None)
    item_id: ItemID | None = one(ItemID, default=None)
    comments: tuple[Comments, ...] = many(Comments)
    extrinsics: tuple[Extrinsic, ...] = many(Extrinsic)


@element(
    "ShipNoticePortion",
    order=(
        "OrderReference",
        "MasterAgreementReference",
        "MasterAgreementIDInfo",
        "Contact",
        "Comments",
        "Extrinsic",
        "ShipNoticeItem",
        "ReferenceDocumentInfo",
    ),
)
@dataclass(frozen=True, slots=True, kw_only=True)
class ShipNoticePortion(Element):
    """The part of the shipment that belongs to one order; no items means all of it."""

    order_reference: OrderReference = one(OrderReference)
    contacts: tuple[Contact, ...] = many(Contact)
    comments: tuple[Comments, ...] = many(Comments)
    extrinsics: tuple[Extrinsic, ...] = many(Extrinsic)
    items: tuple[ShipNoticeItem, ...] = many(ShipNoticeItem)


@element("ShipNoticeRequest", order=("ShipNoticeHeader", "ShipControl", "ShipNoticePortion"))
@dataclass(frozen=True, slots=True, kw_only=True)
class ShipNoticeRequest(Element):
    header: ShipNoticeHeader = one(ShipNoticeHeader)
    ship_controls: tuple[ShipControl, ...] = many(ShipControl)
    portions: tuple[ShipNoticePortion, ...] = many(ShipNoticePortion)
