from __future__ import annotations

from punchin.web.documents import CxmlDocumentBase


class CxmlDocument(CxmlDocumentBase):
    """A document the storefront sent or received (docs/architecture.md: stored before it
    is sent, and before it is acted on)."""

    class Meta(CxmlDocumentBase.Meta):
        verbose_name = "cXML document"
