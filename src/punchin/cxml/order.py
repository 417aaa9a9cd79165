"""PLACEHOLDER: to be modelled."""

from __future__ import annotations

from dataclasses import dataclass

from punchin.cxml.binding import Element, element


@element("OrderRequest")
@dataclass(frozen=True, slots=True, kw_only=True)
class OrderRequest(Element):
    pass
