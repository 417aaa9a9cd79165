"""Purchase orders, what the supplier said about them, and the timeline of both.

``PurchaseOrder.state`` follows ``TRANSITIONS`` through ``services.move_order`` only
(``MACHINE``, ``punchin.web.statemachine``).
Shipped and invoiced quantities are not states: they are sums over ``ShipmentLine``
and ``InvoiceLine`` rows, and the three-way match (``match.py``) reads them.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models

from punchin.procurement.accounts.models import Organisation, OrganisationAddress
from punchin.procurement.documents.models import CxmlDocument
from punchin.procurement.partners.models import SupplierPartner
from punchin.procurement.requisitions.models import MONEY, Requisition, RequisitionLine
from punchin.web.delivery.models import OutboundDelivery
from punchin.web.inbound import InboundClaimBase
from punchin.web.statemachine import Machine

QUANTITY = {"max_digits": 18, "decimal_places": 4}


class State(models.TextChoices):
    SENT = "sent", "Sent, awaiting the supplier's answer"
    ACKNOWLEDGED = "acknowledged", "Acknowledged by the supplier"
    NEEDS_ATTENTION = "needs_attention", "Needs attention"
    CONFIRMED = "confirmed", "Confirmed"
    REJECTED = "rejected", "Rejected by the supplier"
    CANCELLED = "cancelled", "Cancelled"


OPEN = (State.ACKNOWLEDGED, State.CONFIRMED)

# (from, to): why. ``services.move_order`` is the only code that changes a PO's state.
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
    state = models.CharField(max_length=16, choices=State.choices, default=State.SENT)
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
    INVOICED = "invoiced", "Invoiced"


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


class Invoice(models.Model):
    order = models.ForeignKey(PurchaseOrder, on_delete=models.CASCADE, related_name="invoices")
    invoice_id = models.CharField(max_length=255)
    invoice_date = models.DateTimeField()
    subtotal = models.DecimalField(**MONEY)
    tax = models.DecimalField(**MONEY, default=Decimal(0))
    shipping = models.DecimalField(**MONEY, default=Decimal(0))
    due = models.DecimalField(**MONEY)
    currency = models.CharField(max_length=3)
    document = models.ForeignKey(CxmlDocument, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ("order", "pk")
        constraints = [
            models.UniqueConstraint(fields=("order", "invoice_id"), name="one_invoice_per_id")
        ]

    def __str__(self) -> str:
        return f"{self.order} invoice {self.invoice_id}"


class InvoiceLine(models.Model):
    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")
    line = models.ForeignKey(PurchaseOrderLine, on_delete=models.CASCADE, related_name="invoiced")
    quantity = models.DecimalField(**QUANTITY)
    unit_price = models.DecimalField(**MONEY)


class InboundClaim(InboundClaimBase):
    """A fulfilment document's claim on its payloadID, per partner (``answer_once``)."""

    partner = models.ForeignKey(SupplierPartner, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=("partner", "payload_id"), name="one_claim_per_payload")
        ]

    def __str__(self) -> str:
        return f"{self.partner} {self.document_type} {self.payload_id}"
