"""Hypothesis strategies for every ``punchin.cxml`` model, derived from the binding plans.

Why derived: a strategy written by hand per class drifts from the models. Here each
field's strategy follows from its binding (attribute, child text, child model, repeated
or not, the codec), so a model is covered the day it is added. What the binding does not
know about the DTD is supplied by small tables below: enumerated and tokenised attribute
values, the minimum occurrences (``Description+``, ``Credential+``) and the few rules that
tie fields together (no ``Header`` beside a ``Response``). ``test_properties`` checks these
tables against the DTDs, so a constrained field added later without an entry fails loudly
instead of silently generating invalid documents.

Models are generated without ``extras``/``extra_attrs``: unknown content is exercised by
injecting it into serialized documents (``test_properties``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any, TypeVar

from hypothesis import strategies as st

from punchin.cxml.binding import STR, XML_LANG, Binding, Element, Kind
from punchin.cxml.common import (
    Accounting,
    AccountingSegment,
    Contact,
    ItemDetail,
    PostalAddress,
    Segment,
)
from punchin.cxml.envelope import (
    MESSAGES,
    REQUESTS,
    RESPONSES,
    Credential,
    Document,
    From,
    Header,
    Message,
    Request,
    Response,
    Sender,
    To,
)
from punchin.cxml.fulfill import (
    ConfirmationHeader,
    ConfirmationItem,
    ConfirmationStatus,
    ConfirmationStatusType,
    ConfirmationType,
    ShipControl,
    ShipNoticeHeader,
)
from punchin.cxml.invoice import (
    InvoiceDetailHeaderIndicator,
    InvoiceDetailItemReference,
    InvoiceDetailLineIndicator,
    InvoiceDetailOrder,
    InvoiceDetailOrderInfo,
    InvoiceDetailRequest,
    InvoiceDetailRequestHeader,
    InvoicePurpose,
)
from punchin.cxml.order import OrderRequest, OrderRequestHeader, OrderRequestType
from punchin.cxml.punchout import (
    ProfileResponse,
    PunchOutOrderMessageHeader,
    PunchOutSetupRequest,
    SupplierOrderInfo,
)
from punchin.cxml.statusupdate import IntegrationMessage, IntegrationStatus
from punchin.cxml.values import (
    AMOUNT,
    DATETIME,
    DECIMAL,
    DECIMAL_BOUND,
    MAX_UINT_DIGITS,
    OPTIONAL_DATETIME,
    PAYLOAD_ID,
    UINT,
)

M = TypeVar("M", bound=Element)

PAYLOADS: tuple[type[Element], ...] = (*REQUESTS, *RESPONSES, *MESSAGES)
"""Every payload the envelope models, in the order ``Request``/``Response``/``Message``."""

# --- values --------------------------------------------------------------------------

# XML 1.0 ``Char``: no C0 controls but tab, newline and carriage return (written
# ``&#13;``), no surrogates, no U+FFFE/U+FFFF.
_XML_ILLEGAL = "".join(chr(c) for c in range(0x20) if chr(c) not in "\t\n\r") + "\ufffe\uffff"
xml_text = st.text(
    st.characters(exclude_categories=("Cs",), exclude_characters=_XML_ILLEGAL), max_size=12
)

# Within the bound every document's numbers are read under (docs/security.md row 24).
_LARGEST = Decimal(10**DECIMAL_BOUND.digits - 1)
decimals = st.integers(min_value=0, max_value=DECIMAL_BOUND.places).flatmap(
    lambda places: st.decimals(
        min_value=-_LARGEST,
        max_value=_LARGEST,
        places=places,
        allow_nan=False,
        allow_infinity=False,
    )
)

# Whole-minute offsets from -12:00 to +14:00 (the range in use), UTC itself included.
offsets = st.one_of(
    st.just(UTC),
    st.integers(min_value=-12 * 60, max_value=14 * 60).map(
        lambda minutes: timezone(timedelta(minutes=minutes))
    ),
)
# Milliseconds at most: what we write (values.dump_datetime), so a round trip keeps them.
aware_datetimes = st.datetimes(
    min_value=datetime(1970, 1, 1), max_value=datetime(2200, 1, 1), timezones=offsets
).map(lambda value: value.replace(microsecond=value.microsecond // 1000 * 1000))

# Codes real documents carry; the DTD types them as CDATA/NMTOKEN-like strings.
LANGUAGES = st.sampled_from(("en", "en-US", "en-GB", "de-DE", "fr-CA", "ja", "pt-BR", "zh-Hans"))
CURRENCIES = st.sampled_from(("USD", "EUR", "CAD", "GBP", "JPY", "CHF", "SEK", "INR"))
COUNTRIES = st.sampled_from(("US", "CA", "DE", "FR", "GB", "JP", "BR", "IN"))
# DTD ``ID``: an XML Name, unique in the document (one per envelope element here).
xml_ids = st.from_regex(r"[A-Za-z_][A-Za-z0-9._-]{0,15}", fullmatch=True)
nmtokens = st.from_regex(r"[A-Za-z0-9._:-]{1,16}", fullmatch=True)

_CODECS: dict[Any, st.SearchStrategy[Any]] = {
    STR: xml_text,
    DECIMAL: decimals,
    AMOUNT: decimals,
    UINT: st.integers(min_value=0, max_value=10**MAX_UINT_DIGITS - 1),
    DATETIME: aware_datetimes,
    OPTIONAL_DATETIME: aware_datetimes,
    PAYLOAD_ID: xml_text.filter(str.strip),  # not blank, at most 255 characters
}

# --- what the DTD says and the binding does not ------------------------------------------

# Attribute values by XML attribute name, wherever the attribute appears.
VOCABULARY: dict[str, st.SearchStrategy[str]] = {
    XML_LANG: LANGUAGES,
    "preferredLang": LANGUAGES,
    "currency": CURRENCIES,
    "alternateCurrency": CURRENCIES,
    "isoCountryCode": COUNTRIES,
}

# Enumerated, ID and NMTOKEN attributes, per (model, field).
VALUES: dict[tuple[type[Element], str], st.SearchStrategy[Any]] = {
    (Document, "signature_version"): st.just("1.0"),
    (Document, "version"): st.sampled_from(("1.2.050", "1.2.053", "1.2.063")),
    (Credential, "type"): st.just("marketplace"),
    (Request, "deployment_mode"): st.sampled_from(("production", "test")),
    (Message, "deployment_mode"): st.sampled_from(("production", "test")),
    (Request, "id"): xml_ids,
    (Response, "id"): xml_ids,
    (Message, "id"): xml_ids,
    (PunchOutSetupRequest, "operation"): st.sampled_from(("create", "inspect", "edit", "source")),
    (PunchOutOrderMessageHeader, "operation_allowed"): st.sampled_from(
        ("create", "inspect", "edit")
    ),
    (PunchOutOrderMessageHeader, "quote_status"): st.sampled_from(("pending", "final")),
    (Contact, "role"): nmtokens,
    (OrderRequestHeader, "type"): st.sampled_from(OrderRequestType),
    (OrderRequestHeader, "order_type"): st.sampled_from(
        ("release", "regular", "blanket", "stockTransport", "stockTransportRelease")
    ),
    (IntegrationMessage, "is_successful"): st.sampled_from(("yes", "no")),
    (IntegrationStatus, "document_status"): st.sampled_from(
        (
            "deliverySuccessful",
            "deliveryDelayed",
            "deliveryFailed",
            "deliveryReady",
            "customerConfirmed",
            "customerReceived",
            "customerFailed",
        )
    ),
    (ConfirmationHeader, "type"): st.sampled_from(ConfirmationType),
    (ConfirmationHeader, "operation"): st.sampled_from(("new", "update")),
    (ConfirmationStatus, "type"): st.sampled_from(ConfirmationStatusType),
    (ShipNoticeHeader, "operation"): st.sampled_from(("new", "update", "delete")),
    (ShipNoticeHeader, "shipment_type"): st.sampled_from(("actual", "planned")),
    (ShipNoticeHeader, "fulfillment_type"): st.sampled_from(("partial", "complete")),
    (InvoiceDetailRequestHeader, "purpose"): st.sampled_from(InvoicePurpose),
    (InvoiceDetailRequestHeader, "operation"): st.sampled_from(("new", "delete")),
    (InvoiceDetailRequestHeader, "invoice_origin"): st.sampled_from(("supplier", "buyer")),
    (InvoiceDetailHeaderIndicator, "is_header_invoice"): st.just("yes"),
    (InvoiceDetailHeaderIndicator, "is_vat_recoverable"): st.just("yes"),
    (InvoiceDetailLineIndicator, "is_tax_in_line"): st.just("yes"),
    (InvoiceDetailLineIndicator, "is_special_handling_in_line"): st.just("yes"),
    (InvoiceDetailLineIndicator, "is_shipping_in_line"): st.just("yes"),
    (InvoiceDetailLineIndicator, "is_discount_in_line"): st.just("yes"),
    (InvoiceDetailLineIndicator, "is_accounting_in_line"): st.just("yes"),
    (InvoiceDetailHeaderIndicator, "is_price_based_line_level_credit_memo"): st.just("yes"),
    (InvoiceDetailRequestHeader, "is_information_only"): st.just("yes"),
}

# ``+`` in the content model, and DTD-required children the model leaves optional (so it
# can keep an unknown payload in ``extras``): the least number of values to generate.
MIN_OCCURS: dict[tuple[type[Element], str], int] = {
    (From, "credentials"): 1,
    (To, "credentials"): 1,
    (Sender, "credentials"): 1,
    (PostalAddress, "street"): 1,
    (ItemDetail, "descriptions"): 1,
    (ItemDetail, "classifications"): 1,
    (ProfileResponse, "transactions"): 1,
    (OrderRequest, "items"): 1,
    (ConfirmationItem, "statuses"): 1,
    (ShipControl, "carrier_identifiers"): 1,
    (ShipControl, "shipment_identifiers"): 1,
    # (InvoiceDetailOrder+ | InvoiceDetailHeaderOrder+): see _one_invoice_form.
    (InvoiceDetailRequest, "orders"): 1,
    (InvoiceDetailOrder, "items"): 1,
    (Request, "payload"): 1,
    (Message, "payload"): 1,
    # Not the DTD: a Document without a version is written under the default DOCTYPE and
    # reads back with that version (the attribute's DTD default); see test_properties.
    (Document, "version"): 1,
}

# ``(A | (B?, C?))?`` split over several optional fields: the fields of at most one
# alternative are set, the others are None.
EXCLUSIVE: dict[type[Element], tuple[tuple[str, ...], ...]] = {
    # Credential (Identity, (SharedSecret | DigitalSignature | CredentialMac)?)
    Credential: (("shared_secret",), ("credential_mac",)),
    # ConfirmationStatus (UnitOfMeasure, (ItemIn | (UnitPrice?, Tax?, Shipping?)), ...)
    ConfirmationStatus: (("item_in",), ("unit_price", "tax", "shipping")),
    # InvoiceDetailOrderInfo ((OrderReference, ...) | (OrderIDInfo, ...) | SupplierOrderInfo)
    InvoiceDetailOrderInfo: (("order_reference",), ("order_id_info",)),
}

# ``(A, B)?`` split over optional fields: all of them are set, or none.
TOGETHER: dict[type[Element], tuple[tuple[str, ...], ...]] = {
    InvoiceDetailItemReference: (("manufacturer_part_id", "manufacturer_name"),),
}


def _accounting_segments() -> st.SearchStrategy[tuple[Element, ...]]:
    """``Accounting (Segment+ | AccountingSegment+)``: one kind, never mixed."""
    return st.one_of(
        st.lists(models(Segment), min_size=1, max_size=2),
        st.lists(models(AccountingSegment), min_size=1, max_size=2),
    ).map(tuple)


# Whole-field strategies for choices the binding flattens.
FIELDS: dict[tuple[type[Element], str], Callable[[], st.SearchStrategy[Any]]] = {
    (Accounting, "segments"): _accounting_segments,
    # ``cXML ((Header, (Message | Request)) | Response)``: set by ``_with_header``.
    (Document, "header"): st.none,
}

MAX_REPEATS = 2

# --- derivation ----------------------------------------------------------------------

_cache: dict[type[Element], st.SearchStrategy[Any]] = {}


def models(cls: type[M]) -> st.SearchStrategy[M]:
    """DTD-valid instances of the model class ``cls`` (and of every model below it)."""
    found = _cache.get(cls)
    if found is None:
        found = _cache[cls] = st.deferred(lambda: _derive(cls))
    return found


def documents(payload: type[Element]) -> st.SearchStrategy[Document]:
    """Whole ``cXML`` documents that carry a ``payload`` (one of PAYLOADS)."""
    envelope = Request if payload in REQUESTS else Response if payload in RESPONSES else Message
    body = st.tuples(models(envelope), models(payload)).map(
        lambda pair: dataclasses.replace(pair[0], payload=pair[1])
    )
    return _derive(Document, body=body)


def _with_header(document: Document) -> st.SearchStrategy[Document]:
    """``cXML ((Header, (Message | Request)) | Response)``."""
    if isinstance(document.body, Response):
        return st.just(document)
    return models(Header).map(lambda header: dataclasses.replace(document, header=header))


def _some_order(info: InvoiceDetailOrderInfo) -> st.SearchStrategy[InvoiceDetailOrderInfo]:
    """InvoiceDetailOrderInfo's choice is required: one of its alternatives is there."""
    if info.order_reference or info.order_id_info or info.supplier_order_info:
        return st.just(info)
    return models(SupplierOrderInfo).map(
        lambda order: dataclasses.replace(info, supplier_order_info=order)
    )


