"""Purchase orders received by OrderRequest, and what the store did with them.

A purchase order is a state machine in one table (docs/style.md section 6): every move
goes through ``PurchaseOrder.move``, which looks the event up in ``EVENTS`` and moves
the order through ``MACHINE`` (``punchin.web.statemachine``), called with the order's
row locked (``select_for_update``), so two staff members clicking at once make exactly
one move.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.utils import timezone

from punchin.storefront.accounts.models import BusinessAccount
from punchin.storefront.catalog.models import Product
from punchin.storefront.documents.models import CxmlDocument
from punchin.storefront.integration.models import PurchasingSystem
from punchin.storefront.submissions.models import PunchInSubmission
from punchin.web.inbound import InboundClaimBase
from punchin.web.statemachine import Events, InvalidTransition


class InboundRequest(InboundClaimBase):
    """A StatusUpdateRequest's or OrderRequest's claim on its payloadID, per purchasing
    system (``answer_once``)."""

    system = models.ForeignKey(PurchasingSystem, on_delete=models.CASCADE)

    class Meta:
        constraints = (
            models.UniqueConstraint(
                fields=("system", "payload_id"), name="one_inbound_per_payload"
            ),
        )

    def __str__(self) -> str:
        return f"{self.document_type} {self.payload_id}"


class State(models.TextChoices):
    RECEIVED = "received", "Received"
    CONFIRMED = "confirmed", "Confirmed"
    REJECTED = "rejected", "Rejected"
    PARTIALLY_SHIPPED = "partially_shipped", "Partially shipped"
    SHIPPED = "shipped", "Shipped"
    INVOICED = "invoiced", "Invoiced"
    CANCELLED = "cancelled", "Cancelled by the buyer"


class Event(models.TextChoices):
    """What can happen to an order: the buyer's OrderRequests and the staff's actions."""

    CHANGE = "change", "Changed by the buyer (OrderRequest update)"
    CANCEL = "cancel", "Cancelled by the buyer (OrderRequest delete)"
    CONFIRM = "confirm", "Confirm"
    REJECT = "reject", "Reject"
    SHIP_PART = "ship_part", "Ship part"
    SHIP_REST = "ship_rest", "Ship the rest"
    INVOICE_PART = "invoice_part", "Invoice part"
    INVOICE_REST = "invoice_rest", "Invoice the rest"


# (state, event): the state it leads to; h11's shape, since the buyer and the staff
# name what happened, not the state it leads to. A change from the buyer needs
# confirming again; nothing can be changed or cancelled once goods are on their way.
# Invoicing follows shipping: the store invoices what it shipped (docs: "invoice what
# was shipped").
EVENTS: dict[tuple[str, str], str] = {
    (State.RECEIVED, Event.CHANGE): State.RECEIVED,
    (State.RECEIVED, Event.CANCEL): State.CANCELLED,
    (State.RECEIVED, Event.CONFIRM): State.CONFIRMED,
    (State.RECEIVED, Event.REJECT): State.REJECTED,
    (State.CONFIRMED, Event.CHANGE): State.RECEIVED,
    (State.CONFIRMED, Event.CANCEL): State.CANCELLED,
    (State.CONFIRMED, Event.SHIP_PART): State.PARTIALLY_SHIPPED,
    (State.CONFIRMED, Event.SHIP_REST): State.SHIPPED,
    (State.PARTIALLY_SHIPPED, Event.SHIP_PART): State.PARTIALLY_SHIPPED,
    (State.PARTIALLY_SHIPPED, Event.SHIP_REST): State.SHIPPED,
    (State.PARTIALLY_SHIPPED, Event.INVOICE_PART): State.PARTIALLY_SHIPPED,
    (State.SHIPPED, Event.INVOICE_PART): State.SHIPPED,
    (State.SHIPPED, Event.INVOICE_REST): State.INVOICED,
}


ORDER_EVENTS = Events(State, Event, EVENTS, noun="the order", thing="An order")
MACHINE = ORDER_EVENTS.machine
next_state = ORDER_EVENTS.next_state


class PurchaseOrder(models.Model):
    """The buyer's purchase order (OrderRequest ``orderID``), matched to the carts it came from."""

    account = models.ForeignKey(BusinessAccount, on_delete=models.PROTECT)
    system = models.ForeignKey(PurchasingSystem, on_delete=models.PROTECT)
    order_id = models.CharField("PO number", max_length=255)
    order_date = models.DateTimeField()
    order_version = models.PositiveIntegerField(default=1)
    # The payloadID of the OrderRequest in force: what OrderReference points at.
    payload_id = models.CharField(max_length=255)
    requisition_id = models.CharField(max_length=255, blank=True)
    currency = models.CharField(max_length=3)
    total = models.DecimalField(max_digits=14, decimal_places=2)
    tax = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    shipping = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    # OrderRequestHeader@requestedDeliveryDate: when the buyer needs the whole order.
    requested_delivery_date = models.DateTimeField(null=True, blank=True)
    # Each as its country writes it (``punchin.cxml.postal``), one line each.
    ship_to = models.TextField(blank=True)
    bill_to = models.TextField(blank=True)
    comments = models.TextField(blank=True)
    # P41: the speed the carts' Shipping paid for, and what in the order differs from
    # the carts (a changed ShipTo or payment method), for the staff to check first.
    delivery = models.CharField(max_length=200, blank=True, help_text="the delivery speed")
    attention = models.TextField(blank=True, help_text="what differs from the carts")
    state = models.CharField(max_length=20, choices=State.choices, default=State.RECEIVED)
    document = models.ForeignKey(CxmlDocument, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("-created_at",)
        constraints = (
            # One order per PO number per buyer: ten copies at once create one.
            models.UniqueConstraint(fields=("account", "order_id"), name="one_order_per_po"),
        )

    def __str__(self) -> str:
        return f"PO {self.order_id}"

    def move(self, event: str) -> str:
        """Apply ``event`` (caller holds the row lock) and save; returns the new state."""
        moved = MACHINE.move(
            PurchaseOrder.objects.filter(pk=self.pk),
            (self.state,),
            next_state(self.state, event),
            what=str(self),
            instance=self,
            updated_at=timezone.now(),
        )
        if not moved:  # only without the row lock: someone else moved it first
            raise InvalidTransition(f"{self} changed meanwhile; reload the page")
        return self.state


class PurchaseOrderLine(models.Model):
    """One ItemOut, with the cart line it came from (SupplierPartAuxiliaryID): a line of
    a Punch-in cart or of a PunchOut session's cart (``orders.carts``)."""

    order = models.ForeignKey(PurchaseOrder, on_delete=models.CASCADE, related_name="lines")
    line_number = models.PositiveIntegerField()
    cart = models.ForeignKey(
        CxmlDocument,
        on_delete=models.PROTECT,
        related_name="ordered_lines",
        help_text="the PunchOutOrderMessage the line was ordered from",
    )
    cart_line = models.PositiveIntegerField()
    submission = models.ForeignKey(
        PunchInSubmission,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="order_lines",
        help_text="the Punch-in submission of that cart; none for a PunchOut cart",
    )
    product = models.ForeignKey(Product, on_delete=models.PROTECT, null=True, blank=True)
    supplier_part_id = models.CharField(max_length=64)
    supplier_part_auxiliary_id = models.CharField(max_length=400)
    # The line's name and description as its cart line carried them (its ShortName, or
    # the first line of the text: punchin.cxml.names, docs/product-names.md).
    name = models.CharField(max_length=255, blank=True)
    description = models.TextField()
    unit_of_measure = models.CharField(max_length=3)
    quantity = models.DecimalField(max_digits=14, decimal_places=3)
    unit_price = models.DecimalField(max_digits=12, decimal_places=2)
    requested_delivery_date = models.DateTimeField(null=True, blank=True)
    # What the store confirmed (ConfirmationRequest); until then, as ordered.
    confirmed_quantity = models.DecimalField(max_digits=14, decimal_places=3, null=True, blank=True)
    confirmed_unit_price = models.DecimalField(
        max_digits=12, decimal_places=2, null=True, blank=True
    )
    delivery_date = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("order", "line_number")
        constraints = (
            models.UniqueConstraint(fields=("order", "line_number"), name="one_po_line_number"),
        )

    def __str__(self) -> str:
        return f"{self.order} line {self.line_number}"

    @property
    def agreed_quantity(self) -> Decimal:
        return self.quantity if self.confirmed_quantity is None else self.confirmed_quantity

    @property
    def agreed_unit_price(self) -> Decimal:
        return self.unit_price if self.confirmed_unit_price is None else self.confirmed_unit_price

    @property
    def amount(self) -> Decimal:
        return self.quantity * self.unit_price


class OutboundKind(models.TextChoices):
    CONFIRMATION = "ConfirmationRequest", "Confirmation"
    SHIP_NOTICE = "ShipNoticeRequest", "Ship notice"
    INVOICE = "InvoiceDetailRequest", "Invoice"
    # An InvoiceDetailRequest too (purpose creditMemo or lineLevelCreditMemo), kept
    # apart so that credited units and money are never counted as invoiced.
    CREDIT_MEMO = "CreditMemo", "Credit memo"


class OrderDocument(models.Model):
    """A confirmation, ship notice, invoice or credit memo the store sent about an order."""

    order = models.ForeignKey(PurchaseOrder, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(max_length=32, choices=OutboundKind.choices)
    number = models.CharField(max_length=64, help_text="confirmID, shipmentID or invoiceID")
    document = models.OneToOneField(CxmlDocument, on_delete=models.PROTECT, related_name="+")
    carrier = models.CharField(max_length=120, blank=True)
    tracking_number = models.CharField(max_length=120, blank=True)
    subtotal = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    tax = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    shipping = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    total = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    # An invoice's sales tax rate (percent), which its credit memos credit tax at.
    tax_rate = models.DecimalField(max_digits=13, decimal_places=3, null=True, blank=True)
    # A credit memo: the invoice it credits, and why (its Comments). Its amounts are
    # negative, as sent.
    credits = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="credit_memos"
    )
    reason = models.CharField(max_length=500, blank=True)
    created_by = models.CharField(max_length=254, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("order", "created_at")
        constraints = (
            models.UniqueConstraint(fields=("kind", "number"), name="one_document_number"),
        )

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}"


class DocumentLine(models.Model):
    """How much of an order line a ship notice shipped, an invoice billed or a credit
    memo took back (a positive quantity)."""

    document = models.ForeignKey(OrderDocument, on_delete=models.CASCADE, related_name="lines")
    line = models.ForeignKey(PurchaseOrderLine, on_delete=models.PROTECT, related_name="+")
    quantity = models.DecimalField(max_digits=14, decimal_places=3)
    unit_price = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)

    class Meta:
        constraints = (
            models.UniqueConstraint(fields=("document", "line"), name="one_entry_per_line"),
        )
