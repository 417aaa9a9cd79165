"""PLACEHOLDER: to be modelled."""

from __future__ import annotations

from dataclasses import dataclass

from punchin.cxml.binding import Element, element


@element("StatusUpdateRequest")
@dataclass(frozen=True, slots=True, kw_only=True)
class StatusUpdateRequest(Element):
    pass
