from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from operations import views as operations_views
from reports import views as report_views

urlpatterns = [
    path("", report_views.home, name="home"),
    path("accounts/", include("accounts.urls")),
    path("orders/", include("orders.urls")),
    path("planning/", include("planning.urls")),
    path("production/", include("production.urls")),
    path("inventory/", include("inventory.urls")),
    path("quality/", include("quality.urls")),
    path("shipping/", include("shipping.urls")),
    path("settlement/", include("settlement.urls")),
    path("track/", include("shipping.tracking_urls")),  # the customer's tracking page (no login)
    path("alerts/", include("alerts.urls")),
    path("reports/", include("reports.urls")),
    path("rush/", include("rush.urls")),
    path("notices/", include("notices.urls")),
    path("sales/", include("sales.urls")),
    path("api/", include("api.urls")),
    path("edi/", include("edi.urls")),
    path("documents/", include("documents.urls")),
    path("operations/", include("operations.urls")),
    path("healthz", operations_views.healthz, name="healthz"),
    path("readyz", operations_views.readyz, name="readyz"),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
