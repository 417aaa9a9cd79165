"""Postal addresses written the way their country writes them.

A cXML ``PostalAddress`` carries its parts (DeliverTo, Street, City, State, PostalCode,
Country@isoCountryCode); which line the city, state and postal code share, and in what
order, depends on the country: "Springfield, IL 62701" in the US, "10115 Berlin" in
Germany, the postcode on a line of its own in the UK. ``lines`` writes an address from
its parts; ``lines_of`` writes a cXML ``Address``. Both parties can show addresses through
them (docs/storefront-orders.md, "Addresses").
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from punchin.cxml.common import Address

# The line(s) that hold the city, state and postal code, per ISO country code, after
# the postal services' own examples. A part that is blank drops out with the text
# before it, so "{city}, {state} {postal}" without a state reads "Springfield 62701".
LOCALITY: dict[str, tuple[str, ...]] = {
    "US": ("{city}, {state} {postal}",),
    "CA": ("{city} {state} {postal}",),
    "AU": ("{city} {state} {postal}",),
    "NZ": ("{city} {postal}",),
    "JP": ("{city}, {state} {postal}",),
    "GB": ("{city}", "{state}", "{postal}"),
    "IE": ("{city}", "{state}", "{postal}"),
    "IN": ("{city} {postal}", "{state}"),
    "BR": ("{city} - {state}", "{postal}"),
    "MX": ("{postal} {city}, {state}",),
    "IT": ("{postal} {city} {state}",),
    "ES": ("{postal} {city}", "{state}"),
    **dict.fromkeys(
        ("AT", "BE", "CH", "CZ", "DE", "DK", "FI", "FR", "LU", "NL", "NO", "PL", "PT", "SE"),
        ("{postal} {city}",),
    ),
}
# A country not in the table: every part, in the order most of the world reads it.
GENERIC: tuple[str, ...] = ("{city}, {state} {postal}",)

# "UK" is reserved for the United Kingdom in ISO 3166 and written for GB in the wild.
_ALIASES = {"UK": "GB"}

_PART = re.compile(r"([^{]*)\{(\w+)\}")


def _locality(template: str, parts: dict[str, str]) -> str:
    written = ""
    for before, name in _PART.findall(template):
        value = parts[name]
        if value:
            written += (before if written else "") + value
    return written


def lines(
    *,
    name: str = "",
    deliver_to: Iterable[str] = (),
    street: Iterable[str] = (),
    municipality: str = "",
    city: str = "",
    state: str = "",
    postal_code: str = "",
    country: str = "",
    country_code: str = "",
    home: str = "",
) -> tuple[str, ...]:
    """The address as its country writes it, one line each, blank lines left out.

    ``country_code`` (ISO 3166) picks the layout; the country's name (``country``, else
    the code) ends the address unless it is ``home``, the country the reader is in.
    """
    code, home = (_ALIASES.get(c, c) for c in (country_code.strip().upper(), home.strip().upper()))
    parts = {"city": city.strip(), "state": state.strip(), "postal": postal_code.strip()}
    written = [name, *deliver_to, *street, municipality]
    written += [_locality(line, parts) for line in LOCALITY.get(code, GENERIC)]
    if not code or code != home:
        written.append(country.strip() or code)
    return tuple(line.strip() for line in written if line and line.strip())


def lines_of(address: Address | None, *, home: str = "") -> tuple[str, ...]:
    """A cXML ``Address``: its Name, then its PostalAddress (``lines``)."""
    if address is None:
        return ()
    postal = address.postal_address
    if postal is None:
        return lines(name=address.name.value)
    return lines(
        name=address.name.value,
        deliver_to=postal.deliver_to,
        street=postal.street,
        municipality=postal.municipality or "",
        city=postal.city,
        state=postal.state or "",
        postal_code=postal.postal_code or "",
        country=postal.country.value,
        country_code=postal.country.iso_country_code,
        home=home,
    )
