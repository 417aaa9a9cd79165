"""The ``punchin`` command: cXML documents, partners' endpoints and the demo, from the shell.

A thin edge over ``punchin.cxml``: it reads files, calls the library, and turns every
failure into one line (``file:line: message``) and an exit status, never a traceback.
"""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from punchin.cxml import CXMLError, Document, Limits, Repair, read
from punchin.cxml.build import Parties
from punchin.cxml.jsonview import to_jsonable
from punchin.cxml.safety import check_bytes
from punchin.cxml.validate import DTD_DIR_ENV, validate

if TYPE_CHECKING:  # the check commands load aiohttp only when they run
    from punchin.conformance import Report
    from punchin.transport.auth import Auth

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


def _dtd_dir_option(command: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--dtd-dir",
        type=click.Path(exists=True, file_okay=False, path_type=Path),
        envvar=DTD_DIR_ENV,
        show_envvar=True,
        help="Folder of official cXML DTDs laid out as VERSION/cXML.dtd. Default: "
        f"${DTD_DIR_ENV}, else ../shared/cxml/dtd beside the current directory or this "
        "checkout.",
    )(command)


def _dtd_directory(dtd_dir: Path | None) -> Path:
    """``--dtd-dir``, else the default; no DTDs at all is a configuration error."""
    directory = dtd_dir or default_dtd_dir()
    if directory is None:
        raise ConfigurationError(
            f"no cXML DTD directory: pass --dtd-dir or set {DTD_DIR_ENV} to a folder of "
            "VERSION/cXML.dtd files (e.g. shared/cxml/dtd)"
        )
    return directory


@cxml.command("validate")
@click.argument(
    "files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@_dtd_dir_option
@_lenient_option
def validate_command(files: tuple[Path, ...], dtd_dir: Path | None, lenient: bool) -> None:
    """Check that each FILE is a valid cXML document.

    Each document is checked against the official DTD its DOCTYPE declares (the local
    copy of that version, or the nearest newer one; never fetched from the network),
    then read into punchin's typed models. Prints one line per problem as
    "file:line: message" and exits with 0 if every file is valid, 1 otherwise.
    """
    directory = _dtd_directory(dtd_dir)
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
    "--sso-port",
    default=8003,
    show_default=True,
    help="Port of the demo's OpenID provider, where procurement's single sign-on user signs in.",
)
@click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("punchin-demo-data"),
    show_default=True,
    help="Where both parties keep their SQLite databases; reused on the next run.",
)
def demo(storefront_port: int, procurement_port: int, sso_port: int, data_dir: Path) -> None:
    """Run the whole Punch-in journey on this machine.

    Starts the storefront (supplier) and the procurement system (e-procurement) as two
    servers on 127.0.0.1, each with its own database, migrated and seeded so that a
    buyer can shop, submit the cart for approval and land in procurement at once.
    A third process, a small OpenID provider, signs one user of the buying organisation
    in to procurement by single sign-on. Prints the sites, every cXML endpoint and the
    demo logins; Ctrl-C stops everything.
    """
    from punchin import demo as journey

    if len({storefront_port, procurement_port, sso_port}) != 3:
        raise ConfigurationError("--storefront-port, --procurement-port and --sso-port must differ")
    try:
        code = journey.run(
            storefront_port, procurement_port, data_dir, echo=click.echo, sso_port=sso_port
        )
    except RuntimeError as exc:
        raise click.ClickException(str(exc)) from None
    sys.exit(code)


@main.group()
def check() -> None:
    """Check a partner's endpoint the way the other party would (sends real requests).

    Prints one line per check, PASS, WARN, FAIL or INFO with the reason, and exits
    with 0 when nothing failed, 1 otherwise.
    """


def _auth(
    basic: str | None, bearer: str | None, cert: Path | None, key: Path | None
) -> Auth | None:
    """The one HTTP authentication scheme of P10 chosen on the command line."""
    from punchin.transport import BasicAuth, BearerAuth, ClientCertificate

    given = (("--basic", basic), ("--bearer", bearer), ("--cert", cert))
    chosen = [name for name, value in given if value is not None]
    if len(chosen) > 1:
        raise click.UsageError(f"choose one authentication scheme, not {' and '.join(chosen)}")
    if (cert is None) != (key is None):
        raise click.UsageError("--cert and --key go together")
    try:
        if basic is not None:
            user, colon, password = basic.partition(":")
            if not colon:
                raise click.BadParameter("expected USER:PASSWORD", param_hint="--basic")
            return BasicAuth(user, password)
        if bearer is not None:
            return BearerAuth(bearer)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--basic/--bearer") from None
    if cert is not None and key is not None:
        return ClientCertificate(str(cert), str(key))
    return None


