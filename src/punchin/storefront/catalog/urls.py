from django.urls import path

from punchin.storefront.catalog import views

app_name = "catalog"
urlpatterns = [
    path("", views.home, name="home"),
    path("search", views.search, name="search"),
    path("products/<str:part_id>", views.product, name="product"),
]
