from django.contrib import admin
from django.urls import include, path

from punchin.web.metrics import metrics_view

admin.site.site_header = "Storefront administration"

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
