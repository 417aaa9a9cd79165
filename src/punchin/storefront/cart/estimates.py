"""What checkout tells the buyer before they commit: the sales tax and when the goods
arrive (docs/checkout.md, "Estimates").

The tax is ``PUNCHIN_SALES_TAX_PERCENT`` of the lines (not of the delivery), rounded
half up to the cent, the same rounding as the store's invoice; unset, the store does
not estimate tax and checkout says the invoice will show it. The delivery date counts
business days (Monday to Friday) from the day of the order by ``TRANSIT_DAYS``; it
knows no public holidays and no cut-off time, so it is an estimate and says so.
``today`` is the clock: tests move it instead of waiting for a weekday.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.utils import timezone

from punchin.cxml.delivery import TaxCharge
from punchin.storefront.cart.models import DeliverySpeed

CENT = Decimal("0.01")
# Business days from the order to the delivery, earliest and latest, per speed.
TRANSIT_DAYS: dict[str, tuple[int, int]] = {
    DeliverySpeed.STANDARD: (3, 5),
    DeliverySpeed.TWO_DAY: (2, 2),
    DeliverySpeed.NEXT_DAY: (1, 1),
}
_SATURDAY = 5


def today() -> date:
    """The store's date now (its time zone)."""
    return timezone.localdate()


def sales_tax(amount: Decimal, percent: Decimal) -> Decimal:
    """``percent`` of ``amount``, rounded half up to the cent."""
    return (amount * percent / 100).quantize(CENT, rounding=ROUND_HALF_UP)


def tax_estimate(lines_total: Decimal) -> TaxCharge | None:
    """The store's estimate of the tax on ``lines_total``; None where it sets no rate."""
    percent: Decimal | None = settings.PUNCHIN_SALES_TAX_PERCENT
    if percent is None:
        return None
    return TaxCharge(amount=sales_tax(lines_total, percent), percent=percent, taxable=lines_total)


def business_days_after(start: date, days: int) -> date:
    """The date ``days`` business days after ``start`` (a Saturday order's first
    business day is the Monday)."""
    found = start
    while days > 0:
        found += timedelta(days=1)
        if found.weekday() < _SATURDAY:
            days -= 1
    return found


@dataclass(frozen=True, slots=True)
class Arrival:
    """When a speed delivers: between ``earliest`` and ``latest`` (the same day for a
    speed that promises one)."""

    earliest: date
    latest: date

    @property
    def one_day(self) -> bool:
        return self.earliest == self.latest

    def words(self) -> str:
        """The estimate as the buyer reads it: "Friday 4 December", or "between
        Monday 7 and Wednesday 9 December"."""
        if self.one_day:
            return _day(self.earliest, month=True)
        month = self.earliest.month != self.latest.month
        return f"between {_day(self.earliest, month=month)} and {_day(self.latest, month=True)}"


def _day(when: date, *, month: bool) -> str:
    text = f"{when:%A} {when.day}"
    return f"{text} {when:%B}" if month else text


def arrival(speed: str, ordered_on: date) -> Arrival:
    earliest, latest = TRANSIT_DAYS[speed]
    return Arrival(
        business_days_after(ordered_on, earliest), business_days_after(ordered_on, latest)
    )
