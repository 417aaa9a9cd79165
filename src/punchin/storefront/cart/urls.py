from django.urls import path

from punchin.storefront.cart import views

app_name = "cart"
urlpatterns = [
    path("cart/", views.cart_page, name="cart"),
    path("cart/add", views.add, name="add"),
    path("cart/update", views.update, name="update"),
    path("checkout/", views.checkout, name="checkout"),
    path("checkout/review", views.review, name="review"),
    path("checkout/submit", views.submit, name="submit"),
    path("orders/<int:pk>", views.order, name="order"),
]
