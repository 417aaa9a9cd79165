"""``seed_demo``: the storefront side of ``punchin demo``, ready for the journey.

Idempotent: run it again and it updates what is there. The credentials come from
``punchin.web.demo``, which the procurement side's seed reads too.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from punchin.storefront.accounts.models import BusinessAccount, BuyingGroup
from punchin.storefront.accounts.services import ensure_member, ensure_staff
from punchin.storefront.catalog.services import load_demo_catalog
from punchin.storefront.integration.models import (
    AuthScheme,
    DeploymentMode,
    PurchasingSystem,
    SystemKind,
)
from punchin.web import demo


class Command(BaseCommand):
    help = "Load the demo catalog, the Acme Corporation account and its purchasing system."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--procurement-url",
            default="http://127.0.0.1:8002",
            help="base URL of the e-procurement side (its /cxml/punchin endpoint is used, "
            "and /cxml/confirmation, /cxml/shipnotice, /cxml/invoice for order documents)",
        )

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        products = load_demo_catalog()
        account, _ = BusinessAccount.objects.get_or_create(
            name=demo.ORGANISATION, defaults={"marketplace": "US"}
        )
        punchin_group, _ = BuyingGroup.objects.update_or_create(
            account=account,
            name="Procurement buyers",
            # P12: Punch-in and Punchout user access; Punch-in decides on the website.
            defaults={"punchin": True, "punchout": True, "direct": False},
        )
        direct_group, _ = BuyingGroup.objects.update_or_create(
            account=account, name="Direct buyers", defaults={"punchin": False, "direct": True}
        )
        # Classic PunchOut only: where procurement's other users land on their first
        # visit (the PunchOut group that grants least besides, docs/punchout.md).
        BuyingGroup.objects.update_or_create(
            account=account,
            name="PunchOut shoppers",
            defaults={"punchin": False, "punchout": True, "direct": False},
        )
        ensure_member(
            account, demo.PUNCHIN_BUYER, demo.PASSWORD, name="Pat Buyer", groups=(punchin_group,)
        )
        ensure_member(
            account, demo.DIRECT_BUYER, demo.PASSWORD, name="Dana Direct", groups=(direct_group,)
        )
        # Signs in to procurement through Acme's identity provider (single sign-on).
        ensure_member(
            account, demo.SSO_BUYER, demo.PASSWORD, name="Sam Sso", groups=(punchin_group,)
        )
        ensure_member(
            account,
            demo.STORE_ADMIN,
            demo.PASSWORD,
            name="Alex Admin",
            groups=(punchin_group,),
            is_account_admin=True,
        )
        ensure_staff(demo.FULFILMENT_STAFF, demo.PASSWORD, name="Fran Fulfilment")
        ensure_staff(demo.STORE_STAFF_ADMIN, demo.PASSWORD, name="Morgan Manager", superuser=True)
        base = options["procurement_url"].rstrip("/")
        PurchasingSystem.objects.update_or_create(
            account=account,
            defaults={
                "system": SystemKind.PUNCHIN,
                "endpoint_url": f"{base}/cxml/punchin",
                "auth_scheme": AuthScheme.BASIC,
                "basic_user": demo.ENDPOINT_USER,
                "basic_password": demo.ENDPOINT_PASSWORD,
                "credential_domain": demo.CREDENTIAL_DOMAIN,
                "from_identity": demo.STORE_IDENTITY,
                "to_identity": demo.PROCUREMENT_IDENTITY,
                "sender_identity": demo.STORE_IDENTITY,
                "shared_secret": demo.SHARED_SECRET,
                "deployment_mode": DeploymentMode.PRODUCTION,
                # P8: procurement writes back as itself, with the same SharedSecret;
                # order documents go to the default paths of the same origin.
                "inbound_identity": demo.PROCUREMENT_IDENTITY,
                "inbound_shared_secret": demo.SHARED_SECRET,
                "confirmation_url": "",
                "ship_notice_url": "",
                "invoice_url": "",
                # PunchOut sessions open at /cxml/punchout with the inbound
                # credentials above; a requester the store does not know yet gets a
                # sign-in on the first visit.
                "punchout_creates_users": True,
            },
        )
        self.stdout.write(
            f"storefront seeded: {products} products, account {account.name!r}, "
            f"Punch-in endpoint {base}/cxml/punchin, PunchOut sessions from its requesters, "
            f"fulfilment staff {demo.FULFILMENT_STAFF}, site admin {demo.STORE_STAFF_ADMIN}"
        )
