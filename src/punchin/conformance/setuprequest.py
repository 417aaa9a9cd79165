"""Checks of a PunchOutSetupRequest, as the e-procurement system receiving it reads it.

Pure functions: the request's method, headers and bytes in, findings out. They grade
what P14-P21 say a supplier sends: a POST with the headers of P20, a readable and
DTD-valid cXML Request, a payloadID (P15), the SharedSecret in the Sender's credential
(P16), an empty BuyerCookie (P17), the Extrinsics UserEmail and PoomUrl (P18) and
``operation="create"`` (P21); and, for the retry after our 500, the same payloadID.
"""

from __future__ import annotations

import hmac
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from punchin.cxml import Document
from punchin.cxml.envelope import Credential, Request
from punchin.cxml.punchout import PunchOutSetupRequest

from .findings import Finding, failed, info, passed, warned
from .reading import check_content_type, read_cxml
from .urls import check_url

METHOD = "HTTP method"
ACCEPT = "Accept"
USER_AGENT = "User-Agent"
CONNECTION = "Connection"
AUTHORIZATION = "Authorization"
KIND = "PunchOutSetupRequest"
PAYLOAD_ID = "payloadID"
CREDENTIALS = "Credentials"
SHARED_SECRET = "SharedSecret"  # noqa: S105 (a check name)
BUYER_COOKIE = "BuyerCookie"
USER_EMAIL = "UserEmail"
POOM_URL = "PoomUrl"
OPERATION = "operation"
VERSION = "Version and mode"
RETRIED = "Retried after 500"
SAME_REQUEST = "Same payloadID"
# P20: "User-Agent: <store> PunchIn 1.0".
_USER_AGENT = re.compile(r"\S.* PunchIn 1\.0")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


@dataclass(frozen=True, slots=True)
class Expected:
    """What the e-procurement side knows of the supplier, each checked when given:
    the SharedSecret (P16), the Sender's identity, and the exact ``Authorization``
    header value the endpoint is configured with (P10). Never printed."""

    shared_secret: str | None = None
    sender_identity: str | None = None
    authorization: str | None = None

    def __repr__(self) -> str:
        return f"Expected(sender_identity={self.sender_identity!r})"


@dataclass(frozen=True, slots=True)
class SetupReading:
    """The request's findings, and what the next steps need from it."""

    findings: list[Finding]
    payload_id: str | None
    poom_url: str | None


def check_headers(method: str, headers: Mapping[str, str], expected: Expected) -> list[Finding]:
    """P20: a POST with ``Content-Type: text/xml; charset=UTF-8``, ``Accept: text/xml``,
    ``User-Agent: <store> PunchIn 1.0`` and ``Connection: Keep-Alive``; P10: the
    configured HTTP authentication. ``headers`` has lower-case names."""
    findings = [
        passed(METHOD, "POST")
        if method == "POST"
        else failed(METHOD, f"{method}; the setup request is POSTed (P20)")
    ]
    findings.append(check_content_type(headers.get("content-type")))
    accept = headers.get("accept", "")
    if "text/xml" in accept.lower():
        findings.append(passed(ACCEPT, accept))
    else:
        findings.append(warned(ACCEPT, f"{accept or '(none)'}; Punch-in sends text/xml (P20)"))
    agent = headers.get("user-agent", "")
    if _USER_AGENT.fullmatch(agent):
        findings.append(passed(USER_AGENT, agent))
    else:
        findings.append(
            warned(USER_AGENT, f"{agent or '(none)'}; Punch-in sends '<store> PunchIn 1.0' (P20)")
        )
    connection = headers.get("connection", "")
    if connection.lower() == "keep-alive":
        findings.append(passed(CONNECTION, connection))
    else:
        findings.append(
            warned(CONNECTION, f"{connection or '(none)'}; Punch-in sends Keep-Alive (P20)")
        )
    findings.append(check_authorization(headers.get("authorization"), expected.authorization))
    return findings


def check_authorization(sent: str | None, expected: str | None) -> Finding:
    """P10: basic, bearer or a client certificate; the value itself is never shown."""
    scheme = (sent or "").partition(" ")[0] or "none (or a client certificate)"
    if expected is None:
        return info(AUTHORIZATION, f"scheme {scheme}; not compared (no credentials given)")
    if sent is not None and hmac.compare_digest(sent.encode(), expected.encode()):
        return passed(AUTHORIZATION, f"scheme {scheme}, the configured credentials (P10)")
    return failed(AUTHORIZATION, f"scheme {scheme}, not the configured credentials (P10)")


def _setup(document: Document) -> PunchOutSetupRequest | Finding:
    body = document.body
    if isinstance(body, Request) and isinstance(body.payload, PunchOutSetupRequest):
        return body.payload
    found = type(body.payload).__name__ if isinstance(body, Request) else type(body).__name__
    return failed(KIND, f"a cXML {found}; Punch-in POSTs a PunchOutSetupRequest (P4)")


def _named(credentials: tuple[Credential, ...]) -> str:
    return ", ".join(f"{c.domain}:{c.identity.value.strip()}" for c in credentials) or "none"


