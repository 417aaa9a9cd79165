"""punchin.cxml: typed cXML documents, safe parsing, building and DTD validation.

Imports nothing but the standard library and lxml, so it can stand on its own.
"""

from punchin.cxml.document import Parsed, parse, read, serialize
from punchin.cxml.envelope import Document
from punchin.cxml.errors import CXMLError
from punchin.cxml.reply import (
    http_status_for,
    reply_outcome,
    reply_status,
    response_document,
    response_status,
    setup_outcome,
    start_page_url,
    status_line,
)
from punchin.cxml.safety import Limits, Repair
from punchin.cxml.validate import Problem, validate

__all__ = [
    "CXMLError",
    "Document",
    "Limits",
    "Parsed",
    "Problem",
    "Repair",
    "http_status_for",
    "parse",
    "read",
    "reply_outcome",
    "reply_status",
    "response_document",
    "response_status",
    "serialize",
    "setup_outcome",
    "start_page_url",
    "status_line",
    "validate",
]
