"""``check_fulfilment_endpoint``: act as the supplier against a buyer's fulfilment
endpoints, the way it answers an order the buyer's system sent.

In order, each step one document about that order, each sent twice (the copy must get
the first answer):

1. **ConfirmationRequest** ``accept``: every line as ordered (docs/protocol.md S9);
2. **ShipNoticeRequest**: every line shipped in one shipment (S10);
3. **InvoiceDetailRequest**: every line invoiced at its ordered price;
4. **Refusals**: a wrong SharedSecret, an unknown Sender, malformed XML, at the
   confirmation endpoint.

Given the buyer's ProfileRequest endpoint, the checker asks it first (**Profile**) for
the URLs not given; an endpoint neither given nor listed is not checked, and the report
says so.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from punchin.cxml import Document
from punchin.cxml.build import Parties
from punchin.transport import CxmlClient

from .exchange import Exchange, Partner
from .findings import Report, info
from .orderendpoint import ENDPOINT, fresh_id
from .profile import endpoints
from .supplier import Order, confirmation, invoice, ship_notice
from .urls import check_url

ORDER = "Order"
CONFIRMATION = "ConfirmationRequest"
SHIP_NOTICE = "ShipNoticeRequest"
INVOICE = "InvoiceDetailRequest"


@dataclass(frozen=True)
class FulfilmentEndpointCheck:
    """The order the documents are about, and the endpoints; one not given is taken from
    the ProfileResponse of ``profile_url`` when given, else not checked."""

    partner: Partner
    order: Order
    confirmation_url: str | None = None
    ship_notice_url: str | None = None
    invoice_url: str | None = None
    profile_url: str | None = None


def _order_findings(order: Order) -> Report:
    report = Report()
    reference = order.reference
    lines = ", ".join(
        f"{i.line.line_number}: {i.quantity:g} x {i.line.supplier_part_id}" for i in order.lines
    )
    said = f"orderID {reference.order_id}, payloadID {reference.payload_id}; {lines}"
    report.add(info("Lines", said, ORDER))
    return report


async def check_fulfilment_endpoint(check: FulfilmentEndpointCheck) -> Report:
    """Confirm, ship and invoice the order, probe the refusals; report every finding."""
    order, report = check.order, Report()
    async with CxmlClient(check.partner.ca_file) as client:
        run = Exchange(check.partner, client, report)
        routes = await endpoints(run, check.profile_url) if check.profile_url else {}
        steps: list[tuple[str, str | None, Callable[[Parties], Document]]] = [
            (
                CONFIRMATION,
                check.confirmation_url or routes.get(CONFIRMATION),
                lambda p: confirmation(p, order, fresh_id("CONF")),
            ),
            (
                SHIP_NOTICE,
                check.ship_notice_url or routes.get(SHIP_NOTICE),
                lambda p: ship_notice(p, order, fresh_id("SHIP")),
            ),
            (
                INVOICE,
                check.invoice_url or routes.get(INVOICE),
                lambda p: invoice(p, order, fresh_id("INV")),
            ),
        ]
        report.add(_order_findings(order))
        given = [(step, url, build) for step, url, build in steps if url is not None]
        for step, url, build in steps:
            if url is None:
                run.skip(step, "no endpoint URL given or listed in a profile")
            else:
                report.add(check_url(ENDPOINT, url, step))
                await run.apply(step, url, build(check.partner.parties))
        if given:  # the refusals at the first endpoint given, with its document
            _, endpoint, probe = given[0]
            await run.refusals(endpoint, probe)
    return report
