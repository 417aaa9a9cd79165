"""How the store recognises a purchasing system's request, for the one inbound pipeline.

The Sender carries exactly one Credential; it is matched in constant time against the
inbound credentials of every purchasing system that uses that identity, the previous
SharedSecret too while its window lasts (403, the same answer for an unknown sender and
a wrong SharedSecret: docs/security.md row 9).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from django.db.models import Q
from django.http import HttpRequest, HttpResponse

from punchin.cxml.envelope import Credential, Document
from punchin.cxml.errors import BadRequest, Forbidden
from punchin.cxml.policy import ReadingPolicy
from punchin.storefront.documents.models import CxmlDocument
from punchin.storefront.integration.models import PurchasingSystem
from punchin.web.inbound import Endpoint, InboundClaimBase, Received, holder_of
from punchin.web.testmode import honouring_test_mode

_NOT_RECOGNISED = (
    "the Sender credential is not recognised: check the Sender identity and SharedSecret "
    "this store expects from your purchasing system"
)


def _sender(document: Document) -> Credential:
    assert document.header is not None  # request_of checked it
    credentials = document.header.sender.credentials
    if len(credentials) != 1:
        # docs/security.md row 10: never "first one wins".
        raise BadRequest("the Sender must carry exactly one Credential")
    return credentials[0]


def _system_of(document: Document) -> PurchasingSystem:
    credential = _sender(document)
    identity = credential.identity.value.strip()
    candidates = (
        PurchasingSystem.objects.filter(credential_domain__iexact=credential.domain.strip())
        .filter(Q(inbound_identity=identity) | Q(inbound_identity="", to_identity=identity))
        .select_related("account")
    )
    presented = credential.shared_secret.value if credential.shared_secret else ""
    accepted = ((s, secret) for s in candidates for secret in s.accepted_secrets())
    system = holder_of(presented, accepted)
    if system is None:
        raise Forbidden(_NOT_RECOGNISED)
    return system


class PurchasingSystemAuthenticator:
    """``punchin.web.inbound.Authenticator`` for the buyers' purchasing systems."""

    def authenticate(self, document: Document, meta: Mapping[str, str]) -> PurchasingSystem:
        return _system_of(document)

    def scope(self, sender: PurchasingSystem) -> dict[str, object]:
        return {"system": sender}

    def name(self, sender: PurchasingSystem) -> str:
        return str(sender)

    def reading(self, sender: PurchasingSystem) -> ReadingPolicy:
        return ReadingPolicy(sender.reading_policy)


PURCHASING_SYSTEMS = PurchasingSystemAuthenticator()


def endpoint(
    takes: type[Any],
    apply: Callable[[Received[PurchasingSystem, Any]], Document],
    claims: type[InboundClaimBase],
    *,
    in_test_mode: Callable[[Received[PurchasingSystem, Any]], Document] | None = None,
    **options: Any,
) -> Callable[[HttpRequest], Awaitable[HttpResponse]]:
    """The view of an endpoint purchasing systems post ``takes`` to (options: ``check``,
    ``prepare``, ``gather``, as ``punchin.web.inbound.Endpoint`` takes them). A request
    in deploymentMode test goes to ``in_test_mode``, or is applied as a dry run
    (``punchin.web.testmode``)."""
    routed = honouring_test_mode(apply, in_test_mode)
    return Endpoint(takes, routed, PURCHASING_SYSTEMS, claims, CxmlDocument, **options).view()