def _one_invoice_form(request: InvoiceDetailRequest) -> st.SearchStrategy[InvoiceDetailRequest]:
    """``(InvoiceDetailOrder+ | InvoiceDetailHeaderOrder+)``: lines or header orders."""
    if not request.header_orders:
        return st.just(request)
    return st.sampled_from(
        (
            dataclasses.replace(request, header_orders=()),
            dataclasses.replace(request, orders=()),
        )
    )


# Rules that tie fields together, applied to each built instance.
COMPLETIONS: dict[type[Element], Callable[[Any], st.SearchStrategy[Any]]] = {
    Document: _with_header,
    InvoiceDetailOrderInfo: _some_order,
    InvoiceDetailRequest: _one_invoice_form,
}


def _derive(cls: type[M], **fixed: st.SearchStrategy[Any]) -> st.SearchStrategy[M]:
    plan = cls.__plan__
    bound = {b.field for b in plan.fields}
    unbound = {f.name for f in dataclasses.fields(cls)} - bound - {"extras", "extra_attrs"}
    if unbound:
        raise TypeError(f"{cls.__name__} has fields with no XML binding: {sorted(unbound)}")
    # A field may be absent (None) only where the model says so by defaulting to None;
    # fields that go together are drawn present and dropped together.
    together = TOGETHER.get(cls, ())
    paired = {name for group in together for name in group}
    optional = {f.name for f in dataclasses.fields(cls) if f.default is None} - paired
    kwargs = {
        b.field: fixed[b.field] if b.field in fixed else _field(cls, b, b.field in optional)
        for b in plan.fields
    }
    alternatives = EXCLUSIVE.get(cls, ())
    built = st.builds(
        _assemble,
        st.just(cls),
        st.fixed_dictionaries(kwargs),
        st.sampled_from(((), *alternatives)),
        st.tuples(*(st.booleans() for _ in together)),
    )
    complete = COMPLETIONS.get(cls)
    return built if complete is None else built.flatmap(complete)


