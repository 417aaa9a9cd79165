"""Every payload type: built from the models, DTD-valid, round-tripping; the examples read
into the right fields; a missing required part is a 400 that names it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import fields, replace
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pytest
from lxml import etree

from punchin.cxml import Document, parse, serialize
from punchin.cxml.binding import Element
from punchin.cxml.common import DocumentReference, OrderReference, Status
from punchin.cxml.document import DEFAULT_VERSION, dtd_file
from punchin.cxml.envelope import MESSAGES, REQUESTS, RESPONSES
from punchin.cxml.errors import BadRequest
from punchin.cxml.fulfill import (
    ConfirmationRequest,
    ConfirmationStatus,
    ConfirmationType,
    ShipNoticeRequest,
)
from punchin.cxml.invoice import InvoicePurpose
from punchin.cxml.order import OrderRequest, OrderRequestType
from punchin.cxml.statusupdate import (
    IntegrationMessage,
    IntegrationStatus,
    StatusUpdateRequest,
)
from punchin.cxml.validate import validate
from tests.cxml import builders

EXAMPLES = Path(__file__).resolve().parents[3] / "shared" / "cxml" / "examples"

DTD_FILES = {
    "ConfirmationRequest": "Fulfill.dtd",
    "ShipNoticeRequest": "Fulfill.dtd",
    "InvoiceDetailRequest": "InvoiceDetail.dtd",
}


def payload_of(document: Document) -> object:
    return document.body.payload


def example(name: str) -> Document:
    return parse((EXAMPLES / name).read_bytes())


def unknown_parts(value: object) -> Iterator[str]:
    """The tags and attribute names the models did not understand, anywhere in ``value``."""
    if isinstance(value, tuple):
        for item in value:
            yield from unknown_parts(item)
    elif isinstance(value, Element):
        yield from (raw.tag for raw in value.extras)
        yield from (name for name, _ in value.extra_attrs)
        for field in fields(value):
            if field.name not in ("extras", "extra_attrs"):
                yield from unknown_parts(getattr(value, field.name))


# --- built documents -----------------------------------------------------------------


def test_every_modelled_payload_has_a_builder() -> None:
    modelled = {cls.__plan__.tag for cls in (*REQUESTS, *RESPONSES, *MESSAGES)}
    assert modelled == set(builders.DOCUMENTS)


@pytest.mark.parametrize("tag", sorted(builders.DOCUMENTS))
def test_built_document_is_valid_against_the_dtd_it_declares(tag: str, dtd_dir: Path) -> None:
    document = builders.DOCUMENTS[tag]()
    data = serialize(document)
    expected_dtd = DTD_FILES.get(tag, "cXML.dtd")
    assert f"/{DEFAULT_VERSION}/{expected_dtd}".encode() in data.split(b"\n", 2)[1]
    assert dtd_file(document) == expected_dtd
    assert validate(data, dtd_dir) == []


@pytest.mark.parametrize("tag", sorted(builders.DOCUMENTS))
def test_built_document_round_trips(tag: str) -> None:
    document = builders.DOCUMENTS[tag]()
    parsed = parse(serialize(document))
    assert type(payload_of(parsed)).__name__ == tag
    assert parsed == document


def test_order_update_references_the_previous_order(dtd_dir: Path) -> None:
    order = builders.order_request(
        type=OrderRequestType.UPDATE,
        version=Decimal(2),
        previous_payload_id=builders.ORDER_PAYLOAD_ID,
    )
    data = serialize(builders.order_document(order))
    assert validate(data, dtd_dir) == []
    header = payload_of(parse(data)).header  # type: ignore[attr-defined]
    assert header.type == "update"
    assert header.order_version == Decimal(2)
    assert header.document_reference == DocumentReference(payload_id=builders.ORDER_PAYLOAD_ID)


def test_order_reference_points_at_the_order_document() -> None:
    order = builders.order_request(order_id="PO-77")
    assert order.reference("p@buyer") == OrderReference(
        order_id="PO-77",
        order_date=builders.ORDERED_AT,
        document_reference=DocumentReference(payload_id="p@buyer"),
    )


def test_dtd_defaults_are_the_field_defaults() -> None:
    """An OrderRequestHeader without ``type`` is a new, regular order (DTD defaults)."""
    data = serialize(builders.order_document())
    stripped = data.replace(b' type="new"', b"").replace(b' orderType="regular"', b"")
    assert stripped != data
    header = payload_of(parse(stripped)).header  # type: ignore[attr-defined]
    assert (header.type, header.order_type) == (OrderRequestType.NEW, "regular")


def test_confirmation_replacing_an_item_carries_item_in(dtd_dir: Path) -> None:
    confirmation = builders.confirmation_request()
    replaced = ConfirmationStatus(
        quantity=Decimal(2),
        type="detail",
        unit_of_measure="BX",
        item_in=builders.item_in(1),
    )
    first = replace(confirmation.items[0], statuses=(replaced,))
    document = builders.request_document(
        replace(
            confirmation,
            header=replace(confirmation.header, type=ConfirmationType.REPLACE),
            items=(first,),
        )
    )
    data = serialize(document)
    assert validate(data, dtd_dir) == []
    assert parse(data) == document


def test_status_update_with_integration_status(dtd_dir: Path) -> None:
    update = replace(
        builders.status_update_request(),
        specific_status=IntegrationStatus(
            document_status="deliveryFailed",
            integration_message=IntegrationMessage(
                is_successful="no", type="MDN", text="Mailbox full"
            ),
        ),
    )
    document = builders.request_document(update)
    data = serialize(document)
    assert validate(data, dtd_dir) == []
    assert parse(data) == document


def test_credit_memo_is_valid(dtd_dir: Path) -> None:
    invoice = builders.invoice_detail_request()
    memo = replace(
        invoice, header=replace(invoice.header, purpose=InvoicePurpose.LINE_LEVEL_CREDIT_MEMO)
    )
    data = serialize(builders.request_document(memo))
    assert b'purpose="lineLevelCreditMemo"' in data
    assert validate(data, dtd_dir) == []


def test_invoice_lines_add_up_to_the_summary() -> None:
    """The builder's arithmetic, which the Django apps' tests will lean on."""
    invoice = builders.invoice_detail_request()
    lines = invoice.orders[0].items
    assert [line.item_reference.line_number for line in lines] == [1, 2]
    assert lines[1].subtotal_amount is not None
    assert lines[1].subtotal_amount.money.amount == Decimal("3.30")  # 1.5 m at 2.20
    total = sum(line.net_amount.money.amount for line in lines if line.net_amount)
    assert invoice.summary.net_amount.money.amount == total == Decimal("13.39")


# --- the examples --------------------------------------------------------------------


def test_coupa_order_request_example() -> None:
    document = example("order_request_coupa_2_lines.xml")
    order = payload_of(document)
    assert isinstance(order, OrderRequest)
    header = order.header
    assert header.order_id == "3309"
    assert header.order_date == datetime(
        2020, 3, 31, 21, 39, 22, tzinfo=timezone(timedelta(hours=1))
    )
    assert header.type == OrderRequestType.NEW
    assert header.total.money.amount == Decimal("91.71")
    assert header.bill_to.address.postal_address is not None
    assert header.bill_to.address.postal_address.deliver_to == ("Venkat Gunneri",)
    assert header.contacts[0].role == "endUser"
    assert [(e.name, e.value) for e in header.extrinsics] == [("legacy_po", "")]
    assert [(i.line_number, i.quantity) for i in order.items] == [
        (1, Decimal(1)),
        (2, Decimal(9)),
    ]
    second = order.items[1]
    assert second.item_id.supplier_part_auxiliary_id is not None
    assert second.item_id.supplier_part_auxiliary_id.value == "product-requisition:6235"
    assert second.distributions[0].charge.money.amount == Decimal("83.61")
    assert second.distributions[0].accounting.segments[1].id == "c50"


def test_status_update_request_example() -> None:
    update = payload_of(example("status_update_request.xml"))
    assert isinstance(update, StatusUpdateRequest)
    assert update.document_reference == DocumentReference(payload_id="0c300508b7863dcclb_14999")
    assert update.status == Status(
        code=200, text="OK", lang="en-US", detail="Forwarded to supplier"
    )
    assert update.specific_status is None


def test_amazon_confirmation_request_example() -> None:
    confirmation = payload_of(example("confirmation_request_amazon_2014.xml"))
    assert isinstance(confirmation, ConfirmationRequest)
    header = confirmation.header
    assert (header.confirm_id, header.operation, header.type) == (
        "105-5528563-5618617",
        "new",
        ConfirmationType.DETAIL,
    )
    assert header.total is not None
    assert header.total.money.amount == Decimal("137.18")
    assert header.tax is not None
    assert header.tax.money.amount == Decimal("8.60")
    assert confirmation.order_reference.order_id == "E010653511913xxx"
    assert confirmation.order_reference.document_reference.payload_id == (
        "1394567848065.10310490xx.OrderRequest@xx.org"
    )
    assert [(i.line_number, i.quantity) for i in confirmation.items] == [
        (1, Decimal(2)),
        (13, Decimal(2)),
        (14, Decimal(2)),
        (15, Decimal(2)),
    ]
    status = confirmation.items[2].statuses[0]
    assert (status.quantity, status.type, status.unit_of_measure) == (Decimal(2), "detail", "EA")
    assert status.unit_price is not None
    assert status.unit_price.money.amount == Decimal("2.96")
    assert status.comments[0].type == "confirmID"
    assert status.comments[0].text == "105-5528563-5618617"


def test_ship_notice_request_example() -> None:
    notice = payload_of(example("ship_notice_request.xml"))
    assert isinstance(notice, ShipNoticeRequest)
    assert notice.header.shipment_id == "S2-123"
    assert notice.header.operation == "new"  # the DTD default
    assert notice.header.delivery_date == datetime(
        2000, 10, 18, 9, 0, tzinfo=timezone(timedelta(hours=-8))
    )
    control = notice.ship_controls[0]
    assert [(c.domain, c.value) for c in control.carrier_identifiers] == [
        ("SCAC", "FDE"),
        ("companyName", "Federal Express"),
    ]
    assert [s.value for s in control.shipment_identifiers] == ["8202 8261 1194"]
    portion = notice.portions[0]
    assert portion.order_reference.order_id == "DO1234"
    assert portion.order_reference.order_date is None
    assert portion.items == ()  # the whole order shipped


def test_amazon_ship_notice_request_example() -> None:
    notice = payload_of(example("ship_notice_request_amazon_2014.xml"))
    assert isinstance(notice, ShipNoticeRequest)
    assert (notice.header.shipment_id, notice.header.shipment_type) == ("2199947375124", "actual")
    control = notice.ship_controls[0]
    assert control.shipment_identifiers[0].value == "1Z1Y2E270339295041"
    assert control.carrier_identifiers[0].value == ""  # Amazon leaves the name empty
    assert control.package_identification is not None
    assert (
        control.package_identification.range_begin,
        control.package_identification.range_end,
    ) == (1, 1)
    items = notice.portions[0].items
    assert len(items) == 15
    assert sorted(i.line_number for i in items) == list(range(1, 16))
    assert {(i.quantity, i.unit_of_measure) for i in items} == {(Decimal(2), "EA")}


@pytest.mark.parametrize(
    "name",
    [
        "order_request_coupa_2_lines.xml",
        "status_update_request.xml",
        "confirmation_request_amazon_2014.xml",
        "ship_notice_request.xml",
        "ship_notice_request_amazon_2014.xml",
    ],
)
def test_example_is_fully_modelled_and_rewrites_valid(name: str, dtd_dir: Path) -> None:
    """Nothing of these examples falls into ``extras``; written back, they stay valid."""
    document = example(name)
    assert list(unknown_parts(document)) == []
    data = serialize(document)
    assert validate(data, dtd_dir) == []
    assert parse(data) == document


# --- missing required parts ----------------------------------------------------------


def _without(document: Document, xpath: str) -> bytes:
    """The serialized document with the first node at ``xpath`` removed."""
    root = etree.fromstring(serialize(document))
    node = root.xpath(xpath)[0]
    parent = node.getparent()
    assert parent is not None
    if isinstance(node, etree._Element):
        parent.remove(node)
    else:  # an attribute
        del parent.attrib[node.attrname]
    return etree.tostring(root)


@pytest.mark.parametrize(
    ("tag", "xpath", "named"),
    [
        ("OrderRequest", "//OrderRequestHeader/BillTo", "element BillTo"),
        ("OrderRequest", "//OrderRequestHeader/Total", "element Total"),
        ("OrderRequest", "//OrderRequestHeader/@orderID", "attribute orderID"),
        ("OrderRequest", "//ItemOut/@quantity", "attribute quantity"),
        ("StatusUpdateRequest", "//StatusUpdateRequest/Status", "element Status"),
        ("StatusUpdateRequest", "//DocumentStatus/@type", "attribute type"),
        ("ConfirmationRequest", "//ConfirmationRequest/OrderReference", "element OrderReference"),
        ("ConfirmationRequest", "//ConfirmationHeader/@noticeDate", "attribute noticeDate"),
        ("ConfirmationRequest", "//ConfirmationStatus/UnitOfMeasure", "element UnitOfMeasure"),
        ("ShipNoticeRequest", "//ShipNoticeHeader", "element ShipNoticeHeader"),
        ("ShipNoticeRequest", "//ShipNoticeItem/@lineNumber", "attribute lineNumber"),
        ("ShipNoticeRequest", "//ShipControl/CarrierIdentifier/@domain", "attribute domain"),
        ("InvoiceDetailRequest", "//InvoiceDetailSummary", "element InvoiceDetailSummary"),
        ("InvoiceDetailRequest", "//InvoiceDetailSummary/NetAmount", "element NetAmount"),
        (
            "InvoiceDetailRequest",
            "//InvoiceDetailItem/InvoiceDetailItemReference",
            "element InvoiceDetailItemReference",
        ),
        (
            "InvoiceDetailRequest",
            "//InvoiceDetailRequestHeader/InvoiceDetailLineIndicator",
            "element InvoiceDetailLineIndicator",
        ),
        ("InvoiceDetailRequest", "//TaxDetail/TaxAmount", "element TaxAmount"),
    ],
)
def test_missing_required_part_is_a_bad_request_naming_it(tag: str, xpath: str, named: str) -> None:
    data = _without(builders.DOCUMENTS[tag](), xpath)
    with pytest.raises(BadRequest) as caught:
        parse(data)
    assert caught.value.code == 400
    assert named in str(caught.value)
