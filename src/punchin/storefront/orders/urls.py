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
    path("staff/orders/<int:pk>/credit", views.credit, name="credit"),
    path("staff/orders/website/<int:pk>/", views.website_order, name="website_order"),
    *(
        path(
            f"staff/orders/website/<int:pk>/{action}",
            views.website_action,
            {"action": action},
            name=f"website_{action}",
        )
        for action in views.WEBSITE_ACTIONS
    ),
]
