from django.urls import path

from . import stock_views, views

app_name = "inventory"
urlpatterns = [
    path("items/", views.item_list, name="item_list"),
    path("items/new/", views.item_create, name="item_create"),
    path("items/search/", views.item_options, name="item_options"),
    path("items/import/", views.item_import, name="item_import"),
    path("items/<int:pk>/edit/", views.item_edit, name="item_edit"),
    path("items/<int:pk>/bom/", views.bom_edit, name="bom_edit"),
    path("boms/import/", views.bom_import, name="bom_import"),
    # stock
    path("stock/", stock_views.stock_list, name="stock_list"),
    path("stock/balances/", stock_views.balance_list, name="balance_list"),
    path("stock/items/<int:pk>/", stock_views.stock_item, name="stock_item"),
    path("stock/lots/<int:pk>/", stock_views.lot_detail, name="lot_detail"),
    path("stock/moves/new/", stock_views.move_create, name="move_create"),
    path("stock/moves/<int:pk>/reverse/", stock_views.move_reverse, name="move_reverse"),
    path("stock/reservations/<int:pk>/release/", stock_views.reservation_release, name="reservation_release"),
    path("stock/count/", stock_views.cycle_count, name="cycle_count"),
    path("stock/import/", stock_views.opening_balance_import, name="opening_balance_import"),
    path("warehouses/", stock_views.warehouse_list, name="warehouse_list"),
    path("warehouses/new/", stock_views.warehouse_create, name="warehouse_create"),
    path("warehouses/<int:pk>/", stock_views.warehouse_edit, name="warehouse_edit"),
    path("locations/", stock_views.location_list, name="location_list"),
    path("locations/new/", stock_views.location_create, name="location_create"),
    path("locations/<int:pk>/", stock_views.location_edit, name="location_edit"),
]
