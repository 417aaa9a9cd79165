"""How fast ``punchin.cxml.parse`` reads a cart, against the floor and hand-written code.

For PunchOutOrderMessages of 1, 100 and 1000 realistic ItemIn lines this prints the
median time of

* ``lxml.etree.fromstring`` alone: the floor, what merely building the tree costs;
* a hand-written ``xml.etree.ElementTree`` extraction of the same fields into dicts,
  converting money and quantities to ``Decimal``, counts to ``int`` and the timestamp to
  a ``datetime`` as ``parse`` does (no safety checks, no unknown-element bookkeeping);
* ``punchin.cxml.parse``: prescan, hardened parse and the typed models;

and the ratios parse/floor and parse/ET. The three run in turns and the clock is this
thread's CPU time, so other processes on the machine disturb the ratios little; still,
the machine's speed drifts, so compare ratios of one run rather than absolute times.

Run: ``.venv/bin/python benchmarks/cxml_parse.py [--repeat N]``
"""

from __future__ import annotations

import argparse
import statistics
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from lxml import etree

from punchin.cxml import parse
from punchin.cxml.punchout import PunchOutOrderMessage

_HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE cXML SYSTEM "http://xml.cxml.org/schemas/cXML/1.2.063/cXML.dtd">
<cXML payloadID="1700000000.42.7@shop.example" timestamp="2024-03-12T10:07:48-08:00" \
xml:lang="en-US">
  <Header>
    <From><Credential domain="NetworkID"><Identity>AN01000000001</Identity></Credential></From>
    <To><Credential domain="NetworkID"><Identity>AN01000000002</Identity></Credential></To>
    <Sender>
      <Credential domain="NetworkID"><Identity>AN01000000001</Identity></Credential>
      <UserAgent>Shop 1.0</UserAgent>
    </Sender>
  </Header>
  <Message deploymentMode="production">
    <PunchOutOrderMessage>
      <BuyerCookie>c0ffee-1234</BuyerCookie>
      <PunchOutOrderMessageHeader operationAllowed="edit">
        <Total><Money currency="USD">{total}</Money></Total>
      </PunchOutOrderMessageHeader>
"""

_LINE = """      <ItemIn quantity="{quantity}" lineNumber="{n}">
        <ItemID>
          <SupplierPartID>SKU-{n:06d}</SupplierPartID>
          <SupplierPartAuxiliaryID>cart-7/line-{n}</SupplierPartAuxiliaryID>
        </ItemID>
        <ItemDetail>
          <UnitPrice><Money currency="USD">{price}</Money></UnitPrice>
          <Description xml:lang="en-US"><ShortName>Chair {n}</ShortName>Ergonomic \
office chair with adjustable arms &amp; lumbar support, model {n}</Description>
          <UnitOfMeasure>EA</UnitOfMeasure>
          <Classification domain="UNSPSC">56112104</Classification>
          <ManufacturerPartID>MPN-{n}-X</ManufacturerPartID>
          <ManufacturerName>Acme Seating</ManufacturerName>
          <URL>https://shop.example/p/{n}</URL>
          <LeadTime>{lead}</LeadTime>
          <Extrinsic name="color">graphite</Extrinsic>
        </ItemDetail>
      </ItemIn>
"""

_TAIL = """    </PunchOutOrderMessage>
  </Message>
