from django.urls import path

from punchin.procurement.partners.views import partner_settings

app_name = "partners"

urlpatterns = [path("", partner_settings, name="settings")]
