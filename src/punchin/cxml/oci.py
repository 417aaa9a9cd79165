"""SAP's Open Catalog Interface (OCI 4.0 and 5.0): PunchOut by HTML form, without cXML.

The buyer's browser opens the catalog with form fields (``HOOK_URL``, the catalog
login ``USERNAME``/``PASSWORD``, ``OCI_VERSION``, ``~TARGET``, ...); at checkout the
catalog's page posts the cart to ``HOOK_URL`` as ``NEW_ITEM-<FIELD>[n]`` fields, one
set per line, the long text as ``NEW_ITEM-LONGTEXT_n:132[]`` (docs/oci.md).

Here: the catalog call (``CatalogCall``, ``call_fields``, ``read_call``), the cart's
fields (``encode``, ``decode``), the mapping to and from the cart line the cXML builders
use (``from_line``, ``to_line``), and ``cart_message``, the cart as the
PunchOutOrderMessage procurement's one cart reading takes. OCI carries field names in
any case, numbers with a decimal point, and no status, cookie or signature: the
session is named by the URL the cart comes back to.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation
from urllib.parse import urlsplit

from punchin.cxml.cart import UNIT_OF_MEASURE, Line, item_detail, item_id
from punchin.cxml.common import Extrinsic, Money, Total
from punchin.cxml.errors import BadRequest, NotImplementedRequest, PayloadTooLarge
from punchin.cxml.punchout import (
    BuyerCookie,
    ItemIn,
    PunchOutOrderMessage,
    PunchOutOrderMessageHeader,
)
from punchin.cxml.values import DECIMAL_BOUND, dump_decimal

PREFIX = "NEW_ITEM-"
# The long text's chunk length in the field name (SAP's text line length).
LONGTEXT_CHUNK = 132
# OCI's own lengths: what SAP keeps of each field, so what we send (docs/oci.md).
LENGTHS: dict[str, int] = {
    "DESCRIPTION": 40,
    "MATNR": 40,
    "QUANTITY": 15,
    "UNIT": 3,
    "PRICE": 15,
    "PRICEUNIT": 5,
    "CURRENCY": 5,
    "LEADTIME": 5,
    "VENDOR": 10,
    "VENDORMAT": 40,
    "MANUFACTCODE": 10,
    "MANUFACTMAT": 40,
    "MATGROUP": 10,
    "SERVICE": 1,
    "CONTRACT": 10,
    "CONTRACT_ITEM": 5,
    "EXT_QUOTE_ID": 35,
    "EXT_QUOTE_ITEM": 10,
    "EXT_PRODUCT_ID": 40,
    "ATTACHMENT": 255,
    "ATTACHMENT_TITLE": 255,
    "ATTACHMENT_PURPOSE": 1,
    "EXT_SCHEMA_TYPE": 10,
    "EXT_CATEGORY_ID": 60,
    "EXT_CATEGORY": 40,
    "SLD_SYS_NAME": 60,
    "CUST_FIELD1": 10,
    "CUST_FIELD2": 10,
    "CUST_FIELD3": 10,
    "CUST_FIELD4": 20,
    "CUST_FIELD5": 50,
}
# The fields ``Item`` names; the others travel in ``Item.other``, in this order.
CORE = (
    "DESCRIPTION",
    "QUANTITY",
    "UNIT",
    "PRICE",
    "PRICEUNIT",
    "CURRENCY",
    "VENDORMAT",
    "EXT_PRODUCT_ID",
    "MATGROUP",
    "MANUFACTMAT",
    "LEADTIME",
)
OTHER = tuple(name for name in LENGTHS if name not in CORE)
# OCI 5.0's item hierarchies (an outline line and the lines under it).
HIERARCHY = ("PARENT_ID", "ITEM_TYPE")
# What we read of one field, whatever OCI's length: the width of our columns.
MAX_VALUE = 255
MAX_LONGTEXT = 64 * 1024
MAX_INDEX_DIGITS = 6
_MAX_REASONS = 10
_MAX_IGNORED = 20

_INDEXED = re.compile(rf"NEW_ITEM-([A-Z0-9_]+)\[([0-9]{{1,{MAX_INDEX_DIGITS}}})\]")
# The standard NEW_ITEM-LONGTEXT_n:132[], and what catalogs send instead: no brackets,
# an index in them (seen and tolerated by meplato/sapoci, docs/oci.md).
_LONGTEXT = re.compile(rf"NEW_ITEM-LONGTEXT_([0-9]{{1,{MAX_INDEX_DIGITS}}}):132(?:\[[0-9]*\])?")
_DECIMAL = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")
_CURRENCY = re.compile(r"[A-Z]{3}")
_DAYS = re.compile(r"[0-9]{1,5}")
# ~TARGET names a frame: _top, _parent, _self, _blank or a frame's own name.
_TARGET = re.compile(r"[A-Za-z0-9_-]{1,64}")
MAX_URL = 2000


@dataclass(frozen=True, slots=True)
class Item:
    """One cart line as OCI carries it. ``price`` is for ``price_unit`` units (the
    ``PRICEUNIT`` field); ``other`` holds the further fields sent, by OCI name
    (``MATNR``, ``VENDOR``, ``CUST_FIELD1``, ...), in ``OTHER``'s order."""

    description: str
    quantity: Decimal
    unit: str
    price: Decimal
    currency: str
    vendormat: str
    price_unit: Decimal = Decimal(1)
    ext_product_id: str = ""
    matgroup: str = ""
    manufactmat: str = ""
    leadtime: int | None = None
    longtext: str = ""
    other: tuple[tuple[str, str], ...] = ()

    @property
    def subtotal(self) -> Decimal:
        return self.quantity * self.price / self.price_unit


