"""Codecs for cXML's typed attribute and text values: numbers, money, time.

Money and quantities are ``Decimal`` parsed from a strict pattern (no exponent,
comma, NaN or infinity: docs/security.md row 17). Times must be ISO 8601 with their UTC
offset (fractions of a second of any length are ISO 8601 too); lenient mode reads the
other forms partners send (no offset: UTC; a date alone; Ruby's ``Time#to_s``; RFC 2822;
a placeholder such as ``?`` where the time is optional) and records each repair (P24).
Whatever is read carries an offset. We write whole seconds or milliseconds, never
microseconds: cxml-php reads nothing finer.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from email.utils import parsedate_to_datetime

from lxml import etree

from punchin.cxml.binding import Codec, ReadContext
from punchin.cxml.errors import BadRequest, SerializationError


@dataclass(frozen=True, slots=True)
class DecimalBound:
    """How large and how fine a number in a document may be (docs/security.md row 24):
    at most ``digits`` digits before the decimal point and ``places`` after it (trailing
    zeros do not count: ``12.500000`` has one place).

    One bound for every decimal any document carries (amounts, quantities, rates,
    factors), so that each fits every decimal column either party keeps it in: those
    hold more than ``digits`` digits before the point (a test checks every column), so
    a column with fewer places (the storefront's cents) may round 999999999.9999 up to
    1000000000.00 and still hold it. A 1e20 quantity stored unchecked broke every page
    that read the row back."""

    digits: int
    places: int

    def problem(self, text: str) -> str | None:
        """What is out of bounds in ``text``, a decimal our pattern accepted."""
        whole, _, fraction = text.strip().lstrip("+-").partition(".")
        integer, places = len(whole.lstrip("0")), len(fraction.rstrip("0"))
        if integer > self.digits:
            return (
                f"has {integer} digits before the decimal point; at most {self.digits} are "
                f"allowed (below {10**self.digits:,})"
            )
        if places > self.places:
            return f"has {places} decimal places; at most {self.places} are allowed"
        return None


# Below a billion, to a ten-thousandth: procurement's columns keep 14 digits before the
# point and 4 after, the storefront's 10 to 12 before and 2 or 3 after.
DECIMAL_BOUND = DecimalBound(digits=9, places=4)

# ASCII digits only: str patterns' \d and str.isdecimal() also accept "١٢" (Arabic-Indic),
# which Decimal and int read as 12. A count has at most 9 digits: it fits every integer
# column (2,147,483,647 on PostgreSQL), and int() refuses more than 4300 digits with a
# ValueError (docs/security.md rows 17 and 24, the fuzz test in test_safety.py).
_DECIMAL = re.compile(r"\s*[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)\s*")
MAX_UINT_DIGITS = 9
_UINT = re.compile(rf"\s*[0-9]{{1,{MAX_UINT_DIGITS}}}\s*")


def _where(el: etree._Element, name: str | None = None) -> str:
    """The element, and the attribute ``name`` when the value is an attribute's."""
    tag = el.tag if isinstance(el.tag, str) else "value"
    return f"{tag} {name}" if name else tag


def _bounded(text: str, el: etree._Element, name: str | None) -> Decimal:
    """``text`` (matched by _DECIMAL) as a Decimal, or a 400 naming the field and bound."""
    problem = DECIMAL_BOUND.problem(text)
    if problem is not None:
        raise BadRequest(f"{_where(el, name)}: {text.strip()[:40]!r} {problem}", line=el.sourceline)
    return Decimal(text.strip())


def _plain_decimal(text: str) -> Decimal | None:
    """The usual ``500.00`` (ASCII digits, at most one point, within DECIMAL_BOUND) as a
    Decimal, else None. A subset of _DECIMAL checked at a third of the cost of the
    regex and the exact bound: the text's lengths overstate digits and places (zeros
    do not count), so a None here may still be a good number."""
    whole, _, fraction = text.partition(".")
    if (
        len(whole) <= DECIMAL_BOUND.digits
        and len(fraction) <= DECIMAL_BOUND.places
        and text.isascii()
        and whole.isdecimal()
        and (fraction.isdecimal() or not fraction)
    ):
        return Decimal(text)
    return None


def _strict_decimal(text: str, el: etree._Element, name: str | None) -> Decimal:
    if _DECIMAL.fullmatch(text) is None:
        raise BadRequest(
            f"{_where(el, name)}: {text[:40]!r} is not a decimal number", line=el.sourceline
        )
    return _bounded(text, el, name)


def _load_decimal(text: str, ctx: ReadContext, el: etree._Element, name: str | None) -> Decimal:
    value = _plain_decimal(text)
    return _strict_decimal(text, el, name) if value is None else value


def _load_amount(text: str, ctx: ReadContext, el: etree._Element, name: str | None) -> Decimal:
    """Money's content. ``<Money currency="USD"/>`` (Intershop carts, zero tax on Coupa
    invoices) is DTD-valid (#PCDATA) but says no amount: lenient mode reads it as 0."""
    value = _plain_decimal(text)
    if value is not None:
        return value
    if not text.strip():
        if not ctx.lenient:
            raise BadRequest(
                f"{_where(el)} is empty: an amount is a decimal number (write 0 for none)",
                line=el.sourceline,
            )
        ctx.repair(f"{_where(el)}: empty amount read as 0 {el.get('currency', '')}", el.sourceline)
        return Decimal(0)
    return _strict_decimal(text, el, name)


def dump_decimal(value: Decimal) -> str:
    """Plain notation always: ``Decimal('1E+2')`` is written ``100``."""
    return format(value, "f")


def _load_uint(text: str, ctx: ReadContext, el: etree._Element, name: str | None) -> int:
    if text.isascii() and text.isdecimal() and len(text) <= MAX_UINT_DIGITS:  # the usual "5"
        return int(text)
    if _UINT.fullmatch(text) is None:
        raise BadRequest(
            f"{_where(el, name)}: {text[:40]!r} is not a whole number "
            f"(at most {MAX_UINT_DIGITS} digits)",
            line=el.sourceline,
        )
    return int(text)


# Forms seen from partners that are not ISO 8601 with an offset (lenient mode only).
# Naive ones are read as UTC.
_LENIENT_FORMATS = (
    "%a %b %d %H:%M:%S %z %Y",  # Ruby's Time#to_s: "Mon May 19 18:29:48 +0000 2008"
    "%Y-%m-%d %H:%M:%S",
    "%m/%d/%Y %H:%M:%S",
    "%m/%d/%Y",
    "%d.%m.%Y",
    "%Y%m%d",
)
# What templates leave in a time nobody filled in.
_PLACEHOLDER = re.compile(r"\s*(?:\?+|-+|n/?a|null|none|tbd)?\s*", re.IGNORECASE)
_ISO_RULE = "is not an ISO 8601 time with a UTC offset (e.g. 2021-03-12T10:07:48-08:00)"


def parse_datetime(text: str) -> datetime | None:
    """An ISO 8601 timestamp with its offset, or None if ``text`` is not one."""
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        return None
    return value if value.tzinfo is not None else None


def _load_datetime(
    text: str, ctx: ReadContext, el: etree._Element, name: str | None, *, optional: bool = False
) -> datetime | None:
    value = parse_datetime(text)
    if value is not None:
        return value
    where = _where(el)
    stripped = text.strip()
    if _PLACEHOLDER.fullmatch(text) is not None:
        if ctx.lenient and optional:
            ctx.repair(f"{where}: placeholder time {stripped!r} read as absent", el.sourceline)
            return None
        needed = "optional: lenient mode reads it as absent" if optional else "required"
        raise BadRequest(
            f"{where}: {stripped!r} is a placeholder, not a time ({needed})", line=el.sourceline
        )
    if ctx.lenient:
        read = _lenient_datetime(stripped)
        if read is not None:
            zone = " UTC" if read.tzinfo is None else ""
            ctx.repair(f"{where}: read {stripped!r} as {read.isoformat()}{zone}", el.sourceline)
            return read if read.tzinfo is not None else read.replace(tzinfo=UTC)
    raise BadRequest(f"{where}: {text[:40]!r} {_ISO_RULE}", line=el.sourceline)


def _lenient_datetime(text: str) -> datetime | None:
    """ISO 8601 without offset or a date alone, then the known forms, then RFC 2822."""
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        pass
    for fmt in _LENIENT_FORMATS:
        try:
            return datetime.strptime(text, fmt)
        except ValueError:
            continue
    try:
        return parsedate_to_datetime(text)  # "Mon, 19 May 2008 18:29:48 +0000"
    except (TypeError, ValueError, IndexError):
        return None


def dump_datetime(value: datetime) -> str:
    """ISO 8601 with the offset, in whole seconds (``2021-03-12T10:07:48-08:00``, what we
    build), or milliseconds for a value read with a fraction; never microseconds, which
    cxml-php cannot read."""
    if value.tzinfo is None:
        raise SerializationError("cXML times carry their UTC offset; got a naive datetime")
    return value.isoformat(timespec="milliseconds" if value.microsecond else "seconds")


# The cXML root's payloadID is the key that makes a retry idempotent (docs/architecture.md),
# stored under a unique constraint: an empty one identifies nothing, and keys longer than
# 255 characters do not fit a portable index (docs/security.md row 12: 400 at parse time).
MAX_PAYLOAD_ID = 255


def _payload_id_problem(value: str) -> str | None:
    if not value.strip():
        return "payloadID is empty"
    if len(value) > MAX_PAYLOAD_ID:
        return f"payloadID has {len(value)} characters; at most {MAX_PAYLOAD_ID} are allowed"
    return None


def _load_payload_id(text: str, ctx: ReadContext, el: etree._Element, name: str | None) -> str:
    problem = _payload_id_problem(text)
    if problem is not None:
        raise BadRequest(problem, line=el.sourceline)
    return text


def _dump_payload_id(value: str) -> str:
    problem = _payload_id_problem(value)
    if problem is not None:
        raise SerializationError(problem)
    return value


DECIMAL = Codec(_load_decimal, dump_decimal)
UINT = Codec(_load_uint, str)
AMOUNT = Codec(_load_amount, dump_decimal)
DATETIME = Codec(_load_datetime, dump_datetime)
# For optional times only: lenient mode reads a placeholder as absent (None).
OPTIONAL_DATETIME = Codec(functools.partial(_load_datetime, optional=True), dump_datetime)
PAYLOAD_ID = Codec(_load_payload_id, _dump_payload_id)
