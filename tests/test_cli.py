"""The ``punchin`` command line: exit codes, one-line problems, the JSON view."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from punchin import cli

SAMPLES = Path(__file__).resolve().parents[2] / "shared" / "cxml" / "punchin-samples"
REQUEST = SAMPLES / "PunchOutSetupRequest.xml"
AS_PUBLISHED = SAMPLES / "PunchOutSetupResponse.as-published.xml"  # P24: raw '&'
REPAIRED = SAMPLES / "PunchOutSetupResponse.xml"


@pytest.fixture
def runner(monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.delenv("PUNCHIN_CXML_DTD_DIR", raising=False)
    return CliRunner()


def test_valid_files_exit_0(runner: CliRunner, dtd_dir: Path) -> None:
    result = runner.invoke(
        cli.main, ["cxml", "validate", "--dtd-dir", str(dtd_dir), str(REQUEST), str(REPAIRED)]
    )
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert result.stderr == "2 documents valid\n"


def test_p24_document_is_invalid_with_file_and_line(runner: CliRunner, dtd_dir: Path) -> None:
    result = runner.invoke(
        cli.main, ["cxml", "validate", "--dtd-dir", str(dtd_dir), str(REQUEST), str(AS_PUBLISHED)]
    )
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        f"{AS_PUBLISHED}:1: raw '&' or undefined entity reference (write '&amp;')"
    ]
    assert result.stderr == "1 of 2 documents invalid\n"


def test_lenient_accepts_p24_and_reports_the_repair(runner: CliRunner, dtd_dir: Path) -> None:
    result = runner.invoke(
        cli.main, ["cxml", "validate", "--lenient", "--dtd-dir", str(dtd_dir), str(AS_PUBLISHED)]
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        f"{AS_PUBLISHED}:1: warning: repaired: escaped raw '&' characters as '&amp;'"
    ]


def test_dtd_problems_are_one_line_each(runner: CliRunner, dtd_dir: Path, tmp_path: Path) -> None:
    # Sender without its required UserAgent (docs/protocol.md S1.1), on line 18.
    lines = REQUEST.read_text().splitlines()
    broken = [line for line in lines if "<UserAgent>" not in line]
    assert len(broken) == len(lines) - 1
    bad = tmp_path / "no_user_agent.xml"
    bad.write_text("\n".join(broken))
    sender_line = next(n for n, line in enumerate(broken, 1) if "<Sender>" in line)
    result = runner.invoke(cli.main, ["cxml", "validate", "--dtd-dir", str(dtd_dir), str(bad)])
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        f"{bad}:{sender_line}: Element Sender content does not follow the DTD, expecting "
        "(Credential+ , UserAgent), got (Credential )"
    ]


def test_typed_read_catches_what_the_dtd_cannot(
    runner: CliRunner, dtd_dir: Path, tmp_path: Path
) -> None:
    bad = tmp_path / "bad_timestamp.xml"
    bad.write_bytes(REQUEST.read_bytes().replace(b"2021-03-12T10:07:48-08:00", b"yesterday"))
    result = runner.invoke(cli.main, ["cxml", "validate", "--dtd-dir", str(dtd_dir), str(bad)])
    assert result.exit_code == 1
    assert result.stdout.startswith(f"{bad}:3: cXML: 'yesterday' is not an ISO 8601 time")


def test_dtd_dir_from_environment(
    runner: CliRunner, dtd_dir: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(cli, "default_dtd_dir", lambda: None)
    monkeypatch.setenv("PUNCHIN_CXML_DTD_DIR", str(dtd_dir))
    assert runner.invoke(cli.main, ["cxml", "validate", str(REQUEST)]).exit_code == 0
    # An empty folder has no DTDs: the document cannot be checked, so it is not valid.
    monkeypatch.setenv("PUNCHIN_CXML_DTD_DIR", str(tmp_path))
    result = runner.invoke(cli.main, ["cxml", "validate", str(REQUEST)])
    assert result.exit_code == 1
    assert "no local copy of cXML.dtd" in result.stdout


def test_dtd_dir_falls_back_to_shared_beside_the_current_directory(
    runner: CliRunner, dtd_dir: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(cli, "_REPO_ROOT", tmp_path / "elsewhere" / "repo")
    clone = tmp_path / "repo"
    clone.mkdir()
    (tmp_path / "shared" / "cxml").mkdir(parents=True)
    (tmp_path / "shared" / "cxml" / "dtd").symlink_to(dtd_dir)
    monkeypatch.chdir(clone)
    assert cli.default_dtd_dir() == tmp_path / "shared" / "cxml" / "dtd"
    assert runner.invoke(cli.main, ["cxml", "validate", str(REQUEST)]).exit_code == 0


def test_no_dtd_dir_is_a_clear_one_line_error(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(cli, "_REPO_ROOT", tmp_path / "repo")
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(cli.main, ["cxml", "validate", str(REQUEST)])
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: no cXML DTD directory: pass --dtd-dir or set")
    assert len(result.stderr.splitlines()) == 1


def test_missing_file_is_a_usage_error(runner: CliRunner, dtd_dir: Path) -> None:
    result = runner.invoke(
        cli.main, ["cxml", "validate", "--dtd-dir", str(dtd_dir), "/nonexistent.xml"]
    )
    assert result.exit_code == 2
    assert "'/nonexistent.xml' does not exist" in result.stderr


def test_unreadable_file_is_one_line(
    runner: CliRunner, dtd_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # chmod cannot lock root out, so the read itself is made to fail.
    def unreadable(self: Path) -> bytes:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "read_bytes", unreadable)
    result = runner.invoke(cli.main, ["cxml", "validate", "--dtd-dir", str(dtd_dir), str(REQUEST)])
    assert result.exit_code == 1
    assert result.stderr == f"Error: {REQUEST}: Permission denied\n"


def test_unexpected_errors_are_one_line(
    runner: CliRunner, dtd_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def explode(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(cli, "check_file", explode)
    result = runner.invoke(cli.main, ["cxml", "validate", "--dtd-dir", str(dtd_dir), str(REQUEST)])
    assert result.exit_code == 1
    assert result.stderr == "Error: internal error (RuntimeError: boom); please report it\n"


def test_show_prints_the_typed_model(runner: CliRunner) -> None:
    result = runner.invoke(cli.main, ["cxml", "show", str(REQUEST)])
    assert result.exit_code == 0, result.output
    shown = json.loads(result.stdout)
    assert shown["type"] == "Document"
    assert shown["payload_id"] == "1615572468.744701@amazon.com"
    assert shown["timestamp"] == "2021-03-12T10:07:48-08:00"
    sender = shown["header"]["sender"]
    assert sender["user_agent"] == "Amazon Business PunchIn 1.0"
    assert sender["credentials"][0]["shared_secret"] == {"type": "SharedSecret", "value": "***"}
    extrinsics = shown["body"]["payload"]["extrinsics"]
    assert [(e["type"], e["name"]) for e in extrinsics] == [
        ("Extrinsic", "UserEmail"),
        ("Extrinsic", "PoomUrl"),
    ]


def test_show_refuses_p24_unless_lenient(runner: CliRunner) -> None:
    strict = runner.invoke(cli.main, ["cxml", "show", str(AS_PUBLISHED)])
    assert strict.exit_code == 1
    assert strict.stdout == ""
    assert strict.stderr.startswith(f"{AS_PUBLISHED}:1: raw '&'")
    lenient = runner.invoke(cli.main, ["cxml", "show", "--lenient", str(AS_PUBLISHED)])
    assert lenient.exit_code == 0
    url = json.loads(lenient.stdout)["body"]["payload"]["start_page"]["url"]
    assert "&requiresAuthByCredentials=1&" in json.dumps(url)
    assert "warning: repaired: escaped raw '&'" in lenient.stderr


def test_help_explains_every_command(runner: CliRunner) -> None:
    for args in (
        ["--help"],
        ["cxml", "--help"],
        ["cxml", "validate", "-h"],
        ["cxml", "show", "-h"],
    ):
        result = runner.invoke(cli.main, args)
        assert result.exit_code == 0
        assert "Usage: punchin" in result.stdout
    assert "PUNCHIN_CXML_DTD_DIR" in runner.invoke(cli.main, ["cxml", "validate", "-h"]).stdout


def test_installed_command_runs_in_a_real_process(dtd_dir: Path) -> None:
    command = shutil.which("punchin", path=str(Path(sys.executable).parent))
    assert command is not None, "the punchin entry point is not installed (pip install -e .)"
    env = {**os.environ, "PUNCHIN_CXML_DTD_DIR": str(dtd_dir)}
    done = subprocess.run(
        [command, "cxml", "validate", str(REQUEST), str(AS_PUBLISHED)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=60,
    )
    assert done.returncode == 1
    assert (
        done.stdout == f"{AS_PUBLISHED}:1: raw '&' or undefined entity reference (write '&amp;')\n"
    )
    assert "Traceback" not in done.stderr
