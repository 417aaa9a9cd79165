"""Staff forms: one field per order line, named ``<what>_<lineNumber>``."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from django import forms
from django.conf import settings
from django.utils import timezone

from punchin.cxml.fulfilment import wire_quantity
from punchin.storefront.orders.models import OrderDocument, PurchaseOrderLine
from punchin.storefront.orders.services import LineChange

_QUANTITY = {"min_value": Decimal(0), "max_digits": 14, "decimal_places": 3}


def _quantity(initial: Decimal, label: str) -> forms.DecimalField:
    return forms.DecimalField(
        initial=wire_quantity(initial) if initial else Decimal(0),  # 10, not 1E+1
        label=label,
        widget=forms.NumberInput(attrs={"class": "qty", "step": "any", "aria-label": label}),
        **_QUANTITY,
    )


def noon(day: date | None) -> datetime | None:
    """A date from a form as an aware time: noon, so no time zone moves its day."""
    return timezone.make_aware(datetime.combine(day, time(12))) if day else None


class PerLineForm(forms.Form):
    def __init__(self, lines: Iterable[PurchaseOrderLine], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.order_lines = list(lines)

    def per_line(self, prefix: str) -> dict[int, Any]:
        return {
            line.line_number: self.cleaned_data[f"{prefix}_{line.line_number}"]
            for line in self.order_lines
        }


class ConfirmForm(PerLineForm):
    """One row per line (quantity, unit price, delivery date, in tab order), shown as
    a table by the staff page (``rows``), and a comment for the buyer."""

    comment = forms.CharField(required=False, max_length=500)

    def __init__(self, lines: Iterable[PurchaseOrderLine], *args: Any, **kwargs: Any) -> None:
        super().__init__(lines, *args, **kwargs)
        for line in self.order_lines:
            n = line.line_number
            self.fields[f"quantity_{n}"] = _quantity(line.quantity, f"Line {n} quantity")
            self.fields[f"price_{n}"] = forms.DecimalField(
                initial=line.unit_price,
                label=f"Line {n} unit price",
                min_value=Decimal("0.01"),
                max_digits=12,
                decimal_places=2,
                widget=forms.NumberInput(
                    attrs={"class": "money", "step": "0.01", "aria-label": f"Line {n} unit price"}
                ),
            )
            self.fields[f"date_{n}"] = forms.DateField(
                required=False,
                label=f"Line {n} delivery date",
                widget=forms.DateInput(
                    attrs={"type": "date", "aria-label": f"Line {n} delivery date"}
                ),
            )

    COLUMNS = (("quantity", "Confirm"), ("price", "Unit price"), ("date", "Deliver by"))

    def rows(self) -> list[tuple[PurchaseOrderLine, list[tuple[str, forms.BoundField]]]]:
        """Each line with its quantity, price and date fields (and column names)."""
        return [
            (line, [(column, self[f"{what}_{line.line_number}"]) for what, column in self.COLUMNS])
            for line in self.order_lines
        ]

    def changes(self) -> Mapping[int, LineChange]:
        dates = self.per_line("date")
        prices = self.per_line("price")
        return {
            n: LineChange(
                quantity,
                prices[n],
                noon(dates[n]),
            )
            for n, quantity in self.per_line("quantity").items()
        }


class CommentForm(forms.Form):
    """A comment for the buyer, all a rejection or "Confirm all as ordered" carries."""

    comment = forms.CharField(required=False, max_length=500)


class QuantitiesForm(PerLineForm):
    """Quantities per line, preset to what is open (to ship, or to invoice)."""

    def __init__(
        self,
        lines: Iterable[PurchaseOrderLine],
        open_quantities: Mapping[int, Decimal],
        *args: Any,
        **kwargs: Any,
    ) -> None:
        super().__init__(lines, *args, **kwargs)
        for line in self.order_lines:
            n = line.line_number
            self.fields[f"quantity_{n}"] = _quantity(
                open_quantities.get(line.pk, Decimal(0)), f"Line {n} quantity"
            )


class ShipmentForm(forms.Form):
    """The parcel: who carries it, and their tracking number."""

    carrier = forms.CharField(max_length=120, initial="UPS")
    tracking_number = forms.CharField(max_length=120)


class ShipForm(QuantitiesForm, ShipmentForm):
    delivery_date = forms.DateField(
        required=False, widget=forms.DateInput(attrs={"type": "date"}), label="Expected delivery"
    )


class InvoiceForm(QuantitiesForm):
    """Quantities, tax rate and shipping, preset to the order's delivery charge that no
    invoice has billed yet (``delivery``)."""

    tax_rate = forms.DecimalField(
        label="Sales tax (%)",
        # The rate checkout estimated with: the invoice's tax then meets the order's.
        initial=lambda: settings.PUNCHIN_SALES_TAX_PERCENT or Decimal(0),
        min_value=Decimal(0),
        max_digits=6,
        decimal_places=3,
    )
    shipping = forms.DecimalField(
        initial=Decimal("0.00"), min_value=Decimal(0), max_digits=12, decimal_places=2
    )

    def __init__(
        self,
        lines: Iterable[PurchaseOrderLine],
        open_quantities: Mapping[int, Decimal],
        *args: Any,
        delivery: Decimal = Decimal("0.00"),
        **kwargs: Any,
    ) -> None:
        super().__init__(lines, open_quantities, *args, **kwargs)
        self.fields["shipping"].initial = delivery
        self.fields["shipping"].help_text = "the order's delivery charge not invoiced yet"


class CreditMemoForm(PerLineForm):
    """Which invoice, then units per line or an amount, and the reason (required)."""

    invoice = forms.ChoiceField(label="Invoice credited")
    amount = forms.DecimalField(
        label="Or an amount",
        required=False,
        min_value=Decimal("0.01"),
        max_digits=12,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"class": "money", "step": "0.01"}),
    )
    reason = forms.CharField(max_length=500, label="Reason, for the buyer's finance team")

    def __init__(
        self,
        lines: Iterable[PurchaseOrderLine],
        invoices: Iterable[OrderDocument],
        *args: Any,
        **kwargs: Any,
    ) -> None:
        super().__init__(lines, *args, **kwargs)
        self.fields["invoice"].choices = [
            (i.number, f"{i.number} · {i.total} ({i.created_at:%Y-%m-%d})") for i in invoices
        ]
        for line in self.order_lines:
            n = line.line_number
            self.fields[f"quantity_{n}"] = _quantity(Decimal(0), f"Line {n} units to credit")

    def line_fields(self) -> list[tuple[PurchaseOrderLine, forms.BoundField]]:
        return [(line, self[f"quantity_{line.line_number}"]) for line in self.order_lines]