@dataclass(frozen=True, slots=True)
class Cart:
    """The lines a form carried, and the NEW_ITEM fields it sent that OCI does not
    define (a catalog's own extensions, read past and reported)."""

    items: tuple[Item, ...]
    ignored: tuple[str, ...] = ()

    @property
    def currency(self) -> str:
        return self.items[0].currency if self.items else ""


# --- the cart's fields --------------------------------------------------------------------


def _name(field: str, index: int) -> str:
    return f"{PREFIX}{field}[{index}]"


def longtext_name(index: int) -> str:
    return f"{PREFIX}LONGTEXT_{index}:{LONGTEXT_CHUNK}[]"


def _newlines(text: str) -> str:
    """One newline form: a browser posts every line break as CR LF, per value."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _checked(field: str, index: int, value: str) -> str:
    limit = LENGTHS[field]
    if len(value) > limit:
        raise ValueError(
            f"{_name(field, index)} would be {value[:40]!r} ({len(value)} characters); "
            f"OCI keeps {limit}"
        )
    return value


def encode(items: Sequence[Item]) -> list[tuple[str, str]]:
    """The form fields of a cart, lines numbered from 1, in OCI's lengths (ValueError
    for a value longer than OCI keeps: part numbers are not cut). The long text goes
    in chunks of 132 characters, each a field of the same name."""
    fields: list[tuple[str, str]] = []
    for index, item in enumerate(items, start=1):
        values = {
            "DESCRIPTION": item.description,
            "QUANTITY": dump_decimal(item.quantity),
            "UNIT": item.unit,
            "PRICE": dump_decimal(item.price),
            "PRICEUNIT": dump_decimal(item.price_unit),
            "CURRENCY": item.currency,
            "VENDORMAT": item.vendormat,
            "EXT_PRODUCT_ID": item.ext_product_id,
            "MATGROUP": item.matgroup,
            "MANUFACTMAT": item.manufactmat,
            "LEADTIME": "" if item.leadtime is None else str(item.leadtime),
            **dict(item.other),
        }
        fields.extend(
            (_name(field, index), _checked(field, index, value))
            for field, value in values.items()
            if value
        )
        text = _newlines(item.longtext)
        fields.extend(
            (longtext_name(index), text[start : start + LONGTEXT_CHUNK])
            for start in range(0, len(text), LONGTEXT_CHUNK)
        )
    return fields


@dataclass
class _Sent:
    """What one line's fields said, before judging."""

    index: int
    values: dict[str, str]
    longtext: list[str]


