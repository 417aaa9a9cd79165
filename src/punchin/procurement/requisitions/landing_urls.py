"""The StartPage path the PunchOutSetupResponse points to (P22)."""

from django.urls import path

from punchin.procurement.requisitions import views

app_name = "landing"

urlpatterns = [path("land/<str:token>", views.land, name="land")]
