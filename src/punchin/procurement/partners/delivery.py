"""Procurement's delivery ``TargetResolver``: how to reach a supplier partner.

``partner_key`` is the partner's primary key. Read at send time, so the queue holds no
HTTP credential and an admin's change of password applies to the next attempt. The
URL policy allows the hosts of the partner's configured endpoints only (docs/security.md
row 15): a delivery row whose URL was tampered with is refused before connecting.
"""

from __future__ import annotations

from django.conf import settings

from punchin.procurement.partners.models import OutboundAuth, SupplierPartner
from punchin.transport import BasicAuth, BearerAuth, UrlPolicy
from punchin.transport.auth import Auth
from punchin.web.delivery.exceptions import UnknownPartner
from punchin.web.delivery.targets import Target

USER_AGENT = "punchin procurement 1.0"


def partner_key(partner: SupplierPartner) -> str:
    return str(partner.pk)


def outbound_auth(partner: SupplierPartner) -> Auth | None:
    """The HTTP authentication the partner's endpoints ask of us (ValueError if the
    stored credential cannot be sent)."""
    if partner.outbound_auth_scheme == OutboundAuth.BASIC:
        return BasicAuth(partner.outbound_user_id, partner.outbound_password)
    if partner.outbound_auth_scheme == OutboundAuth.BEARER:
        return BearerAuth(partner.outbound_bearer_token)
    return None


class SupplierTargets:
    """Registered by ``PartnersConfig.ready``; the partner key is ``partner_key(partner)``."""

    def target(self, partner_key: str) -> Target:
        partner = (
            SupplierPartner.objects.filter(pk=int(partner_key)).first()
            if partner_key.isascii() and partner_key.isdigit()
            else None
        )
        if partner is None:
            raise UnknownPartner(f"no supplier partner {partner_key}")
        try:
            auth = outbound_auth(partner)
        except ValueError as exc:
            raise UnknownPartner(f"{partner}: outbound authentication: {exc}") from None
        return Target(
            auth=auth,
            policy=UrlPolicy.for_urls(
                (partner.status_update_url, partner.order_url),
                allow_loopback_http=settings.PUNCHIN_DEV,
            ),
            user_agent=USER_AGENT,
            ca_file=settings.PUNCHIN_CA_FILE,
        )
