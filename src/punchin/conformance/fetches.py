"""Did the e-procurement side fetch the cart from the PoomUrl, in time? (P5, P19)

The checker serves the PunchOutOrderMessage itself and records every GET of the
PoomUrl; these pure functions judge the record.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .findings import Finding, failed, passed, warned

POOM_FETCH = "PoomUrl fetched"
# P19: "The PoomUrl must be fetched within one minute; after that the supplier answers 500."
POOM_TTL = 60.0


@dataclass(frozen=True, slots=True)
class PoomFetch:
    """One GET of a PoomUrl: when (seconds after the POST began), its headers, our answer."""

    after: float
    accept: str | None
    user_agent: str | None
    served: int


def _headers(fetch: PoomFetch) -> str:
    return f"Accept: {fetch.accept or '(none)'}, User-Agent: {fetch.user_agent or '(none)'}"


def check_poom_fetches(
    fetches: Sequence[PoomFetch], answered_after: float | None, ttl: float = POOM_TTL
) -> list[Finding]:
    """Fetched at least once (P5), the first time within ``ttl`` (P19), before answering.

    ``answered_after`` is when the answer arrived (None if it never did). A second
    fetch is allowed (a retry) but noted; a fetch without an XML ``Accept`` is noted.
    """
    if not fetches:
        return [failed(POOM_FETCH, "never: the endpoint must fetch the cart from the PoomUrl (P5)")]
    first = fetches[0]
    times = "once" if len(fetches) == 1 else f"{len(fetches)} times"
    seen = f"{times}, first {first.after:.2f} s after the POST, {_headers(first)}"
    if first.after > ttl:
        return [
            failed(
                POOM_FETCH,
                f"{seen}: later than the {ttl:g} s a PoomUrl is valid, so it was "
                f"answered {first.served} (P19)",
            )
        ]
    findings = [passed(POOM_FETCH, seen)]
    if len(fetches) > 1:
        findings.append(warned(POOM_FETCH, f"{times}: once per PunchOutSetupRequest is enough"))
    if answered_after is not None and first.after > answered_after:
        findings.append(
            warned(POOM_FETCH, "after the answer: the StartPage came before the cart was read")
        )
    if "xml" not in (first.accept or "") and "*/*" not in (first.accept or ""):
        findings.append(warned(POOM_FETCH, f"{_headers(first)}: the PoomUrl serves text/xml"))
    return findings