def _report(report: Report, report_file: Path | None, command: str) -> None:
    from punchin.conformance.reports import write_report

    for finding in report:
        click.echo(str(finding))
    if report_file is not None:
        write_report(report, report_file, f"punchin check {command}")
    click.echo(report.summary(), err=True)
    sys.exit(report.exit_code)


def _report_suffix(ctx: click.Context, param: click.Parameter, value: Path | None) -> Path | None:
    if value is not None and value.suffix.lower() not in (".xml", ".json", ".html"):
        raise click.BadParameter("FILE ends in .xml (JUnit), .json or .html")
    return value


def _report_option(command: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--report",
        "report_file",
        type=click.Path(dir_okay=False, writable=True, path_type=Path),
        callback=_report_suffix,
        metavar="FILE",
        help="Also write the report to FILE: JUnit XML (.xml, for CI), JSON (.json) or "
        "a readable HTML page (.html), by its extension.",
    )(command)


_FILE = click.Path(exists=True, dir_okay=False, path_type=Path)


@check.command("punchin-endpoint")
@click.argument("url")
@click.option("--from-identity", required=True, help="Our (the supplier's) From identity.")
@click.option("--to-identity", required=True, help="The e-procurement system's To identity.")
@click.option("--sender-identity", help="The Sender identity. Default: the From identity.")
@click.option(
    "--domain",
    default="NetworkID",
    show_default=True,
    help="Credential domain of From, To and Sender.",
)
@click.option(
    "--shared-secret",
    required=True,
    envvar="PUNCHIN_CHECK_SHARED_SECRET",
    show_envvar=True,
    help="The SharedSecret that tells the endpoint which store is calling. Prefer the "
    "environment variable: a command line is visible to other users of the machine.",
)
@click.option(
    "--basic",
    metavar="USER:PASSWORD",
    envvar="PUNCHIN_CHECK_BASIC",
    show_envvar=True,
    help="HTTP basic authentication.",
)
@click.option(
    "--bearer",
    metavar="TOKEN",
    envvar="PUNCHIN_CHECK_BEARER",
    show_envvar=True,
    help="HTTP bearer token.",
)
@click.option("--cert", type=_FILE, help="Client certificate, PEM (needs --key, https).")
@click.option("--key", type=_FILE, help="The client certificate's private key, PEM.")
@click.option("--ca-file", type=_FILE, help="Trust these CA certificates instead of the system's.")
@click.option("--user-email", required=True, help="The buyer's e-mail (the UserEmail Extrinsic).")
@click.option(
    "--poom-host",
    default="127.0.0.1",
    show_default=True,
    help="Address the temporary PoomUrl server listens on.",
)
@click.option("--poom-port", default=0, show_default=True, help="Its port (0: any free port).")
@click.option(
    "--public-url",
    help="Base URL the endpoint reaches the PoomUrl server at (e.g. an https tunnel). "
    "Default: http://POOM-HOST:PORT.",
)
@click.option(
    "--store-name",
    default="punchin check",
    show_default=True,
    help='Sent as "User-Agent: <store> PunchIn 1.0", the form Punch-in requires.',
)
@click.option(
    "--test-mode/--production-mode",
    default=True,
    show_default=True,
    help='Send deploymentMode="test" (an endpoint that honours it checks everything and '
    'creates nothing) or "production" (it creates a real draft requisition for the buyer).',
)
@click.option(
    "--budget",
    default=20.0,
    show_default=True,
    help="Seconds within which the answer passes (the supplier waits while the buyer watches).",
)
@click.option("--timeout", default=60.0, show_default=True, help="Seconds before giving up.")
@click.option(
    "--probe-refusals",
    is_flag=True,
    help="Also replay the request (same answer expected), send a wrong SharedSecret (403) "
    "and malformed XML (400).",
)
@_dtd_dir_option
@_report_option
def check_punchin_endpoint_command(
    url: str,
    from_identity: str,
    to_identity: str,
    sender_identity: str | None,
    domain: str,
    shared_secret: str,
    basic: str | None,
    bearer: str | None,
    cert: Path | None,
    key: Path | None,
    ca_file: Path | None,
    user_email: str,
    poom_host: str,
    poom_port: int,
    public_url: str | None,
    store_name: str,
    test_mode: bool,
    budget: float,
    timeout: float,
    probe_refusals: bool,
    dtd_dir: Path | None,
    report_file: Path | None,
) -> None:
    """Punch in to the e-procurement endpoint at URL, acting as the supplier.

    Serves a two-line cart (PunchOutOrderMessage) at a fresh, unguessable PoomUrl for
    60 seconds, as long as a real one lives, POSTs a PunchOutSetupRequest announcing it,
    built as a Punch-in supplier builds it, in test mode unless --production-mode is
    given (then the endpoint creates a real draft requisition each run), and checks
    the answer: HTTP status,
    well-formed and DTD-valid cXML, the Status (200 accepts; 400 and 403 refuse for good;
    500 asks for a retry), the StartPage URL and its flags, whether and when the PoomUrl
    was fetched, and the time taken. The endpoint must be able to reach the PoomUrl (see
    --public-url).
    """
    from punchin.conformance import EndpointCheck, check_punchin_endpoint
    from punchin.transport.auth import check_header_value

    user_agent = f"{store_name} PunchIn 1.0"
    try:
        check_header_value("--store-name", user_agent)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--store-name") from None
    parties = Parties(
        domain=domain,
        from_identity=from_identity,
        to_identity=to_identity,
        sender_identity=sender_identity or from_identity,
        shared_secret=shared_secret,
        user_agent=user_agent,
        deployment_mode="test" if test_mode else "production",
    )
    config = EndpointCheck(
        url=url,
        parties=parties,
        user_email=user_email,
        auth=_auth(basic, bearer, cert, key),
        ca_file=str(ca_file) if ca_file else None,
        dtd_dir=_dtd_directory(dtd_dir),
        poom_host=poom_host,
        poom_port=poom_port,
        public_url=public_url,
        budget=budget,
        timeout=timeout,
        probe_refusals=probe_refusals,
    )
    _report(asyncio.run(check_punchin_endpoint(config)), report_file, "punchin-endpoint")


