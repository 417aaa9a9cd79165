"""What the buyer chose at checkout, as a cart and an order carry it (docs/protocol.md P41).

A cart's header holds the delivery address (``ShipTo``), the chosen delivery
speed with its price (``Shipping``: Money and Description) and the store's estimate of
the sales tax (``Tax``, with its rate in a TaxDetail); the header's content
model has no Extrinsic, so the payment method rides on every line as
``ItemIn/Extrinsic name="PaymentMethod"``, and in the purchase order as
``OrderRequestHeader/Extrinsic name="PaymentMethod"``. The values here are plain, so
the storefront, procurement and the tests build and read them the same way.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from punchin.cxml import postal
from punchin.cxml.build import LANG
from punchin.cxml.common import (
    Address,
    Country,
    Description,
    Email,
    Extrinsic,
    Money,
    Name,
    PostalAddress,
    Shipping,
    ShipTo,
    Tax,
    TaxableAmount,
    TaxAmount,
    TaxDetail,
)

PAYMENT_METHOD = "PaymentMethod"
# The payment methods the storefront offers, as the Extrinsic carries them, and how a
# page names each; a value from elsewhere is shown as it came.
PAYMENT_METHODS = {
    "po": "Purchase order",
    "invoice": "Invoice (net 30)",
    "card": "Corporate card",
}
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class DeliveryAddress:
    """An address as ``Address/PostalAddress`` holds it: ``name`` is the Address's Name
    (the company or site), ``deliver_to`` the person or department, ``street`` one or
    more lines, ``country_code`` ISO 3166 alpha-2 and ``country`` the country's name."""

    name: str
    street: tuple[str, ...]
    city: str
    country_code: str
    country: str
    deliver_to: tuple[str, ...] = ()
    state: str = ""
    postal_code: str = ""
    address_id: str = ""
    email: str = ""

    def lines(self, home: str = "") -> tuple[str, ...]:
        """The address as its country writes it, one line each; the country's name is
        left off when it is ``home``, the reader's own (``punchin.cxml.postal``)."""
        return postal.lines(
            name=self.name,
            deliver_to=self.deliver_to,
            street=self.street,
            city=self.city,
            state=self.state,
            postal_code=self.postal_code,
            country=self.country,
            country_code=self.country_code,
            home=home,
        )

    def text(self, home: str = "") -> str:
        return "\n".join(self.lines(home))


@dataclass(frozen=True, slots=True)
class ShippingCharge:
    """The delivery speed the buyer chose and its price, in the cart's currency."""

    amount: Decimal
    description: str


@dataclass(frozen=True, slots=True)
class TaxCharge:
    """The store's estimate of the sales tax: ``percent`` of ``taxable`` (the lines),
    ``amount`` rounded to the cent; the invoice bills the tax itself."""

    amount: Decimal
    percent: Decimal
    taxable: Decimal
    description: str = "Sales tax (estimate)"

    @property
    def rate(self) -> str:
        """The percent as people write it: "6.25", "10"."""
        return format(self.percent.normalize(), "f")


@dataclass(frozen=True, slots=True)
class Delivery:
    """Everything checkout asked for besides the group (P3): where, how fast, how paid,
    and the tax the store estimates. A PunchOut session without checkout may know only
    the address, or nothing."""

    ship_to: DeliveryAddress | None = None
    shipping: ShippingCharge | None = None
    payment_method: str = ""
    tax: TaxCharge | None = None

    @property
    def charge(self) -> Decimal:
        return self.shipping.amount if self.shipping is not None else Decimal(0)

    @property
    def charges(self) -> Decimal:
        """What the cart's Total adds to its lines: the delivery charge and the tax."""
        return self.charge + (self.tax.amount if self.tax is not None else Decimal(0))


def address_element(address: DeliveryAddress, lang: str = LANG) -> Address:
    """``Address`` with its ``PostalAddress`` (Street+, City and Country required)."""
    return Address(
        name=Name(value=address.name, lang=lang),
        address_id=address.address_id or None,
        postal_address=PostalAddress(
            deliver_to=tuple(line for line in address.deliver_to if line.strip()),
            street=tuple(line for line in address.street if line.strip()),
            city=address.city,
            state=address.state or None,
            postal_code=address.postal_code or None,
            country=Country(value=address.country, iso_country_code=address.country_code),
        ),
        email=Email(value=address.email) if address.email else None,
    )


