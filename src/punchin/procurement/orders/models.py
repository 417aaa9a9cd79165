"""Purchase orders, what the supplier said about them, and the timeline of both.

``PurchaseOrder.state`` follows ``TRANSITIONS`` through ``services.move_order`` only
(``MACHINE``, ``punchin.web.statemachine``).
Shipped, received and invoiced quantities are sums over ``ShipmentLine``,
``ReceiptLine`` and ``InvoiceLine`` rows; the three-way match (``match.py``) reads the
received and invoiced ones (the ship notice is information), and ``services.progress``
moves the PO by them (docs/purchase-orders.md).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models

from punchin.cxml.names import Named, named
from punchin.procurement.accounts.models import Organisation, OrganisationAddress
from punchin.procurement.documents.models import CxmlDocument
from punchin.procurement.partners.models import SupplierPartner
from punchin.procurement.requisitions.models import MONEY, Requisition, RequisitionLine
from punchin.web.delivery.models import OutboundDelivery
from punchin.web.inbound import InboundClaimBase
from punchin.web.statemachine import Machine

QUANTITY = {"max_digits": 18, "decimal_places": 4}
PERCENT = {"max_digits": 7, "decimal_places": 3}


class State(models.TextChoices):
    SENT = "sent", "Sent, awaiting the supplier's answer"
    ACKNOWLEDGED = "acknowledged", "Acknowledged by the supplier"
    NEEDS_ATTENTION = "needs_attention", "Needs attention"
    CONFIRMED = "confirmed", "Confirmed"
    PARTIALLY_RECEIVED = "partially_received", "Partially received"
    # "Goods received", not "Received": the store's "Received" is the order itself.
    RECEIVED = "received", "Goods received"
    INVOICED = "invoiced", "Invoiced"
    PAID = "paid", "Paid"
    CLOSED = "closed", "Closed"
    REJECTED = "rejected", "Rejected by the supplier"
    CANCELLED = "cancelled", "Cancelled"


OPEN = (State.ACKNOWLEDGED, State.CONFIRMED)
# Where goods may be received or returned, and where receipts and invoices move the PO
# (``services.progress``); before, the order is not agreed, after, it is settled.
RECEIVING = (
    State.ACKNOWLEDGED,
    State.CONFIRMED,
    State.PARTIALLY_RECEIVED,
    State.RECEIVED,
    State.INVOICED,
)
_RETURNED = "goods were returned: nothing of the order is received any more"

# (from, to): why. ``services.move_order`` is the only code that changes a PO's state;
# docs/purchase-orders.md has this table in words.
TRANSITIONS: dict[tuple[str, str], str] = {
    (State.SENT, State.ACKNOWLEDGED): "the supplier answered the latest OrderRequest 2xx",
    (State.SENT, State.NEEDS_ATTENTION): "the latest OrderRequest was refused or undeliverable",
    (State.NEEDS_ATTENTION, State.ACKNOWLEDGED): "staff sent it again and it was accepted",
    (State.SENT, State.CONFIRMED): "a ConfirmationRequest overtook the delivery's answer",
    (State.NEEDS_ATTENTION, State.CONFIRMED): "the supplier confirmed what we could not see sent",
    (State.ACKNOWLEDGED, State.CONFIRMED): "the supplier confirmed (accept or detail)",
    (State.CONFIRMED, State.CONFIRMED): "the supplier confirmed again with new details",
    (State.SENT, State.REJECTED): "the supplier rejected the order",
    (State.ACKNOWLEDGED, State.REJECTED): "the supplier rejected the order",
    (State.CONFIRMED, State.REJECTED): "the supplier rejected the order",
    (State.ACKNOWLEDGED, State.SENT): "we sent a change (OrderRequest type update)",
    (State.CONFIRMED, State.SENT): "we sent a change (OrderRequest type update)",
    (State.ACKNOWLEDGED, State.CANCELLED): "we cancelled it (OrderRequest type delete)",
    (State.CONFIRMED, State.CANCELLED): "we cancelled it (OrderRequest type delete)",
    (State.ACKNOWLEDGED, State.PARTIALLY_RECEIVED): "part of the order was received",
    (State.CONFIRMED, State.PARTIALLY_RECEIVED): "part of the order was received",
    (State.ACKNOWLEDGED, State.RECEIVED): "all of the order was received",
    (State.CONFIRMED, State.RECEIVED): "all of the order was received",
    (State.PARTIALLY_RECEIVED, State.RECEIVED): "the rest of the order was received",
    (State.ACKNOWLEDGED, State.INVOICED): "all received at once, and invoiced already",
    (State.CONFIRMED, State.INVOICED): "all received at once, and invoiced already",
    (State.PARTIALLY_RECEIVED, State.INVOICED): "the rest received, and invoiced already",
    (State.RECEIVED, State.INVOICED): "invoices cover all that was ordered",
    (State.PARTIALLY_RECEIVED, State.ACKNOWLEDGED): _RETURNED,
    (State.PARTIALLY_RECEIVED, State.CONFIRMED): _RETURNED,
    (State.RECEIVED, State.ACKNOWLEDGED): _RETURNED,
    (State.RECEIVED, State.CONFIRMED): _RETURNED,
    (State.RECEIVED, State.PARTIALLY_RECEIVED): "goods were returned",
    (State.INVOICED, State.PARTIALLY_RECEIVED): "goods were returned",
    (State.INVOICED, State.ACKNOWLEDGED): _RETURNED,
    (State.INVOICED, State.CONFIRMED): _RETURNED,
    (State.INVOICED, State.RECEIVED): "a credit memo took back part of what was invoiced",
    (State.INVOICED, State.PAID): "finance paid it; the three-way match found nothing to hold",
    (State.PARTIALLY_RECEIVED, State.CLOSED): "closed short: the rest will not come",
    (State.RECEIVED, State.CLOSED): "closed before it was invoiced in full",
    (State.INVOICED, State.CLOSED): "closed without payment here",
    (State.PAID, State.CLOSED): "paid and done",
}
MACHINE = Machine(State, TRANSITIONS, noun="the purchase order")


class PurchaseOrder(models.Model):
    number = models.CharField(max_length=32, unique=True, help_text="orderID")
    requisition = models.OneToOneField(
        Requisition, on_delete=models.PROTECT, related_name="purchase_order"
    )
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    supplier = models.ForeignKey(
        SupplierPartner, on_delete=models.PROTECT, related_name="purchase_orders"
    )
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    state = models.CharField(max_length=24, choices=State.choices, default=State.SENT)
    version = models.PositiveIntegerField(default=1, help_text="orderVersion of the latest")
    payload_id = models.CharField(
        max_length=255, blank=True, help_text="payloadID of the latest OrderRequest"
    )
    order_date = models.DateTimeField()
    currency = models.CharField(max_length=3)
    tax = models.DecimalField(**MONEY, null=True, blank=True)
    shipping = models.DecimalField(**MONEY, null=True, blank=True)
    ship_to = models.ForeignKey(
        OrganisationAddress, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    bill_to = models.ForeignKey(
        OrganisationAddress, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    cost_centre = models.CharField(max_length=64, blank=True)
    gl_account = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("-created_at",)

    def __str__(self) -> str:
        return self.number

    @property
    def subtotal(self) -> Decimal:
        return sum((line.total for line in self.lines.all()), Decimal(0))

    @property
    def total(self) -> Decimal:
        return self.subtotal + (self.tax or 0) + (self.shipping or 0)


class PurchaseOrderLine(models.Model):
    order = models.ForeignKey(PurchaseOrder, on_delete=models.CASCADE, related_name="lines")
    line_number = models.PositiveIntegerField()
    requisition_line = models.ForeignKey(
        RequisitionLine, on_delete=models.PROTECT, related_name="+"
    )
    supplier_part_id = models.CharField(max_length=255)
    supplier_part_auxiliary_id = models.TextField(blank=True)
    description = models.TextField(blank=True)
    unit_of_measure = models.CharField(max_length=8)
    unspsc = models.CharField(max_length=32, blank=True)
    unit_price = models.DecimalField(**MONEY)
    price_basis_quantity = models.DecimalField(**QUANTITY, default=Decimal(1))
    quantity = models.DecimalField(**QUANTITY, help_text="ordered now; 0 once cancelled")
    requested_delivery_date = models.DateField(null=True, blank=True)
    confirmed_quantity = models.DecimalField(**QUANTITY, null=True, blank=True)
    confirmed_unit_price = models.DecimalField(**MONEY, null=True, blank=True)
    confirmed_delivery_date = models.DateTimeField(null=True, blank=True)
    confirmation = models.CharField(
        max_length=64, blank=True, help_text="the supplier's ConfirmationStatus types"
    )

    class Meta:
        ordering = ("order", "line_number")
        constraints = [
            models.UniqueConstraint(fields=("order", "line_number"), name="one_po_line_per_number")
        ]

    def __str__(self) -> str:
        return f"{self.order} line {self.line_number}"

    @property
    def total(self) -> Decimal:
        return self.quantity * self.unit_price / self.price_basis_quantity

    @property
    def named(self) -> Named:
        """The line's name and description as its requisition line had them from the
        cart (docs/product-names.md); the OrderRequest sends the same."""
        return named(self.requisition_line.short_name, self.description)

    @property
    def agreed_quantity(self) -> Decimal:
        """The quantity shipments and invoices are matched against: the confirmed one
        once the supplier confirmed (units it rejected will not come), else the
        ordered one."""
        if self.confirmed_quantity is not None:
            return self.confirmed_quantity
        return self.quantity

    @property
    def agreed_unit_price(self) -> Decimal:
        """The price the invoice is matched against: the confirmed one if the supplier
        confirmed a change, else the ordered one."""
        if self.confirmed_unit_price is not None:
            return self.confirmed_unit_price
        return self.unit_price


class EventKind(models.TextChoices):
    APPROVED = "approved", "Approved"
    SENT = "sent", "Sent"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    NEEDS_ATTENTION = "needs_attention", "Needs attention"
    CONFIRMED = "confirmed", "Confirmed"
    REJECTED = "rejected", "Rejected by the supplier"
    SHIPPED = "shipped", "Shipped"
    RECEIVED = "received", "Goods received"
    RETURNED = "returned", "Goods returned"
    INVOICED = "invoiced", "Invoiced"
    CREDITED = "credited", "Credit memo"
    PAID = "paid", "Paid"
    CLOSED = "closed", "Closed"


class OrderEvent(models.Model):
    """The timeline: one row per step, linked to the cXML document it is about."""

    order = models.ForeignKey(PurchaseOrder, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=16, choices=EventKind.choices)
    at = models.DateTimeField(auto_now_add=True)
    text = models.TextField(blank=True)
    payload_id = models.CharField(max_length=255, blank=True)
    delivery = models.ForeignKey(
        OutboundDelivery, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    document = models.ForeignKey(
        CxmlDocument, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ("at", "pk")

    def __str__(self) -> str:
        return f"{self.order} {self.kind}"


class StateChange(models.Model):
    """The PO's history: one row per state move, written by ``services.move_order`` in
    the move's transaction."""

    order = models.ForeignKey(PurchaseOrder, on_delete=models.CASCADE, related_name="history")
    at = models.DateTimeField(auto_now_add=True)
    from_state = models.CharField(max_length=24, choices=State.choices)
    to_state = models.CharField(max_length=24, choices=State.choices)
    why = models.CharField(max_length=200)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ("at", "pk")

    def __str__(self) -> str:
        return f"{self.order} {self.from_state} -> {self.to_state}"