@check.command("poom")
@click.argument("url")
@click.option(
    "--payload-id",
    help="The PunchOutSetupRequest's payloadID; the cart must carry the same one.",
)
@click.option("--ca-file", type=_FILE, help="Trust these CA certificates instead of the system's.")
@click.option("--timeout", default=30.0, show_default=True, help="Seconds before giving up.")
@_dtd_dir_option
@_report_option
def check_poom_command(
    url: str,
    payload_id: str | None,
    ca_file: Path | None,
    timeout: float,
    dtd_dir: Path | None,
    report_file: Path | None,
) -> None:
    """Fetch a supplier's PoomUrl (the cart's URL) at URL as the e-procurement system would.

    One GET with "Accept: text/xml", no redirects followed; then the cart is read and
    DTD-validated, and its payloadID, currency, lines (each ItemIn's required parts)
    and Total (is it the sum of the lines?) are reported.
    """
    from punchin.conformance import check_poom_url

    directory = _dtd_directory(dtd_dir)
    report = asyncio.run(
        check_poom_url(
            url,
            dtd_dir=directory,
            ca_file=str(ca_file) if ca_file else None,
            timeout=timeout,
            expected_payload_id=payload_id,
        )
    )
    _report(report, report_file, "poom")


@check.command("supplier")
@click.option(
    "--host", default="127.0.0.1", show_default=True, help="Address the endpoint listens on."
)
@click.option("--port", default=8765, show_default=True, help="Its port (0: any free port).")
@click.option(
    "--public-url",
    help="Base URL the supplier and the buyer's browser reach this endpoint at (e.g. an "
    "https tunnel). Default: http://HOST:PORT.",
)
@click.option(
    "--shared-secret",
    envvar="PUNCHIN_CHECK_SHARED_SECRET",
    show_envvar=True,
    help="The SharedSecret the supplier must send in its Sender's credential. Without it, "
    "only its presence is checked.",
)
@click.option("--sender-identity", help="The Sender identity the supplier must send.")
@click.option(
    "--basic",
    metavar="USER:PASSWORD",
    envvar="PUNCHIN_CHECK_BASIC",
    show_envvar=True,
    help="The HTTP basic authentication the supplier must send.",
)
@click.option(
    "--bearer",
    metavar="TOKEN",
    envvar="PUNCHIN_CHECK_BEARER",
    show_envvar=True,
    help="The HTTP bearer token the supplier must send.",
)
@click.option("--ca-file", type=_FILE, help="Trust these CA certificates for the PoomUrl fetch.")
@click.option("--wait", default=300.0, show_default=True, help="Seconds to wait for the punch-in.")
@click.option(
    "--retry-wait",
    default=120.0,
    show_default=True,
    help="Seconds to wait for the retry after our 500.",
)
@click.option(
    "--landing-wait",
    default=10.0,
    show_default=True,
    help="Seconds to wait for the browser at the StartPage.",
)
@_dtd_dir_option
@_report_option
def check_supplier_command(
    host: str,
    port: int,
    public_url: str | None,
    shared_secret: str | None,
    sender_identity: str | None,
    basic: str | None,
    bearer: str | None,
    ca_file: Path | None,
    wait: float,
    retry_wait: float,
    landing_wait: float,
    dtd_dir: Path | None,
    report_file: Path | None,
) -> None:
    """Be the e-procurement endpoint a supplier punches in to, and grade each step.

    Listens on http://HOST:PORT/cxml/punchin: point the supplier's Punch-in endpoint
    URL there ("Configure Purchasing System") and punch in. The first
    PunchOutSetupRequest is checked (the headers, the credentials and SharedSecret,
    payloadID, BuyerCookie, the UserEmail and PoomUrl Extrinsics, operation create,
    DTD), its cart is fetched from the PoomUrl and checked (the same payloadID, lines,
    Total, DTD), and the answer is cXML Status 500, which asks the supplier to retry.
    The retry must carry the same payloadID and a PoomUrl that still answers; it gets
    200 with a StartPage, where the buyer's browser should then arrive.
    """
    from punchin.conformance import Expected, SupplierCheck, check_supplier

    expected = Expected(
        shared_secret=shared_secret,
        sender_identity=sender_identity,
        authorization=_authorization(_auth(basic, bearer, None, None)),
    )
    config = SupplierCheck(
        host=host,
        port=port,
        public_url=public_url,
        expected=expected,
        dtd_dir=_dtd_directory(dtd_dir),
        ca_file=str(ca_file) if ca_file else None,
        wait=wait,
        retry_wait=retry_wait,
        landing_wait=landing_wait,
    )

    def ready(url: str) -> None:
        click.echo(f"Point the supplier's Punch-in endpoint URL at {url} and punch in.", err=True)

    _report(asyncio.run(check_supplier(config, ready)), report_file, "supplier")


