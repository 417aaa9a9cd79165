from django.urls import path

from punchin.procurement.punchout import views

app_name = "punchout"

urlpatterns = [
    path("", views.shop, name="shop"),
    path("<int:pk>/shop", views.start_shopping, name="start"),
    path("requisitions/<str:number>/edit", views.edit_cart, name="edit"),
    path("requisitions/<str:number>/inspect", views.inspect_cart, name="inspect"),
    path("return/<str:token>", views.cart_return, name="return"),
    path("oci/<str:token>", views.oci_return, name="oci_return"),
    path("suppliers/", views.suppliers, name="suppliers"),
    path("suppliers/<int:partner>/", views.supplier_settings, name="supplier"),
]
