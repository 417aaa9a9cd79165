"""Classic PunchOut, as the supplier runs a session (docs/protocol.md P26-P34).

Which setup requests open a session, who its user is, and what the cart returned at
its end allows next. Pure functions on the typed documents: the storefront stores the
session, this module judges the protocol.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from punchin.cxml.errors import BadRequest, NotImplementedRequest
from punchin.cxml.punchout import PunchOutSetupRequest

# P26: the operations a supplier's shop serves; "source" belongs to sourcing tools.
OPERATIONS = ("create", "edit", "inspect")
# BuyerCookie is ANY (P27): a bound on what we store and send back through the browser.
MAX_BUYER_COOKIE = 2000
MAX_URL = 2000


@dataclass(frozen=True, slots=True)
class User:
    """The person the buyer's system sends (P29); the name may be empty."""

    email: str
    name: str


def check_setup_request(request: PunchOutSetupRequest) -> None:
    """Refuse a setup request no session can be opened for, saying what to fix.

    The DTD itself requires the BuyerCookie element and the operation (the reader
    refuses their absence); the rest is what a classic session needs (P26-P29).
    """
    if request.operation not in OPERATIONS:
        if request.operation == "source":
            raise NotImplementedRequest(
                'operation="source" (a request for quotation) is not supported; '
                "use create, edit or inspect"
            )
        raise BadRequest(
            f"operation {request.operation[:40]!r} is not one of create, edit, inspect"
        )
    cookie = request.buyer_cookie.value
    if not cookie.strip():
        raise BadRequest(
            "BuyerCookie is empty: it must name this PunchOut session, and the cart comes "
            "back with it"
        )
    if len(cookie) > MAX_BUYER_COOKIE:
        raise BadRequest(
            f"BuyerCookie has {len(cookie)} characters; at most {MAX_BUYER_COOKIE} are accepted"
        )
    browser_form_post_url(request)
    if user_of(request) is None:
        raise BadRequest(
            "the request names no user: send a Contact (role endUser) with an Email, or "
            'Extrinsic name="UserEmail"'
        )


def browser_form_post_url(request: PunchOutSetupRequest) -> str:
    """Where the browser posts the cart (P28): required here, and http(s) only, since it
    becomes the action of a form on our page."""
    if request.browser_form_post is None:
        raise BadRequest(
            "BrowserFormPost is missing: its URL says where the user's browser brings the cart back"
        )
    url = request.browser_form_post.url.value.strip()
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise BadRequest(
            f"BrowserFormPost URL {url[:40]!r} is not an http or https URL with a host"
        )
    if len(url) > MAX_URL:
        raise BadRequest(f"BrowserFormPost URL has {len(url)} characters; at most {MAX_URL}")
    return url


def user_of(request: PunchOutSetupRequest) -> User | None:
    """The user (P29): the first Contact with an Email, an ``endUser`` first, else the
    Extrinsic UserEmail; None when the request names nobody."""
    contacts = sorted(request.contacts, key=lambda c: (c.role or "").lower() != "enduser")
    for contact in contacts:
        for address in contact.emails:
            if address.value.strip():
                return User(address.value.strip(), contact.name.value.strip())
    email = (request.extrinsic("UserEmail") or "").strip()
    return User(email, "") if email else None


def operation_allowed(operation: str) -> str:
    """The header's ``operationAllowed`` for a cart of an ``operation`` session (P32):
    a cart shopped in a create or edit session may be edited again; one inspected stays
    inspect-only."""
    return "inspect" if operation == "inspect" else "edit"
