"""The PunchOutSetupRequest a buyer's system sends in classic PunchOut, from plain values.

docs/protocol.md S3: ``operation`` create (a new cart), edit (the buyer's lines sent
back as ItemOut, the supplier rebuilds the cart) or inspect (the same, read-only); a
BuyerCookie the supplier returns with the cart; the BrowserFormPost URL the user's
browser posts the cart to (S6); the shopper as Contact and Extrinsics; the ShipTo.
Content model (1.2.014 = 1.2.063): ``BuyerCookie, Extrinsic*, BrowserFormPost?,
Contact*, SupplierSetup?, ShipTo?, SelectedItem?, ItemOut*``; the binding writes the
children in that order whatever the order of the fields here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from punchin.cxml.build import Parties, request
from punchin.cxml.cart import Line, item_detail, item_id
from punchin.cxml.common import URL, Address, Contact, Email, Extrinsic, Name, ShipTo
from punchin.cxml.envelope import Document
from punchin.cxml.punchout import BrowserFormPost, BuyerCookie, ItemOut, PunchOutSetupRequest


class Operation(StrEnum):
    """``PunchOutSetupRequest@operation`` as the buyer uses it (``source`` is for
    sourcing applications, not shopping)."""

    CREATE = "create"
    EDIT = "edit"
    INSPECT = "inspect"


@dataclass(frozen=True, slots=True)
class Shopper:
    """Who shops: the Contact (role endUser) and the Extrinsics suppliers commonly read
    (UserEmail, UniqueName, CostCenter); an empty value is left out."""

    name: str
    email: str
    unique_name: str = ""
    cost_center: str = ""

    def extrinsics(self) -> tuple[Extrinsic, ...]:
        pairs = (
            ("UserEmail", self.email),
            ("UniqueName", self.unique_name),
            ("CostCenter", self.cost_center),
        )
        return tuple(Extrinsic(name=name, value=value) for name, value in pairs if value)

    def contact(self, lang: str = "en") -> Contact:
        return Contact(
            role="endUser",
            name=Name(value=self.name or self.email, lang=lang),
            emails=(Email(value=self.email),) if self.email else (),
        )


def _quantity(value: Decimal | int) -> Decimal:
    """``2.0000`` as ``2``: the stored scale is ours, not the document's."""
    value = Decimal(value)
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()


def item_out(number: int, line: Line, currency: str) -> ItemOut:
    """A line sent back for edit or inspect: the supplier's part and its cookie
    (SupplierPartAuxiliaryID) exactly as its cart carried them."""
    return ItemOut(
        quantity=_quantity(line.quantity),
        line_number=number,
        item_id=item_id(line),
        item_detail=item_detail(line, currency),
    )


def setup_request(
    parties: Parties,
    *,
    operation: Operation,
    buyer_cookie: str,
    browser_form_post: str,
    shopper: Shopper,
    ship_to: Address | None = None,
    lines: Sequence[tuple[int, Line]] = (),
    currency: str = "",
    payload_id: str | None = None,
) -> Document:
    """The setup request; ``lines`` (line number, line) become its ItemOut, for edit
    and inspect. The SharedSecret goes in the Sender's credential (``request``)."""
    if operation is Operation.CREATE and lines:
        raise ValueError("a create request starts an empty cart: it sends no ItemOut")
    setup = PunchOutSetupRequest(
        operation=operation,
        buyer_cookie=BuyerCookie(value=buyer_cookie),
        extrinsics=shopper.extrinsics(),
        browser_form_post=BrowserFormPost(url=URL(value=browser_form_post)),
        contacts=(shopper.contact(),),
        ship_to=ShipTo(address=ship_to) if ship_to is not None else None,
        items=tuple(item_out(number, line, currency) for number, line in lines),
    )
    return request(setup, parties, payload_id=payload_id)
