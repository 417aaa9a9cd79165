"""PLACEHOLDER: to be modelled."""

from __future__ import annotations

from dataclasses import dataclass

from punchin.cxml.binding import Element, element


@element("InvoiceDetailRequest")
@dataclass(frozen=True, slots=True, kw_only=True)
class InvoiceDetailRequest(Element):
    pass
