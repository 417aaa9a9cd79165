"""The purchase order change form: a new quantity per live line.

Goods sold in countable units (EA, BX, PK, ...) are ordered in whole units, so their
input steps by 1 and a browser refuses 1.5 before anything is sent; units of weight,
length, area, volume and time (KGM, MTR, LTR, HUR, ...) may be fractional. The server
still accepts any quantity the OrderRequest can carry (the supplier is the judge of
what it sells, and answers a refusal the buyer sees under "needs attention").
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from punchin.procurement.orders.models import QUANTITY, PurchaseOrder, PurchaseOrderLine
from punchin.procurement.site.templatetags.quantities import quantity

# UN/CEFACT Recommendation 20 codes of divisible quantities (what cXML's
# UnitOfMeasure carries); every other unit is counted in whole units.
DIVISIBLE_UNITS = frozenset(
    {
        # mass
        "GRM", "KGM", "TNE", "LBR", "ONZ", "MGM",
        # length
        "MMT", "CMT", "DMT", "MTR", "KMT", "INH", "FOT", "YRD",
        # area and volume
        "CMK", "MTK", "FTK", "MTQ", "MLT", "CLT", "LTR", "GLL", "GLI", "QT", "PT", "OZA",
        # time and energy
        "SEC", "MIN", "HUR", "DAY", "WEE", "MON", "ANN", "KWH",
    }
)  # fmt: skip


def whole_units(unit_of_measure: str) -> bool:
    return unit_of_measure.strip().upper() not in DIVISIBLE_UNITS


class ChangeForm(forms.Form):
    """One optional quantity field per line still ordered (``quantity-<lineNumber>``);
    left blank, the line stays as it is; 0 cancels it."""

    def __init__(self, order: PurchaseOrder, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, auto_id="%s", **kwargs)
        for line in order.lines.filter(quantity__gt=0).order_by("line_number"):
            whole = whole_units(line.unit_of_measure)
            unit = "whole units" if whole else line.unit_of_measure
            self.fields[f"quantity-{line.line_number}"] = forms.DecimalField(
                required=False,
                min_value=Decimal(0),
                max_digits=QUANTITY["max_digits"],
                decimal_places=QUANTITY["decimal_places"],
                initial=quantity(line.quantity),
                label=f"Line {line.line_number} quantity in {unit} (0 cancels the line)",
                widget=forms.NumberInput(
                    attrs={
                        "step": "1" if whole else "any",
                        "inputmode": "numeric" if whole else "decimal",
                    }
                ),
            )

    def quantities(self) -> dict[int, Decimal]:
        """The quantities entered, by line number (call after ``is_valid``)."""
        return {
            int(name.removeprefix("quantity-")): value
            for name, value in self.cleaned_data.items()
            if value is not None
        }


class ReceiveForm(forms.Form):
    """Per line: the quantity that arrived now (``received-<lineNumber>``; negative:
    returned) and, for a return, why (``reason-<lineNumber>``). Blank lines are left
    as they are."""

    def __init__(self, order: PurchaseOrder, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, auto_id="%s", **kwargs)
        self.rows: list[tuple[PurchaseOrderLine, forms.BoundField, forms.BoundField]] = []
        for line in order.lines.order_by("line_number"):
            whole = whole_units(line.unit_of_measure)
            n = line.line_number
            self.fields[f"received-{n}"] = forms.DecimalField(
                required=False,
                max_digits=QUANTITY["max_digits"],
                decimal_places=QUANTITY["decimal_places"],
                label=f"Line {n} received now, in {line.unit_of_measure} (negative: returned)",
                widget=forms.NumberInput(
                    attrs={"step": "1" if whole else "any", "inputmode": "decimal"}
                ),
            )
            self.fields[f"reason-{n}"] = forms.CharField(
                required=False, max_length=500, label=f"Line {n}: why it goes back"
            )
            self.rows.append((line, self[f"received-{n}"], self[f"reason-{n}"]))
        self.fields["note"] = forms.CharField(
            required=False, max_length=500, label="Note (delivery note number, who signed)"
        )

    def quantities(self) -> dict[int, Decimal]:
        """The quantities entered, by line number (call after ``is_valid``)."""
        return {
            int(name.removeprefix("received-")): value
            for name, value in self.cleaned_data.items()
            if name.startswith("received-") and value is not None
        }

    def reasons(self) -> dict[int, str]:
        return {
            int(name.removeprefix("reason-")): value
            for name, value in self.cleaned_data.items()
            if name.startswith("reason-") and value
        }
