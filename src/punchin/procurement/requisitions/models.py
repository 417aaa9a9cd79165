"""Requisitions: the buyer's request to buy what a supplier's cart holds."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models

from punchin.cxml.names import Named, named
from punchin.procurement.accounts.models import Organisation
from punchin.procurement.partners.models import SupplierPartner
from punchin.web.inserts import PreparedInsertQuerySet, PreparedInserts
from punchin.web.statemachine import Machine

MONEY = {"max_digits": 18, "decimal_places": 4}


class State(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted for approval"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    CANCELLED = "cancelled", "Cancelled"


# Every legal move of a requisition, in one place (docs/style.md section 6), with why it
# happens; ``services.move`` is the one function that makes them, through ``MACHINE``.
TRANSITIONS: dict[tuple[str, str], str] = {
    (State.DRAFT, State.SUBMITTED): "the requester submits it with its cost coding",
    (State.DRAFT, State.DRAFT): "the requester edits the cart at the supplier (PunchOut edit) "
    "or changes the delivery address (P41)",
    (State.SUBMITTED, State.SUBMITTED): "one approval step of several is approved",
    (State.SUBMITTED, State.APPROVED): "the last approval step is approved",
    (State.SUBMITTED, State.REJECTED): "an approver rejects it",
    (State.DRAFT, State.CANCELLED): "the requester withdraws it",
    (State.SUBMITTED, State.CANCELLED): "the requester withdraws it",
}
MACHINE = Machine(State, TRANSITIONS, noun="the requisition")


class Origin(models.TextChoices):
    """How the cart came: the supplier's shop sent it (Punch-in, P4) or the requester
    shopped there from here and brought it back (classic PunchOut or OCI,
    docs/punchout.md). Only a Punch-in cart's supplier waits for a StatusUpdateRequest
    (P8)."""

    PUNCH_IN = "punchin", "Punch-in"
    PUNCHOUT = "punchout", "PunchOut"


class Requisition(PreparedInserts):
    number = models.CharField(max_length=32, unique=True)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="requisitions"
    )
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="requisitions",
        help_text="empty until the buyer logs in on the StartPage",
    )
    buyer_email = models.CharField(max_length=254, blank=True, help_text="Extrinsic UserEmail")
    supplier = models.ForeignKey(
        SupplierPartner, on_delete=models.PROTECT, related_name="requisitions"
    )
    state = models.CharField(max_length=16, choices=State.choices, default=State.DRAFT)
    origin = models.CharField(max_length=8, choices=Origin.choices)
    currency = models.CharField(max_length=3)
    total = models.DecimalField(**MONEY)
    supplier_total = models.DecimalField(
        **MONEY, help_text="the Total the supplier's cart declared"
    )
    source_payload_id = models.CharField(
        max_length=255, help_text="payloadID of the PunchOutSetupRequest"
    )
    poom_payload_id = models.CharField(max_length=255)
    tax = models.DecimalField(**MONEY, null=True, blank=True, help_text="the cart's Tax")
    shipping = models.DecimalField(**MONEY, null=True, blank=True, help_text="the cart's Shipping")
    shipping_description = models.CharField(
        max_length=200,
        blank=True,
        help_text="the cart's Shipping Description: the delivery speed chosen at the supplier",
    )
    payment_method = models.CharField(
        max_length=64,
        blank=True,
        help_text="the payment method chosen at the supplier (Extrinsic PaymentMethod)",
    )
    operation_allowed = models.CharField(
        max_length=8,
        default="create",
        help_text="the cart's operationAllowed: create (order only), inspect (view the cart "
        "at the supplier) or edit (change it there)",
    )
    # The requester's coding on submit, carried into the PO's Distribution/Accounting.
    cost_centre = models.CharField(max_length=64, blank=True)
    gl_account = models.CharField("GL account", max_length=64, blank=True)
    need_by = models.DateField(null=True, blank=True, help_text="requestedDeliveryDate")
    note = models.TextField(blank=True, help_text="the requester's comment to the supplier")
    # Bumped by every move: two approvers (or approve vs cancel) racing on the same
    # version cannot both win (docs/security.md row 21), on SQLite as on PostgreSQL.
    version = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-created_at",)
        constraints = [
            # One requisition per punched-in document, whatever reaches the database.
            models.UniqueConstraint(
                fields=("supplier", "source_payload_id"), name="one_requisition_per_punchin"
            )
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def has_charges(self) -> bool:
        """The cart charged delivery or tax besides its lines."""
        return self.shipping is not None or self.tax is not None

    @property
    def grand_total(self) -> Decimal:
        """What the purchase order will cost: the lines, delivery and tax."""
        return self.total + (self.shipping or 0) + (self.tax or 0)


class RequisitionLine(PreparedInserts):
    requisition = models.ForeignKey(Requisition, on_delete=models.CASCADE, related_name="lines")
    line_number = models.PositiveIntegerField()
    supplier_part_id = models.CharField(max_length=255)
    supplier_part_auxiliary_id = models.TextField(blank=True)
    description = models.TextField(blank=True)
    short_name = models.CharField(max_length=255, blank=True)
    quantity = models.DecimalField(max_digits=18, decimal_places=4)
    unit_of_measure = models.CharField(max_length=8)
    unit_price = models.DecimalField(**MONEY)
    price_basis_quantity = models.DecimalField(max_digits=18, decimal_places=4, default=Decimal(1))
    currency = models.CharField(max_length=3)
    unspsc = models.CharField(max_length=32, blank=True)
    manufacturer_name = models.CharField(max_length=255, blank=True)
    manufacturer_part_id = models.CharField(max_length=255, blank=True)
    lead_time_days = models.PositiveIntegerField(null=True, blank=True)
    extrinsics = models.JSONField(default=dict, blank=True)

    objects = PreparedInsertQuerySet.as_manager()  # a cart's lines: one bulk_create

    class Meta:
        ordering = ("line_number",)
        constraints = [
            models.UniqueConstraint(
                fields=("requisition", "line_number"), name="one_line_per_number"
            )
        ]

    def __str__(self) -> str:
        return f"{self.requisition} line {self.line_number}"

    @property
    def total(self) -> Decimal:
        return self.quantity * self.unit_price / self.price_basis_quantity

    @property
    def named(self) -> Named:
        """The line's name (the cart's ShortName, else its text's first line) and the
        description below it: the same rule on every page (docs/product-names.md)."""
        return named(self.short_name, self.description)


class ShipToAddress(PreparedInserts):
    """Where the requisition's goods go, when not to the organisation's default ShipTo:
    the address the buyer chose at the supplier's checkout (the cart's ShipTo, P41), or
    the requester's change where the organisation allows it. Street and DeliverTo keep
    one line per element."""

    requisition = models.OneToOneField(
        Requisition, on_delete=models.CASCADE, related_name="ship_to"
    )
    name = models.CharField(max_length=200, help_text="Address/Name: the company or site")
    deliver_to = models.CharField(max_length=200, blank=True, help_text="person or department")
    street = models.TextField(max_length=500)
    city = models.CharField(max_length=100)
    state = models.CharField(max_length=100, blank=True)
    postal_code = models.CharField(max_length=20, blank=True)
    country = models.CharField(max_length=100)
    iso_country_code = models.CharField(max_length=2, help_text="ISO 3166 two-letter code")
    address_id = models.CharField(max_length=64, blank=True, help_text="Address@addressID")
    email = models.CharField(max_length=254, blank=True)

    class Meta:
        verbose_name = "ship-to address"

    def __str__(self) -> str:
        return f"{self.requisition} to {self.name}, {self.city}"


class RequisitionEvent(models.Model):
    """One row per step of the requisition's history, written by ``services.move``."""

    requisition = models.ForeignKey(Requisition, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True
    )
    action = models.CharField(max_length=64)
    from_state = models.CharField(max_length=16, choices=State.choices)
    to_state = models.CharField(max_length=16, choices=State.choices)
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ("at", "pk")

    def __str__(self) -> str:
        return f"{self.requisition} {self.action}"


class StartPageToken(PreparedInserts):
    """The single-use key in a StartPage URL (P22); only its SHA-256 is stored."""

    requisition = models.ForeignKey(
        Requisition, on_delete=models.CASCADE, related_name="start_page_tokens"
    )
    digest = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    buyer_exists = models.BooleanField()

    def __str__(self) -> str:
        return f"StartPage for {self.requisition}"
