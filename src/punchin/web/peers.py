"""What a partner's cXML software can read: the switch both parties' partner settings
offer.

Some readers reject optional elements they do not model (cxml-ruby in its default
mode refuses ``Description/ShortName``, docs/compatibility.md). For such a partner the
documents we build leave them out; every document stays valid against the DTD, since
the elements are optional. Off by default: other readers need them (6-mils takes an
item's name from its ShortName).
"""

from __future__ import annotations

from django.db import models


def omit_optional_field() -> models.BooleanField[bool, bool]:
    """The per-partner switch, as each party's partner model stores it."""
    return models.BooleanField(
        "Leave out optional elements its cXML software cannot read",
        default=False,
        help_text="Some partners' software refuses optional parts of a document it does "
        "not know, such as a product's short name next to its description. Tick this for "
        "such a partner: the documents we send it leave them out and stay valid cXML.",
    )
