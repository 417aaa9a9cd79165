"""The cart in a browser form field, as classic PunchOut returns it (docs/protocol.md P33).

A supplier's page posts the PunchOutOrderMessage to the BrowserFormPost URL in one
field: ``cxml-urlencoded`` holds the document's text (the page HTML-escapes it in the
attribute, the browser URL-encodes it), ``cxml-base64`` the Base64 of its bytes.
"""

from __future__ import annotations

import base64

URLENCODED = "cxml-urlencoded"
BASE64 = "cxml-base64"
FIELDS = (URLENCODED, BASE64)


def field_value(document: bytes, field: str) -> str:
    """The value of form field ``field`` carrying the serialised ``document``."""
    if field == URLENCODED:
        return document.decode("utf-8")
    if field == BASE64:
        return base64.b64encode(document).decode("ascii")
    raise ValueError(f"unknown cXML form field {field!r}; expected one of {', '.join(FIELDS)}")
