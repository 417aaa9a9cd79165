"""The supplier's invoice (InvoiceDetail.dtd): ``InvoiceDetailRequest``, line by line.

Content models from InvoiceDetail.dtd 1.2.037 (1.2.020 is a subset):
``InvoiceDetailRequest (InvoiceDetailRequestHeader, (InvoiceDetailOrder+ |
InvoiceDetailHeaderOrder+), InvoiceDetailSummary)``. Modelled is what a supplier needs
to invoice an order's lines and to credit them: the header, ``InvoiceDetailOrder`` with
``InvoiceDetailItem`` lines, ``InvoiceDetailHeaderOrder`` with its order summary (the
header-level credit memo's form), and the summary with its discount and deposit
(docs/purchase-orders.md, "Invoice arithmetic"). Service lines, shipping details and
modifications ride along in ``extras``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from punchin.cxml.binding import Element, attr, element, many, one, text
from punchin.cxml.common import (
    Classification,
    Comments,
    Contact,
    Country,
    Description,
    Distribution,
    DocumentReference,
    Extrinsic,
    IdReference,
    ItemID,
    ManufacturerName,
    Money,
    OrderReference,
    PriceBasisQuantity,
    Tax,
    UnitPrice,
)
from punchin.cxml.punchout import SupplierOrderInfo
from punchin.cxml.values import DATETIME, DECIMAL, OPTIONAL_DATETIME, UINT


class InvoicePurpose(StrEnum):
    """``InvoiceDetailRequestHeader@purpose``; a credit memo carries negative amounts."""

    STANDARD = "standard"
    CREDIT_MEMO = "creditMemo"
    DEBIT_MEMO = "debitMemo"
    LINE_LEVEL_CREDIT_MEMO = "lineLevelCreditMemo"
    LINE_LEVEL_DEBIT_MEMO = "lineLevelDebitMemo"  # 1.2.037 and later


# --- amounts: each is (Money) under its own name -----------------------------------


@element("SubtotalAmount", order=("Money",))
@dataclass(frozen=True, slots=True, kw_only=True)
class SubtotalAmount(Element):
    """Quantity times unit price, before tax, shipping and discounts."""

    money: Money = one(Money)


@element("GrossAmount", order=("Money",))
@dataclass(frozen=True, slots=True, kw_only=True)
class GrossAmount(Element):
    """Subtotal plus tax, special handling and shipping."""

    money: Money = one(Money)


@element("NetAmount", order=("Money",))
@dataclass(frozen=True, slots=True, kw_only=True)
class NetAmount(Element):
    """Gross amount less discounts: what is owed."""

    money: Money = one(Money)


@element("DueAmount", order=("Money",))
@dataclass(frozen=True, slots=True, kw_only=True)
class DueAmount(Element):
    """Net amount less deposits already paid."""

    money: Money = one(Money)


@element("DepositAmount", order=("Money",))
@dataclass(frozen=True, slots=True, kw_only=True)
class DepositAmount(Element):
    """Paid in advance: due is net less the deposit."""

    money: Money = one(Money)


@element("InvoiceDetailDiscount", order=("Money", "Distribution"))
@dataclass(frozen=True, slots=True, kw_only=True)
class InvoiceDetailDiscount(Element):
    """The total discount, a positive amount taken off the gross."""

    money: Money = one(Money)
    percentage_rate: Decimal | None = attr("percentageRate", DECIMAL, default=None)


@element("ShippingAmount", order=("Money", "Distribution"))
@dataclass(frozen=True, slots=True, kw_only=True)
class ShippingAmount(Element):
    money: Money = one(Money)


@element("SpecialHandlingAmount", order=("Money", "Description", "Distribution"))
@dataclass(frozen=True, slots=True, kw_only=True)
class SpecialHandlingAmount(Element):
    money: Money = one(Money)
    description: Description | None = one(Description, default=None)


# --- header --------------------------------------------------------------------------


@element("InvoiceDetailHeaderIndicator")
@dataclass(frozen=True, slots=True, kw_only=True)
class InvoiceDetailHeaderIndicator(Element):
    """Required even when empty; each flag is ``"yes"`` or absent."""

    is_header_invoice: str | None = attr("isHeaderInvoice", default=None)
    is_vat_recoverable: str | None = attr("isVatRecoverable", default=None)
    # 1.2.037 and later: a credit of price, not quantity (negative unit prices).
    is_price_based_line_level_credit_memo: str | None = attr(
        "isPriceBasedLineLevelCreditMemo", default=None
    )


@element("InvoiceDetailLineIndicator")
@dataclass(frozen=True, slots=True, kw_only=True)
class InvoiceDetailLineIndicator(Element):
    """Which amounts the lines carry (``"yes"`` or absent); required even when empty."""

    is_tax_in_line: str | None = attr("isTaxInLine", default=None)
    is_special_handling_in_line: str | None = attr("isSpecialHandlingInLine", default=None)
    is_shipping_in_line: str | None = attr("isShippingInLine", default=None)
    is_discount_in_line: str | None = attr("isDiscountInLine", default=None)
    is_accounting_in_line: str | None = attr("isAccountingInLine", default=None)


@element("InvoicePartner", order=("Contact", "IdReference"))
@dataclass(frozen=True, slots=True, kw_only=True)
class InvoicePartner(Element):
    """A party to the invoice: ``Contact@role`` ``remitTo``, ``billTo``, ``soldTo``, ``from``;
    tax ids as ``IdReference`` (``domain="vatID"``, ``"supplierTaxID"``)."""

    contact: Contact = one(Contact)
    id_references: tuple[IdReference, ...] = many(IdReference)


@element("InvoiceDetailPaymentTerm")
@dataclass(frozen=True, slots=True, kw_only=True)
class InvoiceDetailPaymentTerm(Element):
    """``percentageRate`` % discount if paid within ``payInNumberOfDays`` (0 % = net days)."""

    pay_in_number_of_days: int = attr("payInNumberOfDays", UINT)
    percentage_rate: Decimal = attr("percentageRate", DECIMAL)


@element("InvoiceIDInfo")
@dataclass(frozen=True, slots=True, kw_only=True)
class InvoiceIDInfo(Element):
    """An earlier invoice by its invoiceID (with ``DocumentReference``, the same one)."""

    invoice_id: str = attr("invoiceID")
    invoice_date: datetime | None = attr("invoiceDate", OPTIONAL_DATETIME, default=None)


@element(
    "InvoiceDetailRequestHeader",
    order=(
        "InvoiceDetailHeaderIndicator",
        "InvoiceDetailLineIndicator",
        "InvoicePartner",
        "DocumentReference",
        "InvoiceIDInfo",
        "PaymentProposalIDInfo",
        "InvoiceDetailShipping",
        "ShipNoticeIDInfo",
        "InvoiceDetailPaymentTerm",
        "PaymentTerm",
        "Period",
        "Comments",
        "IdReference",
        "Extrinsic",
    ),
)
@dataclass(frozen=True, slots=True, kw_only=True)
class InvoiceDetailRequestHeader(Element):
    """``operation="delete"`` cancels the invoice named by ``DocumentReference``; a
    credit memo names the invoice it credits there (its payloadID) or in
    ``InvoiceIDInfo``."""

    invoice_id: str = attr("invoiceID")
    invoice_date: datetime = attr("invoiceDate", DATETIME)
    purpose: str = attr("purpose", default=InvoicePurpose.STANDARD)
    operation: str = attr("operation", default="new")  # new | delete
    is_information_only: str | None = attr("isInformationOnly", default=None)  # yes
    invoice_origin: str | None = attr("invoiceOrigin", default=None)  # supplier | buyer
    header_indicator: InvoiceDetailHeaderIndicator = one(InvoiceDetailHeaderIndicator)
    line_indicator: InvoiceDetailLineIndicator = one(InvoiceDetailLineIndicator)
    partners: tuple[InvoicePartner, ...] = many(InvoicePartner)
    document_reference: DocumentReference | None = one(DocumentReference, default=None)
    invoice_id_info: InvoiceIDInfo | None = one(InvoiceIDInfo, default=None)
    payment_terms: tuple[InvoiceDetailPaymentTerm, ...] = many(InvoiceDetailPaymentTerm)
    comments: Comments | None = one(Comments, default=None)
    extrinsics: tuple[Extrinsic, ...] = many(Extrinsic)


# --- orders and lines ----------------------------------------------------------------


@element("OrderIDInfo", order=("IdReference",))
@dataclass(frozen=True, slots=True, kw_only=True)
class OrderIDInfo(Element):
    """The order by its buyer PO number alone, when its payloadID is unknown."""

    order_id: str = attr("orderID")
    order_date: datetime | None = attr("orderDate", OPTIONAL_DATETIME, default=None)


@element(
    "InvoiceDetailOrderInfo",
    order=(
        "OrderReference",
        "MasterAgreementReference",
        "MasterAgreementIDInfo",
        "OrderIDInfo",
        "SupplierOrderInfo",
    ),
)
@dataclass(frozen=True, slots=True, kw_only=True)
class InvoiceDetailOrderInfo(Element):
    """Which order is invoiced: ``OrderReference`` (preferred) or ``OrderIDInfo``, not
    both; then optionally the supplier's own order number."""

    order_reference: OrderReference | None = one(OrderReference, default=None)
    order_id_info: OrderIDInfo | None = one(OrderIDInfo, default=None)
    supplier_order_info: SupplierOrderInfo | None = one(SupplierOrderInfo, default=None)


