from django.urls import path, re_path

from . import decision_views, delay_views, drawing_views, views

app_name = "rush"
urlpatterns = [
    path("", views.board, name="board"),
    path("report/", views.report, name="report"),
    re_path(r"^report/export\.(?P<fmt>csv|xlsx)$", views.report_export, name="report_export"),
    path("orders/<int:order_pk>/request/", views.request_create, name="request"),
    path("orders/<int:order_pk>/panel/", views.order_panel, name="order_panel"),
    path("delays/", delay_views.delay_list, name="delays"),
    path("delays/<int:order_pk>/record/", delay_views.delay_record, name="delay_record"),
    path("summary/<int:order_pk>/", delay_views.rush_summary, name="summary"),
    path("supplier-replies/", delay_views.supplier_reply_list, name="supplier_replies"),
    path("supplier-replies/<int:pk>/", delay_views.supplier_reply, name="supplier_reply"),
    path("orders/<int:order_pk>/drawings/", drawing_views.order_drawings, name="drawings"),
    path("drawings/copies/<int:pk>/", drawing_views.drawing_copy, name="drawing_copy"),
    path("drawings/copies/<int:pk>/sign/", drawing_views.sign_copy, name="drawing_sign"),
    path("drawings/copies/<int:pk>/return/", drawing_views.copy_return, name="drawing_return"),
    path("drawings/copies/<int:pk>/void/", drawing_views.copy_void, name="drawing_void"),
    path("drawings/attachments/<int:pk>/", drawing_views.drawing_attachment, name="drawing_attachment"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/sign/", views.sign, name="sign"),
    path("<int:pk>/approve/", views.approve, name="approve"),
    path("<int:pk>/reject/", views.reject, name="reject"),
    path("decisions/", decision_views.decision_list, name="decision_list"),
    path("decisions/home/", decision_views.home_decisions, name="home_decisions"),
    path("drawings/home/", drawing_views.home_drawings, name="home_drawings"),
    path("decisions/orders/<int:order_pk>/new/", decision_views.decision_request, name="decision_request"),
    path("decisions/<int:pk>/", decision_views.decision_detail, name="decision_detail"),
    path("decisions/<int:pk>/decide/", decision_views.decide, name="decision_decide"),
    # kind: "exception" or "delay" (any other is 404)
    path("decisions/<slug:kind>/<int:pk>/", decision_views.source_decisions, name="source_decisions"),
]
