from django.urls import path

from . import views

app_name = "quality"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("inspections/", views.inspection_list, name="inspection_list"),
    path("inspections/new/", views.inspection_create, name="inspection_create"),
    path("inspections/<int:pk>/", views.inspection_detail, name="inspection_detail"),
    path("inspections/<int:pk>/start/", views.inspection_start, name="inspection_start"),
    path("inspections/<int:pk>/cancel/", views.inspection_cancel, name="inspection_cancel"),
    path("inspections/<int:pk>/record/", views.inspection_record, name="inspection_record"),
    path("inspections/<int:pk>/cell/", views.inspection_cell, name="inspection_cell"),
    path("inspections/<int:pk>/confirm/", views.inspection_confirm, name="inspection_confirm"),
    path("inspections/<int:pk>/approve/", views.inspection_approve, name="inspection_approve"),
    path("inspections/<int:pk>/attachments/", views.attachment_upload, name="attachment_upload"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment_download"),
    path("ncr/", views.ncr_list, name="ncr_list"),
    path("ncr/<int:pk>/", views.ncr_detail, name="ncr_detail"),
    path("plans/", views.plan_list, name="plan_list"),
    path("plans/<int:product_pk>/", views.plan_edit, name="plan_edit"),
    path("spc/", views.spc_page, name="spc"),
]
