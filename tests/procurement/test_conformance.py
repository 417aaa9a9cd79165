"""``punchin check punchin-endpoint`` against the real procurement endpoint: all PASS.

The checker plays the supplier (P14-P21) against procurement served by uvicorn, seeded
as ``punchin demo`` seeds it, in development mode (loopback http allowed): the answer,
the PoomUrl fetch and the refusal probes (wrong SharedSecret 403, malformed XML 400,
replayed payloadID answered the same without a second requisition, P15, P23) all pass.
"""

from __future__ import annotations

import asyncio
import socket
from pathlib import Path

import pytest
from click.testing import CliRunner

from punchin.cli import main
from punchin.conformance import EndpointCheck, Report, Verdict, check_punchin_endpoint
from punchin.cxml.build import Parties
from punchin.procurement.partners.models import SupplierPartner
from punchin.procurement.requisitions.models import Requisition
from punchin.transport import BasicAuth
from punchin.web import demo
from punchin.web.testing import LiveASGIServer

pytestmark = pytest.mark.django_db(transaction=True)

JUDGED = {Verdict.PASS, Verdict.WARN, Verdict.FAIL}


def demo_parties() -> Parties:
    return Parties(
        domain=demo.CREDENTIAL_DOMAIN,
        from_identity=demo.STORE_IDENTITY,
        to_identity=demo.PROCUREMENT_IDENTITY,
        sender_identity=demo.STORE_IDENTITY,
        shared_secret=demo.SHARED_SECRET,
        user_agent=f"{demo.STORE_NAME} PunchIn 1.0",
    )


def not_passed(report: Report) -> list[str]:
    return [str(f) for f in report if f.verdict in JUDGED and f.verdict is not Verdict.PASS]


@pytest.fixture
def kit_port(procurement: LiveASGIServer) -> int:
    """A port for the kit's PoomUrl server, allowed for the demo partner: the partner's
    list names host and port, and the kit is not the store (docs/conformance.md)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    partner = SupplierPartner.objects.get()
    partner.allowed_poom_hosts += f"\n127.0.0.1:{port}"
    partner.save(update_fields=["allowed_poom_hosts"])
    return port


def test_the_library_finds_procurement_conformant(
    procurement: LiveASGIServer, dtd_dir: Path, kit_port: int
) -> None:
    check = EndpointCheck(
        url=f"{procurement.url}/cxml/punchin",
        parties=demo_parties(),
        user_email=demo.PUNCHIN_BUYER,
        auth=BasicAuth(demo.ENDPOINT_USER, demo.ENDPOINT_PASSWORD),
        dtd_dir=dtd_dir,
        poom_port=kit_port,
        probe_refusals=True,
    )
    report = asyncio.run(check_punchin_endpoint(check))

    assert not_passed(report) == [], "\n".join(map(str, report))
    checks = {f.check for f in report if f.verdict is Verdict.PASS}
    assert {
        "HTTP status",
        "cXML document",
        "DTD-valid",
        "cXML Status",
        "StartPage URL",
        "PoomUrl fetched",
        "Response time",
        "Replayed payloadID",
        "Refuses a wrong SharedSecret",
        "Refuses malformed XML",
    } <= checks
    # The replay was answered from the first answer: one cart, one requisition (P15).
    assert Requisition.objects.count() == 1
    assert Requisition.objects.get().lines.count() == 2


def test_the_command_finds_procurement_conformant_in_test_mode_and_leaves_no_requisition(
    procurement: LiveASGIServer, dtd_dir: Path, kit_port: int
) -> None:
    """The command sends deploymentMode="test" unless told otherwise: procurement checks
    the request and the cart as in production, and no draft is left in the buyer's list."""
    result = CliRunner().invoke(
        main,
        [
            "check",
            "punchin-endpoint",
            f"{procurement.url}/cxml/punchin",
            "--from-identity",
            demo.STORE_IDENTITY,
            "--to-identity",
            demo.PROCUREMENT_IDENTITY,
            "--user-email",
            demo.PUNCHIN_BUYER,
            "--store-name",
            demo.STORE_NAME,
            "--dtd-dir",
            str(dtd_dir),
            "--probe-refusals",
            "--poom-port",
            str(kit_port),
        ],
        env={
            "PUNCHIN_CHECK_SHARED_SECRET": demo.SHARED_SECRET,
            "PUNCHIN_CHECK_BASIC": f"{demo.ENDPOINT_USER}:{demo.ENDPOINT_PASSWORD}",
        },
    )

    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert not [line for line in lines if line.startswith(("FAIL", "WARN"))], result.stdout
    assert any(line.startswith("PASS  Refuses a wrong SharedSecret") for line in lines)
    assert demo.SHARED_SECRET not in result.output
    assert any(line.endswith("deploymentMode test") for line in lines if "Sent:" in line)
    assert any("/punchin/test/" in line for line in lines if "StartPage URL" in line)
    assert not Requisition.objects.exists()
