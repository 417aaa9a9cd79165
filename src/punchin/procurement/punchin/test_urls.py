"""The page a test Punch-in's StartPage opens (docs/test-mode.md)."""

from django.urls import path

from punchin.procurement.punchin.testpage import received

app_name = "punchin_test"

urlpatterns = [path("<str:token>", received, name="received")]