@element(
    "InvoiceDetailItemReference",
    order=(
        "ItemID",
        "Description",
        "Classification",
        "ManufacturerPartID",
        "ManufacturerName",
        "Country",
        "SerialNumber",
        "SupplierBatchID",
        "InvoiceDetailItemReferenceIndustry",
    ),
)
@dataclass(frozen=True, slots=True, kw_only=True)
class InvoiceDetailItemReference(Element):
    """The order line invoiced: ``lineNumber`` of its ItemOut. A manufacturer part id
    needs the manufacturer's name too (``(ManufacturerPartID, ManufacturerName)?``)."""

    line_number: int = attr("lineNumber", UINT)
    item_id: ItemID | None = one(ItemID, default=None)
    description: Description | None = one(Description, default=None)
    classifications: tuple[Classification, ...] = many(Classification)
    manufacturer_part_id: str | None = text("ManufacturerPartID", default=None)
    manufacturer_name: ManufacturerName | None = one(ManufacturerName, default=None)
    country: Country | None = one(Country, default=None)  # of origin


@element(
    "InvoiceDetailItem",
    order=(
        "UnitOfMeasure",
        "UnitPrice",
        "PriceBasisQuantity",
        "InvoiceDetailItemReference",
        "ReceiptLineItemReference",
        "ShipNoticeLineItemReference",
        "ServiceEntryItemReference",
        "ServiceEntryItemIDInfo",
        "ProductMovementItemIDInfo",
        "SubtotalAmount",
        "Tax",
        "InvoiceDetailLineSpecialHandling",
        "InvoiceDetailLineShipping",
        "ShipNoticeIDInfo",
        "GrossAmount",
        "InvoiceDetailDiscount",
        "InvoiceItemModifications",
        "TotalCharges",
        "TotalAllowances",
        "TotalAmountWithoutTax",
        "NetAmount",
        "Distribution",
        "Packaging",
        "InvoiceDetailItemIndustry",
        "Comments",
        "CustomsInfo",
        "Extrinsic",
    ),
)
@dataclass(frozen=True, slots=True, kw_only=True)
class InvoiceDetailItem(Element):
    """One invoice line for ``quantity`` units of an order line (``item_reference``)."""

    invoice_line_number: int = attr("invoiceLineNumber", UINT)
    quantity: Decimal = attr("quantity", DECIMAL)
    unit_of_measure: str = text("UnitOfMeasure")
    unit_price: UnitPrice = one(UnitPrice)
    item_reference: InvoiceDetailItemReference = one(InvoiceDetailItemReference)
    reference_date: datetime | None = attr("referenceDate", OPTIONAL_DATETIME, default=None)
    price_basis_quantity: PriceBasisQuantity | None = one(PriceBasisQuantity, default=None)
    subtotal_amount: SubtotalAmount | None = one(SubtotalAmount, default=None)
    tax: Tax | None = one(Tax, default=None)
    gross_amount: GrossAmount | None = one(GrossAmount, default=None)
    net_amount: NetAmount | None = one(NetAmount, default=None)
    distributions: tuple[Distribution, ...] = many(Distribution)
    comments: Comments | None = one(Comments, default=None)
    extrinsics: tuple[Extrinsic, ...] = many(Extrinsic)


