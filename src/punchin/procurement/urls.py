"""URLs of the e-procurement site; the cXML endpoint path is fixed in docs/architecture.md."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("deliveries/", include("punchin.web.delivery.urls")),
    path("cxml/", include("punchin.procurement.punchin.urls")),
    path("punchin/", include("punchin.procurement.requisitions.landing_urls")),
    path("requisitions/", include("punchin.procurement.requisitions.urls")),
    path("accounts/", include("punchin.procurement.accounts.urls")),
    path("partners/", include("punchin.procurement.partners.urls")),
    path("", include("punchin.procurement.site.urls")),
]
