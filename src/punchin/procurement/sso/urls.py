from django.urls import path

from punchin.procurement.sso import saml, views

app_name = "sso"

urlpatterns = [
    path("", views.discover, name="discover"),
    path("settings/", views.provider_settings, name="settings"),
    path("<int:provider>/start", views.start, name="start"),
    path("oidc/callback", views.oidc_callback, name="oidc-callback"),
    path("<int:provider>/saml/acs/", saml.AssertionConsumer.as_view(), name="saml-acs"),
    path("<int:provider>/saml/metadata/", saml.Metadata.as_view(), name="saml-metadata"),
]
