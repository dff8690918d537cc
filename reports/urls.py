from django.urls import path, re_path

from . import views

app_name = "reports"

urlpatterns = [
    path("dashboard/", views.manager_dashboard, name="dashboard"),
    path("dashboard/wall/", views.wall, name="wall"),
    path("dashboard/orders/", views.drill, name="drill"),
    path("", views.report_list, name="list"),
    path("<slug:key>/", views.report_page, name="report"),
    re_path(r"^(?P<key>[\w-]+)/export\.(?P<fmt>csv|xlsx)$", views.report_export, name="export"),
]