def _collect(
    fields: Iterable[tuple[str, str]], max_lines: int, reasons: list[str]
) -> tuple[dict[int, _Sent], list[str]]:
    lines: dict[int, _Sent] = {}
    ignored: list[str] = []
    for raw_name, value in fields:
        name = raw_name.strip().upper()
        if not name.startswith(PREFIX):
            continue  # ~OkCode, ~TARGET, ~CALLER, OCI_VERSION: not the cart
        if (match := _LONGTEXT.fullmatch(name)) is not None:
            field, index = "LONGTEXT", int(match.group(1))
        elif (match := _INDEXED.fullmatch(name)) is not None:
            field, index = match.group(1), int(match.group(2))
        else:
            reasons.append(f"field {raw_name[:60]!r} is not NEW_ITEM-<FIELD>[<line>]")
            continue
        if index not in lines:
            if len(lines) == max_lines:
                raise PayloadTooLarge(
                    f"the cart has more than {max_lines} lines; the limit is {max_lines}"
                )
            lines[index] = _Sent(index, {}, [])
        sent = lines[index]
        if field == "LONGTEXT":
            sent.longtext.append(value)
        elif field in LENGTHS or field in HIERARCHY:
            if field in sent.values:
                reasons.append(f"{_name(field, index)} was sent twice")
            sent.values[field] = value
        elif field not in ignored:
            ignored.append(field)
    return lines, ignored


def _decimal(sent: _Sent, field: str, reasons: list[str]) -> Decimal | None:
    text = sent.values.get(field, "").strip()
    where = _name(field, sent.index)
    if not text:
        reasons.append(f"{where} is missing")
        return None
    if _DECIMAL.fullmatch(text) is None:
        hint = " (OCI numbers use a decimal point: 11.3)" if "," in text else ""
        reasons.append(f"{where} {text[:40]!r} is not a number{hint}")
        return None
    if (problem := DECIMAL_BOUND.problem(text)) is not None:
        reasons.append(f"{where} {text[:40]!r} {problem}")
        return None
    try:
        return Decimal(text)
    except InvalidOperation:  # the pattern admits nothing Decimal refuses; kept for safety
        reasons.append(f"{where} {text[:40]!r} is not a number")
        return None


def _text(sent: _Sent, field: str, reasons: list[str]) -> str:
    value = sent.values.get(field, "").strip()
    if len(value) > MAX_VALUE:
        reasons.append(
            f"{_name(field, sent.index)} has {len(value)} characters; at most {MAX_VALUE} are read"
        )
        return value[:MAX_VALUE]
    return value


