"""The PunchOut and Punch-in payloads: setup request and response, the cart, the profile.

Content models from cXML.dtd 1.2.063 (equal to 1.2.014 for the setup request):
``PunchOutSetupRequest (BuyerCookie, Extrinsic*, BrowserFormPost?, Contact*,
SupplierSetup?, ShipTo?, SelectedItem?, ItemOut*)``; ``PunchOutOrderMessage
(BuyerCookie, PunchOutOrderMessageHeader, ItemIn*)``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from punchin.cxml.binding import Element, attr, content, element, many, one
from punchin.cxml.common import (
    URL,
    BillTo,
    Comments,
    Contact,
    Distribution,
    Extrinsic,
    ItemDetail,
    ItemID,
    Shipping,
    ShipTo,
    Tax,
    Total,
)
from punchin.cxml.values import DATETIME, DECIMAL, UINT


@element("BuyerCookie")
@dataclass(frozen=True, slots=True, kw_only=True)
class BuyerCookie(Element):
    """Opaque session key of the buyer's system; always present, empty in Punch-in (P17)."""

    value: str = content(default="")


@element("BrowserFormPost", order=("URL",))
@dataclass(frozen=True, slots=True, kw_only=True)
class BrowserFormPost(Element):
    url: URL = one(URL)


@element("SupplierSetup", order=("URL",))
@dataclass(frozen=True, slots=True, kw_only=True)
class SupplierSetup(Element):
    url: URL = one(URL)


@element("SelectedItem", order=("ItemID",))
@dataclass(frozen=True, slots=True, kw_only=True)
class SelectedItem(Element):
    item_id: ItemID = one(ItemID)


_ITEM_OUT_ORDER = (
    "ItemID",
    "Path",
    "ItemDetail",
    "BlanketItemDetail",
    "SupplierID",
    "SupplierList",
    "ShipTo",
    "Shipping",
    "Tax",
    "SpendDetail",
    "Distribution",
    "Contact",
    "TermsOfDelivery",
    "Comments",
    "Indicator",
    "Tolerances",
    "ControlKeys",
    "ScheduleLine",
    "MasterAgreementReference",
    "MasterAgreementIDInfo",
    "ItemOutIndustry",
    "Packaging",
    "ReleaseInfo",
    "Batch",
)


@element("ItemOut", order=_ITEM_OUT_ORDER)
@dataclass(frozen=True, slots=True, kw_only=True)
class ItemOut(Element):
    """A line the buyer sends: in an edit/inspect setup request, or in a purchase order."""

    quantity: Decimal = attr("quantity", DECIMAL)
    item_id: ItemID = one(ItemID)
    line_number: int | None = attr("lineNumber", UINT, default=None)
    requisition_id: str | None = attr("requisitionID", default=None)
    requested_delivery_date: datetime | None = attr("requestedDeliveryDate", DATETIME, default=None)
    item_detail: ItemDetail | None = one(ItemDetail, default=None)
    ship_to: ShipTo | None = one(ShipTo, default=None)
    shipping: Shipping | None = one(Shipping, default=None)
    tax: Tax | None = one(Tax, default=None)
    distributions: tuple[Distribution, ...] = many(Distribution)
    contacts: tuple[Contact, ...] = many(Contact)
    comments: tuple[Comments, ...] = many(Comments)


@element(
    "PunchOutSetupRequest",
    order=(
        "BuyerCookie",
        "Extrinsic",
        "BrowserFormPost",
        "Contact",
        "SupplierSetup",
        "ShipTo",
        "SelectedItem",
        "ItemOut",
    ),
)
@dataclass(frozen=True, slots=True, kw_only=True)
class PunchOutSetupRequest(Element):
    """Starts a PunchOut session; in Punch-in the supplier sends it (P4, P14-P18)."""

    operation: str = attr("operation")  # create | inspect | edit | source
    buyer_cookie: BuyerCookie = one(BuyerCookie)
    extrinsics: tuple[Extrinsic, ...] = many(Extrinsic)
    browser_form_post: BrowserFormPost | None = one(BrowserFormPost, default=None)
    contacts: tuple[Contact, ...] = many(Contact)
    supplier_setup: SupplierSetup | None = one(SupplierSetup, default=None)
    ship_to: ShipTo | None = one(ShipTo, default=None)
    selected_item: SelectedItem | None = one(SelectedItem, default=None)
    items: tuple[ItemOut, ...] = many(ItemOut)

    def extrinsic(self, name: str) -> str | None:
        """The value of the first Extrinsic called ``name`` (``UserEmail``, ``PoomUrl``)."""
        for e in self.extrinsics:
            if e.name == name:
                return e.value
        return None


