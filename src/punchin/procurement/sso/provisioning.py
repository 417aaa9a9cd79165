"""Just-in-time users: the person a provider vouched for, as a member of its organisation."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser
from django.db import IntegrityError, transaction
from django.utils import timezone

from punchin.procurement.accounts.models import Membership
from punchin.procurement.sso.models import Identity, IdentityProvider


class SignInRefused(Exception):
    """The provider answered, but this person cannot sign in here; the text says why."""


@dataclass(frozen=True, slots=True)
class Person:
    """What a provider vouched for, in our words."""

    subject: str
    email: str
    first_name: str = ""
    last_name: str = ""
    groups: tuple[str, ...] = ()


def _one(value: Any) -> str:
    """A claim's value as text: SAML attributes are lists, OIDC claims mostly not."""
    if isinstance(value, list | tuple):
        value = value[0] if value else ""
    return str(value or "").strip()


def _many(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        return tuple(v for v in value.replace(",", " ").split() if v)
    if isinstance(value, list | tuple):
        return tuple(str(v) for v in value)
    return ()


def person_from(provider: IdentityProvider, subject: str, claims: Mapping[str, Any]) -> Person:
    """Read the person from the claims (OIDC) or attributes (SAML) by the provider's mapping."""
    if claims.get("email_verified") is False:
        raise SignInRefused("Your identity provider has not verified your email address.")
    email = _one(claims.get(provider.claim("email")))
    if not subject or not email:
        raise SignInRefused(
            "Your identity provider did not send your email address "
            f"(expected in {provider.claim('email')!r}); ask your administrator."
        )
    groups = _many(claims.get(provider.groups_claim)) if provider.groups_claim else ()
    return Person(
        subject=subject[:255],
        email=email[:254],
        first_name=_one(claims.get(provider.claim("first_name")))[:150],
        last_name=_one(claims.get(provider.claim("last_name")))[:150],
        groups=groups,
    )


def sign_in(provider: IdentityProvider, person: Person) -> AbstractUser:
    """The user for ``person``: found by the provider's subject, else linked to the
    organisation's member with that email, else created as a requester (docs/security.md
    row 33). Only the provider's own email domains are accepted."""
    domain = person.email.rpartition("@")[2].lower()
    if domain not in provider.domains:
        raise SignInRefused(
            f"{provider.label} signed you in as {person.email}, but it signs in people of "
            f"{', '.join(provider.domains)} only; {provider.organisation} cannot accept it."
        )
    try:
        with transaction.atomic():
            user = _user_for(provider, person)
    except IntegrityError:
        # Two first sign-ins of the same person at once: the other one created the link.
        with transaction.atomic():
            user = _user_for(provider, person)
    if not user.is_active:
        raise SignInRefused("Your account here is disabled; ask your administrator.")
    return user


def _user_for(provider: IdentityProvider, person: Person) -> AbstractUser:
    identity = (
        Identity.objects.select_related("user")
        .filter(provider=provider, subject=person.subject)
        .first()
    )
    if identity is None:
        user = _linked_or_created(provider, person)
        identity = Identity.objects.create(provider=provider, subject=person.subject, user=user)
    user = identity.user
    user.first_name = person.first_name or user.first_name
    user.last_name = person.last_name or user.last_name
    user.save(update_fields=["first_name", "last_name"])
    membership, _ = Membership.objects.get_or_create(user=user, organisation=provider.organisation)
    if provider.groups_claim:
        approver = bool({group.lower() for group in person.groups} & provider.approvers)
        if membership.is_approver != approver:
            membership.is_approver = approver
            membership.save(update_fields=["is_approver"])
    Identity.objects.filter(pk=identity.pk).update(last_login_at=timezone.now())
    return user


def _linked_or_created(provider: IdentityProvider, person: Person) -> AbstractUser:
    users = get_user_model().objects
    existing = list(users.filter(email__iexact=person.email)[:2])
    if existing:
        user = existing[0]
        if (
            len(existing) > 1
            or not user.memberships.filter(  # type: ignore[attr-defined]
                organisation=provider.organisation
            ).exists()
        ):
            raise SignInRefused(
                f"An account for {person.email} already exists outside {provider.organisation}; "
                "ask your administrator to connect it."
            )
        return user  # type: ignore[no-any-return]
    username = person.email
    if users.filter(username=username).exists():
        digest = hashlib.sha256(f"{provider.pk}:{person.subject}".encode()).hexdigest()[:20]
        username = f"sso-{digest}"
    user = users.create_user(
        username=username,
        email=person.email,
        first_name=person.first_name,
        last_name=person.last_name,
    )
    user.set_unusable_password()
    user.save(update_fields=["password"])
    return user  # type: ignore[no-any-return]
