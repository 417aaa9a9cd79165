"""What a conformance check reports: one finding per line, PASS, WARN, FAIL or INFO.

A finding names the check and gives the reason in words an integration engineer can
act on (which fact of docs/protocol.md, what was seen); a run made of steps (``punchin
check supplier``: the request, the cart, the retry, ...) names the step too. The
report's exit code is 0 unless some finding failed, so the tool fits in a shell script
or a CI job.
"""

from __future__ import annotations

import enum
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace


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
    step: str = ""

    def __str__(self) -> str:
        step = f"[{self.step}] " if self.step else ""
        return f"{self.verdict.value}  {step}{self.check}: {self.reason}"


def passed(check: str, reason: str, step: str = "") -> Finding:
    return Finding(check, Verdict.PASS, reason, step)


def warned(check: str, reason: str, step: str = "") -> Finding:
    return Finding(check, Verdict.WARN, reason, step)


def failed(check: str, reason: str, step: str = "") -> Finding:
    return Finding(check, Verdict.FAIL, reason, step)


def info(check: str, reason: str, step: str = "") -> Finding:
    return Finding(check, Verdict.INFO, reason, step)


def in_step(step: str, findings: Iterable[Finding]) -> list[Finding]:
    """``findings`` as findings of ``step``: the same checks run at several steps."""
    return [replace(f, step=step) for f in findings]


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

    def verdict_of(self, check: str, step: str | None = None) -> Verdict | None:
        """The worst verdict among the findings of ``check`` (at ``step`` when given;
        None if it never ran)."""
        verdicts = {
            f.verdict
            for f in self.findings
            if f.check == check and (step is None or f.step == step)
        }
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
