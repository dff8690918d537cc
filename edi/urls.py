from django.urls import path

from . import partner_views, views

app_name = "edi"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("messages/<int:pk>/", views.message_detail, name="message_detail"),
    path("messages/<int:pk>/map/", views.map_product, name="map_product"),
    path("messages/<int:pk>/reprocess/", views.reprocess, name="reprocess"),
    path("channels/import/", views.channel_import, name="channel_import"),
    path("partners/", partner_views.partner_list, name="partner_list"),
    path("partners/new/", partner_views.partner_create, name="partner_create"),
    path("partners/<int:pk>/", partner_views.partner_edit, name="partner_edit"),
    path("channels/", partner_views.profile_list, name="profile_list"),
    path("channels/new/", partner_views.profile_create, name="profile_create"),
    path("channels/<int:pk>/", partner_views.profile_edit, name="profile_edit"),
]