def _authorization(auth: Auth | None) -> str | None:
    """The ``Authorization`` header value ``auth`` sends (None: nothing to compare)."""
    from punchin.transport import BasicAuth, BearerAuth

    return auth.header() if isinstance(auth, BasicAuth | BearerAuth) else None


def _partner_document(path: Path) -> Document:
    """A document the partner sent, read as leniently as we read partners (a file that
    is not cXML is a usage error)."""
    try:
        return read(path.read_bytes(), lenient=True).document
    except CXMLError as exc:
        raise ConfigurationError(str(Finding(path, exc.line, exc.detail))) from None


def _reversed_parties(
    sent: Document | None,
    *,
    from_identity: str | None,
    to_identity: str | None,
    sender_identity: str | None,
    domain: str | None,
    shared_secret: str,
    user_agent: str,
    test_mode: bool,
) -> Parties:
    """Our identities: as given, else those of the partner's document turned round (its
    To is us, its From the partner)."""
    from punchin.transport.auth import check_header_value

    try:
        check_header_value("--user-agent", user_agent)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--user-agent") from None
    header = sent.header if sent is not None else None
    ours = header.to.credentials[0] if header and header.to.credentials else None
    theirs = header.from_.credentials[0] if header and header.from_.credentials else None
    from_identity = from_identity or (ours.identity.value.strip() if ours else None)
    to_identity = to_identity or (theirs.identity.value.strip() if theirs else None)
    if not from_identity or not to_identity:
        raise click.UsageError(
            "give --from-identity and --to-identity (or a document to take them from)"
        )
    return Parties(
        domain=domain or (ours.domain if ours else "NetworkID"),
        from_identity=from_identity,
        to_identity=to_identity,
        sender_identity=sender_identity or from_identity,
        shared_secret=shared_secret,
        user_agent=user_agent,
        deployment_mode="test" if test_mode else "production",
    )


