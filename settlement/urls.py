from django.urls import path, re_path

from . import views

app_name = "settlement"
urlpatterns = [
    path("", views.invoice_list, name="invoice_list"),
    re_path(r"^export\.(?P<fmt>csv|xlsx)$", views.invoice_export, name="invoice_export"),
    path("shipments/<int:shipment_pk>/invoice/", views.invoice_create, name="invoice_create"),
    path("invoices/<int:pk>/", views.invoice_detail, name="invoice_detail"),
    path("invoices/<int:pk>/payment/", views.invoice_payment, name="invoice_payment"),
    path("invoices/<int:pk>/cancel/", views.invoice_cancel, name="invoice_cancel"),
    path("orders/<int:order_pk>/panel/", views.order_panel, name="order_panel"),
    path("orders/<int:order_pk>/exception/", views.order_exception, name="order_exception"),
]