@element("StartPage", order=("URL",))
@dataclass(frozen=True, slots=True, kw_only=True)
class StartPage(Element):
    """Where the browser goes next; a one-time key for this session (DTD 1.2.063)."""

    url: URL = one(URL)


@element("PunchOutSetupResponse", order=("StartPage",))
@dataclass(frozen=True, slots=True, kw_only=True)
class PunchOutSetupResponse(Element):
    start_page: StartPage = one(StartPage)


@element("SupplierOrderInfo")
@dataclass(frozen=True, slots=True, kw_only=True)
class SupplierOrderInfo(Element):
    order_id: str = attr("orderID")
    order_date: datetime | None = attr("orderDate", DATETIME, default=None)


@element(
    "PunchOutOrderMessageHeader",
    order=("SourcingStatus", "Total", "ShipTo", "Shipping", "Tax", "SupplierOrderInfo"),
)
@dataclass(frozen=True, slots=True, kw_only=True)
class PunchOutOrderMessageHeader(Element):
    operation_allowed: str = attr("operationAllowed")  # create | inspect | edit
    total: Total = one(Total)
    quote_status: str | None = attr("quoteStatus", default=None)  # pending | final
    ship_to: ShipTo | None = one(ShipTo, default=None)
    shipping: Shipping | None = one(Shipping, default=None)
    tax: Tax | None = one(Tax, default=None)
    supplier_order_info: SupplierOrderInfo | None = one(SupplierOrderInfo, default=None)


@element(
    "ItemIn",
    order=(
        "ItemID",
        "Path",
        "ItemDetail",
        "SupplierID",
        "SupplierList",
        "ShipTo",
        "Shipping",
        "Tax",
        "SpendDetail",
        "Distribution",
        "Contact",
        "Comments",
        "ScheduleLine",
        "BillTo",
        "Batch",
        "Period",
        "DateInfo",
        "Extrinsic",
    ),
)
@dataclass(frozen=True, slots=True, kw_only=True)
class ItemIn(Element):
    """A cart line. ``quantity`` is a decimal: 1.5 stays 1.5 (docs/performance.md's peer bug)."""

    quantity: Decimal = attr("quantity", DECIMAL)
    item_id: ItemID = one(ItemID)
    item_detail: ItemDetail = one(ItemDetail)
    line_number: int | None = attr("lineNumber", UINT, default=None)
    ship_to: ShipTo | None = one(ShipTo, default=None)
    shipping: Shipping | None = one(Shipping, default=None)
    tax: Tax | None = one(Tax, default=None)
    distributions: tuple[Distribution, ...] = many(Distribution)
    contacts: tuple[Contact, ...] = many(Contact)
    comments: Comments | None = one(Comments, default=None)
    bill_to: BillTo | None = one(BillTo, default=None)
    extrinsics: tuple[Extrinsic, ...] = many(Extrinsic)


@element("PunchOutOrderMessage", order=("BuyerCookie", "PunchOutOrderMessageHeader", "ItemIn"))
@dataclass(frozen=True, slots=True, kw_only=True)
class PunchOutOrderMessage(Element):
    """The cart (POOM). A Message, not a Request (docs/performance.md's peer bug)."""

    buyer_cookie: BuyerCookie = one(BuyerCookie)
    header: PunchOutOrderMessageHeader = one(PunchOutOrderMessageHeader)
    items: tuple[ItemIn, ...] = many(ItemIn)


@element("ProfileRequest")
@dataclass(frozen=True, slots=True, kw_only=True)
class ProfileRequest(Element):
    """Asks for the server's profile; also a ping (DTD 1.2.063)."""


@element("Option")
@dataclass(frozen=True, slots=True, kw_only=True)
class Option(Element):
    name: str = attr("name")
    value: str = content(default="")


@element("Transaction", order=("URL", "Option"))
@dataclass(frozen=True, slots=True, kw_only=True)
class Transaction(Element):
    """One supported request and the URL to post it to."""

    request_name: str = attr("requestName")
    url: URL = one(URL)
    options: tuple[Option, ...] = many(Option)


@element("ProfileResponse", order=("Option", "Transaction"))
@dataclass(frozen=True, slots=True, kw_only=True)
class ProfileResponse(Element):
    effective_date: datetime = attr("effectiveDate", DATETIME)
    last_refresh: datetime | None = attr("lastRefresh", DATETIME, default=None)
    options: tuple[Option, ...] = many(Option)
    transactions: tuple[Transaction, ...] = many(Transaction)
