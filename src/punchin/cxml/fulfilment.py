"""The documents a supplier sends about an order, built from plain values.

ConfirmationRequest and ShipNoticeRequest (Fulfill.dtd, docs/protocol.md S9 and S10)
and InvoiceDetailRequest (InvoiceDetail.dtd) for invoices and credit memos; the models
are in ``fulfill`` and ``invoice``. Each points at the order with ``OrderReference``:
the buyer's orderID and orderDate and the payloadID of the OrderRequest in force. The
storefront sends them; ``punchin check fulfilment-endpoint`` sends them to test a
buyer's endpoints.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from punchin.cxml import Document
from punchin.cxml.build import LANG, Parties, request
from punchin.cxml.common import (
    Comments,
    Description,
    DocumentReference,
    ItemID,
    Money,
    OrderReference,
    SupplierPartAuxiliaryID,
    Tax,
    TaxableAmount,
    TaxAmount,
    TaxDetail,
    Total,
    UnitPrice,
)
from punchin.cxml.fulfill import (
    CarrierIdentifier,
    ConfirmationHeader,
    ConfirmationItem,
    ConfirmationRequest,
    ConfirmationStatus,
    ConfirmationStatusType,
    ConfirmationType,
    ShipControl,
    ShipmentIdentifier,
    ShipNoticeHeader,
    ShipNoticeItem,
    ShipNoticePortion,
    ShipNoticeRequest,
)
from punchin.cxml.invoice import (
    DueAmount,
    GrossAmount,
    InvoiceDetailHeaderIndicator,
    InvoiceDetailHeaderOrder,
    InvoiceDetailItem,
    InvoiceDetailItemReference,
    InvoiceDetailLineIndicator,
    InvoiceDetailOrder,
    InvoiceDetailOrderInfo,
    InvoiceDetailOrderSummary,
    InvoiceDetailRequest,
    InvoiceDetailRequestHeader,
    InvoiceDetailSummary,
    InvoiceIDInfo,
    InvoicePurpose,
    NetAmount,
    ShippingAmount,
    SubtotalAmount,
)
from punchin.cxml.names import describe
from punchin.cxml.payload_id import now


@dataclass(frozen=True, slots=True)
class OrderRef:
    order_id: str
    order_date: datetime
    payload_id: str
    currency: str

    def reference(self) -> OrderReference:
        return OrderReference(
            order_id=self.order_id,
            order_date=self.order_date,
            document_reference=DocumentReference(payload_id=self.payload_id),
        )

    def money(self, amount: Decimal) -> Money:
        return Money(amount=amount, currency=self.currency)


@dataclass(frozen=True, slots=True)
class LineRef:
    """An order line as the documents name it: ``lineNumber`` and its ItemID; its
    ``name`` goes as the Description's ShortName (``punchin.cxml.names``)."""

    line_number: int
    supplier_part_id: str
    supplier_part_auxiliary_id: str
    description: str
    unit_of_measure: str
    name: str = ""

    def describe(self) -> Description:
        """The line's Description: the text, with the name as its ShortName."""
        return describe(self.name, self.description, LANG)

    def item_id(self) -> ItemID:
        """The ItemID; an order line without a SupplierPartAuxiliaryID gets none."""
        aux = self.supplier_part_auxiliary_id
        return ItemID(
            supplier_part_id=self.supplier_part_id,
            supplier_part_auxiliary_id=SupplierPartAuxiliaryID(value=aux) if aux else None,
        )


def wire_quantity(value: Decimal) -> Decimal:
    """``2.000`` as ``2``: quantities are stored with three decimals, sent without the
    trailing zeros (never in exponent form)."""
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()


# --- ConfirmationRequest -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ConfirmedLine:
    """What the store confirms for one order line; only changed lines are listed."""

    line: LineRef
    ordered: Decimal
    quantity: Decimal
    unit_price: Decimal | None  # None: the ordered price
    delivery_date: datetime | None


