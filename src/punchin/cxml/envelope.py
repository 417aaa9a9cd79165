"""The cXML envelope: ``cXML``, ``Header`` with its credentials, ``Request``,
``Response``, ``Message`` and ``Status``.

``<!ELEMENT cXML (((Header, (Message | Request)) | Response), ds:Signature*)>``;
``<!ELEMENT Sender (Credential+, UserAgent)>``; ``<!ELEMENT Credential (Identity,
(SharedSecret | DigitalSignature | CredentialMac)?)>`` (cXML.dtd 1.2.063).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from punchin.cxml.binding import Element, attr, content, element, many, one, text
from punchin.cxml.common import Status
from punchin.cxml.fulfill import ConfirmationRequest, ShipNoticeRequest
from punchin.cxml.invoice import InvoiceDetailRequest
from punchin.cxml.order import OrderRequest
from punchin.cxml.punchout import (
    ProfileRequest,
    ProfileResponse,
    PunchOutOrderMessage,
    PunchOutSetupRequest,
    PunchOutSetupResponse,
)
from punchin.cxml.statusupdate import StatusUpdateRequest
from punchin.cxml.values import DATETIME, OPTIONAL_DATETIME, PAYLOAD_ID


@element("Identity")
@dataclass(frozen=True, slots=True, kw_only=True)
class Identity(Element):
    """ANY content; the whole text counts (a comment cannot split it: docs/security.md row 8)."""

    value: str = content(default="")
    last_changed_timestamp: datetime | None = attr(
        "lastChangedTimestamp", OPTIONAL_DATETIME, default=None
    )


@element("SharedSecret")
@dataclass(frozen=True, slots=True, kw_only=True)
class SharedSecret(Element):
    value: str = content(default="")

    def __repr__(self) -> str:  # secrets never reach logs through a repr
        return "SharedSecret(value='***')"


@element("CredentialMac")
@dataclass(frozen=True, slots=True, kw_only=True)
class CredentialMac(Element):
    """A MAC over the sender's credentials computed by a trusted hub (see ``credential_mac``)."""

    value: str = content()
    type: str = attr("type")
    algorithm: str = attr("algorithm")
    creation_date: datetime = attr("creationDate", DATETIME)
    expiration_date: datetime = attr("expirationDate", DATETIME)


@element("Credential", order=("Identity", "SharedSecret", "DigitalSignature", "CredentialMac"))
@dataclass(frozen=True, slots=True, kw_only=True)
class Credential(Element):
    domain: str = attr("domain")
    identity: Identity = one(Identity)
    shared_secret: SharedSecret | None = one(SharedSecret, default=None)
    credential_mac: CredentialMac | None = one(CredentialMac, default=None)
    type: str | None = attr("type", default=None)


_PARTY_ORDER = ("Credential", "Correspondent")


@element("From", order=_PARTY_ORDER)
@dataclass(frozen=True, slots=True, kw_only=True)
class From(Element):
    credentials: tuple[Credential, ...] = many(Credential)


@element("To", order=_PARTY_ORDER)
@dataclass(frozen=True, slots=True, kw_only=True)
class To(Element):
    credentials: tuple[Credential, ...] = many(Credential)


@element("Sender", order=("Credential", "UserAgent"))
@dataclass(frozen=True, slots=True, kw_only=True)
class Sender(Element):
    """The party that opened the HTTP connection; carries the SharedSecret."""

    credentials: tuple[Credential, ...] = many(Credential)
    user_agent: str = text("UserAgent")


@element("Header", order=("From", "To", "Sender", "Path", "OriginalDocument"))
@dataclass(frozen=True, slots=True, kw_only=True)
class Header(Element):
    from_: From = one(From)
    to: To = one(To)
    sender: Sender = one(Sender)


REQUESTS = (
    ProfileRequest,
    OrderRequest,
    PunchOutSetupRequest,
    StatusUpdateRequest,
    ConfirmationRequest,
    ShipNoticeRequest,
    InvoiceDetailRequest,
)
RESPONSES = (ProfileResponse, PunchOutSetupResponse)
MESSAGES = (PunchOutOrderMessage,)

RequestPayload = (
    ProfileRequest
    | OrderRequest
    | PunchOutSetupRequest
    | StatusUpdateRequest
    | ConfirmationRequest
    | ShipNoticeRequest
    | InvoiceDetailRequest
)
ResponsePayload = ProfileResponse | PunchOutSetupResponse
MessagePayload = PunchOutOrderMessage


@element("Request", order=tuple(c.__plan__.tag for c in REQUESTS))
@dataclass(frozen=True, slots=True, kw_only=True)
class Request(Element):
    """Exactly one request. ``payload`` is None for a type this library does not model;
    the element itself is then kept in ``extras`` (answer it with 450)."""

    payload: RequestPayload | None = one(*REQUESTS, default=None)
    deployment_mode: str | None = attr("deploymentMode", default=None)  # production | test
    id: str | None = attr("Id", default=None)


@element("Response", order=("Status", *(c.__plan__.tag for c in RESPONSES)))
@dataclass(frozen=True, slots=True, kw_only=True)
class Response(Element):
    status: Status = one(Status)
    payload: ResponsePayload | None = one(*RESPONSES, default=None)
    id: str | None = attr("Id", default=None)


@element("Message", order=("Status", *(c.__plan__.tag for c in MESSAGES)))
@dataclass(frozen=True, slots=True, kw_only=True)
class Message(Element):
    """One-way document; a missing Status means 200 OK (DTD 1.2.063)."""

    payload: MessagePayload | None = one(*MESSAGES, default=None)
    status: Status | None = one(Status, default=None)
    deployment_mode: str | None = attr("deploymentMode", default=None)
    in_reply_to: str | None = attr("inReplyTo", default=None)
    id: str | None = attr("Id", default=None)


Body = Request | Response | Message


@element("cXML", order=("Header", "Message", "Request", "Response"))
@dataclass(frozen=True, slots=True, kw_only=True)
class Document(Element):
    """A whole cXML document: the ``cXML`` root element exactly as on the wire."""

    payload_id: str = attr("payloadID", PAYLOAD_ID)
    timestamp: datetime = attr("timestamp", DATETIME)
    version: str | None = attr("version", default=None)
    lang: str | None = attr("xml:lang", default=None)
    signature_version: str | None = attr("signatureVersion", default=None)
    header: Header | None = one(Header, default=None)
    body: Body = one(Request, Response, Message)
