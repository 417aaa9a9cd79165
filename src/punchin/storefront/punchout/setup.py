"""``POST /cxml/punchout``: a purchasing system opens a PunchOut session (P26-P31).

On the one inbound pipeline: it reads the request, authenticates the system with its
inbound credentials and claims the payloadID; here ``check`` judges the protocol
(``punchin.cxml.session``) and ``open_session``, in the pipeline's transaction, stores
the session with the earlier cart of an edit or inspect and answers the single-use
StartPage.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from decimal import Decimal
from urllib.parse import urljoin

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.urls import reverse

from punchin.cxml import response_document
from punchin.cxml.common import URL
from punchin.cxml.envelope import Document, Request
from punchin.cxml.errors import BadRequest
from punchin.cxml.punchout import ItemOut, PunchOutSetupRequest, PunchOutSetupResponse, StartPage
from punchin.cxml.session import browser_form_post_url, check_setup_request, user_of
from punchin.storefront.accounts.models import BusinessAccount
from punchin.storefront.cart.services import MAX_QUANTITY
from punchin.storefront.catalog.models import Product
from punchin.storefront.integration.models import PurchasingSystem
from punchin.storefront.orders.carts import Carts
from punchin.storefront.punchout import clock
from punchin.storefront.punchout.models import Operation, PunchOutSession
from punchin.web.inbound import Received

SetupRequest = Received[PurchasingSystem, PunchOutSetupRequest]

_TOKEN_BYTES = 32
MAX_REOPENED_LINES = 1000


def token_digest(token: str) -> str:
    """What is stored of a StartPage token: enough to recognise it, not to use it."""
    return hashlib.sha256(token.encode()).hexdigest()


def check(document: Document, request: PunchOutSetupRequest) -> None:
    """The pipeline's ``check``: the protocol's rules, judged before authentication."""
    check_setup_request(request)


def open_session(received: SetupRequest) -> Document:
    """The session and its StartPage URL (P30): a random token, good once, for
    ``PUNCHIN_PUNCHOUT_START_TTL`` seconds."""
    request, system = received.payload, received.sender
    user = user_of(request)
    assert user is not None  # ``check`` refused a request that names nobody
    try:
        validate_email(user.email)
    except ValidationError:
        raise BadRequest(
            f"the user's email {user.email[:40]!r} is not an email address (Contact Email "
            "or Extrinsic UserEmail)"
        ) from None
    reopened, unmatched = [], []
    if request.operation in (Operation.EDIT, Operation.INSPECT):
        reopened, unmatched = reopen(request.items, system.account)
    token = secrets.token_urlsafe(_TOKEN_BYTES)
    body = received.document.body
    mode = body.deployment_mode if isinstance(body, Request) else None
    PunchOutSession.objects.create(
        system=system,
        operation=request.operation,
        buyer_cookie=request.buyer_cookie.value,
        browser_form_post_url=browser_form_post_url(request),
        deployment_mode=mode or system.deployment_mode,
        user_email=user.email.lower(),
        user_name=user.name[:200],
        setup_request=received.entry,
        start_digest=token_digest(token),
        start_expires_at=clock.now() + timedelta(seconds=settings.PUNCHIN_PUNCHOUT_START_TTL),
        key=secrets.token_urlsafe(16),
        reopened=reopened,
        unmatched="\n".join(unmatched),
    )
    url = urljoin(received.base_url, reverse("punchout:start", args=[token]))
    return response_document(
        200, payload=PunchOutSetupResponse(start_page=StartPage(url=URL(value=url)))
    )


def reopen(
    items: tuple[ItemOut, ...], account: BusinessAccount
) -> tuple[list[list[int]], list[str]]:
    """The earlier cart of an edit or inspect (P31) as [product id, quantity] pairs,
    and the lines no product matches (by SupplierPartID, else by the cart line the
    SupplierPartAuxiliaryID we issued names). A quantity our cart cannot hold is
    refused."""
    if len(items) > MAX_REOPENED_LINES:
        raise BadRequest(f"{len(items)} ItemOut lines; at most {MAX_REOPENED_LINES} are accepted")
    products = _catalog(items, Carts(account))
    quantities: dict[int, int] = {}
    unmatched: list[str] = []
    for position, item in enumerate(items, start=1):
        part_id = item.item_id.supplier_part_id.strip()
        where = f"ItemOut line {item.line_number or position} ({part_id[:40]})"
        if not _whole(item.quantity):
            raise BadRequest(
                f"{where}: quantity {item.quantity} is not a whole number from 1 to {MAX_QUANTITY}"
            )
        product = products[position]
        if product is None:
            unmatched.append(where)
            continue
        total = quantities.get(product.pk, 0) + int(item.quantity)
        quantities[product.pk] = min(total, MAX_QUANTITY)
    return [[pk, quantity] for pk, quantity in quantities.items()], unmatched


def _whole(quantity: Decimal) -> bool:
    return 1 <= quantity <= MAX_QUANTITY and quantity == quantity.to_integral_value()


def _catalog(items: tuple[ItemOut, ...], carts: Carts) -> dict[int, Product | None]:
    """The product of each line (by position): the one its SupplierPartID names, else
    the one of the cart line our SupplierPartAuxiliaryID names."""
    named = {n: item.item_id.supplier_part_id.strip() for n, item in enumerate(items, start=1)}
    carried: dict[int, str] = {}
    for n, item in enumerate(items, start=1):
        auxiliary = item.item_id.supplier_part_auxiliary_id
        found = carts.line(auxiliary.value) if auxiliary is not None else None
        if found is not None:
            carried[n] = found[2].item_id.supplier_part_id
    parts = {*named.values(), *carried.values()}
    by_part = {p.supplier_part_id: p for p in Product.objects.filter(supplier_part_id__in=parts)}
    return {n: by_part.get(part) or by_part.get(carried.get(n, "")) for n, part in named.items()}
