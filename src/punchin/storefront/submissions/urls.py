from django.urls import path

from punchin.storefront.submissions import views

app_name = "submissions"
urlpatterns = [
    path("punchin/submissions/<int:pk>", views.page, name="page"),
    path("punchin/submissions/<int:pk>/attempt", views.attempt, name="attempt"),
    path("punchin/documents/<int:pk>", views.document, name="document"),
    path("orders/", views.history, name="history"),
    path("cxml/poom/<str:token>", views.poom, name="poom"),
]