def _assemble(
    cls: type[M], values: dict[str, Any], kept: tuple[str, ...], present: tuple[bool, ...]
) -> M:
    """``cls`` from drawn ``values``, keeping of its EXCLUSIVE alternatives only ``kept``
    and of its TOGETHER groups only those ``present``."""
    dropped = {name for alternative in EXCLUSIVE.get(cls, ()) for name in alternative}
    dropped -= set(kept)
    for group, keep in zip(TOGETHER.get(cls, ()), present, strict=True):
        if not keep:
            dropped.update(group)
    return cls(**{name: None if name in dropped else value for name, value in values.items()})


def _field(cls: type[Element], b: Binding, optional: bool) -> st.SearchStrategy[Any]:
    whole = FIELDS.get((cls, b.field))
    if whole is not None:
        return whole()
    if b.kind in (Kind.ONE, Kind.MANY):
        value: st.SearchStrategy[Any] = st.one_of(*(models(c) for c in b.classes))
    else:
        value = _value(cls, b)
    least = MIN_OCCURS.get((cls, b.field), 0)
    if b.kind in (Kind.MANY, Kind.TEXTS):
        return st.lists(value, min_size=least, max_size=max(least, MAX_REPEATS)).map(tuple)
    return st.none() | value if optional and not least else value


def _value(cls: type[Element], b: Binding) -> st.SearchStrategy[Any]:
    """One attribute or text value: the tables first, else the codec's strategy."""
    if (cls, b.field) in VALUES:
        return VALUES[cls, b.field]
    if b.kind is Kind.ATTR and b.name in VOCABULARY:
        return VOCABULARY[b.name]
    try:
        return _CODECS[b.codec]
    except KeyError:
        raise TypeError(
            f"{cls.__name__}.{b.field} uses a codec with no strategy: add it to "
            "strategies._CODECS or VALUES"
        ) from None
