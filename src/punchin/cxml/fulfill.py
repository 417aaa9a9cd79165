"""PLACEHOLDER: to be modelled."""

from __future__ import annotations

from dataclasses import dataclass

from punchin.cxml.binding import Element, element


@element("ConfirmationRequest")
@dataclass(frozen=True, slots=True, kw_only=True)
class ConfirmationRequest(Element):
    pass


@element("ShipNoticeRequest")
@dataclass(frozen=True, slots=True, kw_only=True)
class ShipNoticeRequest(Element):
    pass
