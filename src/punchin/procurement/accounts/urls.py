from django.contrib.auth import views as auth_views
from django.urls import path

from punchin.procurement.accounts.forms import EmailLoginForm

app_name = "accounts"

urlpatterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(
            template_name="procurement/login.html", authentication_form=EmailLoginForm
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
]
