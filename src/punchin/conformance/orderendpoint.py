"""``check_order_endpoint``: act as the e-procurement system against a supplier's order
endpoints, the way it writes back after a punch-in (P8).

In order, each step one document, each sent twice (the copy must get the first answer):

1. **StatusUpdateRequest** to the status endpoint: the cart approved (S11);
2. **OrderRequest new** to the order endpoint: every cart line ordered (S7);
3. **OrderRequest update**: one less of a line, referring to the new order;
4. **OrderRequest delete**: the order cancelled, referring to the update;
5. **Refusals**: a wrong SharedSecret, an unknown Sender, malformed XML.

A step whose predecessor was not applied is not sent (an update of an order the
supplier does not have proves nothing), and says so.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field

from punchin.cxml.order import OrderRequestType
from punchin.transport import CxmlClient

from .buyer import Cart, approval, fewer, order_request
from .exchange import Exchange, Partner, applied
from .findings import Report, info
from .urls import check_url

CART = "Cart"
STATUS_UPDATE = "StatusUpdateRequest"
NEW = "OrderRequest new"
UPDATE = "OrderRequest update"
DELETE = "OrderRequest delete"
ORDER_URL = "Order endpoint URL"
STATUS_URL = "Status endpoint URL"


def fresh_id(prefix: str) -> str:
    """An identifier nobody used before, saying where it comes from: a rerun of the check
    is a new order, not a copy of the last one."""
    return f"{prefix}-{secrets.token_hex(4).upper()}"


@dataclass(frozen=True)
class OrderEndpointCheck:
    """``order_url`` takes OrderRequests; ``status_url`` StatusUpdateRequests (None: not
    checked). ``cart`` is the cart the orders are made of."""

    order_url: str
    partner: Partner
    cart: Cart
    status_url: str | None = None
    order_id: str = field(default_factory=lambda: fresh_id("PUNCHIN-CHECK"))


def _cart_findings(check: OrderEndpointCheck) -> Report:
    report = Report()
    cart = check.cart
    lines = ", ".join(
        f"{n}: {i.quantity:g} x {i.item_id.supplier_part_id}"
        for n, i in zip(cart.line_numbers(), cart.items, strict=True)
    )
    report.add(info("Lines", f"payloadID {cart.payload_id}; {lines}", CART))
    if cart.sample:
        report.add(
            info(
                "Source",
                "the kit's own sample cart, which this supplier never sent: a supplier "
                "that matches order lines to its carts refuses them (give a cart it sent)",
                CART,
            )
        )
    return report


async def check_order_endpoint(check: OrderEndpointCheck) -> Report:
    """Approve the cart, order it, change and cancel the order, probe the refusals; report
    every finding (see the module)."""
    report = Report()
    report.add(check_url(ORDER_URL, check.order_url))
    if check.status_url is not None:
        report.add(check_url(STATUS_URL, check.status_url))
    report.add(_cart_findings(check))
    parties, cart, order_id = check.partner.parties, check.cart, check.order_id
    async with CxmlClient(check.partner.ca_file) as client:
        run = Exchange(check.partner, client, report)
        if check.status_url is None:
            run.skip(STATUS_UPDATE, "no status endpoint URL given")
        else:
            await run.apply(STATUS_UPDATE, check.status_url, approval(parties, cart, order_id))
        new = order_request(parties, cart, order_id)
        if applied(await run.apply(NEW, check.order_url, new)):
            update = order_request(
                parties,
                cart,
                order_id,
                type=OrderRequestType.UPDATE,
                version=2,
                previous=new.payload_id,
                quantities=fewer(cart),
            )
            latest = new
            if applied(await run.apply(UPDATE, check.order_url, update)):
                latest = update
            delete = order_request(
                parties,
                cart,
                order_id,
                type=OrderRequestType.DELETE,
                version=3 if latest is update else 2,
                previous=latest.payload_id,
                quantities=fewer(cart) if latest is update else None,
            )
            await run.apply(DELETE, check.order_url, delete)
        else:
            for step in (UPDATE, DELETE):
                run.skip(step, "the new order was not applied, so there is nothing to change")
        await run.refusals(
            check.order_url, lambda p: order_request(p, cart, fresh_id(f"{order_id}-REFUSED"))
        )
    return report
