"""The ASGI application uvicorn serves: Django behind the request-body limit, served
as ``punchin.web.serving`` describes."""

from __future__ import annotations

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "punchin.procurement.settings")

from punchin.web.serving import application as _application

application = _application()