def _as_partner_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """The options both order-document checks share: identities, secrets, transport."""
    options = (
        click.option(
            "--from-identity", help="Our From identity. Default: the To of the document read."
        ),
        click.option(
            "--to-identity",
            help="The partner's To identity. Default: the From of the document read.",
        ),
        click.option("--sender-identity", help="The Sender identity. Default: the From identity."),
        click.option(
            "--domain",
            help="Credential domain of From, To and Sender. Default: the document's (NetworkID).",
        ),
        click.option(
            "--shared-secret",
            required=True,
            envvar="PUNCHIN_CHECK_SHARED_SECRET",
            show_envvar=True,
            help="The SharedSecret the partner knows us by. Prefer the environment variable: "
            "a command line is visible to other users of the machine.",
        ),
        click.option(
            "--basic",
            metavar="USER:PASSWORD",
            envvar="PUNCHIN_CHECK_BASIC",
            show_envvar=True,
            help="HTTP basic authentication.",
        ),
        click.option(
            "--bearer",
            metavar="TOKEN",
            envvar="PUNCHIN_CHECK_BEARER",
            show_envvar=True,
            help="HTTP bearer token.",
        ),
        click.option("--cert", type=_FILE, help="Client certificate, PEM (needs --key, https)."),
        click.option("--key", type=_FILE, help="The client certificate's private key, PEM."),
        click.option(
            "--ca-file", type=_FILE, help="Trust these CA certificates instead of the system's."
        ),
        click.option(
            "--user-agent",
            default="punchin check",
            show_default=True,
            help="Sent as the Sender's UserAgent and the HTTP User-Agent.",
        ),
        click.option(
            "--test-mode", is_flag=True, help='Send deploymentMode="test" (default production).'
        ),
        click.option(
            "--budget",
            default=20.0,
            show_default=True,
            help="Seconds within which each answer passes.",
        ),
        click.option(
            "--timeout",
            default=60.0,
            show_default=True,
            help="Seconds before giving up on an answer.",
        ),
    )
    for option in reversed(options):
        command = option(command)
    return command


def _partner(
    sent: Document | None, dtd_dir: Path | None, **given: Any
) -> Any:  # punchin.conformance.Partner, loaded only when the command runs
    from punchin.conformance import Partner

    auth = _auth(given.pop("basic"), given.pop("bearer"), given.pop("cert"), given.pop("key"))
    ca_file = given.pop("ca_file")
    budget, timeout = given.pop("budget"), given.pop("timeout")
    return Partner(
        parties=_reversed_parties(sent, **given),
        auth=auth,
        ca_file=str(ca_file) if ca_file else None,
        dtd_dir=_dtd_directory(dtd_dir),
        budget=budget,
        timeout=timeout,
    )


_PROFILE_HELP = (
    "The partner's ProfileRequest endpoint: the URLs not given are taken from the requests "
    "its ProfileResponse lists."
)