def ship_to_element(address: DeliveryAddress, lang: str = LANG) -> ShipTo:
    return ShipTo(address=address_element(address, lang))


def shipping_element(charge: ShippingCharge, currency: str, lang: str = LANG) -> Shipping:
    return Shipping(
        money=Money(amount=charge.amount, currency=currency),
        description=Description(text=charge.description, lang=lang),
    )


def tax_element(charge: TaxCharge, currency: str, lang: str = LANG) -> Tax:
    """``Tax (Money, TaxAdjustmentAmount?, Description, TaxDetail*, ...)``: the amount,
    what it is, and one TaxDetail with the rate and the amount it was taken of."""
    return Tax(
        money=Money(amount=charge.amount, currency=currency),
        description=Description(text=charge.description, lang=lang),
        details=(
            TaxDetail(
                category="sales",
                percentage_rate=charge.percent,
                taxable_amount=TaxableAmount(money=Money(amount=charge.taxable, currency=currency)),
                tax_amount=TaxAmount(money=Money(amount=charge.amount, currency=currency)),
            ),
        ),
    )


def payment_extrinsics(delivery: Delivery | None) -> tuple[Extrinsic, ...]:
    if delivery is None or not delivery.payment_method:
        return ()
    return (Extrinsic(name=PAYMENT_METHOD, value=delivery.payment_method),)


def address_of(address: Address) -> DeliveryAddress:
    """The plain address an ``Address`` holds. Without a PostalAddress (the DTD allows
    it) only the name is known; the country's code is taken from the Country, else
    from ``Address@isoCountryCode``, which some buyers' systems set instead."""
    postal = address.postal_address
    code = address.iso_country_code or ""
    if postal is None:
        return DeliveryAddress(
            name=address.name.value.strip(),
            street=(),
            city="",
            country_code=code.strip().upper(),
            country="",
            address_id=(address.address_id or "").strip(),
            email=address.email.value.strip() if address.email else "",
        )
    return DeliveryAddress(
        name=address.name.value.strip(),
        deliver_to=tuple(line.strip() for line in postal.deliver_to if line.strip()),
        street=tuple(line.strip() for line in postal.street if line.strip()),
        city=postal.city.strip(),
        state=(postal.state or "").strip(),
        postal_code=(postal.postal_code or "").strip(),
        country_code=(postal.country.iso_country_code or code).strip().upper(),
        country=postal.country.value.strip(),
        address_id=(address.address_id or "").strip(),
        email=address.email.value.strip() if address.email else "",
    )


def payment_method_of(extrinsics: Iterable[Extrinsic]) -> str:
    """The value of the first ``PaymentMethod`` Extrinsic, or ""."""
    for extrinsic in extrinsics:
        if extrinsic.name == PAYMENT_METHOD:
            return extrinsic.value.strip()
    return ""


def payment_label(value: str) -> str:
    return PAYMENT_METHODS.get(value, value)


def _same(a: str, b: str) -> bool:
    """Equal but for case and runs of white space: how people retype addresses."""
    return _SPACE.sub(" ", a).strip().casefold() == _SPACE.sub(" ", b).strip().casefold()


def _joined(lines: Sequence[str]) -> str:
    return ", ".join(lines)


def address_differences(expected: DeliveryAddress, found: DeliveryAddress) -> list[str]:
    """What in ``found`` differs from ``expected``, part by part, each naming both
    values: "City 'Shelbyville' (the cart's: 'Springfield')". Case and white space do
    not count; neither does the addressID, which each system numbers its own way."""
    parts = (
        ("Name", expected.name, found.name),
        ("DeliverTo", _joined(expected.deliver_to), _joined(found.deliver_to)),
        ("Street", _joined(expected.street), _joined(found.street)),
        ("City", expected.city, found.city),
        ("State", expected.state, found.state),
        ("PostalCode", expected.postal_code, found.postal_code),
        ("Country", expected.country_code, found.country_code),
    )
    return [
        f"{label} {new!r} (the cart's: {old!r})" for label, old, new in parts if not _same(old, new)
    ]