class Shipment(models.Model):
    order = models.ForeignKey(PurchaseOrder, on_delete=models.CASCADE, related_name="shipments")
    shipment_id = models.CharField(max_length=255)
    carrier = models.CharField(max_length=255, blank=True)
    tracking_number = models.CharField(max_length=255, blank=True)
    tracking_url = models.CharField(max_length=1000, blank=True)
    shipped_at = models.DateTimeField(null=True, blank=True)
    delivery_date = models.DateTimeField(null=True, blank=True)
    document = models.ForeignKey(CxmlDocument, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ("order", "pk")
        constraints = [
            models.UniqueConstraint(fields=("order", "shipment_id"), name="one_shipment_per_id")
        ]

    def __str__(self) -> str:
        return f"{self.order} shipment {self.shipment_id}"


class ShipmentLine(models.Model):
    shipment = models.ForeignKey(Shipment, on_delete=models.CASCADE, related_name="lines")
    line = models.ForeignKey(PurchaseOrderLine, on_delete=models.CASCADE, related_name="shipped")
    quantity = models.DecimalField(**QUANTITY)


class Receipt(models.Model):
    """Goods receipt: what arrived (or went back) for a PO, as its requester or the
    receiving desk recorded it. The three-way match counts these, not ship notices."""

    order = models.ForeignKey(PurchaseOrder, on_delete=models.CASCADE, related_name="receipts")
    recorded_at = models.DateTimeField(auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ("order", "recorded_at", "pk")
        permissions = [
            (
                "receive_goods",
                "Can record goods received and returned for the organisation's orders",
            )
        ]

    def __str__(self) -> str:
        return f"{self.order} receipt {self.pk}"


class ReceiptLine(models.Model):
    """A quantity received, or returned (negative, with the reason)."""

    receipt = models.ForeignKey(Receipt, on_delete=models.CASCADE, related_name="lines")
    line = models.ForeignKey(PurchaseOrderLine, on_delete=models.CASCADE, related_name="received")
    quantity = models.DecimalField(**QUANTITY)
    reason = models.CharField(max_length=500, blank=True, help_text="why it went back")

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(quantity=0), name="a_receipt_line_moves_something"
            ),
            models.CheckConstraint(
                condition=models.Q(quantity__gt=0) | ~models.Q(reason=""),
                name="a_return_says_why",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.line} {self.quantity}"


class MatchTolerance(models.Model):
    """How far an invoice may stray from the order and the receipt before it is held
    for reconciliation (``match.py``); each limit is the larger of its percentage and
    its absolute amount. An organisation without a row gets the field defaults."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="match_tolerance"
    )
    quantity_percent = models.DecimalField(**PERCENT, default=Decimal(0))
    quantity_amount = models.DecimalField(
        **QUANTITY, default=Decimal(0), help_text="units of the line's unit of measure"
    )
    price_percent = models.DecimalField(**PERCENT, default=Decimal(1))
    price_amount = models.DecimalField(**MONEY, default=Decimal("0.01"))
    tax_percent = models.DecimalField(**PERCENT, default=Decimal(0))
    tax_amount = models.DecimalField(**MONEY, default=Decimal("0.01"))
    shipping_percent = models.DecimalField(**PERCENT, default=Decimal(0))
    shipping_amount = models.DecimalField(**MONEY, default=Decimal("0.01"))

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    quantity_percent__gte=0,
                    quantity_amount__gte=0,
                    price_percent__gte=0,
                    price_amount__gte=0,
                    tax_percent__gte=0,
                    tax_amount__gte=0,
                    shipping_percent__gte=0,
                    shipping_amount__gte=0,
                ),
                name="tolerances_are_not_negative",
            )
        ]

    def __str__(self) -> str:
        return f"match tolerances of {self.organisation}"


class Purpose(models.TextChoices):
    """``InvoiceDetailRequestHeader@purpose``, the ones we record."""

    STANDARD = "standard", "Invoice"
    CREDIT_MEMO = "creditMemo", "Credit memo"
    LINE_LEVEL_CREDIT_MEMO = "lineLevelCreditMemo", "Credit memo (lines)"


class Invoice(models.Model):
    """An invoice or a credit memo (``credits`` the invoice it takes back from), with the
    summary's amounts as stated and what its own arithmetic got wrong (``problems``)."""

    order = models.ForeignKey(PurchaseOrder, on_delete=models.CASCADE, related_name="invoices")
    invoice_id = models.CharField(max_length=255)
    invoice_date = models.DateTimeField()
    purpose = models.CharField(max_length=24, choices=Purpose.choices, default=Purpose.STANDARD)
    credits = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="credit_memos"
    )
    subtotal = models.DecimalField(**MONEY)
    tax = models.DecimalField(**MONEY, default=Decimal(0))
    special_handling = models.DecimalField(**MONEY, default=Decimal(0))
    shipping = models.DecimalField(**MONEY, default=Decimal(0))
    discount = models.DecimalField(**MONEY, default=Decimal(0))
    gross = models.DecimalField(**MONEY, default=Decimal(0))
    net = models.DecimalField(**MONEY, default=Decimal(0))
    deposit = models.DecimalField(**MONEY, default=Decimal(0))
    due = models.DecimalField(**MONEY)
    currency = models.CharField(max_length=3)
    problems = models.JSONField(
        default=list, blank=True, help_text="its own arithmetic that does not add up, in words"
    )
    document = models.ForeignKey(CxmlDocument, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ("order", "pk")
        constraints = [
            models.UniqueConstraint(fields=("order", "invoice_id"), name="one_invoice_per_id")
        ]

    def __str__(self) -> str:
        return f"{self.order} invoice {self.invoice_id}"

    @property
    def is_credit(self) -> bool:
        return self.purpose != Purpose.STANDARD

    @property
    def charges(self) -> Decimal:
        """Shipping and special handling, as the invoice page shows them together."""
        return self.shipping + self.special_handling


class InvoiceLine(models.Model):
    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")
    line = models.ForeignKey(PurchaseOrderLine, on_delete=models.CASCADE, related_name="invoiced")
    quantity = models.DecimalField(**QUANTITY)
    unit_price = models.DecimalField(**MONEY)

    @property
    def amount(self) -> Decimal:
        return self.quantity * self.unit_price / self.line.price_basis_quantity

    @property
    def counted_quantity(self) -> Decimal:
        """The units this line bills, or (negative) takes back; a price credit (the
        quantity at a negative unit price) takes back money, not units."""
        return Decimal(0) if self.unit_price < 0 else self.quantity


class InboundClaim(InboundClaimBase):
    """A fulfilment document's claim on its payloadID, per partner (``answer_once``)."""

    partner = models.ForeignKey(SupplierPartner, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=("partner", "payload_id"), name="one_claim_per_payload")
        ]

    def __str__(self) -> str:
        return f"{self.partner} {self.document_type} {self.payload_id}"
