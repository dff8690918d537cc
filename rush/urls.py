from django.urls import path, re_path

from . import drawing_views, views

app_name = "rush"
urlpatterns = [
    path("", views.board, name="board"),
    path("report/", views.report, name="report"),
    re_path(r"^report/export\.(?P<fmt>csv|xlsx)$", views.report_export, name="report_export"),
    path("orders/<int:order_pk>/request/", views.request_create, name="request"),
    path("orders/<int:order_pk>/panel/", views.order_panel, name="order_panel"),
    path("orders/<int:order_pk>/drawings/", drawing_views.order_drawings, name="drawings"),
    path("drawings/copies/<int:pk>/", drawing_views.drawing_copy, name="drawing_copy"),
    path("drawings/copies/<int:pk>/return/", drawing_views.copy_return, name="drawing_return"),
    path("drawings/copies/<int:pk>/void/", drawing_views.copy_void, name="drawing_void"),
    path("drawings/attachments/<int:pk>/", drawing_views.drawing_attachment, name="drawing_attachment"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/sign/", views.sign, name="sign"),
    path("<int:pk>/approve/", views.approve, name="approve"),
    path("<int:pk>/reject/", views.reject, name="reject"),
]
