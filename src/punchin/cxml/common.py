"""Building blocks shared by every cXML payload: money, text, addresses, contacts.

Child orders are the content models of cXML.dtd 1.2.063 (docs/protocol.md S2);
older DTDs use prefixes of the same orders.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from punchin.cxml.binding import (
    Element,
    attr,
    content,
    element,
    many,
    one,
    text,
    texts,
)
from punchin.cxml.status import standard_text
from punchin.cxml.values import AMOUNT, DECIMAL, OPTIONAL_DATETIME, UINT


@element("Money")
@dataclass(frozen=True, slots=True, kw_only=True)
class Money(Element):
    """An amount in an ISO 4217 currency; ``Decimal``, never float."""

    amount: Decimal = content(AMOUNT)
    currency: str = attr("currency")
    alternate_amount: Decimal | None = attr("alternateAmount", DECIMAL, default=None)
    alternate_currency: str | None = attr("alternateCurrency", default=None)


@element("ShortName")
@dataclass(frozen=True, slots=True, kw_only=True)
class ShortName(Element):
    value: str = content()


@element("Description", order=("ShortName",))
@dataclass(frozen=True, slots=True, kw_only=True)
class Description(Element):
    """``(#PCDATA | ShortName)*`` with the required ``xml:lang``."""

    text: str = content(default="")
    lang: str = attr("xml:lang")
    short_name: ShortName | None = one(ShortName, default=None)
    type: str | None = attr("type", default=None)


@element("Name")
@dataclass(frozen=True, slots=True, kw_only=True)
class Name(Element):
    value: str = content()
    lang: str = attr("xml:lang")


@element("Extrinsic")
@dataclass(frozen=True, slots=True, kw_only=True)
class Extrinsic(Element):
    """A named extension value; its order among siblings is kept (ANY content)."""

    name: str = attr("name")
    value: str = content(default="")


@element("Email")
@dataclass(frozen=True, slots=True, kw_only=True)
class Email(Element):
    value: str = content()
    name: str | None = attr("name", default=None)
    preferred_lang: str | None = attr("preferredLang", default=None)


@element("URL")
@dataclass(frozen=True, slots=True, kw_only=True)
class URL(Element):
    value: str = content()
    name: str | None = attr("name", default=None)


@element("CountryCode")
@dataclass(frozen=True, slots=True, kw_only=True)
class CountryCode(Element):
    value: str = content()
    iso_country_code: str = attr("isoCountryCode")


@element("TelephoneNumber", order=("CountryCode", "AreaOrCityCode", "Number", "Extension"))
@dataclass(frozen=True, slots=True, kw_only=True)
class TelephoneNumber(Element):
    country_code: CountryCode = one(CountryCode)
    area_or_city_code: str = text("AreaOrCityCode")
    number: str = text("Number")
    extension: str | None = text("Extension", default=None)


@element("Phone", order=("TelephoneNumber",))
@dataclass(frozen=True, slots=True, kw_only=True)
class Phone(Element):
    telephone_number: TelephoneNumber = one(TelephoneNumber)
    name: str | None = attr("name", default=None)


@element("Country")
@dataclass(frozen=True, slots=True, kw_only=True)
class Country(Element):
    value: str = content()
    iso_country_code: str = attr("isoCountryCode")


@element(
    "PostalAddress",
    order=(
        "DeliverTo",
        "Street",
        "City",
        "Municipality",
        "State",
        "PostalCode",
        "Country",
        "Extrinsic",
    ),
)
@dataclass(frozen=True, slots=True, kw_only=True)
class PostalAddress(Element):
    deliver_to: tuple[str, ...] = texts("DeliverTo")
    street: tuple[str, ...] = texts("Street")
    city: str = text("City")
    municipality: str | None = text("Municipality", default=None)
    state: str | None = text("State", default=None)
    postal_code: str | None = text("PostalCode", default=None)
    country: Country = one(Country)
    extrinsics: tuple[Extrinsic, ...] = many(Extrinsic)
    name: str | None = attr("name", default=None)


@element("Address", order=("Name", "PostalAddress", "Email", "Phone", "Fax", "URL"))
@dataclass(frozen=True, slots=True, kw_only=True)
class Address(Element):
    name: Name = one(Name)
    postal_address: PostalAddress | None = one(PostalAddress, default=None)
    email: Email | None = one(Email, default=None)
    phone: Phone | None = one(Phone, default=None)
    url: URL | None = one(URL, default=None)
    iso_country_code: str | None = attr("isoCountryCode", default=None)
    address_id: str | None = attr("addressID", default=None)
    address_id_domain: str | None = attr("addressIDDomain", default=None)


@element(
    "Contact",
    order=("Name", "PostalAddress", "Email", "Phone", "Fax", "URL", "IdReference", "Extrinsic"),
)
@dataclass(frozen=True, slots=True, kw_only=True)
class Contact(Element):
    name: Name = one(Name)
    postal_addresses: tuple[PostalAddress, ...] = many(PostalAddress)
    emails: tuple[Email, ...] = many(Email)
    phones: tuple[Phone, ...] = many(Phone)
    urls: tuple[URL, ...] = many(URL)
    extrinsics: tuple[Extrinsic, ...] = many(Extrinsic)
    role: str | None = attr("role", default=None)
    address_id: str | None = attr("addressID", default=None)


_ADDRESS_HOLDER_ORDER = ("Address", "CarrierIdentifier", "TransportInformation", "IdReference")


@element("ShipTo", order=_ADDRESS_HOLDER_ORDER)
@dataclass(frozen=True, slots=True, kw_only=True)
class ShipTo(Element):
    address: Address = one(Address)


@element("BillTo", order=_ADDRESS_HOLDER_ORDER)
@dataclass(frozen=True, slots=True, kw_only=True)
class BillTo(Element):
    address: Address = one(Address)


@element("Total", order=("Money", "Modifications"))
@dataclass(frozen=True, slots=True, kw_only=True)
class Total(Element):
    money: Money = one(Money)


@element("Shipping", order=("Money", "Description", "Modifications"))
@dataclass(frozen=True, slots=True, kw_only=True)
class Shipping(Element):
    money: Money = one(Money)
    description: Description = one(Description)
    tracking_domain: str | None = attr("trackingDomain", default=None)
    tracking_id: str | None = attr("trackingId", default=None)
    tracking: str | None = attr("tracking", default=None)


@element("TaxableAmount", order=("Money",))
@dataclass(frozen=True, slots=True, kw_only=True)
class TaxableAmount(Element):
    money: Money = one(Money)


@element("TaxAmount", order=("Money",))
@dataclass(frozen=True, slots=True, kw_only=True)
class TaxAmount(Element):
    money: Money = one(Money)


@element("TaxLocation")
@dataclass(frozen=True, slots=True, kw_only=True)
class TaxLocation(Element):
    value: str = content()
    lang: str = attr("xml:lang")


@element(
    "TaxDetail",
    order=(
        "TaxableAmount",
        "TaxAmount",
        "TaxLocation",
        "TaxAdjustmentAmount",
        "Description",
        "TriangularTransactionLawReference",
        "TaxRegime",
        "TaxExemption",
        "Extrinsic",
    ),
)
@dataclass(frozen=True, slots=True, kw_only=True)
class TaxDetail(Element):
    """One tax of a Tax total (VAT at 19 %, a state's sales tax); invoices need the split."""

    category: str = attr("category")  # sales | usage | vat | gst | ...
    tax_amount: TaxAmount = one(TaxAmount)
    taxable_amount: TaxableAmount | None = one(TaxableAmount, default=None)
    tax_location: TaxLocation | None = one(TaxLocation, default=None)
    description: Description | None = one(Description, default=None)
    extrinsics: tuple[Extrinsic, ...] = many(Extrinsic)
    percentage_rate: Decimal | None = attr("percentageRate", DECIMAL, default=None)
    purpose: str | None = attr("purpose", default=None)
    tax_point_date: datetime | None = attr("taxPointDate", OPTIONAL_DATETIME, default=None)


@element(
    "Tax",
    order=("Money", "TaxAdjustmentAmount", "Description", "TaxDetail", "Distribution", "Extrinsic"),
)
@dataclass(frozen=True, slots=True, kw_only=True)
class Tax(Element):
    money: Money = one(Money)
    description: Description = one(Description)
    details: tuple[TaxDetail, ...] = many(TaxDetail)


@element("Comments", order=("Attachment",))
@dataclass(frozen=True, slots=True, kw_only=True)
class Comments(Element):
    text: str = content(default="")
    lang: str | None = attr("xml:lang", default=None)
    type: str | None = attr("type", default=None)


# A bare ``<Response><Status/></Response>`` parses, though the DTD requires code and text:
# it says nothing about what happened, so it reads as a 500, the one answer on which a
# sender neither assumes success nor gives up (it retries). A code without a text gets
# the code's standard text. Written back, both are present.
@element(
    "Status",
    absent={"code": 500, "text": lambda values: standard_text(values["code"])},
)
@dataclass(frozen=True, slots=True, kw_only=True)
class Status(Element):
    """``code`` and ``text`` say what happened; the content gives the specifics."""

    code: int = attr("code", UINT)
    text: str = attr("text")
    detail: str = content(default="")
    lang: str | None = attr("xml:lang", default=None)


@element("DocumentReference")
@dataclass(frozen=True, slots=True, kw_only=True)
class DocumentReference(Element):
    """Points at an earlier document by its payloadID."""

    payload_id: str = attr("payloadID")


@element("OrderReference", order=("DocumentReference",))
@dataclass(frozen=True, slots=True, kw_only=True)
class OrderReference(Element):
    """The OrderRequest a confirmation, ship notice or invoice is about.

    ``DocumentReference`` carries the order's payloadID; ``orderID`` and ``orderDate``
    are optional in the DTD but every buyer matches on them (build with
    ``OrderRequest.reference``).
    """

    document_reference: DocumentReference = one(DocumentReference)
    order_id: str | None = attr("orderID", default=None)
    order_date: datetime | None = attr("orderDate", OPTIONAL_DATETIME, default=None)


@element("IdReference", order=("Creator", "Description"))
@dataclass(frozen=True, slots=True, kw_only=True)
class IdReference(Element):
    """An identifier in a named domain: a VAT or tax ID, a supplier number (``domain``)."""

    identifier: str = attr("identifier")
    domain: str = attr("domain")
    description: Description | None = one(Description, default=None)


@element("Segment")
@dataclass(frozen=True, slots=True, kw_only=True)
class Segment(Element):
    type: str = attr("type")
    id: str = attr("id")
    description: str = attr("description")


@element("AccountingSegment", order=("Name", "Description"))
@dataclass(frozen=True, slots=True, kw_only=True)
class AccountingSegment(Element):
    id: str = attr("id")
    name: Name = one(Name)
    description: Description = one(Description)


@element("Accounting", order=("Segment", "AccountingSegment"))
@dataclass(frozen=True, slots=True, kw_only=True)
class Accounting(Element):
    """``(Segment+ | AccountingSegment+)``: cost centre, GL account, project code."""

    name: str = attr("name")
    segments: tuple[Segment | AccountingSegment, ...] = many(Segment, AccountingSegment)


@element("Charge", order=("Money",))
@dataclass(frozen=True, slots=True, kw_only=True)
class Charge(Element):
    money: Money = one(Money)


@element("Distribution", order=("Accounting", "Charge"))
@dataclass(frozen=True, slots=True, kw_only=True)
class Distribution(Element):
    accounting: Accounting = one(Accounting)
    charge: Charge = one(Charge)


@element("SupplierPartAuxiliaryID")
@dataclass(frozen=True, slots=True, kw_only=True)
class SupplierPartAuxiliaryID(Element):
    """The supplier's own cookie for a configured line (ANY content, kept verbatim)."""

    value: str = content(default="")


@element(
    "ItemID", order=("SupplierPartID", "SupplierPartAuxiliaryID", "BuyerPartID", "IdReference")
)
@dataclass(frozen=True, slots=True, kw_only=True)
class ItemID(Element):
    supplier_part_id: str = text("SupplierPartID")
    supplier_part_auxiliary_id: SupplierPartAuxiliaryID | None = one(
        SupplierPartAuxiliaryID, default=None
    )
    buyer_part_id: str | None = text("BuyerPartID", default=None)


@element("UnitPrice", order=("Money", "Modifications", "PricingConditions"))
@dataclass(frozen=True, slots=True, kw_only=True)
class UnitPrice(Element):
    money: Money = one(Money)


@element("Classification")
@dataclass(frozen=True, slots=True, kw_only=True)
class Classification(Element):
    """A commodity code, typically ``domain="UNSPSC"``."""

    value: str = content()
    domain: str = attr("domain")
    code: str | None = attr("code", default=None)


@element("ManufacturerName")
@dataclass(frozen=True, slots=True, kw_only=True)
class ManufacturerName(Element):
    value: str = content()
    lang: str | None = attr("xml:lang", default=None)


@element("PriceBasisQuantity", order=("UnitOfMeasure", "Description"))
@dataclass(frozen=True, slots=True, kw_only=True)
class PriceBasisQuantity(Element):
    """The unit price is for ``quantity`` units (a price per 100, say)."""

    quantity: Decimal = attr("quantity", DECIMAL)
    conversion_factor: Decimal = attr("conversionFactor", DECIMAL)
    unit_of_measure: str = text("UnitOfMeasure")
    description: Description | None = one(Description, default=None)


@element(
    "ItemDetail",
    order=(
        "UnitPrice",
        "Description",
        "OverallLimit",
        "ExpectedLimit",
        "UnitOfMeasure",
        "PriceBasisQuantity",
        "Classification",
        "ManufacturerPartID",
        "ManufacturerName",
        "URL",
        "LeadTime",
        "Dimension",
        "ItemDetailIndustry",
        "AttachmentReference",
        "PlannedAcceptanceDays",
        "Extrinsic",
    ),
)
@dataclass(frozen=True, slots=True, kw_only=True)
class ItemDetail(Element):
    unit_price: UnitPrice = one(UnitPrice)
    descriptions: tuple[Description, ...] = many(Description)
    unit_of_measure: str = text("UnitOfMeasure")
    price_basis_quantity: PriceBasisQuantity | None = one(PriceBasisQuantity, default=None)
    classifications: tuple[Classification, ...] = many(Classification)
    manufacturer_part_id: str | None = text("ManufacturerPartID", default=None)
    manufacturer_name: ManufacturerName | None = one(ManufacturerName, default=None)
    url: URL | None = one(URL, default=None)
    lead_time: int | None = text("LeadTime", UINT, default=None)
    extrinsics: tuple[Extrinsic, ...] = many(Extrinsic)
