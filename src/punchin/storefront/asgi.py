"""The storefront as an ASGI application (uvicorn), its bodies bounded before Django.

Served by an ASGI server, the views that wait on the e-procurement side (the
PunchOutSetupRequest) and the view that side waits on (the PoomUrl) are coroutines,
so a storefront busy waiting still serves PoomUrls (see ``submissions``).
"""

from __future__ import annotations

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "punchin.storefront.settings")

from django.conf import settings
from django.core.asgi import get_asgi_application

from punchin.web.asgi import BodyLimit, SharedClient

application = SharedClient(BodyLimit(get_asgi_application(), settings.PUNCHIN_MAX_BODY_BYTES))
