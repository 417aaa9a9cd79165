"""``seed_demo``: the procurement half of the demo, ready for the journey (idempotent).

Credentials come from ``punchin.web.demo``, which the storefront's seed reads too,
so both sides agree without anyone typing them in.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from punchin.procurement.accounts.models import (
    AddressRole,
    Membership,
    Organisation,
    OrganisationAddress,
)
from punchin.procurement.approvals.models import ApprovalLevel
from punchin.procurement.partners import credentials
from punchin.procurement.partners.models import (
    AuthScheme,
    OutboundAuth,
    SharedSecret,
    SupplierPartner,
)
from punchin.procurement.punchout.models import Protocol as PunchOutProtocol
from punchin.procurement.punchout.models import PunchOutSupplier
from punchin.procurement.sso.models import IdentityProvider, Protocol
from punchin.web import demo

# The demo's policy: the approver approves everything; finance (the procurement
# admin) also approves from 5,000 USD.
FINANCE_LIMIT = Decimal(5000)
# Members of this group record goods receipts for any of their organisation's orders.
RECEIVING_DESK_GROUP = "Receiving desk"


class Command(BaseCommand):
    help = "Create the demo organisation, supplier partner and users (safe to run again)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--storefront-url",
            default="http://127.0.0.1:8001",
            help="the storefront's base URL: its host and port are the allowed PoomUrl origin, "
            "StatusUpdateRequests and OrderRequests go to its /cxml/status and /cxml/order, "
            "and requesters shop there through its /cxml/punchout",
        )

        parser.add_argument(
            "--sso-issuer",
            default="",
            help="an OpenID provider's issuer URL: Acme's people sign in there "
            "(the demo runs one); without it, passwords only",
        )

    def handle(self, *args: Any, storefront_url: str, sso_issuer: str = "", **options: Any) -> None:
        parts = urlsplit(storefront_url)
        host, port = parts.hostname, parts.port or (443 if parts.scheme == "https" else 80)
        if not host:
            raise CommandError(f"--storefront-url {storefront_url!r} names no host")
        origin = storefront_url.rstrip("/")
        with transaction.atomic():
            organisation, _ = Organisation.objects.get_or_create(name=demo.ORGANISATION)
            partner, _ = SupplierPartner.objects.update_or_create(
                credential_domain=demo.CREDENTIAL_DOMAIN,
                sender_identity=demo.STORE_IDENTITY,
                defaults={
                    "name": demo.STORE_NAME,
                    "organisation": organisation,
                    "from_identity": demo.STORE_IDENTITY,
                    "auth_scheme": AuthScheme.BASIC,
                    "basic_user_id": demo.ENDPOINT_USER,
                    "basic_password_digest": credentials.digest(demo.ENDPOINT_PASSWORD),
                    "allowed_poom_hosts": f"{host}:{port}",
                    "active": True,
                    # P8: writing back to the store, as the store's seed expects us.
                    "status_update_url": f"{origin}/cxml/status",
                    "order_url": f"{origin}/cxml/order",
                    "buyer_identity": demo.PROCUREMENT_IDENTITY,
                    "outbound_shared_secret": demo.SHARED_SECRET,
                    "outbound_auth_scheme": OutboundAuth.NONE,
                },
            )
            SharedSecret.objects.update_or_create(
                partner=partner,
                digest=credentials.digest(demo.SHARED_SECRET),
                defaults={"organisation": organisation, "label": demo.STORE_NAME},
            )
            # Classic PunchOut the other way: "Shop at" the store, as the same partner
            # (identities and SharedSecret above), opening sessions at its setup URL.
            PunchOutSupplier.objects.update_or_create(
                partner=partner,
                defaults={
                    "setup_url": f"{origin}/cxml/punchout",
                    "protocol": PunchOutProtocol.CXML,
                    "enabled": True,
                },
            )
            users = {
                email: self._user(organisation, email, *roles)
                for email, *roles in (
                    # approver, finance, admin
                    (demo.PUNCHIN_BUYER, False, False, False),
                    (demo.APPROVER, True, False, False),
                    (demo.FINANCE, False, True, False),
                    (demo.PROCUREMENT_ADMIN, True, False, True),
                    (demo.RECEIVING_DESK, False, False, False),
                )
            }
            desk, _ = Group.objects.get_or_create(name=RECEIVING_DESK_GROUP)
            desk.permissions.add(
                Permission.objects.get(
                    codename="receive_goods", content_type__app_label="procurement_orders"
                )
            )
            users[demo.RECEIVING_DESK].groups.add(desk)
            self._addresses(organisation)
            self._policy(organisation, users[demo.APPROVER], users[demo.PROCUREMENT_ADMIN])
            self._single_sign_on(organisation, sso_issuer)
        self.stdout.write(
            f"procurement demo: {organisation} with partner {partner} "
            f"(PoomUrl origin {host}:{port}, orders to {origin}/cxml/order, PunchOut at "
            f"{origin}/cxml/punchout); users "
            f"{demo.PUNCHIN_BUYER}, {demo.APPROVER} (approves all), "
            f"{demo.PROCUREMENT_ADMIN} (finance from {FINANCE_LIMIT:,} USD), "
            f"{demo.FINANCE} (spend, reconciliation), {demo.RECEIVING_DESK} (receiving desk)"
        )

    @staticmethod
    def _single_sign_on(organisation: Organisation, issuer: str) -> None:
        if not issuer:
            return
        IdentityProvider.objects.update_or_create(
            organisation=organisation,
            defaults={
                "protocol": Protocol.OIDC,
                "enabled": True,
                "display_name": "Acme sign-in (demo)",
                "email_domains": demo.SSO_BUYER.rpartition("@")[2],
                "issuer": issuer,
                "client_id": demo.SSO_CLIENT_ID,
                "client_secret": demo.SSO_CLIENT_SECRET,
            },
        )

    @staticmethod
    def _addresses(organisation: Organisation) -> None:
        for role, address_id, name, deliver_to in (
            (AddressRole.SHIP_TO, "HQ-DOCK", "Acme Corporation, Receiving", "Dock 2"),
            (AddressRole.BILL_TO, "HQ-AP", "Acme Corporation, Accounts Payable", ""),
        ):
            OrganisationAddress.objects.update_or_create(
                organisation=organisation,
                role=role,
                is_default=True,
                defaults={
                    "address_id": address_id,
                    "name": name,
                    "deliver_to": deliver_to,
                    "street": "1 Demo Way",
                    "city": "Springfield",
                    "state": "IL",
                    "postal_code": "62701",
                    "country": "United States",
                    "iso_country_code": "US",
                    "email": "ap@acme.example" if role == AddressRole.BILL_TO else "",
                },
            )

    @staticmethod
    def _policy(organisation: Organisation, approver: Any, finance: Any) -> None:
        for sequence, name, minimum, who in (
            (10, "Manager", Decimal(0), approver),
            (20, "Finance", FINANCE_LIMIT, finance),
        ):
            level, _ = ApprovalLevel.objects.update_or_create(
                organisation=organisation,
                name=name,
                defaults={"sequence": sequence, "min_amount": minimum, "currency": "USD"},
            )
            level.approvers.set([who])

    @staticmethod
    def _user(
        organisation: Organisation, email: str, approver: bool, finance: bool, admin: bool
    ) -> Any:
        user, _ = get_user_model().objects.get_or_create(username=email, defaults={"email": email})
        user.email = email
        user.is_staff = user.is_superuser = admin
        user.set_password(demo.PASSWORD)
        user.save()
        Membership.objects.update_or_create(
            user=user,
            organisation=organisation,
            defaults={"is_approver": approver, "is_finance": finance, "is_admin": admin},
        )
        return user
