"""docs/product-names.md: one name for one product, the same rule on both sides."""

from __future__ import annotations

from punchin.cxml.common import Description, ShortName
from punchin.cxml.names import NAME_LIMIT, Named, name_of, named

TITLE = "Brother TN-760 High Yield Black Toner Cartridge, 3,000 Pages"
TEXT = "High-yield toner for HL-L2350DW, HL-L2395DW and MFC-L2710DW printers."


def test_the_short_name_is_the_name_and_the_text_its_description() -> None:
    assert named(TITLE, TEXT) == Named(TITLE, TEXT)


def test_without_a_short_name_the_first_line_of_the_text_is_the_name() -> None:
    """Ariba's and Coupa's carts often carry only the Description's text."""
    found = named("", f"{TITLE}\n{TEXT}\n")
    assert (found.name, found.details) == (TITLE, TEXT)


def test_a_one_line_text_is_the_name_with_nothing_repeated_below_it() -> None:
    assert named("", f"  {TITLE}  ") == Named(TITLE, "")
    assert named(TITLE, TITLE) == Named(TITLE, "")


def test_a_first_line_too_long_is_cut_at_a_word_and_kept_whole_below() -> None:
    text = "word " * 80
    found = named("", text)
    assert len(found.name) <= NAME_LIMIT
    assert found.name.endswith("word…")
    assert found.details == text.strip()


def test_white_space_in_a_short_name_is_one_space() -> None:
    assert named(" Gel\n  pens ", "").name == "Gel pens"


def test_name_of_reads_a_description_element() -> None:
    with_short = Description(text=TEXT, lang="en", short_name=ShortName(value=TITLE))
    assert name_of(with_short) == TITLE
    assert name_of(Description(text=f"{TITLE}\n{TEXT}", lang="en")) == TITLE
    assert name_of(None) == ""