def check_credentials(document: Document, expected: Expected) -> list[Finding]:
    """From, To and Sender each name a party; the Sender's credential carries the
    SharedSecret that says which store is calling (P16)."""
    header = document.header
    if header is None:
        return [failed(CREDENTIALS, "no Header: From, To and Sender name the parties (P14)")]
    parties = {"From": header.from_.credentials, "To": header.to.credentials}
    parties["Sender"] = header.sender.credentials
    shown = "; ".join(f"{name} {_named(creds)}" for name, creds in parties.items())
    empty = [
        name for name, creds in parties.items() if not any(c.identity.value.strip() for c in creds)
    ]
    findings = []
    if empty:
        findings.append(failed(CREDENTIALS, f"{shown}: no Identity in {', '.join(empty)} (P14)"))
    else:
        findings.append(passed(CREDENTIALS, shown))
    senders = {c.identity.value.strip() for c in header.sender.credentials}
    if expected.sender_identity is not None and expected.sender_identity not in senders:
        findings.append(
            failed(CREDENTIALS, f"the Sender is not {expected.sender_identity!r} as configured")
        )
    secrets = [c.shared_secret.value for c in header.sender.credentials if c.shared_secret]
    findings.append(check_shared_secret(secrets, expected.shared_secret))
    return findings


def check_shared_secret(sent: list[str], expected: str | None) -> Finding:
    """P16: the SharedSecret sits in the Sender's credential; compared in constant time."""
    present = [s for s in sent if s.strip()]
    if not present:
        return failed(
            SHARED_SECRET,
            "none in the Sender's credential: it tells the e-procurement system which "
            "store is calling (P16)",
        )
    if expected is None:
        return passed(SHARED_SECRET, "present in the Sender's credential (P16); not compared")
    if any(hmac.compare_digest(s.encode(), expected.encode()) for s in present):
        return passed(SHARED_SECRET, "the configured one, in the Sender's credential (P16)")
    return failed(SHARED_SECRET, "not the configured one: the endpoint answers 403 (P16, P23)")


def check_setup_payload(setup: PunchOutSetupRequest) -> list[Finding]:
    """P17 BuyerCookie, P18 UserEmail and PoomUrl, P21 operation."""
    findings = []
    if setup.buyer_cookie.value.strip():
        findings.append(warned(BUYER_COOKIE, "not empty; in Punch-in it is always empty (P17)"))
    else:
        findings.append(passed(BUYER_COOKIE, "present and empty (P17)"))
    email = (setup.extrinsic(USER_EMAIL) or "").strip()
    if not email:
        findings.append(failed(USER_EMAIL, "no Extrinsic UserEmail: it names the buyer (P18)"))
    elif _EMAIL.fullmatch(email) is None:
        findings.append(failed(USER_EMAIL, f"{email[:80]!r} is not an e-mail address (P18)"))
    else:
        findings.append(passed(USER_EMAIL, f"{email} (P18)"))
    poom_url = (setup.extrinsic(POOM_URL) or "").strip()
    if not poom_url:
        findings.append(
            failed(POOM_URL, "no Extrinsic PoomUrl: the cart is fetched there (P5, P18)")
        )
    else:
        findings.append(check_url(POOM_URL, poom_url))
    if setup.operation == "create":
        findings.append(passed(OPERATION, "create (P21)"))
    else:
        findings.append(failed(OPERATION, f"{setup.operation!r}; a Punch-in creates (P21)"))
    return findings


def check_setup_request(
    method: str,
    headers: Mapping[str, str],
    body: bytes,
    dtd_dir: Path | None,
    expected: Expected,
) -> SetupReading:
    """Every check of a received PunchOutSetupRequest, in the order its reader meets them."""
    findings = check_headers(method, headers, expected)
    reading = read_cxml(body, headers.get("content-type"), dtd_dir)
    findings.extend(reading.findings)
    document = reading.document
    if document is None:
        return SetupReading(findings, None, None)
    setup = _setup(document)
    if isinstance(setup, Finding):
        return SetupReading([*findings, setup], None, None)
    findings.append(passed(KIND, "a cXML Request carrying a PunchOutSetupRequest (P4)"))
    payload_id = document.payload_id.strip()
    if payload_id:
        findings.append(passed(PAYLOAD_ID, f"{payload_id} (P15)"))
    else:
        findings.append(failed(PAYLOAD_ID, "empty: each request has one of its own (P15)"))
    version = document.version or "(none)"
    findings.append(info(VERSION, f"cXML {version}, deploymentMode {_mode(document)}"))
    findings.extend(check_credentials(document, expected))
    findings.extend(check_setup_payload(setup))
    poom_url = (setup.extrinsic(POOM_URL) or "").strip() or None
    return SetupReading(findings, payload_id or None, poom_url)


def _mode(document: Document) -> str:
    body = document.body
    mode = body.deployment_mode if isinstance(body, Request) else None
    return mode or "production"


def check_retry(first: bytes, first_id: str | None, again: bytes, again_id: str | None) -> Finding:
    """P23: a 500 asks the supplier to send the same request again; P15: the payloadID
    identifies the punch-in, so the retry carries the first request's."""
    if first == again:
        return passed(SAME_REQUEST, f"the same document byte for byte ({first_id})")
    if first_id is not None and first_id == again_id:
        return passed(SAME_REQUEST, f"{again_id}, the first request's (the bytes differ)")
    return failed(
        SAME_REQUEST,
        f"{again_id or 'none'}, not the first request's {first_id or 'none'}: a retry is "
        "the same request, or the e-procurement system makes a second requisition (P15, P23)",
    )
