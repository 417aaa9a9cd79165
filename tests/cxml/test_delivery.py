"""What checkout asked for, in the cart and back (docs/protocol.md P41, docs/checkout.md):
the builder (``punchin.cxml.cart`` with ``punchin.cxml.delivery``) and procurement's
reader (``punchin.procurement.requisitions.cart``, framework-free), on our own carts
and on carts with the traits partners' carts show.

The field documents are written for punchin; each names where its trait was seen.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest

from punchin.cxml import CXMLError, parse, read, serialize, validate
from punchin.cxml.build import Parties
from punchin.cxml.cart import Line, punch_out_order_message
from punchin.cxml.delivery import (
    PAYMENT_METHOD,
    Delivery,
    DeliveryAddress,
    ShippingCharge,
    address_differences,
    address_of,
    payment_label,
    payment_method_of,
)
from punchin.cxml.envelope import Message
from punchin.cxml.punchout import PunchOutOrderMessage
from punchin.procurement.requisitions.cart import Cart, read_cart

PARTIES = Parties("NetworkID", "Store", "Buyer", "Store", "secret", "punchin tests")
LINE = Line(
    quantity=3,
    supplier_part_id="OF-10001",
    supplier_part_auxiliary_id="cart-1:1",
    description="Toner cartridge, black",
    short_name="Toner",
    unit_price=Decimal("79.99"),
    unit_of_measure="EA",
    unspsc="44103103",
    manufacturer_part_id="CF258A",
    manufacturer_name="HP",
    url="https://store.example/products/OF-10001",
    lead_time_days=2,
)
DOCK = DeliveryAddress(
    name="Acme Corporation",
    deliver_to=("Receiving dock 3",),
    street=("100 Main Street", "Building B"),
    city="Springfield",
    state="IL",
    postal_code="62701",
    country_code="US",
    country="United States",
)
TWO_DAY = ShippingCharge(Decimal("12.00"), "Two-day")
CHOSEN = Delivery(ship_to=DOCK, shipping=TWO_DAY, payment_method="po")


def cart_of(raw: bytes) -> PunchOutOrderMessage:
    body = read(raw, lenient=True).document.body
    assert isinstance(body, Message)
    assert isinstance(body.payload, PunchOutOrderMessage)
    return body.payload


def read_back(raw: bytes) -> Cart:
    return read_cart(cart_of(raw), max_lines=100)


def built(delivery: Delivery | None = CHOSEN, lines: tuple[Line, ...] = (LINE,)) -> bytes:
    return serialize(
        punch_out_order_message("cart-1@store", PARTIES, list(lines), "USD", delivery=delivery)
    )


# --- our own carts ---------------------------------------------------------------------


def test_the_cart_carries_ship_to_shipping_and_payment_method_and_is_dtd_valid(
    dtd_dir: Path,
) -> None:
    raw = built()
    assert validate(raw, dtd_dir) == []
    header = cart_of(raw).header
    assert header.ship_to is not None
    assert header.shipping is not None
    assert address_of(header.ship_to.address) == DOCK
    assert header.shipping.money.amount == Decimal("12.00")
    assert header.shipping.money.currency == "USD"
    assert header.shipping.description.text == "Two-day"
    # The header has no Extrinsic in the DTD: the payment method is on every line.
    assert [payment_method_of(item.extrinsics) for item in cart_of(raw).items] == ["po"]
    assert b'<Extrinsic name="PaymentMethod">po</Extrinsic>' in raw


def test_the_cart_total_counts_the_delivery_charge() -> None:
    """As the Coupa and TradeCentric samples do: Total is lines plus Shipping."""
    header = cart_of(built()).header
    assert header.total.money.amount == Decimal("3") * Decimal("79.99") + Decimal("12.00")


def test_the_cart_round_trips_byte_for_byte() -> None:
    raw = built()
    assert serialize(parse(raw)) == raw


def test_a_cart_without_checkout_has_no_ship_to_shipping_or_payment_method(
    dtd_dir: Path,
) -> None:
    raw = built(delivery=None)
    assert validate(raw, dtd_dir) == []
    message = cart_of(raw)
    assert message.header.ship_to is None
    assert message.header.shipping is None
    assert message.header.total.money.amount == Decimal("239.97")
    assert all(not item.extrinsics for item in message.items)


def test_a_punchout_cart_may_carry_only_the_ship_to(dtd_dir: Path) -> None:
    """A PunchOut session has no checkout: the address of its setup request only."""
    raw = built(delivery=Delivery(ship_to=DOCK))
    assert validate(raw, dtd_dir) == []
    cart = read_back(raw)
    assert cart.ship_to == DOCK
    assert cart.shipping is None
    assert cart.shipping_description == ""
    assert cart.payment_method == ""


def test_free_delivery_still_says_which_speed(dtd_dir: Path) -> None:
    raw = built(delivery=replace(CHOSEN, shipping=ShippingCharge(Decimal("0.00"), "Standard")))
    assert validate(raw, dtd_dir) == []
    cart = read_back(raw)
    assert cart.shipping == Decimal("0.00")
    assert cart.shipping_description == "Standard"


def test_procurement_reads_back_what_checkout_chose() -> None:
    cart = read_back(built())
    assert cart.ship_to == DOCK
    assert cart.shipping == Decimal("12.00")
    assert cart.shipping_description == "Two-day"
    assert cart.payment_method == "po"
    assert cart.total == Decimal("239.97")  # the lines
    assert cart.supplier_total == Decimal("251.97")  # the lines and the delivery


# --- carts with traits from the field --------------------------------------------------

ENVELOPE = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE cXML SYSTEM "http://xml.cxml.org/schemas/cXML/{dtd}/cXML.dtd">
<cXML payloadID="field-cart-1@supplier.example" timestamp="2026-04-14T10:00:00-05:00"
      version="{dtd}" xml:lang="en-US">
<Header>
<From><Credential domain="NetworkID"><Identity>SUPPLIER-1</Identity></Credential></From>
<To><Credential domain="NetworkID"><Identity>BUYER-1</Identity></Credential></To>
<Sender><Credential domain="NetworkID"><Identity>SUPPLIER-1</Identity></Credential>
<UserAgent>field sample</UserAgent></Sender>
</Header>
<Message deploymentMode="production"><PunchOutOrderMessage>
<BuyerCookie>cookie-1</BuyerCookie>
{header}
<ItemIn quantity="{quantity}"><ItemID><SupplierPartID>BX-42</SupplierPartID>
<SupplierPartAuxiliaryID>cart-7:1</SupplierPartAuxiliaryID></ItemID>
<ItemDetail><UnitPrice><Money currency="{currency}">{price}</Money></UnitPrice>
<Description xml:lang="en-US">Archive boxes, 10 pack</Description>
<UnitOfMeasure>PK</UnitOfMeasure><Classification domain="UNSPSC">44111515</Classification>
</ItemDetail></ItemIn>
</PunchOutOrderMessage></Message></cXML>
"""


