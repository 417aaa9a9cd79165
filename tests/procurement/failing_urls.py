"""Procurement's URLconf and error handlers, with a view that fails as a bug would."""

from django.urls import path

from punchin.procurement.urls import handler400, handler403, handler404, handler500
from punchin.procurement.urls import urlpatterns as party
from tests.failing_urls import fail

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]
urlpatterns = [path("fail/", fail), path("cxml/fail", fail), *party]
