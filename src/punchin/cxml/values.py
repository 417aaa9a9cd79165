"""Codecs for cXML's typed attribute and text values: numbers, money, time.

Money and quantities are ``Decimal`` parsed from a strict pattern (no exponent,
comma, NaN or infinity: docs/security.md row 17). Times must carry their UTC offset;
lenient mode assumes UTC for a zone-less time and reads a few non-ISO forms,
recording each repair (P24).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from decimal import Decimal

from lxml import etree

from punchin.cxml.binding import Codec, ReadContext
from punchin.cxml.errors import BadRequest, SerializationError

# ASCII digits only: str patterns' \d and str.isdecimal() also accept "١٢" (Arabic-Indic),
# which Decimal and int read as 12. A count has at most 18 digits: int() refuses more
# than 4300 with a ValueError (docs/security.md row 17 and the fuzz test in test_safety.py).
_DECIMAL = re.compile(r"\s*[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)\s*")
_UINT = re.compile(r"\s*[0-9]{1,18}\s*")


def _where(el: etree._Element) -> str:
    return el.tag if isinstance(el.tag, str) else "value"


def _load_decimal(text: str, ctx: ReadContext, el: etree._Element) -> Decimal:
    if text.isascii() and text.replace(".", "", 1).isdecimal():
        # The usual "500.00": a subset of _DECIMAL, checked at a third of the regex's cost.
        return Decimal(text)
    if _DECIMAL.fullmatch(text) is None:
        raise BadRequest(f"{_where(el)}: {text[:40]!r} is not a decimal number", line=el.sourceline)
    return Decimal(text.strip())


def dump_decimal(value: Decimal) -> str:
    """Plain notation always: ``Decimal('1E+2')`` is written ``100``."""
    return format(value, "f")


def _load_uint(text: str, ctx: ReadContext, el: etree._Element) -> int:
    if text.isascii() and text.isdecimal() and len(text) <= 18:  # the usual "5": in _UINT
        return int(text)
    if _UINT.fullmatch(text) is None:
        raise BadRequest(
            f"{_where(el)}: {text[:40]!r} is not a whole number (at most 18 digits)",
            line=el.sourceline,
        )
    return int(text)


# Forms seen from partners that are not ISO 8601 with an offset (lenient mode only).
_LENIENT_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d",
    "%m/%d/%Y %H:%M:%S",
    "%m/%d/%Y",
    "%d.%m.%Y",
    "%Y%m%d",
)


def parse_datetime(text: str) -> datetime | None:
    """An ISO 8601 timestamp with its offset, or None if ``text`` is not one."""
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        return None
    return value if value.tzinfo is not None else None


def _load_datetime(text: str, ctx: ReadContext, el: etree._Element) -> datetime:
    value = parse_datetime(text)
    if value is not None:
        return value
    where = _where(el)
    if ctx.lenient:
        stripped = text.strip()
        naive: datetime | None
        try:
            naive = datetime.fromisoformat(stripped)
        except ValueError:
            naive = _first_format(stripped)
        if naive is not None:
            ctx.repair(f"{where}: read {stripped!r} as {naive.isoformat()} UTC", el.sourceline)
            return naive.replace(tzinfo=UTC)
    raise BadRequest(
        f"{where}: {text[:40]!r} is not an ISO 8601 time with a UTC offset "
        "(e.g. 2021-03-12T10:07:48-08:00)",
        line=el.sourceline,
    )


def _first_format(text: str) -> datetime | None:
    for fmt in _LENIENT_FORMATS:
        try:
            return datetime.strptime(text, fmt)
        except ValueError:
            continue
    return None


def dump_datetime(value: datetime) -> str:
    if value.tzinfo is None:
        raise SerializationError("cXML times carry their UTC offset; got a naive datetime")
    return value.isoformat()


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


def _load_payload_id(text: str, ctx: ReadContext, el: etree._Element) -> str:
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
DATETIME = Codec(_load_datetime, dump_datetime)
PAYLOAD_ID = Codec(_load_payload_id, _dump_payload_id)
