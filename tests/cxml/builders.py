"""Builders of realistic cXML documents, for this package's tests and the applications'.

Every builder returns a complete, DTD-valid document or model built only from the
``punchin.cxml`` models, never from XML text, so a test shows what building takes.
The story is one purchase: the buyer ("Acme Corp", AN01000000001) orders two lines
from the supplier ("Papeterie SA", AN02000000002), who confirms, ships and invoices.
Keyword arguments override what a test cares about; the rest stays realistic.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from decimal import Decimal

from punchin.cxml.common import (
    URL,
    Accounting,
    Address,
    BillTo,
    Charge,
    Classification,
    Comments,
    Contact,
    Country,
    Description,
    Distribution,
    DocumentReference,
    Email,
    Extrinsic,
    IdReference,
    ItemDetail,
    ItemID,
    Money,
    Name,
    PostalAddress,
    Segment,
    Shipping,
    ShipTo,
    Status,
    Tax,
    TaxableAmount,
    TaxAmount,
    TaxDetail,
    Total,
    UnitPrice,
)
from punchin.cxml.document import DEFAULT_VERSION
from punchin.cxml.envelope import (
    Credential,
    Document,
    From,
    Header,
    Identity,
    Message,
    Request,
    RequestPayload,
    Response,
    Sender,
    SharedSecret,
    To,
)
from punchin.cxml.fulfill import (
    CarrierIdentifier,
    ConfirmationHeader,
    ConfirmationItem,
    ConfirmationRequest,
    ConfirmationStatus,
    ConfirmationStatusType,
    ConfirmationType,
    PackageIdentification,
    ShipControl,
    ShipmentIdentifier,
    ShipNoticeHeader,
    ShipNoticeItem,
    ShipNoticePortion,
    ShipNoticeRequest,
)
from punchin.cxml.invoice import (
    DueAmount,
    GrossAmount,
    InvoiceDetailHeaderIndicator,
    InvoiceDetailItem,
    InvoiceDetailItemReference,
    InvoiceDetailLineIndicator,
    InvoiceDetailOrder,
    InvoiceDetailOrderInfo,
    InvoiceDetailPaymentTerm,
    InvoiceDetailRequest,
    InvoiceDetailRequestHeader,
    InvoiceDetailSummary,
    InvoicePartner,
    NetAmount,
    ShippingAmount,
    SubtotalAmount,
)
from punchin.cxml.order import OrderRequest, OrderRequestHeader, OrderRequestType
from punchin.cxml.punchout import (
    BrowserFormPost,
    BuyerCookie,
    ItemIn,
    ItemOut,
    Option,
    ProfileRequest,
    ProfileResponse,
    PunchOutOrderMessage,
    PunchOutOrderMessageHeader,
    PunchOutSetupRequest,
    PunchOutSetupResponse,
    StartPage,
    SupplierOrderInfo,
    Transaction,
)
from punchin.cxml.statusupdate import DocumentStatus, StatusUpdateRequest

BUYER = "AN01000000001"
SUPPLIER = "AN02000000002"
SHARED_SECRET = "abracadabra"
CURRENCY = "USD"
CENT = Decimal("0.01")
TAX_RATE = Decimal("8.875")  # percent, New York City sales tax
EST = timezone(timedelta(hours=-5))
ORDERED_AT = datetime(2024, 5, 6, 9, 30, tzinfo=EST)
ORDER_PAYLOAD_ID = "1714995000.4242.9137@buyer.example"


# --- small values --------------------------------------------------------------------


def money(amount: str | Decimal, currency: str = CURRENCY) -> Money:
    return Money(amount=Decimal(amount), currency=currency)


def description(text: str, lang: str = "en-US") -> Description:
    return Description(text=text, lang=lang)


def tax(amount: Decimal, taxable: Decimal | None = None) -> Tax:
    """A sales tax total; with ``taxable``, also the TaxDetail an invoice needs."""
    details: tuple[TaxDetail, ...] = ()
    if taxable is not None:
        details = (
            TaxDetail(
                category="sales",
                percentage_rate=TAX_RATE,
                taxable_amount=TaxableAmount(money=money(taxable)),
                tax_amount=TaxAmount(money=money(amount)),
                description=description("NYC sales tax"),
            ),
        )
    return Tax(money=money(amount), description=description("Sales tax"), details=details)


def shipping(amount: str = "0.00") -> Shipping:
    return Shipping(money=money(amount), description=description("Ground, 3 business days"))


def address(name: str = "Acme Corp, Receiving", address_id: str = "NY-01") -> Address:
    return Address(
        name=Name(value=name, lang="en"),
        address_id=address_id,
        postal_address=PostalAddress(
            deliver_to=("Jane Buyer", "Dock 4"),
            street=("350 Fifth Avenue",),
            city="New York",
            state="NY",
            postal_code="10118",
            country=Country(value="United States", iso_country_code="US"),
        ),
        email=Email(value="receiving@acme.example"),
    )


def contact(role: str = "endUser", name: str = "Jane Buyer") -> Contact:
    return Contact(
        role=role,
        name=Name(value=name, lang="en"),
        emails=(Email(value="jane.buyer@acme.example"),),
    )


# --- the envelope --------------------------------------------------------------------


def credential(identity: str, secret: str | None = None, domain: str = "NetworkID") -> Credential:
    return Credential(
        domain=domain,
        identity=Identity(value=identity),
        shared_secret=SharedSecret(value=secret) if secret is not None else None,
    )


def header(
    from_: str = BUYER,
    to: str = SUPPLIER,
    *,
    secret: str | None = SHARED_SECRET,
    user_agent: str = "punchin tests 1.0",
) -> Header:
    """``From`` is also the ``Sender``, which carries the SharedSecret (docs/protocol.md S1.2)."""
    return Header(
        from_=From(credentials=(credential(from_),)),
        to=To(credentials=(credential(to),)),
        sender=Sender(credentials=(credential(from_, secret),), user_agent=user_agent),
    )


def request_document(
    payload: RequestPayload,
    *,
    payload_id: str = "1714995000.4242.1@punchin.test",
    from_: str = BUYER,
    to: str = SUPPLIER,
    version: str = DEFAULT_VERSION,
) -> Document:
    return Document(
        payload_id=payload_id,
        timestamp=ORDERED_AT,
        lang="en-US",
        version=version,
        header=header(from_, to),
        body=Request(payload=payload),
    )


def response_document(
    payload: ProfileResponse | PunchOutSetupResponse | None = None,
    *,
    status: Status | None = None,
    payload_id: str = "1714995001.4242.2@punchin.test",
) -> Document:
    return Document(
        payload_id=payload_id,
        timestamp=ORDERED_AT,
        lang="en-US",
        version=DEFAULT_VERSION,
        body=Response(status=status or Status(code=200, text="OK"), payload=payload),
    )


def message_document(
    payload: PunchOutOrderMessage, *, payload_id: str = "1714995002.4242.3@punchin.test"
) -> Document:
    """A browser-carried Message: no SharedSecret in it (docs/protocol.md S6)."""
    return Document(
        payload_id=payload_id,
        timestamp=ORDERED_AT,
        lang="en-US",
        version=DEFAULT_VERSION,
        header=header(SUPPLIER, BUYER, secret=None),
        body=Message(payload=payload),
    )


# --- catalogue lines -----------------------------------------------------------------

# (supplier part, description, unit of measure, unit price, quantity, UNSPSC)
LINES = (
    ("PEN-BLK-12", "Gel pens, black, box of 12", "BX", Decimal("4.50"), Decimal(2), "44121704"),
    (
        "CAB-CAT6",
        "Cat 6 patch cable, by the metre",
        "MTR",
        Decimal("2.20"),
        Decimal("1.5"),
        "26121609",
    ),
)


def item_detail(line: int) -> ItemDetail:
    _, text, uom, price, _, unspsc = LINES[line - 1]
    return ItemDetail(
        unit_price=UnitPrice(money=money(price)),
        descriptions=(description(text),),
        unit_of_measure=uom,
        classifications=(Classification(value=unspsc, domain="UNSPSC"),),
        extrinsics=(Extrinsic(name="LineType", value="Quantity"),),
    )


def item_id(line: int) -> ItemID:
    return ItemID(supplier_part_id=LINES[line - 1][0])


def line_amount(line: int) -> Decimal:
    _, _, _, price, quantity, _ = LINES[line - 1]
    return (price * quantity).quantize(CENT)


def item_in(line: int) -> ItemIn:
    return ItemIn(
        quantity=LINES[line - 1][4],
        line_number=line,
        item_id=item_id(line),
        item_detail=item_detail(line),
    )


def item_out(line: int) -> ItemOut:
    return ItemOut(
        quantity=LINES[line - 1][4],
        line_number=line,
        requested_delivery_date=ORDERED_AT + timedelta(days=3),
        item_id=item_id(line),
        item_detail=item_detail(line),
        distributions=(
            Distribution(
                accounting=Accounting(
                    name="Office supplies",
                    segments=(
                        Segment(type="Cost Center", id="CC-4100", description="Facilities"),
                        Segment(type="GL Account", id="6100", description="Supplies"),
                    ),
                ),
                charge=Charge(money=money(line_amount(line))),
            ),
        ),
    )


def cart_total() -> Decimal:
    return sum((line_amount(n) for n in range(1, len(LINES) + 1)), Decimal(0))


def cart_tax() -> Decimal:
    return (cart_total() * TAX_RATE / 100).quantize(CENT)


# --- PunchOut and profile payloads ---------------------------------------------------


def profile_request() -> ProfileRequest:
    return ProfileRequest()


def profile_response() -> ProfileResponse:
    return ProfileResponse(
        effective_date=ORDERED_AT,
        options=(Option(name="Locale", value="en-US"),),
        transactions=(
            Transaction(
                request_name="PunchOutSetupRequest",
                url=URL(value="https://supplier.example/cxml/punchout"),
                options=(Option(name="operationAllowed", value="create"),),
            ),
            Transaction(
                request_name="OrderRequest", url=URL(value="https://supplier.example/cxml/order")
            ),
        ),
    )


def punchout_setup_request(operation: str = "create") -> PunchOutSetupRequest:
    return PunchOutSetupRequest(
        operation=operation,
        buyer_cookie=BuyerCookie(value="c0ffee-3c1d-4e5b"),
        extrinsics=(Extrinsic(name="UserEmail", value="jane.buyer@acme.example"),),
        browser_form_post=BrowserFormPost(url=URL(value="https://buyer.example/punchout/return")),
        contacts=(contact(),),
        ship_to=ShipTo(address=address()),
        items=(item_out(1),) if operation == "edit" else (),
    )


def punchout_setup_response() -> PunchOutSetupResponse:
    return PunchOutSetupResponse(
        start_page=StartPage(url=URL(value="https://supplier.example/punchout/start?sid=8f2a"))
    )


def punchout_order_message() -> PunchOutOrderMessage:
    return PunchOutOrderMessage(
        buyer_cookie=BuyerCookie(value="c0ffee-3c1d-4e5b"),
        header=PunchOutOrderMessageHeader(
            operation_allowed="edit",
            total=Total(money=money(cart_total())),
            shipping=shipping(),
            tax=tax(cart_tax()),
        ),
        items=(item_in(1), item_in(2)),
    )


# --- the order and what follows it ---------------------------------------------------


def order_request(
    *,
    order_id: str = "PO-2024-0042",
    type: str = OrderRequestType.NEW,
    previous_payload_id: str | None = None,
    version: Decimal | None = None,
) -> OrderRequest:
    """An order for both LINES; an ``update``/``delete`` points at ``previous_payload_id``."""
    return OrderRequest(
        header=OrderRequestHeader(
            order_id=order_id,
            order_date=ORDERED_AT,
            type=type,
            order_version=version,
            requisition_id="REQ-7731",
            total=Total(money=money(cart_total() + cart_tax())),
            ship_to=ShipTo(address=address()),
            bill_to=BillTo(address=address("Acme Corp, Accounts Payable", "NY-AP")),
            shipping=shipping(),
            tax=tax(cart_tax()),
            contacts=(contact(),),
            comments=(Comments(text="Please deliver before noon.", lang="en-US"),),
            document_reference=(
                DocumentReference(payload_id=previous_payload_id) if previous_payload_id else None
            ),
            extrinsics=(Extrinsic(name="CostCenter", value="CC-4100"),),
        ),
        items=(item_out(1), item_out(2)),
    )


def order_document(order: OrderRequest | None = None) -> Document:
    """The order as the buyer sends it, with payloadID ``ORDER_PAYLOAD_ID``."""
    return request_document(order or order_request(), payload_id=ORDER_PAYLOAD_ID)


def status_update_request(
    status: Status | None = None, document_status: str = "approved"
) -> StatusUpdateRequest:
    return StatusUpdateRequest(
        document_reference=DocumentReference(payload_id=ORDER_PAYLOAD_ID),
        status=status or Status(code=200, text="OK", detail="Requisition approved", lang="en-US"),
        specific_status=DocumentStatus(
            type=document_status, comments=(Comments(text="Approved by J. Manager", lang="en"),)
        ),
        extrinsics=(Extrinsic(name="RequisitionID", value="REQ-7731"),),
    )


def confirmation_request(order: OrderRequest | None = None) -> ConfirmationRequest:
    """Line 1 accepted in full; line 2 part accepted, the rest backordered."""
    order = order or order_request()
    first, second = order.items
    shipped_at = ORDERED_AT + timedelta(days=1)
    return ConfirmationRequest(
        header=ConfirmationHeader(
            type=ConfirmationType.DETAIL,
            notice_date=ORDERED_AT + timedelta(hours=2),
            confirm_id="CONF-88213",
            total=order.header.total,
            shipping=shipping(),
            tax=tax(cart_tax()),
            comments=(Comments(text="Thank you for your order.", lang="en-US"),),
        ),
        order_reference=order.reference(ORDER_PAYLOAD_ID),
        items=(
            ConfirmationItem(
                quantity=first.quantity,
                line_number=1,
                unit_of_measure="BX",
                statuses=(
                    ConfirmationStatus(
                        quantity=first.quantity,
                        type=ConfirmationStatusType.ACCEPT,
                        unit_of_measure="BX",
                        shipment_date=shipped_at,
                        delivery_date=shipped_at + timedelta(days=2),
                        unit_price=UnitPrice(money=money("4.50")),
                    ),
                ),
            ),
            ConfirmationItem(
                quantity=second.quantity,
                line_number=2,
                unit_of_measure="MTR",
                statuses=(
                    ConfirmationStatus(
                        quantity=Decimal("1"),
                        type=ConfirmationStatusType.ACCEPT,
                        unit_of_measure="MTR",
                        shipment_date=shipped_at,
                    ),
                    ConfirmationStatus(
                        quantity=Decimal("0.5"),
                        type=ConfirmationStatusType.BACKORDERED,
                        unit_of_measure="MTR",
                        comments=(Comments(text="Restock expected in May.", lang="en-US"),),
                    ),
                ),
            ),
        ),
    )


def ship_notice_request(order: OrderRequest | None = None) -> ShipNoticeRequest:
    order = order or order_request()
    shipped_at = ORDERED_AT + timedelta(days=1)
    return ShipNoticeRequest(
        header=ShipNoticeHeader(
            shipment_id="SHIP-5521",
            notice_date=shipped_at + timedelta(hours=1),
            shipment_date=shipped_at,
            delivery_date=shipped_at + timedelta(days=2),
            shipment_type="actual",
            fulfillment_type="partial",
            comments=(Comments(text="Line 2 partly backordered.", lang="en-US"),),
        ),
        ship_controls=(
            ShipControl(
                carrier_identifiers=(
                    CarrierIdentifier(domain="SCAC", value="UPSN"),
                    CarrierIdentifier(domain="companyName", value="UPS"),
                ),
                shipment_identifiers=(
                    ShipmentIdentifier(
                        value="1Z999AA10123456784",
                        tracking_url="https://www.ups.com/track?tracknum=1Z999AA10123456784",
                    ),
                ),
                package_identification=PackageIdentification(range_begin=1, range_end=2),
            ),
        ),
        portions=(
            ShipNoticePortion(
                order_reference=order.reference(ORDER_PAYLOAD_ID),
                items=(
                    ShipNoticeItem(
                        quantity=order.items[0].quantity,
                        line_number=1,
                        unit_of_measure="BX",
                        item_id=order.items[0].item_id,
                    ),
                    ShipNoticeItem(quantity=Decimal(1), line_number=2, unit_of_measure="MTR"),
                ),
            ),
        ),
    )


def invoice_item(invoice_line: int, order_line: int) -> InvoiceDetailItem:
    part, text, uom, price, quantity, _ = LINES[order_line - 1]
    amount = line_amount(order_line)
    line_tax = (amount * TAX_RATE / 100).quantize(CENT)
    return InvoiceDetailItem(
        invoice_line_number=invoice_line,
        quantity=quantity,
        unit_of_measure=uom,
        unit_price=UnitPrice(money=money(price)),
        item_reference=InvoiceDetailItemReference(
            line_number=order_line,
            item_id=ItemID(supplier_part_id=part),
            description=description(text),
        ),
        subtotal_amount=SubtotalAmount(money=money(amount)),
        tax=tax(line_tax, taxable=amount),
        gross_amount=GrossAmount(money=money(amount + line_tax)),
        net_amount=NetAmount(money=money(amount + line_tax)),
    )


def invoice_detail_request(order: OrderRequest | None = None) -> InvoiceDetailRequest:
    """Invoices every line of the order, tax per line and summed in the summary."""
    order = order or order_request()
    items = tuple(invoice_item(n, item.line_number or n) for n, item in enumerate(order.items, 1))
    subtotal = sum((i.subtotal_amount.money.amount for i in items if i.subtotal_amount), Decimal(0))
    total_tax = sum((i.tax.money.amount for i in items if i.tax), Decimal(0))
    supplier = Contact(
        role="remitTo",
        name=Name(value="Papeterie SA", lang="en"),
        emails=(Email(value="billing@papeterie.example"),),
    )
    return InvoiceDetailRequest(
        header=InvoiceDetailRequestHeader(
            invoice_id="INV-2024-1007",
            invoice_date=ORDERED_AT + timedelta(days=3),
            header_indicator=InvoiceDetailHeaderIndicator(),
            line_indicator=InvoiceDetailLineIndicator(is_tax_in_line="yes"),
            partners=(
                InvoicePartner(
                    contact=supplier,
                    id_references=(IdReference(domain="supplierTaxID", identifier="98-7654321"),),
                ),
                InvoicePartner(contact=contact("billTo", "Acme Corp, Accounts Payable")),
            ),
            payment_terms=(
                InvoiceDetailPaymentTerm(pay_in_number_of_days=30, percentage_rate=Decimal(0)),
            ),
            comments=Comments(text="Net 30.", lang="en-US"),
        ),
        orders=(
            InvoiceDetailOrder(
                order_info=InvoiceDetailOrderInfo(
                    order_reference=order.reference(ORDER_PAYLOAD_ID),
                    supplier_order_info=SupplierOrderInfo(order_id="SO-31337"),
                ),
                items=items,
            ),
        ),
        summary=InvoiceDetailSummary(
            subtotal_amount=SubtotalAmount(money=money(subtotal)),
            tax=tax(total_tax, taxable=subtotal),
            shipping_amount=ShippingAmount(money=money("0.00")),
            gross_amount=GrossAmount(money=money(subtotal + total_tax)),
            net_amount=NetAmount(money=money(subtotal + total_tax)),
            due_amount=DueAmount(money=money(subtotal + total_tax)),
        ),
    )


def _from_supplier(payload: RequestPayload) -> Document:
    return request_document(
        payload, payload_id="1714999999.77.5@supplier.example", from_=SUPPLIER, to=BUYER
    )


# One document per payload type this library models, keyed by the payload's tag.
DOCUMENTS: dict[str, Callable[[], Document]] = {
    "ProfileRequest": lambda: request_document(profile_request()),
    "ProfileResponse": lambda: response_document(profile_response()),
    "PunchOutSetupRequest": lambda: request_document(punchout_setup_request("edit")),
    "PunchOutSetupResponse": lambda: response_document(punchout_setup_response()),
    "PunchOutOrderMessage": lambda: message_document(punchout_order_message()),
    "OrderRequest": order_document,
    "StatusUpdateRequest": lambda: request_document(status_update_request()),
    "ConfirmationRequest": lambda: _from_supplier(confirmation_request()),
    "ShipNoticeRequest": lambda: _from_supplier(ship_notice_request()),
    "InvoiceDetailRequest": lambda: _from_supplier(invoice_detail_request()),
}