def _item(sent: _Sent, reasons: list[str]) -> Item | None:
    """One line judged: every problem it has goes to ``reasons``, named by its field."""
    before = len(reasons)
    at = sent.index
    for field in HIERARCHY:
        if sent.values.get(field, "").strip():
            reasons.append(
                f"{_name(field, at)}: item hierarchies (OCI 5.0) are not read here; "
                "send the lines without an outline"
            )
    description = _text(sent, "DESCRIPTION", reasons)
    if not description:
        reasons.append(f"{_name('DESCRIPTION', at)} is missing: every line needs a description")
    vendormat = _text(sent, "VENDORMAT", reasons)
    if not vendormat:
        reasons.append(
            f"{_name('VENDORMAT', at)} is missing: the supplier's part number is what the "
            "order will name"
        )
    quantity = _decimal(sent, "QUANTITY", reasons)
    if quantity is not None and quantity <= 0:
        reasons.append(f"{_name('QUANTITY', at)} {quantity} is not positive")
    unit = _text(sent, "UNIT", reasons)
    if not unit:
        reasons.append(f"{_name('UNIT', at)} is missing")
    elif UNIT_OF_MEASURE.fullmatch(unit) is None:
        reasons.append(
            f"{_name('UNIT', at)} {unit[:20]!r} is not a UN/CEFACT unit code "
            "(2 or 3 letters or digits: EA, PCE, KGM)"
        )
    price = _decimal(sent, "PRICE", reasons)
    if price is not None and price < 0:
        reasons.append(f"{_name('PRICE', at)} {price} is negative")
    price_unit: Decimal | None = Decimal(1)
    if sent.values.get("PRICEUNIT", "").strip():
        price_unit = _decimal(sent, "PRICEUNIT", reasons)
        if price_unit is not None and price_unit <= 0:
            reasons.append(
                f"{_name('PRICEUNIT', at)} {price_unit} is not positive: PRICE is the price "
                "of this many units"
            )
    currency = _text(sent, "CURRENCY", reasons).upper()
    if not currency:
        reasons.append(f"{_name('CURRENCY', at)} is missing")
    elif _CURRENCY.fullmatch(currency) is None:
        reasons.append(f"{_name('CURRENCY', at)} {currency[:20]!r} is not an ISO 4217 code")
    leadtime = None
    days = sent.values.get("LEADTIME", "").strip()
    if days:
        if _DAYS.fullmatch(days) is None:
            reasons.append(f"{_name('LEADTIME', at)} {days[:20]!r} is not a whole number of days")
        else:
            leadtime = int(days)
    longtext = _newlines("".join(sent.longtext))
    if len(longtext) > MAX_LONGTEXT:
        reasons.append(
            f"{longtext_name(at)} has {len(longtext)} characters; at most {MAX_LONGTEXT} are read"
        )
    texts = {field: _text(sent, field, reasons) for field in ("EXT_PRODUCT_ID", "MATGROUP")}
    manufactmat = _text(sent, "MANUFACTMAT", reasons)
    other = tuple((field, value) for field in OTHER if (value := _text(sent, field, reasons)))
    if len(reasons) > before:
        return None
    assert quantity is not None
    assert price is not None
    assert price_unit is not None
    return Item(
        description=description,
        quantity=quantity,
        unit=unit,
        price=price,
        currency=currency,
        vendormat=vendormat,
        price_unit=price_unit,
        ext_product_id=texts["EXT_PRODUCT_ID"],
        matgroup=texts["MATGROUP"],
        manufactmat=manufactmat,
        leadtime=leadtime,
        longtext=longtext,
        other=other,
    )


def _one_currency(items: list[Item], indexes: list[int], reasons: list[str]) -> None:
    for item, index in zip(items, indexes, strict=True):
        if item.currency != items[0].currency:
            reasons.append(
                f"{_name('CURRENCY', index)} is {item.currency} but the first line's is "
                f"{items[0].currency}: a cart has one currency"
            )


def decode(fields: Iterable[tuple[str, str]], max_lines: int) -> Cart:
    """The cart in a posted form, or a 400 listing what is wrong with which field.

    Field names are read in any case; the lines are taken in the order of their
    numbers (which may start at 0 or 1 and skip some), renumbered from 1. A form
    without NEW_ITEM fields is an empty cart: the user came back without one.
    """
    reasons: list[str] = []
    lines, ignored = _collect(fields, max_lines, reasons)
    indexes = sorted(lines)
    judged = [_item(lines[index], reasons) for index in indexes]
    items = [item for item in judged if item is not None]
    if not reasons:
        _one_currency(items, indexes, reasons)
    if reasons:
        shown = "; ".join(reasons[:_MAX_REASONS])
        more = f" (and {len(reasons) - _MAX_REASONS} more)" if len(reasons) > _MAX_REASONS else ""
        raise BadRequest(f"cart refused: {shown}{more}")
    return Cart(tuple(items), tuple(ignored[:_MAX_IGNORED]))


# --- the cart line the cXML builders use ---------------------------------------------------


