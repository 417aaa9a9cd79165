"""OCI: a purchasing system's catalog call opens a PunchOut session (docs/oci.md).

The buyer's browser brings the call (GET or POST) with the catalog login USERNAME and
PASSWORD, the HOOK_URL the cart goes back to and, by punchin's convention, the user's
USER_EMAIL. There is no server-to-server setup request and no StartPage: the call is
checked, logged, stored as a session in OCI mode, and that session's start is used at
once, so its user is found (or created) by exactly the StartPage's rules
(``start.start``). The cart goes back by the same transfer page as a cXML cart.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from punchin.cxml import oci
from punchin.cxml.errors import CXMLError, NotImplementedRequest
from punchin.storefront.documents.models import CxmlDocument
from punchin.storefront.integration.models import PurchasingSystem
from punchin.storefront.punchout.models import Operation, Protocol, PunchOutSession
from punchin.storefront.punchout.setup import token_digest
from punchin.storefront.punchout.start import Refused, start
from punchin.web.documents import Direction

DOCUMENT_TYPE = "OCI catalog call"
_ASK = "Ask your purchasing system's administrator to check this shop's catalog settings"


def system_of(username: str, password: str) -> PurchasingSystem | None:
    """The purchasing system whose OCI login this is, else None. An unknown user name
    costs one password hash as a known one does, so the time taken does not tell them
    apart (docs/security.md row 9), and the answer is the same."""
    system = (
        PurchasingSystem.objects.select_related("account")
        .filter(oci_username=username.strip())
        .exclude(oci_username="")
        .first()
        if username.strip()
        else None
    )
    if system is None or not system.oci_password:
        make_password(password)
        return None
    return system if check_password(password, system.oci_password) else None


def _logged(fields: list[tuple[str, str]]) -> bytes:
    """The call as the log keeps it: the form, its password masked."""
    masked = [(n, "***" if n.strip().upper() == "PASSWORD" else v) for n, v in fields]
    return urlencode(masked).encode()


def _call(fields: list[tuple[str, str]]) -> oci.CatalogCall:
    try:
        return oci.read_call(fields, allow_http=settings.PUNCHIN_DEV)
    except NotImplementedRequest as exc:
        raise Refused(501, "This shop offers no such catalog function", exc.detail) from None
    except CXMLError as exc:
        raise Refused(
            400, "Your purchasing system's catalog call cannot be used", f"{exc.detail}. {_ASK}."
        ) from None


def open_catalog(fields: Iterable[tuple[str, str]], now: datetime) -> PunchOutSession:
    """Check the call, open its session and start it: the session shopping, with its
    user; or ``Refused`` saying why, for the buyer, with nobody signed in."""
    fields = list(fields)
    call = _call(fields)
    system = system_of(call.username, call.password)
    if system is None:
        raise Refused(
            403,
            "This catalog login was not recognised",
            f"The user name or password your purchasing system sent is not this shop's. {_ASK}.",
        )
    try:
        validate_email(call.user_email)
    except ValidationError:
        raise Refused(
            400,
            "Your purchasing system did not say who you are",
            f"Its catalog call must carry your email address in the field {oci.USER_EMAIL}"
            f"{f' (it sent {call.user_email[:40]!r})' if call.user_email else ''}. {_ASK}.",
        ) from None
    token = secrets.token_urlsafe(32)
    raw = _logged(fields)
    with transaction.atomic():
        entry = CxmlDocument.objects.create(
            direction=Direction.INBOUND,
            document_type=DOCUMENT_TYPE,
            peer=str(system)[:255],
            raw=raw,
            size=len(raw),
            status_code=200,
            status_text="OK",
            detail=f"OCI {call.version or '(no OCI_VERSION)'}; the cart goes to {call.hook_url}",
        )
        PunchOutSession.objects.create(
            system=system,
            protocol=Protocol.OCI,
            operation=Operation.CREATE,
            buyer_cookie="",
            browser_form_post_url=call.hook_url,
            deployment_mode=system.deployment_mode,
            user_email=call.user_email.lower(),
            user_name=call.user_name,
            setup_request=entry,
            start_digest=token_digest(token),
            start_expires_at=now + timedelta(seconds=settings.PUNCHIN_PUNCHOUT_START_TTL),
            key=secrets.token_urlsafe(16),
            oci_target=call.target or oci.TOP,
            oci_echo=[list(pair) for pair in call.echo],
        )
    return start(token, now)
