from django.urls import path

from . import views

app_name = "alerts"
urlpatterns = [
    path("", views.alert_list, name="list"),
    path("read/", views.mark_all_read, name="mark_all_read"),
    path("<int:pk>/ack/", views.acknowledge, name="acknowledge"),
    path("<int:pk>/", views.alert_detail, name="detail"),
]
