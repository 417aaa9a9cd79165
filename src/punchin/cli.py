"""The ``punchin`` command: check and inspect cXML documents from the shell.

A thin edge over ``punchin.cxml``: it reads files, calls the library, and turns every
failure into one line (``file:line: message``) and an exit status, never a traceback.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from punchin.cxml import CXMLError, Limits, Repair, read
from punchin.cxml.jsonview import to_jsonable
from punchin.cxml.safety import check_bytes
from punchin.cxml.validate import DTD_DIR_ENV, validate

# CI and the README clone the repository next to ``shared/``, which holds the official
# DTDs (they are not ours to ship): look there when nothing else is configured.
_SHARED_DTD = Path("shared", "cxml", "dtd")
_REPO_ROOT = Path(__file__).resolve().parents[2]

EXIT_INVALID = 1
EXIT_USAGE = 2


class ConfigurationError(click.ClickException):
    """The command cannot run as configured (exit 2, like a usage error)."""

    exit_code = EXIT_USAGE


class OneLineErrors(click.Group):
    """Whatever goes wrong below becomes one ``Error:`` line, never a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except OSError as exc:
            where = f"{exc.filename}: " if exc.filename else ""
            raise click.ClickException(f"{where}{exc.strerror or exc}") from None
        except Exception as exc:
            raise click.ClickException(
                f"internal error ({type(exc).__name__}: {exc}); please report it"
            ) from None


@dataclass(frozen=True, slots=True)
class Finding:
    """One line of output: a problem, or in lenient mode a repair."""

    path: Path
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else str(self.path)
        return f"{where}: {self.message}"


def default_dtd_dir() -> Path | None:
    """``../shared/cxml/dtd`` beside the current directory or beside this checkout."""
    for base in (Path.cwd().parent, _REPO_ROOT.parent):
        candidate = base / _SHARED_DTD
        if candidate.is_dir():
            return candidate
    return None


def _repairs(path: Path, repairs: tuple[Repair, ...] | list[Repair]) -> Iterator[Finding]:
    for repair in repairs:
        yield Finding(path, repair.line, f"warning: repaired: {repair.what}")


def check_file(path: Path, dtd_dir: Path, *, lenient: bool) -> tuple[list[Finding], list[Finding]]:
    """Problems and repairs for one file: DTD validity first, then the typed read.

    The typed read runs only on a DTD-valid document, so one mistake is reported once
    (with the DTD's more precise message); it still catches what a DTD cannot see,
    such as an amount that is not a number.
    """
    data = path.read_bytes()
    byte_repairs: list[Repair] | None = [] if lenient else None
    try:
        body, _ = check_bytes(data, Limits(), byte_repairs)
    except CXMLError as exc:
        return [Finding(path, exc.line, exc.detail)], []
    problems = [Finding(path, p.line, p.message) for p in validate(body, dtd_dir)]
    if problems:
        return problems, list(_repairs(path, byte_repairs or []))
    try:
        parsed = read(data, lenient=lenient)
    except CXMLError as exc:
        return [Finding(path, exc.line, exc.detail)], list(_repairs(path, byte_repairs or []))
    return [], list(_repairs(path, parsed.repairs))


def _lenient_option(command: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--lenient",
        is_flag=True,
        help="Read imperfect documents that partners are known to send (a raw '&' in "
        "a URL, a time without a UTC offset) and report each repair as a warning. "
        "Without it, such documents are refused, as the library refuses them by default.",
    )(command)


@click.group(
    name="punchin", cls=OneLineErrors, context_settings={"help_option_names": ["-h", "--help"]}
)
@click.version_option(package_name="punchin")
def main() -> None:
    """punchin: cXML Punch-in and PunchOut.

    Run "punchin COMMAND --help" for the details of a command.
    """


@main.group()
def cxml() -> None:
    """Check and inspect cXML documents (files on disk, nothing is sent)."""


@cxml.command("validate")
@click.argument(
    "files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option(
    "--dtd-dir",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    envvar=DTD_DIR_ENV,
    show_envvar=True,
    help="Folder of official cXML DTDs laid out as VERSION/cXML.dtd. Default: "
    f"${DTD_DIR_ENV}, else ../shared/cxml/dtd beside the current directory or this checkout.",
)
@_lenient_option
def validate_command(files: tuple[Path, ...], dtd_dir: Path | None, lenient: bool) -> None:
    """Check that each FILE is a valid cXML document.

    Each document is checked against the official DTD its DOCTYPE declares (the local
    copy of that version, or the nearest newer one; never fetched from the network),
    then read into punchin's typed models. Prints one line per problem as
    "file:line: message" and exits with 0 if every file is valid, 1 otherwise.
    """
    directory = dtd_dir or default_dtd_dir()
    if directory is None:
        raise ConfigurationError(
            f"no cXML DTD directory: pass --dtd-dir or set {DTD_DIR_ENV} to a folder of "
            "VERSION/cXML.dtd files (e.g. shared/cxml/dtd)"
        )
    invalid = 0
    for path in files:
        problems, repairs = check_file(path, directory, lenient=lenient)
        for finding in (*repairs, *problems):
            click.echo(str(finding))
        invalid += bool(problems)
    if invalid:
        click.echo(f"{invalid} of {_documents(len(files))} invalid", err=True)
        sys.exit(EXIT_INVALID)
    click.echo(f"{_documents(len(files))} valid", err=True)


def _documents(count: int) -> str:
    return f"{count} document" if count == 1 else f"{count} documents"


@cxml.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@_lenient_option
def show(file: Path, lenient: bool) -> None:
    """Print FILE as punchin reads it: the typed model as JSON.

    Each object names its model class under "type"; fields keep their Python
    (snake_case) names; amounts are strings, times ISO 8601, elements punchin does not
    model are shown as their XML text, and SharedSecrets as "***". Repairs made with
    --lenient go to standard error as warnings.
    """
    try:
        parsed = read(file.read_bytes(), lenient=lenient)
    except CXMLError as exc:
        click.echo(str(Finding(file, exc.line, exc.detail)), err=True)
        sys.exit(EXIT_INVALID)
    for finding in _repairs(file, parsed.repairs):
        click.echo(str(finding), err=True)
    click.echo(json.dumps(to_jsonable(parsed.document), indent=2, ensure_ascii=False))


@main.command()
@click.option(
    "--storefront-port", default=8001, show_default=True, help="Port of the supplier storefront."
)
@click.option(
    "--procurement-port",
    default=8002,
    show_default=True,
    help="Port of the e-procurement system.",
)
@click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("punchin-demo-data"),
    show_default=True,
    help="Where both parties keep their SQLite databases; reused on the next run.",
)
def demo(storefront_port: int, procurement_port: int, data_dir: Path) -> None:
    """Run the whole Punch-in journey on this machine.

    Starts the storefront (supplier) and the procurement system (e-procurement) as two
    servers on 127.0.0.1, each with its own database, migrated and seeded so that a
    buyer can shop, submit the cart for approval and land in procurement at once.
    Prints the sites, every cXML endpoint and the demo logins; Ctrl-C stops both.
    """
    from punchin import demo as journey

    if storefront_port == procurement_port:
        raise ConfigurationError("--storefront-port and --procurement-port must differ")
    try:
        code = journey.run(storefront_port, procurement_port, data_dir, echo=click.echo)
    except RuntimeError as exc:
        raise click.ClickException(str(exc)) from None
    sys.exit(code)
