from django.urls import path

from . import carrier_views, complaint_views, views

app_name = "shipping"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("shipments/", views.shipment_list, name="shipment_list"),
    path("orders/<int:order_pk>/new/", views.shipment_create, name="shipment_create"),
    path("orders/<int:order_pk>/panel/", views.order_panel, name="order_panel"),
    path("orders/<int:order_pk>/tracking-links/", views.tracking_link_create, name="tracking_link_create"),
    path("orders/<int:order_pk>/close/", views.order_close, name="order_close"),
    path("orders/<int:order_pk>/confirm-delivery/", views.order_confirm_delivery, name="order_confirm_delivery"),
    path("orders/<int:order_pk>/complaints/new/", complaint_views.complaint_create, name="complaint_create"),
    path("tracking-links/<int:pk>/revoke/", views.tracking_link_revoke, name="tracking_link_revoke"),
    path("shipments/<int:pk>/", views.shipment_detail, name="shipment_detail"),
    path("shipments/<int:pk>/ship/", views.shipment_ship, name="shipment_ship"),
    path("shipments/<int:pk>/cancel/", views.shipment_cancel, name="shipment_cancel"),
    path("shipments/<int:pk>/tracking/", views.shipment_tracking, name="shipment_tracking"),
    path("shipments/<int:pk>/delivery/", views.delivery_form, name="delivery_form"),
    path("shipments/<int:pk>/proof-of-delivery/", views.pod_download, name="pod_download"),
    path("carriers/", carrier_views.carrier_list, name="carrier_list"),
    path("carriers/new/", carrier_views.carrier_create, name="carrier_create"),
    path("carriers/<int:pk>/", carrier_views.carrier_edit, name="carrier_edit"),
    path("carriers/<int:carrier_pk>/modes/new/", carrier_views.transport_mode_create, name="transport_mode_create"),
    path("transport-modes/<int:pk>/", carrier_views.transport_mode_edit, name="transport_mode_edit"),
    path("complaints/", complaint_views.complaint_list, name="complaint_list"),
    path("complaints/<int:pk>/", complaint_views.complaint_detail, name="complaint_detail"),
    path("complaints/<int:pk>/return/", complaint_views.complaint_return, name="complaint_return"),
    path("complaints/<int:pk>/exchange/", complaint_views.complaint_exchange, name="complaint_exchange"),
    path("complaints/<int:pk>/<slug:action>/", complaint_views.complaint_action, name="complaint_action"),
]