</cXML>
"""


def build_poom(lines: int) -> bytes:
    """A PunchOutOrderMessage of ``lines`` ItemIn, pretty-printed as partners send them."""
    items = []
    total = Decimal(0)
    for n in range(1, lines + 1):
        quantity = Decimal(n % 7 + 1) / 2
        price = Decimal(1999 + n) / 100
        total += quantity * price
        items.append(_LINE.format(n=n, quantity=quantity, price=price, lead=n % 10))
    return (_HEAD.format(total=total) + "".join(items) + _TAIL).encode("utf-8")


def _money(money: ET.Element | None) -> dict[str, Any]:
    assert money is not None
    return {"amount": Decimal(money.text or ""), "currency": money.get("currency")}


def _item(item: ET.Element) -> dict[str, Any]:
    """The fields of one ItemIn, the way one would write it by hand with ElementTree."""
    item_id = item.find("ItemID")
    detail = item.find("ItemDetail")
    assert item_id is not None
    assert detail is not None
    description = detail.find("Description")
    assert description is not None
    short_name = description.find("ShortName")
    classification = detail.find("Classification")
    assert classification is not None
    lead_time = detail.findtext("LeadTime")
    line_number = item.get("lineNumber")
    return {
        "quantity": Decimal(item.get("quantity", "")),
        "line_number": int(line_number) if line_number else None,
        "supplier_part_id": item_id.findtext("SupplierPartID"),
        "supplier_part_auxiliary_id": item_id.findtext("SupplierPartAuxiliaryID"),
        "unit_price": _money(detail.find("UnitPrice/Money")),
        "description": "".join(
            [description.text or ""] + [child.tail or "" for child in description]
        ),
        "description_lang": description.get("{http://www.w3.org/XML/1998/namespace}lang"),
        "short_name": short_name.text if short_name is not None else None,
        "unit_of_measure": detail.findtext("UnitOfMeasure"),
        "classification": (classification.get("domain"), classification.text),
        "manufacturer_part_id": detail.findtext("ManufacturerPartID"),
        "manufacturer_name": detail.findtext("ManufacturerName"),
        "url": detail.findtext("URL"),
        "lead_time": int(lead_time) if lead_time else None,
        "extrinsics": {e.get("name"): e.text or "" for e in detail.iterfind("Extrinsic")},
    }


def extract_with_elementtree(data: bytes) -> dict[str, Any]:
    """The baseline a reviewer would write: ElementTree plus ``find`` per field."""
    root = ET.fromstring(data)  # noqa: S314 -- trusted, generated input
    poom = root.find("Message/PunchOutOrderMessage")
    assert poom is not None
    return {
        "payload_id": root.get("payloadID"),
        "timestamp": datetime.fromisoformat(root.get("timestamp", "")),
        "from": root.findtext("Header/From/Credential/Identity"),
        "buyer_cookie": poom.findtext("BuyerCookie"),
        "operation_allowed": poom.find("PunchOutOrderMessageHeader").get("operationAllowed"),  # type: ignore[union-attr]
        "total": _money(poom.find("PunchOutOrderMessageHeader/Total/Money")),
        "items": [_item(item) for item in poom.iterfind("ItemIn")],
    }


CLOCKS = {"cpu": time.thread_time, "wall": time.perf_counter}


def medians_ms(
    fns: Sequence[Callable[[bytes], object]], data: bytes, repeat: int, clock: Callable[[], float]
) -> list[float]:
    """Median time of each function, run in turns so that drift hits them all alike."""
    times: list[list[float]] = [[] for _ in fns]
    for fn in fns:
        fn(data)  # warm caches and compile the readers
    for _ in range(repeat):
        for fn, samples in zip(fns, times, strict=True):
            start = clock()
            fn(data)
            samples.append(clock() - start)
    return [statistics.median(samples) * 1000 for samples in times]


def _check(data: bytes, lines: int) -> None:
    """Both readers must agree on what they read, or the timing compares nothing."""
    payload = parse(data).body.payload
    assert isinstance(payload, PunchOutOrderMessage)
    extracted = extract_with_elementtree(data)
    assert len(payload.items) == len(extracted["items"]) == lines
    last, expected = payload.items[-1], extracted["items"][-1]
    assert last.quantity == expected["quantity"]
    assert last.item_detail.unit_price.money.amount == expected["unit_price"]["amount"]
    assert last.item_detail.descriptions[0].text == expected["description"]


def main() -> None:
    cli = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    cli.add_argument("--repeat", type=int, default=0, help="runs per median (default: by size)")
    cli.add_argument("--lines", type=int, nargs="*", default=[1, 100, 1000])
    cli.add_argument(
        "--clock",
        choices=sorted(CLOCKS),
        default="cpu",
        help="cpu: this thread's CPU time, steady on a shared machine (default); wall: elapsed",
    )
    args = cli.parse_args()
    print("| lines | floor ms | ElementTree ms | parse ms | parse/floor | parse/ET |")
    print("|---:|---:|---:|---:|---:|---:|")
    for lines in args.lines:
        data = build_poom(lines)
        _check(data, lines)
        repeat = args.repeat or max(20, 20_000 // lines)
        floor, baseline, ours = medians_ms(
            (etree.fromstring, extract_with_elementtree, parse), data, repeat, CLOCKS[args.clock]
        )
        print(
            f"| {lines} | {floor:.3f} | {baseline:.3f} | {ours:.3f} "
            f"| {ours / floor:.2f} | {ours / baseline:.2f} |"
        )


if __name__ == "__main__":
    main()
