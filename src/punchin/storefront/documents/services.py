"""Reading the audit trail: documents are kept exactly, shown with secrets masked."""

from __future__ import annotations

import re

from punchin.storefront.documents.models import CxmlDocument

# The SharedSecret travels in every setup request we send (P16); the stored bytes
# keep it, every page shows it masked.
_SECRET = re.compile(r"(<SharedSecret\b[^>]*>)(.*?)(</SharedSecret>)", re.DOTALL)


def redacted(text: str) -> str:
    return _SECRET.sub(r"\1***\3", text)


def shown_text(document: CxmlDocument) -> str:
    return redacted(document.text)
