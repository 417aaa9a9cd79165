"""HTTP transport for cXML: the client both parties use to post and fetch documents.

Layer rule: imports ``punchin.cxml``, aiohttp and the standard library; never Django.
"""

from .auth import BasicAuth, BearerAuth, ClientCertificate
from .client import CxmlClient, HttpReply, post_sync
from .errors import (
    BadReply,
    ConnectFailed,
    RedirectRefused,
    ReplyTooLarge,
    Timeout,
    TLSFailed,
    TransportError,
    UrlRefused,
)
from .policy import UrlPolicy

__all__ = [
    "BadReply",
    "BasicAuth",
    "BearerAuth",
    "ClientCertificate",
    "ConnectFailed",
    "CxmlClient",
    "HttpReply",
    "RedirectRefused",
    "ReplyTooLarge",
    "TLSFailed",
    "Timeout",
    "TransportError",
    "UrlPolicy",
    "UrlRefused",
    "post_sync",
]
