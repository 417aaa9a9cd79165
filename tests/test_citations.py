"""Every citation in the repository opens inside it (docs/style.md section 7).

Code, tests and docs cite protocol facts as ``P19`` or ``docs/protocol.md S1.4``, threats
as ``docs/security.md row 9``, and other pages by their path. Each must name an anchor or a
file that exists here, so that whoever clones the project can read what is cited. Pages
and ``--help`` are for users: they state the rule in words and carry no codes.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from punchin.cli import main

ROOT = Path(__file__).resolve().parents[1]
SCANNED = ("src", "docs", "tests", "README.md")
TEXT = {".py", ".md", ".html", ".txt", ".toml", ".cfg", ".conf", ".yml", ".yaml"}

P_CODE = re.compile(r"\bP(\d{1,2})\b")
P_RANGE = re.compile(r"\bP(\d{1,2})[-\u2013]P(\d{1,2})\b")
# "docs/protocol.md S1.4", "docs/protocol.md S9 and S10", "docs/protocol.md S1.1, S1.2"
S_CODES = re.compile(r"protocol\.md`?\s+(S[\d.]*\d(?:(?:,\s+|\s+and\s+)S[\d.]*\d)*)")
# "docs/security.md row 9", "rows 1-8 and 12", "rows 15, 20", across a line break in a comment
ROWS = re.compile(
    r"security\.md`?\s+(?:#\s*)?rows?\s+(\d+(?:[-\u2013]\d+)?(?:(?:,\s+|\s+and\s+)\d+(?:[-\u2013]\d+)?)*)"
)
MD_PATH = re.compile(r"(?<![\w/.-])((?:\.\.?/)*[\w./-]*\w\.md)\b")
ANCHOR = re.compile(r'<a id="([^"]+)"></a>')


def _files() -> list[Path]:
    listed = subprocess.run(
        ["git", "-C", str(ROOT), "ls-files", "--", *SCANNED],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    return [
        ROOT / name
        for name in listed
        # This file spells out the patterns it looks for, so it is not scanned itself.
        if Path(name).suffix in TEXT
        and not name.startswith("tests/data/")
        and ROOT / name != Path(__file__).resolve()
    ]


def _anchors(page: str) -> set[str]:
    return set(ANCHOR.findall((ROOT / page).read_text(encoding="utf-8")))


def _numbers(listed: str, prefix: str = "") -> list[str]:
    """``1-8 and 12`` -> 1..8, 12 (and ``S9 and S10`` -> S9, S10 with prefix ``S``)."""
    found: list[str] = []
    for part in re.split(r",\s+|\s+and\s+", listed):
        bounds = part.removeprefix(prefix).replace("\u2013", "-").split("-")
        if len(bounds) == 2:
            found += [f"{prefix}{n}" for n in range(int(bounds[0]), int(bounds[1]) + 1)]
        else:
            found.append(part if prefix else bounds[0])
    return found


def _cited(pattern: re.Pattern[str], prefix: str = "") -> dict[str, list[str]]:
    """Each cited number or code -> where it is cited (``path:line``)."""
    cited: dict[str, list[str]] = {}
    for path in _files():
        text = path.read_text(encoding="utf-8")
        for match in pattern.finditer(text):
            line = text.count("\n", 0, match.start()) + 1
            for number in _numbers(match.group(1), prefix):
                cited.setdefault(number, []).append(f"{path.relative_to(ROOT)}:{line}")
    return cited


def _missing(cited: dict[str, list[str]], anchors: set[str], anchor_of: str) -> list[str]:
    return [
        f"{code} (cited at {', '.join(where[:3])})"
        for code, where in sorted(cited.items())
        if anchor_of.format(code) not in anchors
    ]


def test_every_p_code_is_an_anchor_of_docs_protocol() -> None:
    cited: dict[str, list[str]] = {}
    for path in _files():
        text = path.read_text(encoding="utf-8")
        for match in P_CODE.finditer(text):
            cited.setdefault(match.group(1), []).append(str(path.relative_to(ROOT)))
        for match in P_RANGE.finditer(text):
            for n in range(int(match.group(1)), int(match.group(2)) + 1):
                cited.setdefault(str(n), []).append(str(path.relative_to(ROOT)))
    assert cited, "no P-code found: the scan is broken"
    assert _missing(cited, _anchors("docs/protocol.md"), "P{}") == []


def test_every_cxml_section_cited_is_an_anchor_of_docs_protocol() -> None:
    cited = _cited(S_CODES, prefix="S")
    assert cited, "no docs/protocol.md S-code found: the scan is broken"
    assert _missing(cited, _anchors("docs/protocol.md"), "{}") == []


def test_every_security_row_cited_is_an_anchor_of_docs_security() -> None:
    cited = _cited(ROWS)
    assert cited, "no docs/security.md row found: the scan is broken"
    assert _missing(cited, _anchors("docs/security.md"), "row-{}") == []


def test_every_md_path_mentioned_exists() -> None:
    """A path counts from the repository root, or from the citing file's folder (a link)."""
    missing = []
    for path in _files():
        text = path.read_text(encoding="utf-8")
        for match in MD_PATH.finditer(text):
            name = match.group(1)
            if not ((ROOT / name).is_file() or (path.parent / name).is_file()):
                line = text.count("\n", 0, match.start()) + 1
                missing.append(f"{path.relative_to(ROOT)}:{line}: {name}")
    assert missing == []


def test_no_citation_points_outside_the_repository() -> None:
    outside = re.compile(r"SPEC-NOTES|SECURITY(?:\.md)?\s+rows?|shared/(?:design|cxml)/\w+\.md")
    found = [
        f"{path.relative_to(ROOT)}: {match.group(0)}"
        for path in _files()
        for match in outside.finditer(path.read_text(encoding="utf-8"))
    ]
    assert found == []


def test_pages_carry_no_codes() -> None:
    templates = sorted((ROOT / "src").rglob("templates/**/*.html"))
    assert templates
    coded = [
        f"{page.relative_to(ROOT)}: {match.group(0)}"
        for page in templates
        for match in re.finditer(r"\bP\d{1,2}\b|row \d+|\bS\d+(?:\.\d+)?\b", page.read_text())
    ]
    assert coded == []


def _commands(group: click.Command, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = [path]
    if isinstance(group, click.Group):
        for name, command in group.commands.items():
            found += _commands(command, (*path, name))
    return found


@pytest.mark.parametrize("command", _commands(main), ids=lambda c: " ".join(c) or "punchin")
def test_help_carries_no_codes(command: tuple[str, ...]) -> None:
    result = CliRunner().invoke(main, [*command, "--help"])
    assert result.exit_code == 0, result.output
    assert P_CODE.findall(result.output) == []
    assert "docs/security.md" not in result.output
