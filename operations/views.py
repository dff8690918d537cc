"""/healthz, /readyz and the operations page. Thin: checks and selectors in their modules, retries in the
owning app's services."""

from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts.permissions import require
from alerts.models import Alert
from alerts.services import retry_alert
from api.models import WebhookDelivery
from api.webhooks import retry_delivery
from documents.models import Document
from documents.services import retry_document

from . import health, selectors


@never_cache
def healthz(request):
    """The process is alive and answers; touches nothing else (no database), for liveness probes."""
    return HttpResponse("ok\n", content_type="text/plain")


@never_cache
def readyz(request):
    """Ready for traffic: database, broker, storage, and a worker heartbeat younger than a minute. 503 when
    any is not; names only (the reasons are logged and shown on the operations page)."""
    checks = health.readiness()
    ready = all(check.ok for check in checks)
    return JsonResponse({"ready": ready, "checks": {check.name: "ok" if check.ok else "failing" for check in checks}},
                        status=200 if ready else 503)


CHECK_LABELS = {"database": gettext_lazy("Database"), "broker": gettext_lazy("Task queue (Redis)"),
                "storage": gettext_lazy("File storage"), "worker": gettext_lazy("Background worker")}


OPERATORS_ONLY = gettext_lazy("Only managers and administrators see the system status page.")


@login_required
def status(request):
    require(request.user, "operations.view_operations", message=OPERATORS_ONLY)
    heartbeat_at = queue_length = None
    try:
        age = health.worker_heartbeat_age()
        heartbeat_at = None if age is None else timezone.now() - timedelta(seconds=age)
        queue_length = selectors.queue_length()
    except Exception:  # noqa: BLE001 - the broker is down: the checks below say so
        pass
    checks = [(CHECK_LABELS[check.name], check) for check in health.readiness()]
    return render(request, "operations/status.html", {
        "checks": checks,
        "uses_broker": bool(settings.CELERY_BROKER_URL),
        "queue_length": queue_length,
        "heartbeat_at": heartbeat_at,
        "backlogs": selectors.backlogs(),
        "failed_documents": selectors.failed_documents(),
        "failed_alerts": selectors.failed_alerts(),
        "failed_webhooks": selectors.failed_webhook_deliveries(),
    })


RETRIES = {
    "document": (Document, lambda actor, obj: retry_document(actor=actor, document=obj)),
    "alert": (Alert, lambda actor, obj: retry_alert(actor=actor, alert=obj)),
    "webhook": (WebhookDelivery, lambda actor, obj: retry_delivery(actor=actor, delivery=obj)),
}


@login_required
@require_POST
def retry(request, kind, pk):
    require(request.user, "operations.view_operations", message=OPERATORS_ONLY)
    if kind not in RETRIES:
        raise PermissionDenied
    model, action = RETRIES[kind]
    try:
        action(request.user, get_object_or_404(model, pk=pk))
        messages.success(request, _("Queued again."))
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    return redirect("operations:status")
