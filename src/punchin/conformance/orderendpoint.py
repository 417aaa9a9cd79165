"""``check_order_endpoint``: act as the e-procurement system against a supplier's order
endpoints, the way it writes back after a punch-in (P8).

In order, each step one document, each sent twice (the copy must get the first answer):

1. **StatusUpdateRequest** to the status endpoint: the cart approved (S11);
2. **OrderRequest new** to the order endpoint: every cart line ordered (S7);
3. **OrderRequest update**: one less of a line, referring to the new order;
4. **OrderRequest delete**: the order cancelled, referring to the update;
5. **Refusals**: a wrong SharedSecret, an unknown Sender, malformed XML.

Given the supplier's ProfileRequest endpoint, the checker asks it first (**Profile**)
for the URLs not given.

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
from .findings import Report, failed, info
from .profile import endpoints
from .urls import check_url

CART = "Cart"
STATUS_UPDATE = "StatusUpdateRequest"
NEW = "OrderRequest new"
UPDATE = "OrderRequest update"
DELETE = "OrderRequest delete"
ENDPOINT = "Endpoint URL"


def fresh_id(prefix: str) -> str:
    """An identifier nobody used before, saying where it comes from: a rerun of the check
    is a new order, not a copy of the last one."""
    return f"{prefix}-{secrets.token_hex(4).upper()}"


@dataclass(frozen=True)
class OrderEndpointCheck:
    """``order_url`` takes OrderRequests, ``status_url`` StatusUpdateRequests; one not
    given is taken from the ProfileResponse of ``profile_url`` when given, else not
    checked. ``cart`` is the cart the orders are made of."""

    partner: Partner
    cart: Cart
    order_url: str | None = None
    status_url: str | None = None
    profile_url: str | None = None
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
    async with CxmlClient(check.partner.ca_file) as client:
        run = Exchange(check.partner, client, report)
        routes = await endpoints(run, check.profile_url) if check.profile_url else {}
        order_url = check.order_url or routes.get("OrderRequest")
        status_url = check.status_url or routes.get("StatusUpdateRequest")
        report.add(_cart_findings(check))
        if status_url is None:
            run.skip(STATUS_UPDATE, "no status endpoint URL given or listed in a profile")
        else:
            report.add(check_url(ENDPOINT, status_url, STATUS_UPDATE))
            approve = approval(check.partner.parties, check.cart, check.order_id)
            await run.apply(STATUS_UPDATE, status_url, approve)
        if order_url is None:
            report.add(failed(ENDPOINT, "none given, and no profile lists an OrderRequest", NEW))
        else:
            report.add(check_url(ENDPOINT, order_url, NEW))
            await _orders(run, check, order_url)
    return report


async def _orders(run: Exchange, check: OrderEndpointCheck, url: str) -> None:
    parties, cart, order_id = check.partner.parties, check.cart, check.order_id
    new = order_request(parties, cart, order_id)
    if not applied(await run.apply(NEW, url, new)):
        for step in (UPDATE, DELETE):
            run.skip(step, "the new order was not applied, so there is nothing to change")
    else:
        changed = fewer(cart)
        update = order_request(
            parties,
            cart,
            order_id,
            type=OrderRequestType.UPDATE,
            version=2,
            previous=new.payload_id,
            quantities=changed,
        )
        updated = applied(await run.apply(UPDATE, url, update))
        delete = order_request(
            parties,
            cart,
            order_id,
            type=OrderRequestType.DELETE,
            version=3 if updated else 2,
            previous=(update if updated else new).payload_id,
            quantities=changed if updated else None,
        )
        await run.apply(DELETE, url, delete)
    await run.refusals(url, lambda p: order_request(p, cart, fresh_id(f"{order_id}-REFUSED")))
