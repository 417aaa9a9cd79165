"""``seed_demo``: the procurement half of the demo, ready for the journey (idempotent).

Credentials come from ``punchin.web.demo``, which the storefront's seed reads too,
so both sides agree without anyone typing them in.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from punchin.procurement.accounts.models import Membership, Organisation
from punchin.procurement.partners import credentials
from punchin.procurement.partners.models import AuthScheme, SharedSecret, SupplierPartner
from punchin.web import demo


class Command(BaseCommand):
    help = "Create the demo organisation, supplier partner and users (safe to run again)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--storefront-url",
            default="http://127.0.0.1:8001",
            help="the storefront's base URL; its host is the allowed PoomUrl host",
        )

    def handle(self, *args: Any, storefront_url: str, **options: Any) -> None:
        host = urlsplit(storefront_url).hostname
        if not host:
            raise CommandError(f"--storefront-url {storefront_url!r} names no host")
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
                    "allowed_poom_hosts": host,
                    "active": True,
                },
            )
            SharedSecret.objects.update_or_create(
                partner=partner,
                organisation=organisation,
                defaults={
                    "label": demo.STORE_NAME,
                    "digest": credentials.digest(demo.SHARED_SECRET),
                },
            )
            for email, approver, admin in (
                (demo.PUNCHIN_BUYER, False, False),
                (demo.APPROVER, True, False),
                (demo.PROCUREMENT_ADMIN, True, True),
            ):
                self._user(organisation, email, approver=approver, admin=admin)
        self.stdout.write(
            f"procurement demo: {organisation} with partner {partner} "
            f"(PoomUrl host {host}); users {demo.PUNCHIN_BUYER}, {demo.APPROVER}, "
            f"{demo.PROCUREMENT_ADMIN}"
        )

    @staticmethod
    def _user(organisation: Organisation, email: str, *, approver: bool, admin: bool) -> None:
        user, _ = get_user_model().objects.get_or_create(username=email, defaults={"email": email})
        user.email = email
        user.is_staff = user.is_superuser = admin
        user.set_password(demo.PASSWORD)
        user.save()
        Membership.objects.update_or_create(
            user=user,
            organisation=organisation,
            defaults={"is_approver": approver, "is_admin": admin},
        )
