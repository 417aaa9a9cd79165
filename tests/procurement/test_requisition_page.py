"""The requisition in the requester's words: protocol detail one click away."""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from punchin.web import demo
from tests.procurement import flow
from tests.signin import login

pytestmark = pytest.mark.django_db


def test_the_part_column_shows_the_part_and_keeps_the_suppliers_reference_folded() -> None:
    """The SupplierPartAuxiliaryID (the supplier's cookie for the line) means nothing
    to a requester: it sits under "Supplier's reference", not in the Part column."""
    call_command("seed_demo", storefront_url="http://127.0.0.1:8001")
    requisition = flow.draft()
    line = requisition.lines.order_by("line_number").first()
    assert line is not None
    client = Client()
    login(client, demo.PUNCHIN_BUYER, demo.PASSWORD)
    page = client.get(reverse("requisitions:detail", args=[requisition.number])).content.decode()
    cell = re.search(r'<td data-label="Part">(.*?)</td>', page, re.S)  # the first line's
    assert cell is not None
    visible, _, folded = cell.group(1).partition("<details")
    assert line.supplier_part_id in visible
    assert line.supplier_part_auxiliary_id not in visible
    assert "Supplier's reference" in folded
    assert line.supplier_part_auxiliary_id in folded
