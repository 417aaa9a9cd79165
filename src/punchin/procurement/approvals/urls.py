from django.urls import path

from punchin.procurement.approvals import views

app_name = "approvals"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("policy/", views.policy, name="policy"),
    path("<str:number>/", views.review, name="review"),
    path("<str:number>/decide", views.decide, name="decide"),
]
