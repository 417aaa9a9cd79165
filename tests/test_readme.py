"""The README's promises hold: its Python runs and prints what it says, and its test
command is the one CI runs."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
# A python block, optionally followed (after a line of prose) by a text block: its output.
EXAMPLES = re.findall(
    r"```python\n(.*?)```\n(?:\n[^`\n]*\n\n```text\n(.*?)```)?", README, flags=re.DOTALL
)
SHELL_BLOCKS = re.findall(r"```sh\n(.*?)```", README, flags=re.DOTALL)


def test_readme_has_python_to_run() -> None:
    assert EXAMPLES
    assert any(expected for _, expected in EXAMPLES)


@pytest.mark.parametrize(("code", "expected"), EXAMPLES)
def test_python_blocks_run(code: str, expected: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)  # the README's paths are relative to the checkout
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, "README.md", "exec"), {"__name__": "readme"})  # noqa: S102
    if expected:
        assert out.getvalue() == expected


def test_quick_start_is_two_commands_and_the_second_is_what_ci_runs() -> None:
    assert len(SHELL_BLOCKS) == 2
    assert SHELL_BLOCKS[1].strip() == "scripts/test"
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    commands = [line for line in ci.splitlines() if line and not line.startswith("#")]
    assert commands[-1] == "exec scripts/test"
