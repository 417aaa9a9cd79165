from django.urls import path

from punchin.procurement.partners.health import partner_health, partner_health_document
from punchin.procurement.partners.views import partner_settings

app_name = "partners"

urlpatterns = [
    path("", partner_settings, name="settings"),
    path("<int:pk>/health/", partner_health, name="health"),
    path("<int:pk>/health/documents/<int:doc>/", partner_health_document, name="health_document"),
]