def field_cart(
    header: str,
    *,
    dtd: str = "1.2.014",
    quantity: int = 2,
    price: str = "20.00",
    currency: str = "USD",
) -> bytes:
    return ENVELOPE.format(
        header=header, dtd=dtd, quantity=quantity, price=price, currency=currency
    ).encode()


# Coupa's published sample cart: header Shipping and Tax whose Description is the word
# "Unknown", counted in the Total, with operationAllowed="edit" and quoteStatus="final".
# Seen: Coupa Success Portal, "Sample Punchout Order Message".
COUPA_SHIPPING_AND_TAX_UNKNOWN = """
<PunchOutOrderMessageHeader operationAllowed="edit" quoteStatus="final">
<Total><Money currency="USD">52.75</Money></Total>
<Shipping><Money currency="USD">9.50</Money>
<Description xml:lang="en-US">Unknown</Description></Shipping>
<Tax><Money currency="USD">3.25</Money><Description xml:lang="en-US">Unknown</Description></Tax>
</PunchOutOrderMessageHeader>"""

# A carrier and speed named in the Shipping Description, Tax beside it, both in the
# Total; a 1.2.014 DOCTYPE under a newer root version. Seen: TradeCentric's
# "PunchOut Standard cXML payload for return cart".
TRADECENTRIC_CARRIER_SPEED = """<PunchOutOrderMessageHeader operationAllowed="create">
<Total><Money currency="USD">51.40</Money></Total>
<Shipping><Money currency="USD">10.00</Money>
<Description xml:lang="en">Shipping estimate - FedEx 2Day</Description></Shipping>
<Tax><Money currency="USD">1.40</Money>
<Description xml:lang="en">Sales tax - 7% Tennessee</Description></Tax>
</PunchOutOrderMessageHeader>"""

