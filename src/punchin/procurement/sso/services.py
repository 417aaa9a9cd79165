"""Which organisation signs in where: the lookups the landing and the login page share."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.models import AbstractUser
from django.urls import reverse

from punchin.procurement.accounts.models import Organisation
from punchin.procurement.sso.models import IdentityProvider


def provider_of(organisation: Organisation) -> IdentityProvider | None:
    """The organisation's identity provider, if it signs in through one (no query when
    it was read with the organisation: ``select_related(PROVIDER)``)."""
    relation = IdentityProvider._meta.get_field("organisation").remote_field
    if relation.is_cached(organisation):
        cached: IdentityProvider | None = relation.get_cached_value(organisation)
        return cached if cached is not None and cached.enabled else None
    return IdentityProvider.objects.filter(organisation=organisation, enabled=True).first()


# How a query reading an Organisation names its provider for ``select_related``.
PROVIDER = IdentityProvider._meta.get_field("organisation").remote_field.get_accessor_name()


def provider_for_email(email: str) -> IdentityProvider | None:
    """The provider whose organisation owns the email's domain."""
    providers = IdentityProvider.objects.filter(enabled=True).select_related("organisation")
    return next((provider for provider in providers if signs_in(provider, email)), None)


def signs_in(provider: IdentityProvider, email: str) -> bool:
    """Whether ``email`` belongs to the people ``provider`` signs in."""
    return email.strip().rpartition("@")[2].lower() in provider.domains


def sends_through(
    provider: IdentityProvider | None, email: str, buyer: AbstractUser | None
) -> bool:
    """Whether the landing sends this buyer to the provider rather than asking for a
    password: an address of its domains whose account, if any, has no password."""
    if provider is None or not signs_in(provider, email):
        return False
    return buyer is None or not buyer.has_usable_password()


def start_url(provider: IdentityProvider, next_path: str) -> str:
    return f"{reverse('sso:start', args=[provider.pk])}?{urlencode({'next': next_path})}"