def _confirmation_item(order: OrderRef, confirmed: ConfirmedLine) -> ConfirmationItem:
    """FUL-063: the statuses' quantities add up to the ordered quantity; what is not
    confirmed is rejected. ``detail`` marks a changed price or date."""
    uom = confirmed.line.unit_of_measure
    statuses: list[ConfirmationStatus] = []
    if confirmed.quantity > 0:
        changed = confirmed.unit_price is not None or confirmed.delivery_date is not None
        statuses.append(
            ConfirmationStatus(
                quantity=wire_quantity(confirmed.quantity),
                type=ConfirmationStatusType.DETAIL if changed else ConfirmationStatusType.ACCEPT,
                unit_of_measure=uom,
                delivery_date=confirmed.delivery_date,
                unit_price=(
                    UnitPrice(money=order.money(confirmed.unit_price))
                    if confirmed.unit_price is not None
                    else None
                ),
            )
        )
    if confirmed.quantity < confirmed.ordered:
        statuses.append(
            ConfirmationStatus(
                quantity=wire_quantity(confirmed.ordered - confirmed.quantity),
                type=ConfirmationStatusType.REJECT,
                unit_of_measure=uom,
            )
        )
    return ConfirmationItem(
        quantity=wire_quantity(confirmed.ordered),
        line_number=confirmed.line.line_number,
        unit_of_measure=uom,
        statuses=tuple(statuses),
    )


def confirmation_request(
    parties: Parties,
    order: OrderRef,
    confirm_id: str,
    type: ConfirmationType,
    total: Decimal | None,
    changed: Sequence[ConfirmedLine] = (),
    comment: str = "",
) -> Document:
    """``accept`` (as ordered, no items), ``reject`` (no items) or ``detail`` (only the
    changed lines, FUL-063)."""
    header = ConfirmationHeader(
        type=type,
        notice_date=now(),
        confirm_id=confirm_id,
        total=Total(money=order.money(total)) if total is not None else None,
        comments=(Comments(text=comment, lang=LANG),) if comment else (),
    )
    return request(
        ConfirmationRequest(
            header=header,
            order_reference=order.reference(),
            items=tuple(_confirmation_item(order, c) for c in changed),
        ),
        parties,
    )


# --- ShipNoticeRequest ---------------------------------------------------------------


def ship_notice_request(
    parties: Parties,
    order: OrderRef,
    shipment_id: str,
    *,
    carrier: str,
    tracking_number: str,
    shipped: Sequence[tuple[LineRef, Decimal]],
    complete: bool,
    delivery_date: datetime | None = None,
) -> Document:
    """One shipment of part (``complete=False``) or the rest of the order."""
    shipped_at = now()
    return request(
        ShipNoticeRequest(
            header=ShipNoticeHeader(
                shipment_id=shipment_id,
                notice_date=shipped_at,
                shipment_date=shipped_at,
                delivery_date=delivery_date,
                shipment_type="actual",
                fulfillment_type="complete" if complete else "partial",
            ),
            ship_controls=(
                ShipControl(
                    carrier_identifiers=(CarrierIdentifier(domain="companyName", value=carrier),),
                    shipment_identifiers=(ShipmentIdentifier(value=tracking_number),),
                ),
            ),
            portions=(
                ShipNoticePortion(
                    order_reference=order.reference(),
                    items=tuple(
                        ShipNoticeItem(
                            quantity=wire_quantity(quantity),
                            line_number=line.line_number,
                            unit_of_measure=line.unit_of_measure,
                            item_id=line.item_id(),
                        )
                        for line, quantity in shipped
                    ),
                ),
            ),
        ),
        parties,
    )


# --- InvoiceDetailRequest ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class InvoicedLine:
    line: LineRef
    quantity: Decimal
    unit_price: Decimal

    @property
    def amount(self) -> Decimal:
        return (self.quantity * self.unit_price).quantize(Decimal("0.01"))


@dataclass(frozen=True, slots=True)
class InvoiceTotals:
    subtotal: Decimal
    tax_rate: Decimal  # percent
    tax: Decimal
    shipping: Decimal

    @property
    def total(self) -> Decimal:
        return self.subtotal + self.tax + self.shipping


def _tax(order: OrderRef, totals: InvoiceTotals) -> Tax:
    return Tax(
        money=order.money(totals.tax),
        description=Description(text="Sales tax", lang=LANG),
        details=(
            TaxDetail(
                category="sales",
                percentage_rate=totals.tax_rate,
                taxable_amount=TaxableAmount(money=order.money(totals.subtotal)),
                tax_amount=TaxAmount(money=order.money(totals.tax)),
            ),
        ),
    )


