"""punchin.cxml: typed cXML documents, safe parsing, building and DTD validation.

Imports nothing but the standard library and lxml, so it can stand on its own.
"""

from punchin.cxml.document import Parsed, parse, read, serialize
from punchin.cxml.envelope import Document
from punchin.cxml.errors import CXMLError
from punchin.cxml.safety import Limits, Repair
from punchin.cxml.validate import Problem, validate

__all__ = [
    "CXMLError",
    "Document",
    "Limits",
    "Parsed",
    "Problem",
    "Repair",
    "parse",
    "read",
    "serialize",
    "validate",
]
