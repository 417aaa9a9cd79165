"""WhiteNoise as an async-capable middleware, so requests never leave the event loop
for it; in a synchronous chain (``punchin.web.serving``'s pages) it is WhiteNoise's own.

WhiteNoise's middleware is synchronous only. One synchronous middleware makes Django
run the whole chain in a worker thread and the async views below it through
``async_to_sync``: every request, including the Punch-in endpoint and the PoomUrl,
hops from the event loop to a thread and back, and each database call of those
views hops again. Measured through the Punch-in round trip, this sandwich was the
largest single cost (docs/performance.md). This subclass looks the path up in
WhiteNoise's in-memory table on the event loop and does only the file work (opening
a static file, or the lookup under autorefresh) in a thread.
"""

from __future__ import annotations

from typing import Any

from asgiref.sync import iscoroutinefunction, markcoroutinefunction, sync_to_async
from django.http import HttpRequest, HttpResponseBase
from whitenoise.middleware import WhiteNoiseMiddleware


class AsyncWhiteNoiseMiddleware(WhiteNoiseMiddleware):  # type: ignore[misc]
    sync_capable = True
    async_capable = True

    def __init__(self, get_response: Any, **kwargs: Any) -> None:
        super().__init__(get_response, **kwargs)
        self.is_async = iscoroutinefunction(get_response)
        if self.is_async:
            markcoroutinefunction(self)

    def __call__(self, request: HttpRequest) -> Any:
        if self.is_async:
            return self._acall(request)
        return super().__call__(request)

    async def _acall(self, request: HttpRequest) -> HttpResponseBase:
        if self.autorefresh:  # development: the file system is searched per request
            static_file = await sync_to_async(self.find_file)(request.path_info)
        else:
            static_file = self.files.get(request.path_info)
        if static_file is not None:
            response: HttpResponseBase = await sync_to_async(self.serve)(static_file, request)
            return response
        response = await self.get_response(request)
        return response
