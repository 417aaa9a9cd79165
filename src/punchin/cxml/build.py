"""The envelope of the documents a party sends: who speaks to whom, and how.

Every request one trading partner sends the other carries the same Header: From and
To name the two organisations, Sender names the party opening the connection and holds
the SharedSecret (docs/protocol.md S1.1, S1.2). Building it in one place keeps the parties'
documents alike and keeps the secret out of one-way messages that may travel through a
browser ("The authentication element should not be sent within Message documents
transported via an end user's browser", cXML.dtd 1.2.063).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from punchin.cxml.common import Status
from punchin.cxml.document import DEFAULT_VERSION
from punchin.cxml.envelope import (
    Credential,
    Document,
    From,
    Header,
    Identity,
    Message,
    MessagePayload,
    Request,
    RequestPayload,
    Sender,
    SharedSecret,
    To,
)
from punchin.cxml.payload_id import new_payload_id, now

LANG = "en-US"


@dataclass(frozen=True, slots=True)
class Parties:
    """Our identity, the partner's, and the secret the partner knows us by.

    domain: the credential domain of all three credentials (``NetworkID`` in Punch-in).
    deployment_mode: ``production`` or ``test``, the partner relationship's mode.
    """

    domain: str
    from_identity: str
    to_identity: str
    sender_identity: str
    shared_secret: str | None
    user_agent: str
    deployment_mode: str = "production"

    def __repr__(self) -> str:  # the SharedSecret never reaches a log line
        return f"Parties(from={self.from_identity!r}, to={self.to_identity!r})"

    def credential(self, identity: str, secret: str | None = None) -> Credential:
        return Credential(
            domain=self.domain,
            identity=Identity(value=identity),
            shared_secret=SharedSecret(value=secret) if secret is not None else None,
        )

    def header(self, *, with_secret: bool = True) -> Header:
        secret = self.shared_secret if with_secret else None
        return Header(
            from_=From(credentials=(self.credential(self.from_identity),)),
            to=To(credentials=(self.credential(self.to_identity),)),
            sender=Sender(
                credentials=(self.credential(self.sender_identity, secret),),
                user_agent=self.user_agent,
            ),
        )


def request(
    payload: RequestPayload,
    parties: Parties,
    *,
    payload_id: str | None = None,
    timestamp: datetime | None = None,
) -> Document:
    """A request to the partner, authenticated by the Sender's SharedSecret."""
    body = Request(deployment_mode=parties.deployment_mode, payload=payload)
    return _envelope(body, parties.header(with_secret=True), payload_id, timestamp)


def message(
    payload: MessagePayload,
    parties: Parties,
    *,
    payload_id: str | None = None,
    timestamp: datetime | None = None,
    status: Status | None = None,
) -> Document:
    """A one-way message (the cart), without the SharedSecret; a ``status`` qualifies
    it (none means 200 OK)."""
    body = Message(deployment_mode=parties.deployment_mode, payload=payload, status=status)
    return _envelope(body, parties.header(with_secret=False), payload_id, timestamp)


def _envelope(
    body: Request | Message, header: Header, payload_id: str | None, timestamp: datetime | None
) -> Document:
    return Document(
        payload_id=payload_id or new_payload_id(),
        timestamp=timestamp or now(),
        version=DEFAULT_VERSION,
        lang=LANG,
        header=header,
        body=body,
    )
