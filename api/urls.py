from django.urls import path
from drf_spectacular.views import SpectacularAPIView

from . import views

app_name = "api"
urlpatterns = [
    path("v1/", views.documentation, name="documentation"),
    path("v1/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("v1/orders/", views.OrderListCreate.as_view(), name="orders"),
    path("v1/orders/<str:number>/", views.OrderDetail.as_view(), name="order"),
    path("v1/orders/<str:number>/shipments/", views.OrderShipments.as_view(), name="order_shipments"),
    path("v1/webhooks/", views.Webhooks.as_view(), name="webhooks"),
    path("v1/webhooks/<int:pk>/", views.WebhookDetail.as_view(), name="webhook"),
    path("keys/", views.keys, name="keys"),
    path("keys/<int:pk>/revoke/", views.revoke, name="revoke_key"),
    path("keys/<int:pk>/webhooks/", views.webhook_add, name="webhook_add"),
    path("keys/webhooks/<int:pk>/remove/", views.webhook_remove, name="webhook_remove"),
]
