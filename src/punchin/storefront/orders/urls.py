from django.urls import path

from punchin.storefront.orders import views

app_name = "orders"
urlpatterns = [
    path("cxml/status", views.status_endpoint, name="status_endpoint"),
    path("cxml/order", views.order_endpoint, name="order_endpoint"),
    path("cxml/profile", views.profile_endpoint, name="profile_endpoint"),
    path("staff/orders/", views.order_list, name="staff_list"),
    path("staff/orders/<int:pk>/", views.order_detail, name="staff_detail"),
    path("staff/orders/<int:pk>/confirm", views.confirm, name="confirm"),
    path("staff/orders/<int:pk>/reject", views.reject, name="reject"),
    path("staff/orders/<int:pk>/ship", views.ship, name="ship"),
    path("staff/orders/<int:pk>/invoice", views.invoice, name="invoice"),
    path("staff/orders/website/<int:pk>/", views.website_order, name="website_order"),
    path("staff/orders/website/<int:pk>/confirm", views.website_confirm, name="website_confirm"),
    path("staff/orders/website/<int:pk>/reject", views.website_reject, name="website_reject"),
    path("staff/orders/website/<int:pk>/ship", views.website_ship, name="website_ship"),
    path("staff/orders/website/<int:pk>/invoice", views.website_invoice, name="website_invoice"),
]
