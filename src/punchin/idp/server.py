"""The OpenID provider's protocol side: authlib's AuthorizationServer over memory."""

from __future__ import annotations

import json
import secrets
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from authlib.oauth2 import rfc6749, rfc7636
from authlib.oauth2.rfc6749 import grants
from authlib.oauth2.rfc6749.requests import BasicOAuth2Payload, JsonPayload, JsonRequest
from authlib.oauth2.rfc6750 import BearerTokenGenerator
from authlib.oidc.core import UserInfo
from authlib.oidc.core.grants import OpenIDCode
from joserfc.jwk import RSAKey

ID_TOKEN_LIFETIME = 300
CODE_LIFETIME = 60


@dataclass(frozen=True, slots=True)
class Account:
    """A person the provider knows: ``sub`` is stable, the rest goes into ID tokens."""

    email: str
    password: str
    given_name: str = ""
    family_name: str = ""
    groups: tuple[str, ...] = ()

    @property
    def sub(self) -> str:
        return self.email.lower()

    @property
    def name(self) -> str:
        return " ".join(part for part in (self.given_name, self.family_name) if part)


@dataclass(frozen=True, slots=True)
class Client:
    """A relying party registered with the provider."""

    client_id: str
    client_secret: str
    redirect_uris: tuple[str, ...]

    def get_client_id(self) -> str:
        return self.client_id

    def get_default_redirect_uri(self) -> str:
        return self.redirect_uris[0]

    def get_allowed_scope(self, scope: str) -> str:
        allowed = {"openid", "email", "profile", "groups"}
        return " ".join(s for s in scope.split() if s in allowed)

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        return redirect_uri in self.redirect_uris

    def check_client_secret(self, client_secret: str) -> bool:
        return secrets.compare_digest(client_secret, self.client_secret)

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        return method in ("client_secret_basic", "client_secret_post")

    def check_response_type(self, response_type: str) -> bool:
        return response_type == "code"

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type == "authorization_code"


@dataclass(slots=True)
class Code:
    """An issued authorization code, with what the ID token must carry."""

    code: str
    client_id: str
    redirect_uri: str
    scope: str
    account: Account
    nonce: str | None
    code_challenge: str | None
    code_challenge_method: str | None
    auth_time: int
    expires_at: float

    def get_redirect_uri(self) -> str:
        return self.redirect_uri

    def get_scope(self) -> str:
        return self.scope

    def get_nonce(self) -> str | None:
        return self.nonce

    def get_auth_time(self) -> int:
        return self.auth_time

    def get_acr(self) -> str | None:
        return None

    def get_amr(self) -> list[str] | None:
        return ["pwd"]


@dataclass(frozen=True, slots=True)
class Incoming:
    """A parsed HTTP request, whatever web framework read it."""

    method: str
    url: str
    headers: Mapping[str, str]
    query: Mapping[str, str]
    form: Mapping[str, str]


@dataclass(frozen=True, slots=True)
class Outgoing:
    status: int
    body: str
    headers: list[tuple[str, str]]


class _Request(rfc6749.OAuth2Request):
    def __init__(self, incoming: Incoming) -> None:
        super().__init__(incoming.method, incoming.url, headers=dict(incoming.headers))
        self.payload = BasicOAuth2Payload({**incoming.query, **incoming.form})
        self._incoming = incoming

    @property
    def args(self) -> Mapping[str, str]:
        return self._incoming.query

    @property
    def form(self) -> Mapping[str, str]:
        return self._incoming.form


class _Json(JsonPayload):
    def __init__(self, data: dict[str, Any]) -> None:
        self._data = data

    @property
    def data(self) -> dict[str, Any]:
        return self._data


@dataclass
class Provider:
    """The provider's state and its authlib server; thread-safe enough for tests."""

    issuer: str
    clients: list[Client]
    accounts: list[Account]
    key: RSAKey = field(
        default_factory=lambda: RSAKey.generate_key(
            2048, parameters={"use": "sig", "alg": "RS256"}, auto_kid=True
        )
    )
    codes: dict[str, Code] = field(default_factory=dict)
    nonces: set[tuple[str, str]] = field(default_factory=set)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self.issuer = self.issuer.rstrip("/")
        self.server = _Server(self)

    def account(self, email: str, password: str) -> Account | None:
        for account in self.accounts:
            if account.email.lower() == email.strip().lower() and secrets.compare_digest(
                account.password, password
            ):
                return account
        return None

    def discovery(self) -> dict[str, Any]:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.issuer}/authorize",
            "token_endpoint": f"{self.issuer}/token",
            "jwks_uri": f"{self.issuer}/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "scopes_supported": ["openid", "email", "profile", "groups"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
            "code_challenge_methods_supported": ["S256"],
            "claims_supported": [
                "sub",
                "email",
                "email_verified",
                "name",
                "given_name",
                "family_name",
                "groups",
            ],
        }

    def jwks(self) -> dict[str, Any]:
        return {"keys": [self.key.as_dict(private=False)]}

    def check_authorization(self, incoming: Incoming) -> str | None:
        """Why the authorization request cannot be shown a login form, or None."""
        try:
            self.server.get_consent_grant(incoming)
        except rfc6749.OAuth2Error as error:
            return f"{error.error}: {error.description or ''}".strip(": ")
        return None

    def authorize(self, incoming: Incoming, account: Account | None) -> Outgoing:
        """The redirect back to the client: with a code for ``account``, or access_denied."""
        grant = self.server.get_consent_grant(incoming, end_user=account)
        result: Outgoing = self.server.create_authorization_response(
            incoming, grant_user=account, grant=grant
        )
        return result

    def token(self, incoming: Incoming) -> Outgoing:
        result: Outgoing = self.server.create_token_response(incoming)
        return result


