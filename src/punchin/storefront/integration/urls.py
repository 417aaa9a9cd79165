from django.urls import path

from punchin.storefront.integration import health, views

app_name = "integration"
urlpatterns = [
    path("account/business-settings/", views.business_settings, name="business_settings"),
    path(
        "account/business-settings/systems-integrations/",
        views.configure,
        name="configure",
    ),
    path(
        "account/business-settings/systems-integrations/test",
        views.test_request,
        name="test",
    ),
    path(
        "account/business-settings/systems-integrations/<int:pk>/health/",
        health.system_health,
        name="health",
    ),
    path(
        "account/business-settings/systems-integrations/<int:pk>/health/documents/<int:doc>/",
        health.system_health_document,
        name="health_document",
    ),
]
