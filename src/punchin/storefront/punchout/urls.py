from django.urls import path

from punchin.storefront.punchout import views

app_name = "punchout"
urlpatterns = [
    path("cxml/punchout", views.setup_endpoint, name="setup_endpoint"),
    path("punchout/start/<str:token>", views.start_page, name="start"),
    path("punchout/oci", views.oci_entry, name="oci"),
    path("punchout/<str:key>/transfer", views.transfer_cart, name="transfer"),
    path("punchout/<str:key>/cancel", views.cancel, name="cancel"),
]
