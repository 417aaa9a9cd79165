from __future__ import annotations

import pytest
from django.db import transaction

from punchin.web.delivery.models import OutboundDelivery
from punchin.web.delivery.services import enqueue
from tests.delivery.conftest import drain, order, state
from tests.delivery.partner import FakePartner

pytestmark = pytest.mark.django_db(transaction=True)


def test_delivered(partner: FakePartner) -> None:
    with transaction.atomic():
        delivery = enqueue(order(), partner_key="supplier", url=partner.url)
    drain(lambda: state(delivery) == "delivered")
    assert partner.requests == [delivery.payload_id]
    assert OutboundDelivery.objects.get().attempts == 1
