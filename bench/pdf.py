"""Order confirmation PDFs: render time in this process, and queue-to-ready time through Redis and a
real Celery worker (its own queue, started and stopped here).

Rows say "n/a" instead of failing when the documents pipeline or Redis is not available."""

import os
import tempfile
import time

from orders.demo_data import ensure_role_users
from orders.models import Order, OrderStatus

from . import processes
from .results import Row, percentile

KIND = "order_confirmation"
RENDER_P50_TARGET = 2.0
QUEUE_TO_READY_P50_TARGET = 5.0
CONFIRMABLE = [OrderStatus.APPROVED, OrderStatus.PLANNED, OrderStatus.MATERIALS_READY, OrderStatus.IN_PRODUCTION,
               OrderStatus.AWAITING_QC, OrderStatus.QC_PASSED]


def _pipeline():
    """The documents API, or the reason it cannot be used."""
    try:
        from documents import registry, services
        from documents.models import Document, DocumentStatus

        registry.get(KIND)
    except (ImportError, LookupError, AttributeError) as exc:
        return None, f"n/a (documents app missing: {type(exc).__name__})"
    if not hasattr(services, "request_document"):
        return None, "n/a (documents app missing: no request_document)"
    return (services, Document, DocumentStatus), ""


def _orders(count, offset):
    return list(Order.objects.filter(status__in=CONFIRMABLE).select_related("customer")
                .order_by("-id")[offset:offset + count])


def _wait_finished(Document, DocumentStatus, document_id, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        doc = Document.objects.get(pk=document_id)
        if doc.status in (DocumentStatus.READY, DocumentStatus.FAILED):
            return doc
        time.sleep(0.02)
    raise RuntimeError(f"document {document_id} not rendered after {timeout} s")


def run(*, samples=5, log=print):
    actor = ensure_role_users()["order_desk"]
    return document_rows(kind=KIND, label="order confirmation PDF", actor=actor,
                         objects=lambda count, offset: _orders(count, offset), samples=samples, log=log,
                         render_target=RENDER_P50_TARGET)


def document_rows(*, kind, label, actor, objects, samples=5, log=print, render_target=RENDER_P50_TARGET):
    """Render time in this process and queue-to-ready time through a real worker for one document kind.
    `objects(count, offset)` gives the objects to render (distinct ones for each phase)."""
    from django.conf import settings

    api, reason = _pipeline()
    if api is None:
        return [Row(f"{label} render", "p50 s", reason), Row(f"{label} queue-to-ready (worker)", "p50 s", reason)]
    services, Document, DocumentStatus = api
    eager = settings.CELERY_TASK_ALWAYS_EAGER
    rows = []

    # Render time, in this process. With a broker, request_document queues a task nobody consumes
    # yet (the queue is purged before the worker starts) and the render is called directly; without
    # one, the request renders eagerly on commit.
    log(f"  {label} render ...")
    timings = []
    for i, obj in enumerate(objects(samples + 1, 0)):
        started = time.perf_counter()
        document = services.request_document(actor=actor, kind=kind, obj=obj)
        if not eager:
            started = time.perf_counter()
            services.render_document(document.pk)
        elapsed = time.perf_counter() - started
        document.refresh_from_db()
        if document.status != DocumentStatus.READY:
            return rows + [Row(f"{label} render", "status", f"{document.status}: {document.error[:80]}",
                               "ready", False)]
        if i:  # the first one loads fonts and templates
            timings.append(elapsed)
    p50 = percentile(timings, 0.5)
    rows.append(Row(f"{label} render (in process)", "p50 s", f"{p50:.2f}", f"< {render_target:g}",
                    p50 < render_target))

    if eager:
        rows.append(Row(f"{label} queue-to-ready (worker)", "p50 s", "n/a (Redis not reachable)"))
        return rows
    rows.append(_queue_to_ready(services, Document, DocumentStatus, actor, kind, label, objects, samples, log))
    return rows


def _queue_to_ready(services, Document, DocumentStatus, actor, kind, label, objects, samples, log):
    from config.celery_app import app as celery_app

    name = f"{label} queue-to-ready (worker)"
    celery_app.control.purge()  # tasks queued above, whose documents are already rendered
    log_path = os.path.join(tempfile.gettempdir(), f"orderflow_bench_worker_{os.getpid()}.log")
    worker = processes.start(
        ["-m", "celery", "-A", "config.celery_app", "worker", "-Q", celery_app.conf.task_default_queue,
         "--concurrency", "1", "--pool", "prefork", "--without-gossip", "--without-mingle", "--without-heartbeat",
         "--loglevel", "WARNING", "--hostname", f"bench-{os.getpid()}@%h"],
        env=processes.child_env(), log_path=log_path)
    try:
        log(f"  {label} queue-to-ready: starting a worker ...")
        chosen = objects(samples + 1, samples + 1)
        # The first document also waits for the worker to start and load WeasyPrint and the fonts.
        warmup = services.request_document(actor=actor, kind=kind, obj=chosen[0])
        processes.wait_until(lambda: Document.objects.get(pk=warmup.pk).status != DocumentStatus.PENDING
                             and Document.objects.get(pk=warmup.pk).status != DocumentStatus.RENDERING,
                             timeout=120, proc=worker, what="celery worker")
        timings = []
        for obj in chosen[1:]:
            document = services.request_document(actor=actor, kind=kind, obj=obj)
            done = _wait_finished(Document, DocumentStatus, document.pk, timeout=60)
            if done.status != DocumentStatus.READY:
                return Row(name, "status", f"{done.status}: {done.error[:80]}", "ready", False)
            timings.append((done.rendered_at - done.requested_at).total_seconds())
    finally:
        processes.stop(worker)
    p50 = percentile(timings, 0.5)
    return Row(name, "p50 s", f"{p50:.2f}", f"< {QUEUE_TO_READY_P50_TARGET:.0f}", p50 < QUEUE_TO_READY_P50_TARGET)
