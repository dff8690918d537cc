from django.urls import path

from . import views

app_name = "documents"
urlpatterns = [
    path("request/<slug:kind>/<int:object_id>/", views.request_document, name="request"),
    path("<int:pk>/status/", views.document_status, name="status"),
    path("<int:pk>/retry/", views.retry_document, name="retry"),
    path("<int:pk>/download/", views.download_document, name="download"),
]
