from __future__ import annotations

from django.db import models

from punchin.web.documents import CxmlDocumentBase


class CxmlDocument(CxmlDocumentBase):
    """Every cXML document procurement received (setup requests, fetched carts) or sent.

    ``answer`` keeps the cXML Response we gave to an inbound request, byte for byte.
    """

    answer = models.BinaryField(blank=True, default=b"")

    class Meta(CxmlDocumentBase.Meta):
        verbose_name = "cXML document"

    @property
    def answer_text(self) -> str:
        return bytes(self.answer).decode("utf-8", errors="replace")
