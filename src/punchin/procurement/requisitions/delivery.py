"""Where a requisition's goods go and how the supplier ships them (P41).

The cart says what the buyer chose at the supplier's checkout: the delivery address
(its ShipTo), the speed and its price (Shipping), the payment method. A cart without a
ShipTo goes to the organisation's default ship-to address. Where the organisation
allows it, the requester may change the address of a draft; the change is a step of
the requisition's history. Speed, price and payment method are the supplier's terms
and are changed at the supplier, by shopping the cart again.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser

from punchin.cxml.delivery import DeliveryAddress
from punchin.procurement.accounts.models import AddressRole, OrganisationAddress
from punchin.procurement.accounts.services import default_address
from punchin.procurement.requisitions.models import Requisition, ShipToAddress, State
from punchin.procurement.requisitions.services import move, store_ship_to


class ChangeRefused(Exception):
    """The delivery address cannot be changed; the text says why, for the requester."""


def _lines(text: str) -> tuple[str, ...]:
    return tuple(line.strip() for line in text.splitlines() if line.strip())


def value_of(found: ShipToAddress | OrganisationAddress) -> DeliveryAddress:
    """A stored address as cXML's Address holds it (one Street per line)."""
    return DeliveryAddress(
        name=found.name,
        deliver_to=_lines(found.deliver_to),
        street=_lines(found.street),
        city=found.city,
        state=found.state,
        postal_code=found.postal_code,
        country=found.country,
        country_code=found.iso_country_code,
        address_id=found.address_id,
        email=found.email,
    )


def ship_to(requisition: Requisition) -> DeliveryAddress | None:
    """Where the goods go: the requisition's own address, else the organisation's
    default ship-to address, else nowhere named (the OrderRequest then has no ShipTo)."""
    own = ShipToAddress.objects.filter(requisition=requisition).first()
    if own is not None:
        return value_of(own)
    default = default_address(requisition.organisation, AddressRole.SHIP_TO)
    return value_of(default) if default is not None else None


def has_own_address(requisition: Requisition) -> bool:
    return ShipToAddress.objects.filter(requisition=requisition).exists()


def may_change(requisition: Requisition, user: AbstractUser) -> bool:
    """The requester of a draft whose organisation allows it (off by default)."""
    return (
        requisition.organisation.requesters_change_delivery
        and requisition.state == State.DRAFT
        and requisition.requester_id == user.pk
    )


def change_address(requisition: Requisition, actor: AbstractUser, address: DeliveryAddress) -> bool:
    """The requester's new delivery address, written with a history step naming the
    old and the new one; False if it is the same address. Call inside a transaction;
    ``ChangeRefused`` when the organisation does not allow it or the requisition is no
    longer a draft, ``InvalidTransition`` when it changed meanwhile."""
    if not requisition.organisation.requesters_change_delivery:
        raise ChangeRefused(
            f"{requisition.organisation} does not let requesters change the delivery "
            "address; ask your procurement admin."
        )
    if requisition.state != State.DRAFT or requisition.requester_id != actor.pk:
        raise ChangeRefused(
            f"Only the requester of a draft can change where {requisition.number} goes."
        )
    before = ship_to(requisition)
    if before == address:
        return False
    was = "; ".join(before.lines()) if before is not None else "no address"
    move(
        requisition,
        State.DRAFT,
        actor=actor,
        action="delivery address changed",
        comment=f"from: {was}\nto: {'; '.join(address.lines())}",
    )
    store_ship_to(requisition, address)
    return True