@check.command("order-endpoint")
@click.argument("url", required=False)
@click.option(
    "--status-url",
    help="Where StatusUpdateRequests go. Without it (or a profile listing it), none is sent.",
)
@click.option("--profile-url", help=_PROFILE_HELP)
@click.option(
    "--from-cart",
    "cart_file",
    type=_FILE,
    help="A cart (PunchOutOrderMessage) the supplier sent: the orders are made of its lines, "
    "and the approval names it. Without it, the kit's sample cart, which a supplier that "
    "matches orders to its carts refuses.",
)
@click.option(
    "--order-id", help="The orderID of the test order. Default: a new PUNCHIN-CHECK-... each run."
)
@_as_partner_options
@_dtd_dir_option
@_report_option
def check_order_endpoint_command(
    url: str | None,
    status_url: str | None,
    profile_url: str | None,
    cart_file: Path | None,
    order_id: str | None,
    dtd_dir: Path | None,
    report_file: Path | None,
    **given: Any,
) -> None:
    """Write back to the supplier's order endpoint at URL (or the one its profile lists),
    acting as the e-procurement system.

    Approves the cart (StatusUpdateRequest to --status-url), orders every line of it
    (OrderRequest new), changes the order (update: one less of a line) and cancels it
    (delete), each referring to the one before; sends every document a second time,
    which must get the same answer and change nothing; and checks that a wrong
    SharedSecret and an unknown Sender are refused alike (401 or 403) and malformed XML
    with 400. Every answer is read as the sender reads it: well-formed, DTD-valid, and
    its cXML Status (200 applied). The orders say they are tests, but they are real:
    use a test account.
    """
    from punchin.conformance import OrderEndpointCheck, check_order_endpoint
    from punchin.conformance.buyer import cart_of, sample_cart
    from punchin.cxml.payload_id import new_payload_id

    if url is None and profile_url is None:
        raise click.UsageError("give the order endpoint URL, or --profile-url")
    sent = _partner_document(cart_file) if cart_file is not None else None
    partner = _partner(sent, dtd_dir, **given)
    if sent is None:
        cart = sample_cart(partner.parties, new_payload_id())
    else:
        try:
            cart = cart_of(sent)
        except ValueError as exc:
            raise ConfigurationError(f"{cart_file}: {exc}") from None
    options = {"order_id": order_id} if order_id else {}
    config = OrderEndpointCheck(
        partner, cart, order_url=url, status_url=status_url, profile_url=profile_url, **options
    )
    _report(asyncio.run(check_order_endpoint(config)), report_file, "order-endpoint")


@check.command("fulfilment-endpoint")
@click.argument("url", required=False)
@click.option(
    "--order",
    "order_file",
    type=_FILE,
    required=True,
    help="An OrderRequest the e-procurement system sent: the documents name its orderID, "
    "payloadID and lines.",
)
@click.option(
    "--ship-notice-url",
    help="Where ShipNoticeRequests go. Without it (or a profile listing it), none is sent.",
)
@click.option(
    "--invoice-url",
    help="Where InvoiceDetailRequests go. Without it (or a profile listing it), none is sent.",
)
@click.option("--profile-url", help=_PROFILE_HELP)
@_as_partner_options
@_dtd_dir_option
@_report_option
def check_fulfilment_endpoint_command(
    url: str | None,
    order_file: Path,
    ship_notice_url: str | None,
    invoice_url: str | None,
    profile_url: str | None,
    dtd_dir: Path | None,
    report_file: Path | None,
    **given: Any,
) -> None:
    """Answer an order at the e-procurement system's confirmation endpoint URL (or the
    one its profile lists), acting as the supplier.

    Confirms the order of --order (ConfirmationRequest accept), ships every line
    (ShipNoticeRequest to --ship-notice-url) and invoices it (InvoiceDetailRequest to
    --invoice-url), each naming the order's orderID and payloadID; sends every document
    a second time, which must get the same answer and change nothing; and checks that a
    wrong SharedSecret and an unknown Sender are refused alike (401 or 403) and
    malformed XML with 400. Every answer is read as the sender reads it: well-formed,
    DTD-valid, and its cXML Status (200 applied). The documents are real: use a test
    order.
    """
    from punchin.conformance import FulfilmentEndpointCheck, check_fulfilment_endpoint
    from punchin.conformance.supplier import order_of

    if url is None and profile_url is None:
        raise click.UsageError("give the confirmation endpoint URL, or --profile-url")
    sent = _partner_document(order_file)
    try:
        order = order_of(sent)
    except ValueError as exc:
        raise ConfigurationError(f"{order_file}: {exc}") from None
    config = FulfilmentEndpointCheck(
        partner=_partner(sent, dtd_dir, **given),
        order=order,
        confirmation_url=url,
        ship_notice_url=ship_notice_url,
        invoice_url=invoice_url,
        profile_url=profile_url,
    )
    _report(asyncio.run(check_fulfilment_endpoint(config)), report_file, "fulfilment-endpoint")