def from_line(line: Line, currency: str) -> Item:
    """A line of ours as OCI carries it: the short name (or the description) cut to
    DESCRIPTION's 40 characters, the whole description as the long text; the part as
    VENDORMAT, its SupplierPartAuxiliaryID as EXT_PRODUCT_ID, UNSPSC as MATGROUP.
    OCI has no field for the manufacturer's name or the product's URL."""
    return Item(
        description=(line.short_name or line.description)[: LENGTHS["DESCRIPTION"]].strip(),
        quantity=Decimal(line.quantity),
        unit=line.unit_of_measure,
        price=line.unit_price,
        currency=currency,
        vendormat=line.supplier_part_id,
        price_unit=line.price_basis_quantity or Decimal(1),
        ext_product_id=line.supplier_part_auxiliary_id,
        matgroup=line.unspsc,
        manufactmat=line.manufacturer_part_id,
        leadtime=line.lead_time_days,
        longtext=line.description,
    )


def to_line(item: Item) -> Line:
    """The item as the cart line ``from_line`` made it from."""
    return Line(
        quantity=item.quantity,
        supplier_part_id=item.vendormat,
        supplier_part_auxiliary_id=item.ext_product_id,
        description=item.longtext or item.description,
        short_name=item.description,
        unit_price=item.price,
        unit_of_measure=item.unit,
        unspsc=item.matgroup,
        manufacturer_part_id=item.manufactmat,
        manufacturer_name="",
        url="",
        lead_time_days=item.leadtime,
        price_basis_quantity=item.price_unit if item.price_unit != 1 else None,
    )


def cart_message(cart: Cart) -> PunchOutOrderMessage:
    """The cart as a PunchOutOrderMessage: what procurement's one cart reading takes,
    so an OCI cart is checked and stored as a cXML one. No BuyerCookie (OCI has none),
    ``create`` only (OCI reopens nothing), the Total the sum of the lines; the further
    OCI fields become the lines' Extrinsics, by their OCI names."""
    currency = cart.currency
    lines = []
    for number, item in enumerate(cart.items, start=1):
        line = to_line(item)
        detail = item_detail(line, currency)
        extrinsics = tuple(Extrinsic(name=name, value=value) for name, value in item.other)
        lines.append(
            ItemIn(
                quantity=item.quantity,
                line_number=number,
                item_id=item_id(line),
                item_detail=replace(detail, extrinsics=extrinsics),
            )
        )
    total = sum((item.subtotal for item in cart.items), Decimal(0))
    return PunchOutOrderMessage(
        buyer_cookie=BuyerCookie(value=""),
        header=PunchOutOrderMessageHeader(
            operation_allowed="create", total=Total(money=Money(amount=total, currency=currency))
        ),
        items=tuple(lines),
    )


# --- the catalog call ----------------------------------------------------------------------

# What the buyer sends beside the cart's way back; SAP's ITS reads ~OkCode and ~CALLER,
# and a catalog sends them back with the cart (docs/oci.md).
OK_CODE = "ADDI"
CALLER = "CTLG"
TOP = "_top"
VERSIONS = ("4.0", "5.0")
# punchin's own fields (OCI leaves who the user is to the call's extra fields).
USER_EMAIL = "USER_EMAIL"
USER_NAME = "USER_NAME"
_ECHOED = ("~OKCODE", "~CALLER", "~TARGET")
# What the call's fields may hold beside HOOK_URL: an email address's length at most.
_MAX_CALL_VALUE = 254
_MAX_USER_NAME = 200
_READ = frozenset(
    {"HOOK_URL", "USERNAME", "PASSWORD", "OCI_VERSION", "FUNCTION", "RETURNTARGET"}
    | {USER_EMAIL, USER_NAME, *_ECHOED}
)


