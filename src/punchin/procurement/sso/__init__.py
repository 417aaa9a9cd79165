"""Single sign-on: each organisation's people sign in through its identity provider.

OpenID Connect through authlib's Django client, SAML 2.0 through djangosaml2 and
pysaml2; users are created just in time in the organisation (README "Single sign-on",
docs/security.md rows on SSO).
"""
