"""The public customer tracking page, mounted at /track/ (config/urls.py)."""

from django.urls import path

from . import tracking_views

app_name = "tracking"
urlpatterns = [
    path("<str:token>/", tracking_views.tracking_page, name="page"),
]
