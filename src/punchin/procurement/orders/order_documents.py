"""The documents procurement sends a supplier (P8), built from the models, never text.

Both declare cXML 1.2.063 (``DEFAULT_VERSION``): ``DocumentStatus`` exists only from
1.2.0xx on, and it is how StatusUpdateRequest says "approved" (docs/statusupdate.md).
The Sender carries the SharedSecret the supplier expects from us; HTTP authentication
is added at send time by ``partners.delivery``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, time
from decimal import Decimal

from punchin.cxml import Document
from punchin.cxml.build import LANG, Parties, request
from punchin.cxml.common import (
    Accounting,
    Address,
    BillTo,
    Charge,
    Classification,
    Comments,
    Contact,
    Description,
    Distribution,
    DocumentReference,
    Email,
    Extrinsic,
    ItemDetail,
    ItemID,
    ManufacturerName,
    Money,
    Name,
    PriceBasisQuantity,
    Segment,
    Shipping,
    ShipTo,
    SupplierPartAuxiliaryID,
    Tax,
    Total,
    UnitPrice,
)
from punchin.cxml.delivery import PAYMENT_METHOD, DeliveryAddress, address_element
from punchin.cxml.names import describe
from punchin.cxml.order import OrderRequest, OrderRequestHeader, OrderRequestType
from punchin.cxml.ordering import APPROVED, REJECTED, status_update_request
from punchin.cxml.punchout import ItemOut
from punchin.procurement.accounts.models import OrganisationAddress
from punchin.procurement.orders.models import PurchaseOrder, PurchaseOrderLine
from punchin.procurement.partners.delivery import USER_AGENT
from punchin.procurement.partners.models import SupplierPartner
from punchin.procurement.requisitions.delivery import value_of
from punchin.procurement.requisitions.models import Requisition, ShipToAddress


def parties(partner: SupplierPartner) -> Parties:
    """We speak as the buyer organisation, to the supplier, with the secret it expects."""
    return Parties(
        domain=partner.credential_domain,
        from_identity=partner.buyer_identity,
        to_identity=partner.to_identity,
        sender_identity=partner.buyer_identity,
        shared_secret=partner.outbound_shared_secret,
        user_agent=USER_AGENT,
    )


def status_update(requisition: Requisition, *, approved: bool, comment: str, by: str) -> Document:
    """P8: the cart of the PunchOutSetupRequest named by DocumentReference was approved
    or rejected (``punchin.cxml.ordering.status_update_request``)."""
    decision = APPROVED if approved else REJECTED
    return status_update_request(
        parties(requisition.supplier),
        requisition.source_payload_id,
        approved=approved,
        detail=f"Requisition {requisition.number} {decision} by {by}",
        requisition_id=requisition.number,
        comment=comment,
    )


def _money(amount: Decimal, currency: str) -> Money:
    return Money(amount=amount.quantize(Decimal("0.01")), currency=currency)


def address(found: OrganisationAddress | DeliveryAddress) -> Address:
    if isinstance(found, OrganisationAddress):
        found = value_of(found)
    return address_element(found, lang="en")


def ship_to_of(order: PurchaseOrder) -> DeliveryAddress | None:
    """Where the order's goods go: the requisition's own address (the cart's ShipTo
    or the requester's change, P41), else the default the PO was made with."""
    own = ShipToAddress.objects.filter(requisition_id=order.requisition_id).first()
    if own is not None:
        return value_of(own)
    return value_of(order.ship_to) if order.ship_to is not None else None


def _quantity(value: Decimal) -> Decimal:
    """``2.0000`` as ``2``: stored with four decimals, sent without trailing zeros."""
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()


def _item(order: PurchaseOrder, line: PurchaseOrderLine, *, omit_optional: bool) -> ItemOut:
    """The line as the cart described it (its ShortName too); ``omit_optional`` leaves
    out what some suppliers' readers reject (``Description/ShortName``, its name then
    leading the text, and ``ItemOut@requestedDeliveryDate``, docs/compatibility.md)."""
    currency = order.currency
    source = line.requisition_line
    basis = None
    if line.price_basis_quantity != 1:
        basis = PriceBasisQuantity(
            quantity=_quantity(line.price_basis_quantity),
            conversion_factor=Decimal(1),
            unit_of_measure=line.unit_of_measure,
        )
    when = None if omit_optional else line.requested_delivery_date
    return ItemOut(
        quantity=_quantity(line.quantity),
        line_number=line.line_number,
        requested_delivery_date=datetime.combine(when, time(), UTC) if when else None,
        item_id=ItemID(
            supplier_part_id=line.supplier_part_id,
            supplier_part_auxiliary_id=SupplierPartAuxiliaryID(
                value=line.supplier_part_auxiliary_id
            )
            if line.supplier_part_auxiliary_id
            else None,
        ),
        item_detail=ItemDetail(
            unit_price=UnitPrice(
                money=Money(amount=line.unit_price.normalize(), currency=currency)
            ),
            descriptions=(
                describe(source.short_name, line.description, LANG, short_name=not omit_optional),
            ),
            unit_of_measure=line.unit_of_measure,
            price_basis_quantity=basis,
            classifications=(Classification(value=line.unspsc, domain="UNSPSC"),)
            if line.unspsc
            else (),
            manufacturer_part_id=source.manufacturer_part_id or None,
            manufacturer_name=ManufacturerName(value=source.manufacturer_name, lang="en")
            if source.manufacturer_name
            else None,
        ),
        distributions=(
            Distribution(
                accounting=Accounting(
                    name=f"{order.requisition.number} coding",
                    segments=(
                        Segment(
                            type="Cost Center", id=order.cost_centre, description="Cost centre"
                        ),
                        Segment(type="GL Account", id=order.gl_account, description="GL account"),
                    ),
                ),
                charge=Charge(money=_money(line.total, currency)),
            ),
        ),
    )


def order_request(
    order: PurchaseOrder,
    lines: Sequence[PurchaseOrderLine],
    *,
    type: OrderRequestType = OrderRequestType.NEW,
    previous_payload_id: str | None = None,
    comment: str = "",
) -> Document:
    """The OrderRequest of ``order`` at its current version with ``lines`` (its live
    lines; all of them for a delete, which the DTD still wants ItemOut+ for)."""
    currency = order.currency
    subtotal = sum((line.total for line in lines), Decimal(0))
    total = subtotal + (order.tax or 0) + (order.shipping or 0)
    requester = order.requester
    contacts: tuple[Contact, ...] = ()
    if requester is not None:
        contacts = (
            Contact(
                role="endUser",
                name=Name(value=requester.get_full_name() or requester.email, lang="en"),
                emails=(Email(value=requester.email),),
            ),
        )
    assert order.bill_to is not None  # services.create_purchase_order insists on one
    ship_to = ship_to_of(order)
    requisition = order.requisition
    extrinsics = [Extrinsic(name="CostCenter", value=order.cost_centre)]
    if requisition.payment_method:
        # P41: the payment method chosen at the supplier, as its cart carried it.
        extrinsics.append(Extrinsic(name=PAYMENT_METHOD, value=requisition.payment_method))
    # The header's date survives omit_optional: cxml-ruby reads it (docs/compatibility.md).
    need_by = requisition.need_by
    return request(
        OrderRequest(
            header=OrderRequestHeader(
                order_id=order.number,
                order_date=order.order_date,
                type=type,
                order_version=Decimal(order.version),
                requisition_id=order.requisition.number,
                requested_delivery_date=datetime.combine(need_by, time(), UTC) if need_by else None,
                total=Total(money=_money(total, currency)),
                ship_to=ShipTo(address=address(ship_to)) if ship_to is not None else None,
                bill_to=BillTo(address=address(order.bill_to)),
                shipping=Shipping(
                    money=_money(order.shipping, currency),
                    description=Description(
                        text=requisition.shipping_description or "Shipping", lang=LANG
                    ),
                )
                if order.shipping is not None
                else None,
                tax=Tax(
                    money=_money(order.tax, currency),
                    description=Description(text="Tax", lang=LANG),
                )
                if order.tax is not None
                else None,
                contacts=contacts,
                comments=(Comments(text=comment, lang=LANG),) if comment else (),
                document_reference=DocumentReference(payload_id=previous_payload_id)
                if previous_payload_id
                else None,
                extrinsics=tuple(extrinsics),
            ),
            items=tuple(
                _item(order, line, omit_optional=order.supplier.omit_optional_elements)
                for line in lines
            ),
        ),
        parties(order.supplier),
    )
