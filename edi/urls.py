from django.urls import path

from . import views

app_name = "edi"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("messages/<int:pk>/", views.message_detail, name="message_detail"),
    path("messages/<int:pk>/map/", views.map_product, name="map_product"),
    path("messages/<int:pk>/reprocess/", views.reprocess, name="reprocess"),
    path("channels/import/", views.channel_import, name="channel_import"),
]