@element(
    "InvoiceDetailOrder",
    order=(
        "InvoiceDetailOrderInfo",
        "InvoiceDetailReceiptInfo",
        "InvoiceDetailShipNoticeInfo",
        "InvoiceDetailItem",
        "InvoiceDetailServiceItem",
    ),
)
@dataclass(frozen=True, slots=True, kw_only=True)
class InvoiceDetailOrder(Element):
    """The invoiced lines of one order (``(InvoiceDetailItem | ...ServiceItem)+``)."""

    order_info: InvoiceDetailOrderInfo = one(InvoiceDetailOrderInfo)
    items: tuple[InvoiceDetailItem, ...] = many(InvoiceDetailItem)


@element(
    "InvoiceDetailOrderSummary",
    order=(
        "SubtotalAmount",
        "Period",
        "Tax",
        "InvoiceDetailLineSpecialHandling",
        "InvoiceDetailLineShipping",
        "GrossAmount",
        "InvoiceDetailDiscount",
        "NetAmount",
        "Comments",
        "Extrinsic",
    ),
)
@dataclass(frozen=True, slots=True, kw_only=True)
class InvoiceDetailOrderSummary(Element):
    """An order invoiced (or credited) as one amount, without its lines."""

    invoice_line_number: int = attr("invoiceLineNumber", UINT)
    subtotal_amount: SubtotalAmount = one(SubtotalAmount)
    tax: Tax | None = one(Tax, default=None)
    gross_amount: GrossAmount | None = one(GrossAmount, default=None)
    discount: InvoiceDetailDiscount | None = one(InvoiceDetailDiscount, default=None)
    net_amount: NetAmount | None = one(NetAmount, default=None)
    comments: Comments | None = one(Comments, default=None)
    extrinsics: tuple[Extrinsic, ...] = many(Extrinsic)


