from django.urls import path

from . import views

app_name = "production"
urlpatterns = [
    path("", views.work_centers, name="home"),
    path("work-centers/<int:pk>/", views.tablet, name="tablet"),
    path("operations/<int:pk>/<slug:action>/", views.operation_action, name="operation_action"),
    path("orders/<int:pk>/progress/", views.order_progress, name="order_progress"),
]
