from django.urls import path

from . import views

app_name = "delivery"

urlpatterns = [
    path("", views.delivery_list, name="list"),
    path("<int:pk>/", views.delivery_detail, name="detail"),
    path("<int:pk>/retry/", views.retry, name="retry"),
]
