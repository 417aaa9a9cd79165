"""The ASGI application uvicorn serves: Django behind the request-body limit."""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "punchin.procurement.settings")

from django.conf import settings
from django.core.asgi import get_asgi_application

from punchin.web.asgi import BodyLimit, SharedClient

application = SharedClient(BodyLimit(get_asgi_application(), settings.PUNCHIN_MAX_BODY_BYTES))
