"""``check_fulfilment_endpoint``: act as the supplier against a buyer's fulfilment
endpoints, the way it answers an order the buyer's system sent.

In order, each step one document about that order, each sent twice (the copy must get
the first answer):

1. **ConfirmationRequest** ``accept``: every line as ordered (docs/protocol.md S9);
2. **ShipNoticeRequest**: every line shipped in one shipment (S10);
3. **InvoiceDetailRequest**: every line invoiced at its ordered price;
4. **Refusals**: a wrong SharedSecret, an unknown Sender, malformed XML, at the
   confirmation endpoint.

An endpoint not given is not checked, and the report says so.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from punchin.cxml import Document
from punchin.cxml.build import Parties
from punchin.transport import CxmlClient

from .exchange import Exchange, Partner
from .findings import Report, info
from .orderendpoint import fresh_id
from .supplier import Order, confirmation, invoice, ship_notice
from .urls import check_url

ORDER = "Order"
CONFIRMATION = "ConfirmationRequest"
SHIP_NOTICE = "ShipNoticeRequest"
INVOICE = "InvoiceDetailRequest"


@dataclass(frozen=True)
class FulfilmentEndpointCheck:
    """The endpoints (None: not checked) and the order the documents are about."""

    partner: Partner
    order: Order
    confirmation_url: str | None = None
    ship_notice_url: str | None = None
    invoice_url: str | None = None


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
    order = check.order
    steps: list[tuple[str, str | None, Callable[[Parties], Document]]] = [
        (CONFIRMATION, check.confirmation_url, lambda p: confirmation(p, order, fresh_id("CONF"))),
        (SHIP_NOTICE, check.ship_notice_url, lambda p: ship_notice(p, order, fresh_id("SHIP"))),
        (INVOICE, check.invoice_url, lambda p: invoice(p, order, fresh_id("INV"))),
    ]
    given = [(step, url, build) for step, url, build in steps if url is not None]
    report = Report()
    for step, endpoint, _ in given:
        report.add(check_url(f"{step} endpoint URL", endpoint))
    report.add(_order_findings(order))
    async with CxmlClient(check.partner.ca_file) as client:
        run = Exchange(check.partner, client, report)
        for step, url, build in steps:
            if url is None:
                run.skip(step, "no endpoint URL given")
            else:
                await run.apply(step, url, build(check.partner.parties))
        if given:  # the refusals at the first endpoint given, with its document
            _, endpoint, probe = given[0]
            await run.refusals(endpoint, probe)
    return report
