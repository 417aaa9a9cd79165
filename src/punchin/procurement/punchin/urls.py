from django.urls import path

from punchin.procurement.punchin.views import punchin_endpoint

app_name = "cxml"

urlpatterns = [path("punchin", punchin_endpoint, name="punchin")]