# The header ShipTo with DeliverTo, State and PostalCode, no Shipping, and a Total of
# the lines alone. Seen: the end-to-end test cart of a public PunchOut plugin for
# WooCommerce (header ShipTo, ZA address).
WOOCOMMERCE_SHIP_TO_ONLY = """<PunchOutOrderMessageHeader operationAllowed="create">
<Total><Money currency="ZAR">40.00</Money></Total>
<ShipTo><Address><Name xml:lang="en-US">Buyer Co</Name><PostalAddress>
<DeliverTo>Receiving</DeliverTo><Street>1 Example Street</Street><City>Example City</City>
<State>GP</State><PostalCode>2001</PostalCode><Country isoCountryCode="ZA">South Africa</Country>
</PostalAddress></Address></ShipTo>
</PunchOutOrderMessageHeader>"""

# An addressID on the Address, two Street lines, a French Shipping ("Transport") and
# Tax ("TVA"), and an Extrinsic in the header, which the DTD does not allow there.
# Seen: the parser test of a public Dolibarr module for a French electrical
# wholesaler's PunchOut.
REXEL_TWO_STREETS_HEADER_EXTRINSIC = """<PunchOutOrderMessageHeader operationAllowed="create">
<Total><Money currency="EUR">48.40</Money></Total>
<ShipTo><Address addressID="ADDR1"><Name xml:lang="fr">Adresse principale</Name><PostalAddress>
<DeliverTo>Magasin</DeliverTo><Street>4 rue Alfred Kastler</Street><Street>Bâtiment A</Street>
<City>Mios</City><State>Gironde</State><PostalCode>33380</PostalCode>
<Country isoCountryCode="FR">France</Country></PostalAddress></Address></ShipTo>
<Shipping><Money currency="EUR">5.00</Money>
<Description xml:lang="fr">Transport</Description></Shipping>
<Tax><Money currency="EUR">3.40</Money><Description xml:lang="fr">TVA</Description></Tax>
<Extrinsic name="ecoContribution">1,23 EUR</Extrinsic>
</PunchOutOrderMessageHeader>"""

# A ShipTo that is only a reference into the buyer's address book: addressID and
# addressIDDomain, a Name, no PostalAddress (the DTD allows it). Seen: the quote-order
# test of a public WooCommerce PunchOut plugin ("Head office", addressIDDomain
# "supplier"); Ariba-style addressIDs in setup requests of public integrations.
ADDRESS_ID_ONLY = """<PunchOutOrderMessageHeader operationAllowed="create">
<Total><Money currency="USD">40.00</Money></Total>
<ShipTo><Address addressID="LEMA-001" addressIDDomain="supplier">
<Name xml:lang="en">Head office</Name></Address></ShipTo>
</PunchOutOrderMessageHeader>"""


def test_coupa_shipping_and_tax_unknown_are_read_into_the_total(dtd_dir: Path) -> None:
    raw = field_cart(COUPA_SHIPPING_AND_TAX_UNKNOWN)
    assert validate(raw, dtd_dir) == []
    cart = read_back(raw)
    assert (cart.total, cart.shipping, cart.tax) == (
        Decimal("40.00"),
        Decimal("9.50"),
        Decimal("3.25"),
    )
    assert cart.supplier_total == Decimal("52.75")
    assert cart.shipping_description == "Unknown"
    assert cart.ship_to is None
    assert cart.operation_allowed == "edit"


def test_tradecentric_carrier_and_speed_is_the_shipping_description(dtd_dir: Path) -> None:
    raw = field_cart(TRADECENTRIC_CARRIER_SPEED, dtd="1.2.014")
    assert validate(raw, dtd_dir) == []
    cart = read_back(raw)
    assert cart.shipping_description == "Shipping estimate - FedEx 2Day"
    assert cart.supplier_total == cart.total + Decimal("10.00") + Decimal("1.40")


def test_woocommerce_ship_to_only_keeps_the_lines_total(dtd_dir: Path) -> None:
    raw = field_cart(WOOCOMMERCE_SHIP_TO_ONLY, currency="ZAR")
    assert validate(raw, dtd_dir) == []
    cart = read_back(raw)
    assert cart.ship_to == DeliveryAddress(
        name="Buyer Co",
        deliver_to=("Receiving",),
        street=("1 Example Street",),
        city="Example City",
        state="GP",
        postal_code="2001",
        country_code="ZA",
        country="South Africa",
    )
    assert cart.shipping is None
    assert cart.supplier_total == cart.total == Decimal("40.00")


