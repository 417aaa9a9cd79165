"""Template filters for URLs that come from a partner's document (docs/security.md row 23).

A tracking URL in a ShipNotice, a StartPage, a product or attachment URL is whatever the
partner wrote: ``javascript:alert(document.domain)//`` would be a live script on our
page once put in an ``href``, however well the attribute is escaped. Such a URL becomes a
link only when it is an absolute http(s) URL with a host; anything else is shown as
text. Both parties' templates load this library (``{% load links %}``).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

register = template.Library()

_SCHEMES = ("http", "https")


@register.filter
def http_url(value: object) -> str:
    """``value`` when it is an absolute http(s) URL, else "".

    Browsers drop tabs and line breaks inside a URL and spaces around it
    (``java\\tscript:`` runs), so any white space or control character refuses it."""
    url = str(value) if value is not None else ""
    if not url or any(ch.isspace() or ord(ch) < 0x20 or ord(ch) == 0x7F for ch in url):
        return ""
    try:
        parts = urlsplit(url)
    except ValueError:  # an invalid IPv6 host
        return ""
    if parts.scheme.lower() not in _SCHEMES or not parts.hostname:
        return ""
    return url


@register.filter
def external_link(url: object, text: object) -> SafeString:
    """``<a href=url>text</a>`` for an http(s) ``url``; ``text`` alone, escaped, otherwise.

    ``rel="noopener noreferrer"``: the partner's page gets neither our window nor the
    address of the page that linked to it."""
    href = http_url(url)
    if not href:
        return format_html("{}", text)
    return format_html('<a href="{}" rel="noopener noreferrer">{}</a>', href, text)
