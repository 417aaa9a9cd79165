"""Configure Purchasing System's "leave out optional elements" switch (docs/compatibility.md):
the cart (POOM) the store sends such a purchasing system has no ShortName, and stays
valid against the DTD; without the switch every line carries its ShortName."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from punchin.cxml import parse, validate
from punchin.cxml.envelope import Message
from punchin.cxml.punchout import PunchOutOrderMessage
from punchin.storefront.integration.models import PurchasingSystem

from .conftest import Acme
from .factories import submitted
from .test_integration import CONFIGURE, admin_client, form


def _short_names(raw: bytes) -> list[str | None]:
    body = parse(raw).body
    assert isinstance(body, Message)
    assert isinstance(body.payload, PunchOutOrderMessage)
    return [
        d.short_name.value if d.short_name else None
        for item in body.payload.items
        for d in item.item_detail.descriptions
    ]


def test_the_switch_is_on_the_settings_page(acme: Acme, settings: Any) -> None:
    settings.PUNCHIN_DEV = True
    client = admin_client()
    page = client.get(CONFIGURE).content.decode()
    assert "Leave out optional elements its cXML software cannot read" in page
    saved = client.post(
        CONFIGURE, form("http://127.0.0.1:8002/cxml/punchin", omit_optional_elements="on")
    )
    assert saved.status_code == 302
    assert PurchasingSystem.objects.get().omit_optional_elements is True
    page = client.get(CONFIGURE).content.decode()
    assert re.search(r'<input[^>]*name="omit_optional_elements"[^>]*checked', page)
    # Saved again without it (an unticked box is not sent): off.
    assert client.post(CONFIGURE, form("http://127.0.0.1:8002/cxml/punchin")).status_code == 302
    assert PurchasingSystem.objects.get().omit_optional_elements is False


def test_the_cart_leaves_short_names_out_for_such_a_system(
    acme: Acme, dev: Any, dtd_dir: Path
) -> None:
    acme.configure("http://127.0.0.1:9/cxml/punchin", omit_optional_elements=True)
    raw = bytes(submitted(acme).poom.document.raw)
    assert _short_names(raw) == [None, None]
    assert b"ShortName" not in raw
    assert validate(raw, dtd_dir) == []


def test_the_cart_carries_short_names_by_default(acme: Acme, dev: Any, dtd_dir: Path) -> None:
    """docs/product-names.md: the ShortName is the product's name, its title at the store."""
    acme.configure("http://127.0.0.1:9/cxml/punchin")
    raw = bytes(submitted(acme).poom.document.raw)
    assert _short_names(raw) == [
        "Pilot G2 Retractable Gel Pens, Fine Point 0.7 mm, Black Ink, 12 Pack",
        "HP 58A Black Original LaserJet Toner Cartridge, 3,000 Pages",
    ]
    assert validate(raw, dtd_dir) == []
