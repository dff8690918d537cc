"""The product's URLs plus the baseline view (bench settings only)."""

from django.urls import include, path

from config.urls import urlpatterns as product_urlpatterns

urlpatterns = [
    path("bench/", include("bench.baseline_app.urls")),
    *product_urlpatterns,
]
