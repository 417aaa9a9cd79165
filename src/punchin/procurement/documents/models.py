from __future__ import annotations

from punchin.web.documents import CxmlDocumentBase


class CxmlDocument(CxmlDocumentBase):
    """Every cXML document procurement received (setup requests, fetched carts) or sent."""

    class Meta(CxmlDocumentBase.Meta):
        verbose_name = "cXML document"
