"""URLs of the e-procurement site; the cXML endpoint path is fixed in docs/architecture.md."""

from django.contrib import admin
from django.urls import include, path

from punchin.procurement.orders.endpoints import (
    confirmation_endpoint,
    invoice_endpoint,
    profile_endpoint,
    ship_notice_endpoint,
)
from punchin.web.metrics import metrics_view

# The admin in the party's own words (each app names its section: apps.py verbose_name).
admin.site.site_header = "Procurement administration"
admin.site.site_title = "punchin procurement admin"
admin.site.index_title = "Organisations, partners, orders and policies"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("metrics", metrics_view, name="metrics"),
    path("deliveries/", include("punchin.web.delivery.urls")),
    path("cxml/", include("punchin.procurement.punchin.urls")),
    path("cxml/confirmation", confirmation_endpoint, name="cxml-confirmation"),
    path("cxml/shipnotice", ship_notice_endpoint, name="cxml-shipnotice"),
    path("cxml/invoice", invoice_endpoint, name="cxml-invoice"),
    path("cxml/profile", profile_endpoint, name="cxml-profile"),
    path("approvals/", include("punchin.procurement.approvals.urls")),
    path("orders/", include("punchin.procurement.orders.urls")),
    path("spend/", include("punchin.procurement.spend.urls")),
    path("punchin/test/", include("punchin.procurement.punchin.test_urls")),
    path("punchin/", include("punchin.procurement.requisitions.landing_urls")),
    path("requisitions/", include("punchin.procurement.requisitions.urls")),
    path("punchout/", include("punchin.procurement.punchout.urls")),
    path("accounts/", include("punchin.procurement.accounts.urls")),
    path("accounts/sso/", include("punchin.procurement.sso.urls")),
    path("partners/", include("punchin.procurement.partners.urls")),
    path("", include("punchin.procurement.site.urls")),
]

# Error pages in the site's layout, cXML Status under /cxml/ (punchin.web.errors).
handler400 = "punchin.web.errors.bad_request"
handler403 = "punchin.web.errors.permission_denied"
handler404 = "punchin.web.errors.page_not_found"
handler500 = "punchin.web.errors.server_error"
