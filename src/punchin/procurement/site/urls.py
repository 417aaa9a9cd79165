from django.urls import path

from punchin.procurement.site.views import home

urlpatterns = [path("", home, name="home")]
