"""Cart operations, the add button's wording (P2) and the checkout's decision (P3).

A user has their own cart and one per PunchOut session they shop in: ``punchout``
names the session's (None: their own).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.db.models import F
from django.db.models.functions import Least

from punchin.cxml.delivery import Delivery, DeliveryAddress, ShippingCharge
from punchin.storefront.accounts.models import CHECKOUT_MODES, BuyingGroup, Member, PurchasingMode
from punchin.storefront.cart import estimates
from punchin.storefront.cart.models import (
    DELIVERY_PRICES,
    Cart,
    CartLine,
    DeliverySpeed,
    Order,
    OrderLine,
)
from punchin.storefront.catalog.models import Product
from punchin.storefront.punchout.models import PunchOutSession

# P2: "The button reads 'Add to Cart' on US, CA and JP marketplaces and 'Add to
# Basket' on the others."
CART_MARKETPLACES = frozenset({"US", "CA", "JP"})
MAX_QUANTITY = 9999


class CheckoutError(Exception):
    """The cart cannot be checked out as asked; the message is for the buyer."""


def cart_noun(marketplace: str) -> str:
    return "Cart" if marketplace.upper() in CART_MARKETPLACES else "Basket"


def add_button_label(marketplace: str) -> str:
    return f"Add to {cart_noun(marketplace)}"


def submit_button_label(mode: PurchasingMode) -> str:
    """P3: "Submit order for approval" (not "Place order") for a Punch-in group."""
    return "Submit order for approval" if mode == PurchasingMode.PUNCHIN else "Place order"


def cart_of(user: AbstractBaseUser, punchout: PunchOutSession | None = None) -> Cart:
    cart, _ = Cart.objects.get_or_create(user=user, punchout=punchout)
    return cart


def add(
    user: AbstractBaseUser,
    product: Product,
    quantity: int = 1,
    *,
    punchout: PunchOutSession | None = None,
) -> CartLine:
    """Add ``quantity`` of ``product``; a second add raises the line's quantity."""
    cart = cart_of(user, punchout)
    quantity = max(1, min(quantity, MAX_QUANTITY))
    try:
        with transaction.atomic():
            return CartLine.objects.create(cart=cart, product=product, quantity=quantity)
    except IntegrityError:  # the product is in the cart already
        CartLine.objects.filter(cart=cart, product=product).update(
            quantity=Least(F("quantity") + quantity, MAX_QUANTITY)
        )
        return CartLine.objects.get(cart=cart, product=product)


def set_quantity(
    user: AbstractBaseUser,
    line_id: int,
    quantity: int,
    *,
    punchout: PunchOutSession | None = None,
) -> None:
    """Set a line's quantity; zero removes it."""
    lines = CartLine.objects.filter(cart__user=user, cart__punchout=punchout, pk=line_id)
    if quantity <= 0:
        lines.delete()
    else:
        lines.update(quantity=min(quantity, MAX_QUANTITY))


@dataclass(frozen=True, slots=True)
class CartView:
    """The cart's lines with their product and its total, read once."""

    lines: tuple[CartLine, ...]
    total: Decimal
    currency: str

    @property
    def count(self) -> int:
        return sum(line.quantity for line in self.lines)


def view(user: AbstractBaseUser, *, punchout: PunchOutSession | None = None) -> CartView:
    lines = tuple(
        CartLine.objects.filter(cart__user=user, cart__punchout=punchout).select_related("product")
    )
    currencies = {line.product.currency for line in lines}
    if len(currencies) > 1:
        raise CheckoutError("The cart mixes currencies; please order them separately.")
    total = sum((line.subtotal for line in lines), Decimal("0"))
    return CartView(lines, total, currencies.pop() if currencies else "USD")


def shipping_charge(speed: str) -> ShippingCharge:
    """The speed's price and name, as the cart's Shipping carries them (P41)."""
    return ShippingCharge(DELIVERY_PRICES[speed], str(DeliverySpeed(speed).label))


@dataclass(frozen=True, slots=True)
class Checkout:
    """The buyer's answers on the checkout page (P3)."""

    group: BuyingGroup
    address: DeliveryAddress
    payment_method: str
    delivery_speed: str

    @property
    def delivery_address(self) -> str:
        """The address as the order pages print it: as its country writes it, the
        store's own country left off."""
        return self.address.text(home=settings.PUNCHIN_MARKETPLACE)

    @property
    def shipping(self) -> ShippingCharge:
        return shipping_charge(self.delivery_speed)

    def delivery(self, lines_total: Decimal) -> Delivery:
        """What the cart of ``lines_total`` carries to the buyer's purchasing system
        (P41), with the store's tax estimate."""
        return Delivery(
            ship_to=self.address,
            shipping=self.shipping,
            payment_method=self.payment_method,
            tax=estimates.tax_estimate(lines_total),
        )

    @property
    def mode(self) -> PurchasingMode:
        mode = self.group.purchasing_mode
        if mode not in CHECKOUT_MODES:
            raise CheckoutError(f"The group {self.group.name} cannot check out on the website.")
        return mode


@transaction.atomic
def place_order(member: Member, checkout: Checkout) -> Order:
    """A direct purchase: the cart becomes an order and is emptied."""
    if checkout.mode != PurchasingMode.DIRECT:
        raise CheckoutError("This group buys through its e-procurement system.")
    cart = view(member.user)
    if not cart.lines:
        raise CheckoutError("Your cart is empty.")
    delivery = checkout.delivery(cart.total)
    order = Order.objects.create(
        user=member.user,
        account=member.account,
        group=checkout.group,
        delivery_address=checkout.delivery_address,
        payment_method=checkout.payment_method,
        delivery_speed=checkout.delivery_speed,
        shipping=checkout.shipping.amount,
        tax=delivery.tax.amount if delivery.tax is not None else None,
        total=cart.total + delivery.charges,
        currency=cart.currency,
    )
    OrderLine.objects.bulk_create(
        OrderLine(
            order=order,
            line_number=number,
            supplier_part_id=line.product.supplier_part_id,
            name=line.product.name,
            quantity=line.quantity,
            unit_price=line.product.price,
            unit_of_measure=line.product.unit_of_measure,
        )
        for number, line in enumerate(cart.lines, start=1)
    )
    CartLine.objects.filter(cart__user=member.user, cart__punchout=None).delete()
    return order
