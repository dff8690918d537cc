from django.urls import path

from . import views

app_name = "inventory"
urlpatterns = [
    path("items/", views.item_list, name="item_list"),
    path("items/new/", views.item_create, name="item_create"),
    path("items/search/", views.item_options, name="item_options"),
    path("items/import/", views.item_import, name="item_import"),
    path("items/<int:pk>/edit/", views.item_edit, name="item_edit"),
    path("items/<int:pk>/bom/", views.bom_edit, name="bom_edit"),
    path("boms/import/", views.bom_import, name="bom_import"),
]