@dataclass(frozen=True, slots=True)
class CatalogCall:
    """The fields a buyer's browser opens the catalog with."""

    hook_url: str
    username: str = ""
    password: str = ""
    version: str = ""
    target: str = ""
    function: str = ""
    user_email: str = ""
    user_name: str = ""
    # The ~ fields as the buyer sent them, returned with the cart.
    echo: tuple[tuple[str, str], ...] = ()


def call_fields(call: CatalogCall) -> list[tuple[str, str]]:
    """The form a buyer posts to open the catalog: HOOK_URL, the login, OCI_VERSION,
    the ITS fields (~OkCode ADDI, ~TARGET, ~CALLER CTLG) and who the user is."""
    fields = [
        ("HOOK_URL", call.hook_url),
        ("USERNAME", call.username),
        ("PASSWORD", call.password),
        ("OCI_VERSION", call.version or VERSIONS[0]),
        ("~OkCode", OK_CODE),
        ("~TARGET", call.target or TOP),
        ("~CALLER", CALLER),
        (USER_EMAIL, call.user_email),
        (USER_NAME, call.user_name),
    ]
    return [(name, value) for name, value in fields if value]


def hook_url_problem(url: str, *, allow_http: bool) -> str | None:
    """Why ``url`` cannot be where the cart goes: it becomes a form's action on our
    page, so an http(s) URL with a host, https unless plain http is allowed."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname:
        return f"HOOK_URL {url[:60]!r} is not an http or https URL with a host"
    if scheme == "http" and not allow_http:
        return f"HOOK_URL {url[:60]!r} is plain http: the cart can only go back over https"
    if len(url) > MAX_URL:
        return f"HOOK_URL has {len(url)} characters; at most {MAX_URL} are accepted"
    if any(c.isspace() or ord(c) < 32 for c in url):
        return "HOOK_URL contains spaces or control characters"
    return None


def read_call(fields: Iterable[tuple[str, str]], *, allow_http: bool) -> CatalogCall:
    """The catalog call in ``fields`` (names in any case), or a 400 saying what to fix;
    ``FUNCTION`` calls (DETAIL, VALIDATE, SOURCING, BACKGROUND_SEARCH) are 450."""
    found: dict[str, str] = {}
    echo: list[tuple[str, str]] = []
    for raw_name, value in fields:
        name = raw_name.strip().upper()
        if name not in _READ:
            continue
        if name in found:
            raise BadRequest(f"{raw_name.strip()[:40]} was sent twice")
        limit = MAX_URL if name == "HOOK_URL" else _MAX_CALL_VALUE
        if len(value.strip()) > limit:
            raise BadRequest(
                f"{raw_name.strip()} has {len(value.strip())} characters; at most {limit} "
                "are accepted"
            )
        found[name] = value.strip()
        if name in _ECHOED and value.strip():
            echo.append((raw_name.strip(), value.strip()))
    function = found.get("FUNCTION", "")
    if function:
        raise NotImplementedRequest(
            f"FUNCTION={function[:20]} is not offered by this catalog: open it without "
            "FUNCTION to shop"
        )
    hook_url = found.get("HOOK_URL", "")
    if not hook_url:
        raise BadRequest("HOOK_URL is missing: it says where the cart goes back to")
    if (problem := hook_url_problem(hook_url, allow_http=allow_http)) is not None:
        raise BadRequest(problem)
    if len(user_name := found.get(USER_NAME, "")) > _MAX_USER_NAME:
        raise BadRequest(f"{USER_NAME} has {len(user_name)} characters; at most {_MAX_USER_NAME}")
    target = found.get("~TARGET") or found.get("RETURNTARGET") or ""
    if target and _TARGET.fullmatch(target) is None:
        raise BadRequest(f"~TARGET {target[:40]!r} is not a frame name (_top, _parent, ...)")
    return CatalogCall(
        hook_url=hook_url,
        username=found.get("USERNAME", ""),
        password=found.get("PASSWORD", ""),
        version=found.get("OCI_VERSION", "")[:8],
        target=target,
        user_email=found.get(USER_EMAIL, ""),
        user_name=user_name,
        echo=tuple(echo),
    )
