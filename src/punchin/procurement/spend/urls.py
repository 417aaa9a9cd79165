from django.urls import path

from punchin.procurement.spend import views

app_name = "spend"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("<slug:key>.csv", views.export, name="export"),
]
