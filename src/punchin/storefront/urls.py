from django.contrib import admin
from django.urls import include, path

from punchin.web.metrics import metrics_view

# The admin in the party's own words (each app names its section: apps.py verbose_name).
admin.site.site_header = "Storefront administration"
admin.site.site_title = "Punchin Business admin"
admin.site.index_title = "Catalog, business accounts and orders"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("metrics", metrics_view, name="metrics"),
    path("deliveries/", include("punchin.web.delivery.urls")),
    path("", include("punchin.storefront.accounts.urls")),
    path("", include("punchin.storefront.integration.urls")),
    path("", include("punchin.storefront.cart.urls")),
    path("", include("punchin.storefront.submissions.urls")),
    path("", include("punchin.storefront.orders.urls")),
    path("", include("punchin.storefront.punchout.urls")),
    path("", include("punchin.storefront.catalog.urls")),
]

# Error pages in the site's layout, cXML Status under /cxml/ (punchin.web.errors).
handler400 = "punchin.web.errors.bad_request"
handler403 = "punchin.web.errors.permission_denied"
handler404 = "punchin.web.errors.page_not_found"
handler500 = "punchin.web.errors.server_error"
