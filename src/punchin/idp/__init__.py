"""A small OpenID provider for the demo and the tests, built on authlib's server.

It signs users in with an email and a password from a list given at start, and
implements the authorization code flow with PKCE and signed ID tokens (RS256), the
discovery document and the JWKS, in memory. It exists so that single sign-on can
be tried and tested on one machine without a real identity provider; it is not an
identity provider to run in production (no persistence, no consent, no rate limit).
"""

from punchin.idp.server import Account, Client, Provider

__all__ = ["Account", "Client", "Provider"]
