"""What a conformance check reports: one finding per line, PASS, WARN, FAIL or INFO.

A finding names the check and gives the reason in words an integration engineer can
act on (which fact of docs/protocol.md, what was seen). The report's exit code is 0 unless
some finding failed, so the tool fits in a shell script or a CI job.
"""

from __future__ import annotations

import enum
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field


class Verdict(enum.Enum):
    PASS = "PASS"  # noqa: S105 (a verdict, not a password)
    WARN = "WARN"  # works, but a stricter partner (or the spec) would object
    FAIL = "FAIL"  # a partner acting as P1-P25 describe would not interoperate
    INFO = "INFO"  # what was seen, no judgement (lines, flags, payloadID)


@dataclass(frozen=True, slots=True)
class Finding:
    check: str
    verdict: Verdict
    reason: str

    def __str__(self) -> str:
        return f"{self.verdict.value}  {self.check}: {self.reason}"


def passed(check: str, reason: str) -> Finding:
    return Finding(check, Verdict.PASS, reason)


def warned(check: str, reason: str) -> Finding:
    return Finding(check, Verdict.WARN, reason)


def failed(check: str, reason: str) -> Finding:
    return Finding(check, Verdict.FAIL, reason)


def info(check: str, reason: str) -> Finding:
    return Finding(check, Verdict.INFO, reason)


@dataclass(slots=True)
class Report:
    """The findings of one run, in the order they were made."""

    findings: list[Finding] = field(default_factory=list)

    def add(self, findings: Finding | Iterable[Finding]) -> None:
        if isinstance(findings, Finding):
            self.findings.append(findings)
        else:
            self.findings.extend(findings)

    def __iter__(self) -> Iterator[Finding]:
        return iter(self.findings)

    def verdict_of(self, check: str) -> Verdict | None:
        """The worst verdict among the findings of ``check`` (None if it never ran)."""
        verdicts = {f.verdict for f in self.findings if f.check == check}
        for worst in (Verdict.FAIL, Verdict.WARN, Verdict.PASS, Verdict.INFO):
            if worst in verdicts:
                return worst
        return None

    @property
    def failures(self) -> list[Finding]:
        return [f for f in self.findings if f.verdict is Verdict.FAIL]

    @property
    def exit_code(self) -> int:
        return 1 if self.failures else 0

    def summary(self) -> str:
        counts = Counter(f.verdict for f in self.findings)
        judged = (Verdict.PASS, Verdict.WARN, Verdict.FAIL)
        parts = ", ".join(f"{counts[v]} {v.value}" for v in judged if counts[v])
        return f"{len(self.findings)} findings: {parts or 'nothing checked'}"
