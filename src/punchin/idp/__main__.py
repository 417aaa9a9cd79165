"""``python -m punchin.idp``: the demo's OpenID provider as a process of its own.

    python -m punchin.idp --port 8003 \\
        --client procurement-demo:SECRET:http://127.0.0.1:8002/accounts/sso/oidc/callback \\
        --account sso@acme.example:punchin-demo:Sam:Sso
"""

from __future__ import annotations

import argparse

from aiohttp import web

from punchin.idp.server import Account, Client, Provider
from punchin.idp.web import application


def _client(text: str) -> Client:
    client_id, secret, redirect_uri = text.split(":", 2)
    return Client(client_id, secret, (redirect_uri,))


def _account(text: str) -> Account:
    email, password, *names = text.split(":")
    given, family = [*names, "", ""][:2]
    return Account(email, password, given, family)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m punchin.idp",
        description="A small OpenID provider for trying single sign-on; not for production.",
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8003)
    parser.add_argument("--client", type=_client, action="append", default=[],
                        help="CLIENT_ID:SECRET:REDIRECT_URI (repeatable)")  # fmt: skip
    parser.add_argument("--account", type=_account, action="append", default=[],
                        help="EMAIL:PASSWORD[:GIVEN_NAME[:FAMILY_NAME]] (repeatable)")  # fmt: skip
    parser.add_argument("--title", default="Sign in")
    args = parser.parse_args(argv)
    provider = Provider(f"http://{args.host}:{args.port}", args.client, args.account)
    web.run_app(
        application(provider, title=args.title),
        host=args.host,
        port=args.port,
        access_log=None,
        print=None,
    )


if __name__ == "__main__":
    main()