def test_rexel_two_streets_and_a_header_extrinsic_are_read(dtd_dir: Path) -> None:
    raw = field_cart(REXEL_TWO_STREETS_HEADER_EXTRINSIC, currency="EUR")
    # The header's Extrinsic is outside the DTD; the reader keeps it aside and goes on.
    assert any("Extrinsic" in problem.message for problem in validate(raw, dtd_dir))
    cart = read_back(raw)
    assert cart.ship_to is not None
    assert cart.ship_to.street == ("4 rue Alfred Kastler", "Bâtiment A")
    assert cart.ship_to.address_id == "ADDR1"
    assert cart.ship_to.country_code == "FR"
    assert cart.shipping_description == "Transport"
    assert cart.supplier_total == Decimal("48.40") == cart.total + Decimal("8.40")


def test_a_ship_to_without_postal_address_names_no_place(dtd_dir: Path) -> None:
    """Only an address-book reference: the organisation's default address applies."""
    raw = field_cart(ADDRESS_ID_ONLY, dtd="1.2.063")
    assert validate(raw, dtd_dir) == []
    assert read_back(raw).ship_to is None


# --- the reader's rules, each refusal saying what to fix -------------------------------


def refused(raw: bytes) -> str:
    with pytest.raises(CXMLError) as caught:
        read_back(raw)
    assert caught.value.code == 400
    return caught.value.detail


def with_ship_to(address: DeliveryAddress) -> bytes:
    return built(delivery=replace(CHOSEN, ship_to=address))


def test_ship_to_part_longer_than_its_column_is_refused() -> None:
    says = refused(with_ship_to(replace(DOCK, city="S" * 101)))
    assert "ShipTo City has 101 characters; at most 100" in says


def test_ship_to_country_code_not_iso_3166_is_refused() -> None:
    says = refused(with_ship_to(replace(DOCK, country_code="USA")))
    assert "ShipTo Country isoCountryCode 'USA' is not an ISO 3166 two-letter code" in says


def test_ship_to_without_street_or_city_is_refused() -> None:
    says = refused(with_ship_to(replace(DOCK, street=(" ",), city=" ")))
    assert "ShipTo Street is empty" in says
    assert "ShipTo City is empty" in says


def test_shipping_in_another_currency_is_refused() -> None:
    raw = built().replace(
        b'<Money currency="USD">12.00</Money>', b'<Money currency="EUR">12.00</Money>'
    )
    assert "Shipping currency EUR differs from the cart's" in refused(raw)


def test_shipping_description_longer_than_its_column_is_refused() -> None:
    raw = built(delivery=replace(CHOSEN, shipping=ShippingCharge(Decimal(1), "x" * 201)))
    assert "Shipping Description has 201 characters; at most 200" in refused(raw)


def test_payment_method_longer_than_its_column_is_refused() -> None:
    raw = built(delivery=replace(CHOSEN, payment_method="p" * 65))
    assert f"Extrinsic {PAYMENT_METHOD} has 65 characters; at most 64" in refused(raw)


def test_total_other_than_lines_or_lines_with_charges_is_refused() -> None:
    raw = built().replace(
        b'<Money currency="USD">251.97</Money>', b'<Money currency="USD">250.00</Money>'
    )
    assert "Total 250.00 USD does not equal the sum of the lines 239.97 USD" in refused(raw)


# --- comparing an order's ShipTo with the cart's ----------------------------------------


def test_address_differences_ignore_case_white_space_and_address_id() -> None:
    retyped = replace(
        DOCK,
        name="ACME  Corporation",
        street=("100 main street", "Building  B"),
        city=" springfield",
        address_id="L0256-01",
    )
    assert address_differences(DOCK, retyped) == []


def test_address_differences_name_each_part_with_both_values() -> None:
    moved = replace(DOCK, city="Shelbyville", postal_code="62565", deliver_to=())
    assert address_differences(DOCK, moved) == [
        "DeliverTo '' (the cart's: 'Receiving dock 3')",
        "City 'Shelbyville' (the cart's: 'Springfield')",
        "PostalCode '62565' (the cart's: '62701')",
    ]


def test_the_country_code_falls_back_to_the_address_attribute() -> None:
    """Some buyers' systems set Address@isoCountryCode (seen in Ariba Network orders)."""
    raw = built().replace(b'isoCountryCode="US">United States', b'isoCountryCode="">United States')
    raw = raw.replace(b"<Address>", b'<Address isoCountryCode="us">', 1)
    header = cart_of(raw).header
    assert header.ship_to is not None
    assert address_of(header.ship_to.address).country_code == "US"


def test_payment_labels_name_ours_and_keep_others() -> None:
    assert payment_label("po") == "Purchase order"
    assert payment_label("invoice") == "Invoice (net 30)"
    assert payment_label("pcard-visa") == "pcard-visa"
