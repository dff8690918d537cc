"""The site's URLs plus views that fail on purpose, for tests/test_error_pages.py."""

from django.core.exceptions import SuspiciousOperation
from django.urls import path

from config.urls import urlpatterns as site_urlpatterns

SECRET_DETAIL = "internal-detail-7f3a: password=hunter2 at /srv/orderflow/orders/services.py"


def broken_view(request):
    raise RuntimeError(SECRET_DETAIL)


def suspicious_view(request):
    raise SuspiciousOperation(SECRET_DETAIL)


urlpatterns = [
    *site_urlpatterns,
    path("test-errors/500/", broken_view),
    path("test-errors/400/", suspicious_view),
]
