from django.urls import path

from . import price_list_views, views

app_name = "sales"
urlpatterns = [
    path("quotations/", views.quotation_list, name="quotation_list"),
    path("quotations/new/", views.quotation_create, name="quotation_create"),
    path("quotations/<int:pk>/", views.quotation_detail, name="quotation_detail"),
    path("quotations/<int:pk>/edit/", views.quotation_edit, name="quotation_edit"),
    path("quotations/<int:pk>/revise/", views.quotation_revise, name="quotation_revise"),
    path("quotations/<int:pk>/order/", views.quotation_convert, name="quotation_convert"),
    path("quotations/<int:pk>/<slug:action>/", views.quotation_act, name="quotation_act"),
    path("price-lists/", price_list_views.price_list_list, name="price_lists"),
    path("price-lists/new/", price_list_views.price_list_create, name="price_list_create"),
    path("price-lists/<int:pk>/", price_list_views.price_list_edit, name="price_list_edit"),
    path("discount-rule/", price_list_views.discount_rule, name="discount_rule"),
    path("contracts/", views.contract_list, name="contract_list"),
    path("contracts/new/", views.contract_create, name="contract_create"),
    path("contracts/<int:pk>/", views.contract_detail, name="contract_detail"),
    path("contracts/<int:pk>/call-off/", views.contract_call_off, name="contract_call_off"),
    path("contracts/<int:pk>/<slug:action>/", views.contract_act, name="contract_act"),
]
