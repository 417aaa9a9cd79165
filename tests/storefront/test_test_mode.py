"""Test mode on the storefront, over real HTTP (docs/test-mode.md): an OrderRequest or a
StatusUpdateRequest marked deploymentMode="test" is checked exactly as a production one
and changes nothing; a PunchOut session in test mode opens, and its cart says test."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from punchin.cxml.envelope import Document, Request
from punchin.cxml.validate import validate
from punchin.storefront.documents.models import CxmlDocument
from punchin.storefront.integration.models import PurchasingSystem
from punchin.storefront.orders.models import PurchaseOrder
from punchin.storefront.punchout.models import PunchOutSession
from punchin.storefront.submissions.models import PunchInSubmission
from punchin.web.testing import LiveASGIServer

from .conftest import Acme
from .factories import (
    cart_items,
    from_procurement,
    order_request,
    post,
    status_of,
    status_update,
    submitted,
)
from .test_punchout import setup_request

pytestmark = pytest.mark.django_db(transaction=True)


def in_test_mode(document: Document) -> Document:
    assert isinstance(document.body, Request)
    return replace(document, body=replace(document.body, deployment_mode="test"))


@pytest.fixture
def cart(acme: Acme, dev: Any) -> PunchInSubmission:
    acme.configure("http://127.0.0.1:9/cxml/punchin")
    return submitted(acme)


def test_a_test_mode_order_request_is_checked_and_not_recorded(
    cart: PunchInSubmission, storefront: LiveASGIServer, dtd_dir: Path
) -> None:
    """Nothing for the fulfilment staff to ship: the order is checked, then forgotten."""
    order = from_procurement(order_request(cart_items(cart)), "test-po@procurement")
    code, answer = post(storefront.url + "/cxml/order", in_test_mode(order))

    assert code == 200, answer
    assert validate(answer, dtd_dir) == []
    detail = status_of(answer).detail
    assert detail.startswith('deploymentMode="test": checked as in production, nothing recorded')
    assert not PurchaseOrder.objects.exists()
    logged = CxmlDocument.objects.get(payload_id="test-po@procurement", direction="in")
    assert "nothing recorded" in logged.detail


def test_a_test_mode_order_request_production_would_refuse_is_refused(
    cart: PunchInSubmission, storefront: LiveASGIServer
) -> None:
    first, second = cart_items(cart)
    more = order_request([replace(first, quantity=Decimal(3)), second])
    code, answer = post(
        storefront.url + "/cxml/order", in_test_mode(from_procurement(more, "test-more@p"))
    )

    assert code == 400
    assert "quantity 3 exceeds the cart's 2" in status_of(answer).detail


def test_a_test_mode_status_update_changes_nothing(
    cart: PunchInSubmission, storefront: LiveASGIServer
) -> None:
    update = in_test_mode(from_procurement(status_update(cart.payload_id), "test-su@p"))
    code, answer = post(storefront.url + "/cxml/status", update)

    assert code == 200, answer
    assert "nothing recorded" in status_of(answer).detail
    cart.refresh_from_db()
    assert cart.approval == "pending"


def test_a_test_mode_punchout_session_opens_and_carries_the_mode(
    acme: Acme, dev: Any, storefront: LiveASGIServer
) -> None:
    """Shopping orders nothing, so a test PunchOut is a real session; its cart goes back
    marked test, for the purchasing system to keep out of its requisitions."""
    acme.punchin_group.punchout = True
    acme.punchin_group.save()
    system: PurchasingSystem = acme.configure("http://127.0.0.1:9/cxml/punchin")
    document = in_test_mode(from_procurement(setup_request(), "test-punchout@p"))
    code, answer = post(storefront.url + "/cxml/punchout", document)

    assert code == 200, answer
    assert "nothing recorded" not in status_of(answer).detail
    session = PunchOutSession.objects.get(system=system)
    assert session.deployment_mode == "test"