class _Server(rfc6749.AuthorizationServer):  # type: ignore[misc]
    def __init__(self, provider: Provider) -> None:
        super().__init__(scopes_supported=["openid", "email", "profile", "groups"])
        self.provider = provider
        self.register_token_generator(
            "default", BearerTokenGenerator(lambda *_a, **_k: secrets.token_urlsafe(32))
        )
        self.register_grant(
            _CodeGrant, [rfc7636.CodeChallenge(required=True), _OpenIDCode(provider)]
        )

    def query_client(self, client_id: str) -> Client | None:
        return next((c for c in self.provider.clients if c.client_id == client_id), None)

    def save_token(self, token: dict[str, Any], request: rfc6749.OAuth2Request) -> None:
        """Access tokens are not used for anything here (no userinfo endpoint)."""

    def create_oauth2_request(self, request: Any) -> rfc6749.OAuth2Request:
        return request if isinstance(request, rfc6749.OAuth2Request) else _Request(request)

    def create_json_request(self, request: Incoming) -> JsonRequest:
        json = JsonRequest(request.method, request.url, dict(request.headers))
        json.payload = _Json(dict(request.form))
        return json

    def handle_response(self, status: int, body: Any, headers: list[tuple[str, str]]) -> Outgoing:
        text = body if isinstance(body, str) else json.dumps(body)
        return Outgoing(status, text, list(headers))

    def send_signal(self, name: str, *args: Any, **kwargs: Any) -> None:
        pass


class _CodeGrant(grants.AuthorizationCodeGrant):  # type: ignore[misc]
    TOKEN_ENDPOINT_AUTH_METHODS = ("client_secret_basic", "client_secret_post")

    @property
    def provider(self) -> Provider:
        return self.server.provider  # type: ignore[no-any-return]

    def save_authorization_code(self, code: str, request: rfc6749.OAuth2Request) -> None:
        payload = request.payload
        with self.provider._lock:
            self.provider.codes[code] = Code(
                code=code,
                client_id=payload.client_id,
                redirect_uri=payload.redirect_uri or "",
                scope=payload.scope or "",
                account=request.user,
                nonce=payload.data.get("nonce"),
                code_challenge=payload.data.get("code_challenge"),
                code_challenge_method=payload.data.get("code_challenge_method"),
                auth_time=int(time.time()),
                expires_at=time.monotonic() + CODE_LIFETIME,
            )
            nonce = payload.data.get("nonce")
            if nonce:
                self.provider.nonces.add((payload.client_id, nonce))

    def query_authorization_code(self, code: str, client: Client) -> Code | None:
        found = self.provider.codes.get(code)
        if found is None or found.client_id != client.client_id:
            return None
        return found if found.expires_at > time.monotonic() else None

    def delete_authorization_code(self, authorization_code: Code) -> None:
        with self.provider._lock:
            self.provider.codes.pop(authorization_code.code, None)

    def authenticate_user(self, authorization_code: Code) -> Account:
        return authorization_code.account


class _OpenIDCode(OpenIDCode):  # type: ignore[misc]
    def __init__(self, provider: Provider) -> None:
        super().__init__(require_nonce=True)
        self.provider = provider

    def exists_nonce(self, nonce: str, request: rfc6749.OAuth2Request) -> bool:
        return (request.payload.client_id, nonce) in self.provider.nonces

    def resolve_client_private_key(self, client: Client) -> RSAKey:
        return self.provider.key

    def get_client_algorithm(self, client: Client) -> str:
        return "RS256"

    def get_encode_header(self, client: Client) -> dict[str, str]:
        return {"alg": "RS256", "kid": str(self.provider.key.kid)}

    def get_client_claims(self, client: Client) -> dict[str, Any]:
        return {
            "iss": self.provider.issuer,
            "aud": [client.client_id],
            "exp": int(time.time()) + ID_TOKEN_LIFETIME,
        }

    def generate_user_info(self, user: Account, scope: str) -> UserInfo:
        info = UserInfo(sub=user.sub)
        scopes = scope.split()
        if "email" in scopes:
            info.update(email=user.email, email_verified=True)
        if "profile" in scopes:
            info.update(name=user.name, given_name=user.given_name, family_name=user.family_name)
        if "groups" in scopes:
            info["groups"] = list(user.groups)
        return info
