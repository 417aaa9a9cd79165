from django.urls import path

from punchin.procurement.requisitions import views

app_name = "requisitions"

urlpatterns = [
    path("", views.requisition_list, name="list"),
    path("<str:number>/", views.requisition_detail, name="detail"),
    path("<str:number>/submit", views.requisition_submit, name="submit"),
    path("<str:number>/cancel", views.requisition_cancel, name="cancel"),
    path("<str:number>/delivery", views.requisition_delivery, name="delivery"),
]