def _items(
    order: OrderRef, lines: Sequence[InvoicedLine], sign: int = 1
) -> tuple[InvoiceDetailItem, ...]:
    """The invoice lines; a line-level credit memo credits units: a negative quantity at
    the unit price invoiced (``sign=-1``)."""
    return tuple(
        InvoiceDetailItem(
            invoice_line_number=number,
            quantity=sign * wire_quantity(invoiced.quantity),
            unit_of_measure=invoiced.line.unit_of_measure,
            unit_price=UnitPrice(money=order.money(invoiced.unit_price)),
            item_reference=InvoiceDetailItemReference(
                line_number=invoiced.line.line_number,
                item_id=invoiced.line.item_id(),
                description=invoiced.line.describe(),
            ),
            subtotal_amount=SubtotalAmount(money=order.money(sign * invoiced.amount)),
        )
        for number, invoiced in enumerate(lines, start=1)
    )


def _summary(order: OrderRef, totals: InvoiceTotals) -> InvoiceDetailSummary:
    """Subtotal + tax + shipping = gross = net = due: no discount, no deposit. A credit
    memo's totals are negative and carry no ShippingAmount unless it credits one."""
    return InvoiceDetailSummary(
        subtotal_amount=SubtotalAmount(money=order.money(totals.subtotal)),
        tax=_tax(order, totals),
        shipping_amount=(
            ShippingAmount(money=order.money(totals.shipping))
            if totals.shipping or totals.subtotal >= 0
            else None
        ),
        gross_amount=GrossAmount(money=order.money(totals.total)),
        net_amount=NetAmount(money=order.money(totals.total)),
        due_amount=DueAmount(money=order.money(totals.total)),
    )


def invoice_detail_request(
    parties: Parties,
    order: OrderRef,
    invoice_id: str,
    lines: Sequence[InvoicedLine],
    totals: InvoiceTotals,
) -> Document:
    """An invoice of ``lines``; tax and shipping (the order's delivery charge, P41) at
    the summary (no line indicators)."""
    return request(
        InvoiceDetailRequest(
            header=InvoiceDetailRequestHeader(
                invoice_id=invoice_id,
                invoice_date=now(),
                header_indicator=InvoiceDetailHeaderIndicator(),
                line_indicator=InvoiceDetailLineIndicator(),
            ),
            orders=(
                InvoiceDetailOrder(
                    order_info=InvoiceDetailOrderInfo(order_reference=order.reference()),
                    items=_items(order, lines),
                ),
            ),
            summary=_summary(order, totals),
        ),
        parties,
    )


# --- credit memos --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CreditedInvoice:
    """The invoice a credit memo takes back from, as the buyer recorded it."""

    invoice_id: str
    payload_id: str


def credit_memo_request(
    parties: Parties,
    order: OrderRef,
    memo_id: str,
    credited: CreditedInvoice,
    reason: str,
    *,
    lines: Sequence[InvoicedLine] = (),
    totals: InvoiceTotals,
) -> Document:
    """A credit memo in its explicit cXML form, naming the invoice it credits both by
    ``DocumentReference`` (its payloadID) and ``InvoiceIDInfo`` (its invoiceID).

    With ``lines`` (units taken back, given as positive quantities), a
    ``lineLevelCreditMemo``: each line a negative quantity at the unit price invoiced.
    Without, a ``creditMemo`` of an amount: a header invoice (``isHeaderInvoice="yes"``)
    whose ``InvoiceDetailHeaderOrder`` carries the negative subtotal. ``totals`` are
    negative either way; ``reason`` is the memo's Comments.
    """
    header = InvoiceDetailRequestHeader(
        invoice_id=memo_id,
        invoice_date=now(),
        purpose=InvoicePurpose.LINE_LEVEL_CREDIT_MEMO if lines else InvoicePurpose.CREDIT_MEMO,
        header_indicator=InvoiceDetailHeaderIndicator(is_header_invoice=None if lines else "yes"),
        line_indicator=InvoiceDetailLineIndicator(),
        document_reference=DocumentReference(payload_id=credited.payload_id),
        invoice_id_info=InvoiceIDInfo(invoice_id=credited.invoice_id),
        comments=Comments(text=reason, lang=LANG),
    )
    info = InvoiceDetailOrderInfo(order_reference=order.reference())
    if lines:
        memo = InvoiceDetailRequest(
            header=header,
            orders=(InvoiceDetailOrder(order_info=info, items=_items(order, lines, -1)),),
            summary=_summary(order, totals),
        )
    else:
        memo = InvoiceDetailRequest(
            header=header,
            header_orders=(
                InvoiceDetailHeaderOrder(
                    order_info=info,
                    summary=InvoiceDetailOrderSummary(
                        invoice_line_number=1,
                        subtotal_amount=SubtotalAmount(money=order.money(totals.subtotal)),
                    ),
                ),
            ),
            summary=_summary(order, totals),
        )
    return request(memo, parties)
