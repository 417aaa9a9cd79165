"""One cart per user in the database; a direct checkout turns it into an Order.

A direct order (P12's Direct Website purchase) is then the store's to fulfil: a state
machine in one table (docs/style.md section 6), ``ORDER_EVENTS``, whose every move goes
through ``Order.move`` with the order's row locked (``orders.direct``), and leaves an
``OrderStep`` saying who did it and when.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone

from punchin.storefront.accounts.models import BusinessAccount, BuyingGroup
from punchin.storefront.catalog.models import Product
from punchin.web.statemachine import Events, InvalidTransition


class PaymentMethod(models.TextChoices):
    INVOICE = "invoice", "Pay by invoice (net 30)"
    CORPORATE_CARD = "card", "Corporate card"
    PURCHASE_ORDER = "po", "Purchase order from the e-procurement system"


class DeliverySpeed(models.TextChoices):
    STANDARD = "standard", "Standard (3-5 business days)"
    TWO_DAY = "two-day", "Two-day"
    NEXT_DAY = "next-day", "Next day"


# What each speed costs per order, in the cart's currency; the cart carries it as its
# Shipping (P41) and counts it in its Total.
DELIVERY_PRICES: dict[str, Decimal] = {
    DeliverySpeed.STANDARD: Decimal("0.00"),
    DeliverySpeed.TWO_DAY: Decimal("12.00"),
    DeliverySpeed.NEXT_DAY: Decimal("25.00"),
}


class Cart(models.Model):
    """A user's own cart, or the cart of one PunchOut session they shop in (which goes
    back to the purchasing system and leaves their own cart as it was)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="carts"
    )
    punchout = models.OneToOneField(
        "punchout.PunchOutSession",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="cart",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = (
            models.UniqueConstraint(
                fields=("user",),
                condition=models.Q(punchout__isnull=True),
                name="one_own_cart_per_user",
            ),
        )

    def __str__(self) -> str:
        return f"cart of {self.user}" + (f" ({self.punchout})" if self.punchout_id else "")


class CartLine(models.Model):
    cart = models.ForeignKey(Cart, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey(Product, on_delete=models.PROTECT)
    quantity = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = (
            models.UniqueConstraint(fields=("cart", "product"), name="one_line_per_product"),
            models.CheckConstraint(condition=models.Q(quantity__gte=1), name="quantity_positive"),
        )
        ordering = ("id",)

    @property
    def subtotal(self) -> Decimal:
        return self.product.price * self.quantity


class OrderState(models.TextChoices):
    PLACED = "placed", "Placed"
    CONFIRMED = "confirmed", "Confirmed"
    REJECTED = "rejected", "Rejected by the store"
    SHIPPED = "shipped", "Shipped"
    INVOICED = "invoiced", "Invoiced"


class OrderEvent(models.TextChoices):
    """What the store's staff do with a direct order."""

    CONFIRM = "confirm", "Confirm"
    REJECT = "reject", "Reject"
    SHIP = "ship", "Ship"
    INVOICE = "invoice", "Invoice"


# (state, event): the state it leads to. The buyer paid or will pay on the website's
# terms, so there is nothing to agree line by line: the store confirms or rejects the
# whole order, ships it in one parcel and then invoices it (the invoice of a card
# payment is its receipt).
DIRECT_EVENTS: dict[tuple[str, str], str] = {
    (OrderState.PLACED, OrderEvent.CONFIRM): OrderState.CONFIRMED,
    (OrderState.PLACED, OrderEvent.REJECT): OrderState.REJECTED,
    (OrderState.CONFIRMED, OrderEvent.SHIP): OrderState.SHIPPED,
    (OrderState.SHIPPED, OrderEvent.INVOICE): OrderState.INVOICED,
}
ORDER_EVENTS = Events(OrderState, OrderEvent, DIRECT_EVENTS, noun="the order", thing="An order")
MACHINE = ORDER_EVENTS.machine


class Order(models.Model):
    """A direct website purchase (P12's "Direct Website" permission)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    account = models.ForeignKey(BusinessAccount, on_delete=models.PROTECT)
    group = models.ForeignKey(BuyingGroup, on_delete=models.PROTECT)
    delivery_address = models.TextField()
    payment_method = models.CharField(max_length=16, choices=PaymentMethod.choices)
    delivery_speed = models.CharField(max_length=16, choices=DeliverySpeed.choices)
    shipping = models.DecimalField(
        max_digits=14, decimal_places=2, default=Decimal(0), help_text="the speed's price"
    )
    tax = models.DecimalField(
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="the sales tax estimated at checkout; none where the store sets no rate",
    )
    total = models.DecimalField(
        max_digits=14, decimal_places=2, help_text="the lines, the delivery and the tax"
    )
    currency = models.CharField(max_length=3)
    state = models.CharField(max_length=16, choices=OrderState.choices, default=OrderState.PLACED)
    carrier = models.CharField(max_length=120, blank=True)
    tracking_number = models.CharField(max_length=120, blank=True)
    invoice_number = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("-created_at",)

    def __str__(self) -> str:
        return f"order {self.pk} {self.total} {self.currency}"

    @property
    def state_label(self) -> str:
        """The state in a sentence: "Order 5 is shipped"."""
        return str(OrderState(self.state).label).lower()

    def move(self, event: str, *, by: str, note: str = "", **changes: object) -> str:
        """Apply ``event`` (caller holds the row lock), recording who did it; returns
        the new state."""
        moved = MACHINE.move(
            Order.objects.filter(pk=self.pk),
            (self.state,),
            ORDER_EVENTS.next_state(self.state, event),
            what=f"Order {self.pk}",
            instance=self,
            record=OrderStep(order=self, event=event, by=by, note=note),
            updated_at=timezone.now(),
            **changes,
        )
        if not moved:  # only without the row lock: someone else moved it first
            raise InvalidTransition(f"Order {self.pk} changed meanwhile; reload the page")
        return self.state


class OrderStep(models.Model):
    """What the store did with a direct order: who, when, and a word for the buyer."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="steps")
    event = models.CharField(max_length=16, choices=OrderEvent.choices)
    by = models.CharField(max_length=254)
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("order", "created_at", "pk")

    def __str__(self) -> str:
        return f"{self.get_event_display()} {self.order_id} by {self.by}"

    @property
    def outcome(self) -> str:
        """What the step made of the order, for the buyer ("Shipped"): each event of
        ``DIRECT_EVENTS`` leads to one state."""
        target = next(t for (_, event), t in DIRECT_EVENTS.items() if event == self.event)
        return str(OrderState(target).label)


class OrderLine(models.Model):
    """A copy of the product's identity and price at the moment of the order."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    line_number = models.PositiveIntegerField()
    supplier_part_id = models.CharField(max_length=64)
    name = models.CharField(max_length=255)
    quantity = models.PositiveIntegerField()
    unit_price = models.DecimalField(max_digits=12, decimal_places=2)
    unit_of_measure = models.CharField(max_length=3)

    class Meta:
        ordering = ("line_number",)
        constraints = (
            models.UniqueConstraint(fields=("order", "line_number"), name="unique_order_line"),
        )

    @property
    def subtotal(self) -> Decimal:
        return self.unit_price * self.quantity
