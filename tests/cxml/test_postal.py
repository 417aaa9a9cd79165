"""Addresses as their country writes them (``punchin.cxml.postal``)."""

from __future__ import annotations

import pytest

from punchin.cxml.common import Address, Country, Name, PostalAddress
from punchin.cxml.postal import lines, lines_of


@pytest.mark.parametrize(
    ("code", "city", "state", "postal", "locality"),
    [
        ("US", "Springfield", "IL", "62701", ["Springfield, IL 62701"]),
        ("CA", "Ottawa", "ON", "K1A 0B1", ["Ottawa ON K1A 0B1"]),
        ("AU", "Sydney", "NSW", "2000", ["Sydney NSW 2000"]),
        ("GB", "London", "", "SW1A 2AA", ["London", "SW1A 2AA"]),
        ("IE", "Dublin 2", "", "D02 X285", ["Dublin 2", "D02 X285"]),
        ("DE", "Berlin", "", "10117", ["10117 Berlin"]),
        ("FR", "Paris", "", "75008", ["75008 Paris"]),
        ("NL", "Amsterdam", "", "1012 AB", ["1012 AB Amsterdam"]),
        ("IT", "Roma", "RM", "00184", ["00184 Roma RM"]),
        ("ES", "Madrid", "Madrid", "28013", ["28013 Madrid", "Madrid"]),
        ("BR", "São Paulo", "SP", "01310-100", ["São Paulo - SP", "01310-100"]),
    ],
)
def test_each_country_writes_its_own_locality(
    code: str, city: str, state: str, postal: str, locality: list[str]
) -> None:
    written = lines(
        name="Acme",
        street=("1 Main Street",),
        city=city,
        state=state,
        postal_code=postal,
        country=f"Country {code}",
        country_code=code,
    )
    assert written == ("Acme", "1 Main Street", *locality, f"Country {code}")


def test_the_readers_own_country_is_left_off() -> None:
    us = {"city": "Springfield", "state": "IL", "postal_code": "62701", "country": "USA"}
    assert lines(**us, country_code="us", home="US") == ("Springfield, IL 62701",)
    assert lines(**us, country_code="US", home="DE")[-1] == "USA"
    london = {"city": "London", "postal_code": "SW1A 2AA", "country": "United Kingdom"}
    assert lines(**london, country_code="GB", home="UK") == ("London", "SW1A 2AA")
    assert lines(**london, country_code="UK", home="GB") == ("London", "SW1A 2AA")


def test_an_unknown_country_gets_every_part_on_one_line_and_its_name() -> None:
    assert lines(
        city="Lagos", state="Lagos", postal_code="100001", country="Nigeria", country_code="NG"
    ) == ("Lagos, Lagos 100001", "Nigeria")
    assert lines(city="Somewhere", postal_code="123", country_code="ZZ") == ("Somewhere 123", "ZZ")


def test_blank_parts_drop_out_with_their_separators() -> None:
    assert lines(city="Springfield", postal_code="62701", country_code="US", home="US") == (
        "Springfield 62701",
    )
    assert lines(state="IL", postal_code="62701", country_code="US", home="US") == ("IL 62701",)
    assert lines(name="  ", deliver_to=("", "Dock 2"), city="Berlin", country_code="DE") == (
        "Dock 2",
        "Berlin",
        "DE",
    )


def test_a_cxml_address_is_written_from_its_postal_address() -> None:
    address = Address(
        name=Name(value="Acme Corporation, Receiving", lang="en"),
        postal_address=PostalAddress(
            deliver_to=("Dock 2",),
            street=("1 Demo Way",),
            city="Springfield",
            state="IL",
            postal_code="62701",
            country=Country(value="United States", iso_country_code="US"),
        ),
    )
    assert lines_of(address, home="US") == (
        "Acme Corporation, Receiving",
        "Dock 2",
        "1 Demo Way",
        "Springfield, IL 62701",
    )
    assert lines_of(address)[-1] == "United States"
    assert lines_of(Address(name=Name(value="Acme", lang="en"))) == ("Acme",)
    assert lines_of(None) == ()
