"""One name for one product, on every page and in every document (docs/product-names.md).

A line's ``Description`` carries two things: its ``ShortName`` is the product's name,
its title as the store shows it ("Brother TN-760 High Yield Black Toner Cartridge,
3,000 Pages"); its text is the long description. Both parties show the name as the
line's name and the text below it, and send both on in the documents that follow
(OrderRequest, invoice).

Many partners' carts (Ariba's, Coupa's) have only the text. The DTD says what to do
then: "Without a ShortName, the user interface must default to a truncation of the
Description" (cXML.dtd, ``ShortName``). Ours is the text's first line, cut at a word
to ``NAME_LIMIT`` characters; the rest of the text is the description. When we leave
the ShortName out ourselves (a partner whose reader rejects it, docs/compatibility.md),
the name goes on the text's first line, so the partner's reading of the same rule
finds the same name.
"""

from __future__ import annotations

from dataclasses import dataclass

from punchin.cxml.common import Description, ShortName

# The longest name a page shows and a column keeps (the product's title, 255).
NAME_LIMIT = 255
_ELLIPSIS = "…"


@dataclass(frozen=True, slots=True)
class Named:
    """A line's name and the description shown below it (may be empty)."""

    name: str
    details: str


def _cut(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    head = text[: limit - len(_ELLIPSIS)]
    word = head.rsplit(None, 1)[0] if " " in head.strip() else head
    return word.rstrip(" ,;:-") + _ELLIPSIS


def named(short_name: str, text: str) -> Named:
    """The name of a line described by ``short_name`` (its ShortName, "" if none) and
    ``text`` (its Description text): the ShortName, else the text's first non-empty
    line; the details are the text, less the line that became the name."""
    short = " ".join(short_name.split())
    body = text.strip()
    if short:
        return Named(_cut(short, NAME_LIMIT), body if body != short else "")
    first, _, rest = body.partition("\n")
    first = " ".join(first.split())
    name = _cut(first, NAME_LIMIT)
    # A first line cut short stays whole in the details, so nothing is lost.
    details = rest.strip() if name == first else body
    return Named(name, details)


def name_of(description: Description | None) -> str:
    """The name a ``Description`` element gives its line ("" without one)."""
    if description is None:
        return ""
    short = description.short_name.value if description.short_name is not None else ""
    return named(short, description.text).name


def describe(name: str, text: str, lang: str, *, short_name: bool = True) -> Description:
    """A line's ``Description``: the name as its ShortName and the text; with
    ``short_name`` False, no ShortName and the name on the text's first line (unless
    the text starts with it already)."""
    name = name.strip()
    if short_name or not name:
        return Description(text=text, lang=lang, short_name=ShortName(value=name) if name else None)
    if named("", text).name != name:
        text = f"{name}\n{text}" if text.strip() else name
    return Description(text=text, lang=lang)
