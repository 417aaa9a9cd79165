"""The storefront as an ASGI application (uvicorn), its bodies bounded before Django.

Served by an ASGI server, the views that wait on the e-procurement side (the
PunchOutSetupRequest) and the view that side waits on (the PoomUrl) are coroutines,
so a storefront busy waiting still serves PoomUrls (see ``submissions``); how
requests reach them is ``punchin.web.serving``.
"""

from __future__ import annotations

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "punchin.storefront.settings")

from punchin.web.serving import application as _application

application = _application()
