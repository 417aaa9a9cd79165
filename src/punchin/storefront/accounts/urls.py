from django.contrib.auth.views import LogoutView
from django.urls import path

from punchin.storefront.accounts import views

urlpatterns = [
    path("accounts/login/", views.SignInView.as_view(), name="login"),
    path("accounts/logout/", LogoutView.as_view(), name="logout"),
    path("account/", views.account, name="account"),
    path("account/business-settings/groups/", views.groups, name="groups"),
    path("account/business-settings/groups/new", views.group, name="group_new"),
    path("account/business-settings/groups/<int:pk>/", views.group, name="group"),
]
