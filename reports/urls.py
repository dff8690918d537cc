from django.urls import path, re_path

from . import builder_views, feedback, views

app_name = "reports"

urlpatterns = [
    path("dashboard/", views.manager_dashboard, name="dashboard"),
    path("dashboard/wall/", views.wall, name="wall"),
    path("dashboard/orders/", views.drill, name="drill"),
    path("", views.report_list, name="list"),
    path("custom/", builder_views.saved_list, name="saved_list"),
    path("custom/new/", builder_views.build, name="builder"),
    path("custom/<int:pk>/edit/", builder_views.build, name="builder_edit"),
    path("custom/<int:pk>/", builder_views.run, name="saved_run"),
    re_path(r"^custom/(?P<pk>\d+)/export\.(?P<fmt>csv|xlsx)$", builder_views.export, name="saved_export"),
    path("customer-feedback/", feedback.customer_feedback, name="customer_feedback"),
    path("<slug:key>/", views.report_page, name="report"),
    re_path(r"^(?P<key>[\w-]+)/export\.(?P<fmt>csv|xlsx)$", views.report_export, name="export"),
]
