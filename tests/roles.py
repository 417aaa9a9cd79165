"""The property both parties' navigation keeps (punchin.web.roles): for every role,
each entry shows exactly when the page behind it lets that role in."""

from __future__ import annotations

import re
from collections.abc import Sequence

from django.test import Client
from django.urls import reverse

from punchin.web.roles import Link

NOWHERE = "/no-such-page-here/"
_NAV = re.compile(r"<nav[^>]*>(.*?)</nav>", re.DOTALL)
_IDS = re.compile(r'<a [^>]*id="(nav-[\w-]+)"')


def shown(client: Client) -> list[str]:
    """The ids of the navigation entries on a page every visitor gets (the 404 page,
    in the site's layout)."""
    page = client.get(NOWHERE)
    assert page.status_code == 404
    nav = _NAV.search(page.content.decode())
    assert nav is not None, "no <nav> on the 404 page"
    return _IDS.findall(nav.group(1))


def lets_in(client: Client, link: Link) -> bool:
    """Whether the page behind ``link`` answers this client with something to use: a
    200 (the admin's index only if it lists something to administer)."""
    answer = client.get(reverse(link.url_name))
    if answer.status_code != 200:
        return False
    if link.url_name == "admin:index":
        return bool(answer.context["app_list"])
    return True


def mismatches(client: Client, links: Sequence[Link]) -> list[str]:
    """Entries shown that lead to a refusal, and pages that let in but are not shown."""
    ids = shown(client)
    wrong = []
    for link in links:
        if (link.id in ids) != lets_in(client, link):
            wrong.append(f"{link.label}: {'shown' if link.id in ids else 'hidden'}")
    return wrong


def assert_admin_named(client: Client, title: str, header: str, sections: Sequence[str]) -> None:
    """The admin's index in the party's words: its title and header, each app's section
    by name (never Django's "Django administration" or an app label)."""
    page = client.get("/admin/").content.decode()
    assert f"<title>{title}" in page
    assert f">{header}</a>" in page
    assert "Django administration" not in page
    captions = re.findall(r"<caption>\s*<a [^>]*>([^<]+)</a>", page)
    assert set(sections) <= set(captions), captions
    assert not [name for name in captions if "_" in name], captions
