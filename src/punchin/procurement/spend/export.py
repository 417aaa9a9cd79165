"""A spend report as CSV (docs/spend.md, "CSV export").

A spreadsheet reads a cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return as a formula, and supplier names and cost centres come from other
people: such a text cell gets a leading apostrophe, which makes it text (OWASP's
advice on CSV injection). Amounts are ours, written exactly (``exact``), and stay
numbers, a negative one included.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator

from punchin.procurement.spend.services import Figure, Report, exact

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
HEADINGS = ("Currency", "Approved", "Received", "Invoiced")


def neutralised(text: str) -> str:
    """``text`` as a cell no spreadsheet runs."""
    return "'" + text if text.startswith(FORMULA_START) else text


def rows(report: Report, figures: Iterable[Figure]) -> Iterator[list[str]]:
    yield [report.heading, *HEADINGS]
    for figure in figures:
        yield [
            neutralised(figure.label),
            neutralised(figure.currency),
            exact(figure.approved),
            exact(figure.received),
            exact(figure.invoiced),
        ]


def as_csv(report: Report, figures: Iterable[Figure]) -> bytes:
    """UTF-8 with a byte-order mark, so that a spreadsheet reads accented names right."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows(report, figures))
    return out.getvalue().encode("utf-8-sig")
