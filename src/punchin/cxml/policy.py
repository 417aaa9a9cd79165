"""How strictly to read a partner's documents: the reading policy chosen per partner.

An endpoint must read a request before it knows the sender (the credential is in the
Header), so it reads leniently first and judges the result by the sender's policy
once the sender is known (``accept``):

- ``strict``: what ``standard`` accepts, and valid against the DTD of the version the
  document declares, else 406 Not Acceptable with the DTD's first complaint;
- ``standard``: the structural rules of ``read`` (anything lenient reading had to
  repair is refused, 400 with the rule, as a strict ``read`` says it);
- ``lenient``: the repairs are applied and returned, to be recorded with the document.

Whatever the policy, hostile input (entities, internal subsets, oversized trees) was
refused by the first, lenient read: no policy loosens the safety rules.
"""

from __future__ import annotations

import enum
from pathlib import Path

from punchin.cxml.document import Parsed, read
from punchin.cxml.errors import NotAcceptable
from punchin.cxml.safety import Limits, Repair
from punchin.cxml.validate import validate


class ReadingPolicy(enum.StrEnum):
    STRICT = "strict"
    STANDARD = "standard"
    LENIENT = "lenient"


def describe(repair: Repair) -> str:
    """A repair as the document log and the pages show it."""
    return f"line {repair.line}: {repair.what}" if repair.line else repair.what


def accept(
    data: bytes,
    parsed: Parsed,
    policy: ReadingPolicy,
    *,
    limits: Limits | None = None,
    dtd_dir: Path | None = None,
) -> Parsed:
    """``parsed`` (a lenient ``read`` of ``data``) if ``policy`` accepts it, else raise.

    Raises ``BadRequest`` (400) with the rule a strict read names, ``NotAcceptable``
    (406) with the DTD's complaint and its line, or ``NoDTDDirectory`` when strict
    reading has no DTDs to validate against (our configuration, not the partner's).
    """
    if policy is ReadingPolicy.LENIENT:
        return parsed
    if parsed.repairs:
        parsed = read(data, limits=limits)  # raises with the rule lenient reading bent
    if policy is ReadingPolicy.STRICT:
        problems = validate(data, dtd_dir, limits=limits)
        if problems:
            raise NotAcceptable(f"not valid against its DTD: {problems[0]}", line=problems[0].line)
    return parsed
