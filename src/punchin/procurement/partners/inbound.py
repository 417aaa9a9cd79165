"""How procurement recognises a supplier's request, for the one inbound pipeline.

Every endpoint a supplier posts to (Punch-in, confirmation, ship notice, invoice)
authenticates alike: the Sender credential, the store's SharedSecret in constant time,
the partner's transport authentication, the From identity when configured
(``services``). The sender is the ``SharedSecret`` matched: the partner and the
organisation (store) it spoke for.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from django.http import HttpRequest, HttpResponse

from punchin.cxml.envelope import Document
from punchin.cxml.policy import ReadingPolicy
from punchin.procurement.documents.models import CxmlDocument
from punchin.procurement.partners import services
from punchin.procurement.partners.models import SharedSecret
from punchin.web.inbound import Endpoint, InboundClaimBase, Received
from punchin.web.testmode import honouring_test_mode


class SupplierAuthenticator:
    """``punchin.web.inbound.Authenticator`` for supplier partners."""

    def authenticate(self, document: Document, meta: Mapping[str, str]) -> SharedSecret:
        assert document.header is not None  # request_of checked it
        credential = services.sender_credential(document.header)
        secrets = services.secrets_of_sender(credential)
        # The SharedSecret before the transport credential: whoever lacks the secret
        # gets the one 403, whether the Sender exists or not; a 401 would tell a known
        # Sender from an unknown one (docs/security.md row 9).
        secret = services.match_secret(secrets, credential)
        services.check_http_auth(secret.partner, meta)
        services.check_from(secret.partner, document.header)
        return secret

    def scope(self, sender: SharedSecret) -> dict[str, object]:
        return {"partner": sender.partner}

    def name(self, sender: SharedSecret) -> str:
        return sender.partner.name

    def reading(self, sender: SharedSecret) -> ReadingPolicy:
        return ReadingPolicy(sender.partner.reading_policy)


SUPPLIERS = SupplierAuthenticator()


def endpoint(
    takes: type[Any],
    apply: Callable[[Received[SharedSecret, Any]], Document],
    claims: type[InboundClaimBase],
    *,
    in_test_mode: Callable[[Received[SharedSecret, Any]], Document] | None = None,
    **options: Any,
) -> Callable[[HttpRequest], Awaitable[HttpResponse]]:
    """The view of an endpoint suppliers post ``takes`` to (options: ``check``,
    ``prepare``, ``gather``, as ``punchin.web.inbound.Endpoint`` takes them). A request
    in deploymentMode test goes to ``in_test_mode``, or is applied as a dry run
    (``punchin.web.testmode``)."""
    routed = honouring_test_mode(apply, in_test_mode)
    return Endpoint(takes, routed, SUPPLIERS, claims, CxmlDocument, **options).view()
