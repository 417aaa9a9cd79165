"""WhiteNoise as a hook-style middleware (``process_request``), so serving pages costs
no thread hop of its own.

WhiteNoise's middleware wraps the rest of the chain in a ``__call__`` of its own,
synchronous only: under ASGI, Django then ran the whole chain in a worker thread and
every async view through ``async_to_sync``. As a ``MiddlewareMixin`` whose
``process_request`` answers a static file (and lets everything else through, exactly
what WhiteNoise's ``__call__`` does) it is one more hook in the batch that
``punchin.web.batched`` runs in one call, and a plain middleware in the synchronous
chain of ``punchin.web.serving``'s pages (docs/performance.md).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponseBase
from django.utils.deprecation import MiddlewareMixin
from whitenoise.middleware import WhiteNoiseMiddleware


class StaticFilesMiddleware(MiddlewareMixin):
    def __init__(self, get_response: Any) -> None:
        super().__init__(get_response)
        self.whitenoise = WhiteNoiseMiddleware(get_response)

    def process_request(self, request: HttpRequest) -> HttpResponseBase | None:
        whitenoise = self.whitenoise
        if whitenoise.autorefresh:  # development: the file system is searched per request
            static_file = whitenoise.find_file(request.path_info)
        else:
            static_file = whitenoise.files.get(request.path_info)
        if static_file is None:
            return None
        response: HttpResponseBase = whitenoise.serve(static_file, request)
        return response
