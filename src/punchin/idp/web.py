"""The OpenID provider's pages and endpoints, served by aiohttp."""

from __future__ import annotations

import html

from aiohttp import web

from punchin.idp.server import Incoming, Outgoing, Provider

_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body style="font-family: sans-serif; max-width: 26rem; margin: 3rem auto">
<h1>{title}</h1>{body}</body></html>"""

_FORM = """<p>{client} asks who you are.</p>{error}
<form method="post">{hidden}
<p><label>Email <input type="email" name="email" value="{email}" autofocus></label></p>
<p><label>Password <input type="password" name="password"></label></p>
<p><button type="submit" name="action" value="login">Sign in</button>
<button type="submit" name="action" value="cancel">Cancel</button></p>
</form>"""


def _page(title: str, body: str, status: int = 200) -> web.Response:
    return web.Response(
        status=status,
        text=_PAGE.format(title=html.escape(title), body=body),
        content_type="text/html",
    )


async def _incoming(request: web.Request) -> Incoming:
    form = await request.post() if request.method == "POST" else {}
    return Incoming(
        method=request.method,
        url=str(request.url),
        headers=dict(request.headers),
        query=dict(request.query),
        form={key: str(value) for key, value in form.items()},
    )


def _answer(outgoing: Outgoing) -> web.Response:
    headers = dict(outgoing.headers)
    if outgoing.status == 302:
        raise web.HTTPFound(headers["Location"])
    return web.Response(status=outgoing.status, text=outgoing.body, headers=headers)


def application(provider: Provider, title: str = "Sign in") -> web.Application:
    """The provider as an aiohttp application (discovery, JWKS, login form, token)."""

    async def discovery(_: web.Request) -> web.Response:
        return web.json_response(provider.discovery())

    async def jwks(_: web.Request) -> web.Response:
        return web.json_response(provider.jwks())

    async def authorize(request: web.Request) -> web.Response:
        # The authorization request travels in the query string; the form adds the
        # person's answer, so POSTing back to the same URL keeps every parameter.
        incoming = await _incoming(request)
        query = Incoming(incoming.method, incoming.url, incoming.headers, incoming.query, {})
        problem = provider.check_authorization(query)
        if problem:
            return _page(
                "This sign-in request cannot be used", f"<p>{html.escape(problem)}</p>", 400
            )
        error = ""
        if request.method == "POST":
            if incoming.form.get("action") == "cancel":
                return _answer(provider.authorize(query, None))
            account = provider.account(
                incoming.form.get("email", ""), incoming.form.get("password", "")
            )
            if account is not None:
                return _answer(provider.authorize(query, account))
            error = '<p role="alert">That email and password do not match.</p>'
        client = provider.server.query_client(incoming.query.get("client_id", ""))
        body = _FORM.format(
            client=html.escape(client.client_id if client else "An application"),
            error=error,
            hidden="",
            email=html.escape(incoming.form.get("email", "")),
        )
        return _page(title, body, 200 if not error else 401)

    async def token(request: web.Request) -> web.Response:
        return _answer(provider.token(await _incoming(request)))

    app = web.Application()
    app.router.add_get("/.well-known/openid-configuration", discovery)
    app.router.add_get("/jwks", jwks)
    app.router.add_route("*", "/authorize", authorize)
    app.router.add_post("/token", token)
    return app
