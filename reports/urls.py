from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("dashboard/", views.manager_dashboard, name="dashboard"),
    path("dashboard/wall/", views.wall, name="wall"),
    path("dashboard/orders/", views.drill, name="drill"),
]
