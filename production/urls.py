from django.urls import path

from . import exception_views, views

app_name = "production"
urlpatterns = [
    path("", views.work_centers, name="home"),
    path("work-centers/<int:pk>/", views.tablet, name="tablet"),
    path("operations/<int:pk>/<slug:action>/", views.operation_action, name="operation_action"),
    path("orders/<int:pk>/progress/", views.order_progress, name="order_progress"),
    path("exceptions/", exception_views.exception_list, name="exception_list"),
    path("exceptions/new/", exception_views.exception_create, name="exception_create"),
    path("exceptions/<int:pk>/", exception_views.exception_detail, name="exception_detail"),
    path("exceptions/<int:pk>/photos/", exception_views.exception_add_photos, name="exception_add_photos"),
    path("exceptions/<int:pk>/photos/<int:photo_pk>/", exception_views.exception_photo, name="exception_photo"),
    path("exceptions/<int:pk>/<slug:action>/", exception_views.exception_action, name="exception_action"),
]
