from django.urls import path, re_path

from . import change_views, masterdata_views, rush_rule_views, views

app_name = "orders"
urlpatterns = [
    path("", views.order_list, name="list"),
    re_path(r"^export\.(?P<fmt>csv|xlsx)$", views.order_export, name="export"),
    path("review/", views.review_queue, name="review_queue"),
    path("new/", views.order_create, name="create"),
    path("import/", views.order_import, name="order_import"),
    path("new/line/", views.entry_line, name="entry_line"),
    path("new/totals/", views.entry_totals, name="entry_totals"),
    path("search/customers/", views.customer_options, name="customer_options"),
    path("search/products/", views.product_options, name="product_options"),
    path("<int:pk>/", views.order_detail, name="detail"),
    path("<int:pk>/edit/", views.order_edit, name="edit"),
    path("<int:pk>/payment-terms/", views.order_payment_terms, name="payment_terms"),
    path("<int:pk>/do/<str:action>/", views.order_action, name="action"),
    path("<int:pk>/changes/new/", change_views.change_create, name="change_create"),
    path("<int:pk>/revisions/", change_views.revisions, name="revisions"),
    path("changes/<int:pk>/", change_views.change_detail, name="change_detail"),
    path("changes/<int:pk>/<str:decision>/", change_views.change_decide, name="change_decide"),
    # master data
    path("rush-rules/", rush_rule_views.rule_list, name="rush_rules"),
    path("rush-rules/<int:pk>/", rush_rule_views.rule_edit, name="rush_rule_edit"),
    path("rush-rules/<int:pk>/active/", rush_rule_views.rule_toggle, name="rush_rule_toggle"),
    path("customers/", masterdata_views.customer_list, name="customer_list"),
    path("customers/new/", masterdata_views.customer_create, name="customer_create"),
    path("customers/<int:pk>/edit/", masterdata_views.customer_edit, name="customer_edit"),
    path("customers/import/", masterdata_views.customer_import, name="customer_import"),
    path("products/", masterdata_views.product_list, name="product_list"),
    path("products/new/", masterdata_views.product_create, name="product_create"),
    path("products/<int:pk>/edit/", masterdata_views.product_edit, name="product_edit"),
    path("products/import/", masterdata_views.product_import, name="product_import"),
]
