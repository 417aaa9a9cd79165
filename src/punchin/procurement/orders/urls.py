from django.urls import path

from punchin.procurement.orders import views

app_name = "orders"

urlpatterns = [
    path("", views.order_list, name="list"),
    path("reconciliation/", views.reconciliation_list, name="reconciliation"),
    path("<str:number>/", views.order_detail, name="detail"),
    path("<str:number>/change", views.order_change, name="change"),
    path("<str:number>/cancel", views.order_cancel, name="cancel"),
    path("<str:number>/receive", views.order_receive, name="receive"),
    path("<str:number>/pay", views.order_pay, name="pay"),
    path("<str:number>/close", views.order_close, name="close"),
    path("<str:number>/documents/<int:event>/", views.event_document, name="document"),
]
