"""``punchin check fulfilment-endpoint`` against the real procurement: every check passes.

Procurement runs under uvicorn, seeded as ``punchin demo`` seeds it; an approved
requisition became a purchase order whose OrderRequest (the bytes queued for the
supplier) is what the checker answers, as the supplier answers the order it received:
it confirms, ships and invoices it, sends each document twice and probes the refusals.
The order ends confirmed, shipped once and invoiced once. The command finds the
endpoints in procurement's ProfileResponse.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from click.testing import CliRunner
from django.core.management import call_command

from punchin.cli import main
from punchin.conformance import (
    FulfilmentEndpointCheck,
    Partner,
    Report,
    Verdict,
    check_fulfilment_endpoint,
)
from punchin.conformance.supplier import order_of
from punchin.cxml import parse
from punchin.cxml.build import Parties
from punchin.procurement.orders.models import PurchaseOrder, State
from punchin.transport import BasicAuth
from punchin.web import demo
from punchin.web.delivery.models import OutboundDelivery
from punchin.web.testing import LiveASGIServer
from tests.procurement import flow

pytestmark = pytest.mark.django_db(transaction=True)

JUDGED = {Verdict.PASS, Verdict.WARN, Verdict.FAIL}


@pytest.fixture
def server(transactional_db: None) -> Iterator[LiveASGIServer]:
    call_command("seed_demo", storefront_url="http://127.0.0.1:8001")
    from punchin.procurement.asgi import application

    with LiveASGIServer(application) as live:
        yield live


def order_request_sent(order: PurchaseOrder) -> bytes:
    """The OrderRequest procurement queued for the supplier, as the supplier received it."""
    return bytes(OutboundDelivery.objects.get(payload_id=order.payload_id).raw)


def not_passed(report: Report) -> list[str]:
    return [str(f) for f in report if f.verdict in JUDGED - {Verdict.PASS}]


def test_the_library_finds_procurement_conformant(server: LiveASGIServer, dtd_dir: Path) -> None:
    order = flow.approved()
    store = Parties(
        domain=demo.CREDENTIAL_DOMAIN,
        from_identity=demo.STORE_IDENTITY,
        to_identity=demo.PROCUREMENT_IDENTITY,
        sender_identity=demo.STORE_IDENTITY,
        shared_secret=demo.SHARED_SECRET,
        user_agent=f"{demo.STORE_NAME} PunchIn 1.0",
    )
    check = FulfilmentEndpointCheck(
        partner=Partner(
            store, auth=BasicAuth(demo.ENDPOINT_USER, demo.ENDPOINT_PASSWORD), dtd_dir=dtd_dir
        ),
        order=order_of(parse(order_request_sent(order))),
        confirmation_url=f"{server.url}/cxml/confirmation",
        ship_notice_url=f"{server.url}/cxml/shipnotice",
        invoice_url=f"{server.url}/cxml/invoice",
    )
    report = asyncio.run(check_fulfilment_endpoint(check))

    shown = "\n".join(map(str, report))
    assert not_passed(report) == [], shown
    passed = {(f.step, f.check) for f in report if f.verdict is Verdict.PASS}
    for step in ("ConfirmationRequest", "ShipNoticeRequest", "InvoiceDetailRequest"):
        assert {
            (step, "cXML Status"),
            (step, "DTD-valid"),
            (step, "Same payloadID again"),
        } <= passed, shown
    assert {
        ("Refusals", "Refuses a wrong SharedSecret"),
        ("Refusals", "Unknown Sender answered alike"),
        ("Refusals", "Refuses malformed XML"),
    } <= passed, shown
    order.refresh_from_db()
    assert order.shipments.count() == 1
    assert order.invoices.count() == 1
    assert [line.confirmed_quantity for line in order.lines.order_by("line_number")] == [
        line.quantity for line in order.lines.order_by("line_number")
    ]
    assert order.state == State.CONFIRMED


def test_the_command_finds_the_endpoints_reads_the_order_and_writes_junit(
    server: LiveASGIServer, dtd_dir: Path, tmp_path: Path
) -> None:
    order = flow.approved()
    sent = tmp_path / "order.xml"
    sent.write_bytes(order_request_sent(order))
    junit = tmp_path / "junit.xml"
    result = CliRunner().invoke(
        main,
        [
            "check",
            "fulfilment-endpoint",
            "--profile-url",
            f"{server.url}/cxml/profile",
            "--order",
            str(sent),
            "--dtd-dir",
            str(dtd_dir),
            "--report",
            str(junit),
        ],
        env={
            "PUNCHIN_CHECK_SHARED_SECRET": demo.SHARED_SECRET,
            "PUNCHIN_CHECK_BASIC": f"{demo.ENDPOINT_USER}:{demo.ENDPOINT_PASSWORD}",
        },
    )

    assert result.exit_code == 0, result.output
    assert not [line for line in result.stdout.splitlines() if line.startswith(("FAIL", "WARN"))]
    assert demo.SHARED_SECRET not in result.output
    root = ET.parse(junit).getroot()  # noqa: S314 (our own file)
    assert root.get("failures") == "0"
    suites = [suite.get("name") for suite in root]
    assert "punchin check fulfilment-endpoint: InvoiceDetailRequest" in suites
    assert f"InvoiceDetailRequest {server.url}/cxml/invoice" in result.stdout
    # The identities came from the order: its To is the store, its From the buyer.
    assert order.shipments.count() == 1