@element("InvoiceDetailHeaderOrder", order=("InvoiceDetailOrderInfo", "InvoiceDetailOrderSummary"))
@dataclass(frozen=True, slots=True, kw_only=True)
class InvoiceDetailHeaderOrder(Element):
    """One order of a header invoice (``isHeaderInvoice="yes"``): the form a
    ``creditMemo`` takes."""

    order_info: InvoiceDetailOrderInfo = one(InvoiceDetailOrderInfo)
    summary: InvoiceDetailOrderSummary = one(InvoiceDetailOrderSummary)


# --- summary and request -------------------------------------------------------------


@element(
    "InvoiceDetailSummary",
    order=(
        "SubtotalAmount",
        "Tax",
        "SpecialHandlingAmount",
        "ShippingAmount",
        "GrossAmount",
        "InvoiceDetailDiscount",
        "InvoiceHeaderModifications",
        "InvoiceDetailSummaryLineItemModifications",
        "TotalCharges",
        "TotalAllowances",
        "TotalAmountWithoutTax",
        "NetAmount",
        "DepositAmount",
        "DueAmount",
        "InvoiceDetailSummaryIndustry",
    ),
)
@dataclass(frozen=True, slots=True, kw_only=True)
class InvoiceDetailSummary(Element):
    """The invoice totals; ``Tax`` is required, with a zero Money when there is none."""

    subtotal_amount: SubtotalAmount = one(SubtotalAmount)
    tax: Tax = one(Tax)
    special_handling_amount: SpecialHandlingAmount | None = one(SpecialHandlingAmount, default=None)
    shipping_amount: ShippingAmount | None = one(ShippingAmount, default=None)
    gross_amount: GrossAmount | None = one(GrossAmount, default=None)
    discount: InvoiceDetailDiscount | None = one(InvoiceDetailDiscount, default=None)
    net_amount: NetAmount = one(NetAmount)
    deposit_amount: DepositAmount | None = one(DepositAmount, default=None)
    due_amount: DueAmount | None = one(DueAmount, default=None)


@element(
    "InvoiceDetailRequest",
    order=(
        "InvoiceDetailRequestHeader",
        "InvoiceDetailOrder",
        "InvoiceDetailHeaderOrder",
        "InvoiceDetailSummary",
    ),
)
@dataclass(frozen=True, slots=True, kw_only=True)
class InvoiceDetailRequest(Element):
    """Line invoices carry ``orders``, header invoices ``header_orders``; never both."""

    header: InvoiceDetailRequestHeader = one(InvoiceDetailRequestHeader)
    orders: tuple[InvoiceDetailOrder, ...] = many(InvoiceDetailOrder)
    header_orders: tuple[InvoiceDetailHeaderOrder, ...] = many(InvoiceDetailHeaderOrder)
    summary: InvoiceDetailSummary = one(InvoiceDetailSummary)
