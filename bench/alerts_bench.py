"""Alert delivery through a real Celery worker to a local webhook server standing in for a WeCom robot
(tests/alerts/webhook_server.py): the latency from the committing transaction to the server receiving the
message (p50/p95, target p95 < 2 s), and a burst of 1,000 alerts delivered with none lost and none twice.
Needs Redis (BENCH_REDIS_URL); the rows it adds are removed afterwards."""

import os
import tempfile
import time

from . import processes
from .results import Row, percentile

LATENCY_P95_TARGET = 2.0
BURST = 1000
SAMPLES = 30


def _worker(celery_app):
    log_path = os.path.join(tempfile.gettempdir(), f"orderflow_bench_alert_worker_{os.getpid()}.log")
    return processes.start(
        ["-m", "celery", "-A", "config.celery_app", "worker", "-Q", celery_app.conf.task_default_queue,
         "--concurrency", "2", "--pool", "prefork", "--without-gossip", "--without-mingle", "--without-heartbeat",
         "--loglevel", "WARNING", "--hostname", f"bench-alerts-{os.getpid()}@%h"],
        # The stand-in robot listens on loopback, which alerts reach only where the operator allows it.
        env=processes.child_env(WEBHOOK_ALLOWED_NETWORKS="127.0.0.1/32"), log_path=log_path)


def run(*, log=print):
    from django.conf import settings

    if not settings.CELERY_BROKER_URL:
        return [Row("alert delivery (worker)", "-", "n/a (no Redis at BENCH_REDIS_URL)")]
    from alerts.models import Alert, AlertRule, ChannelEndpoint
    from alerts.services import create_alert
    from config.celery_app import app as celery_app
    from tests.alerts.webhook_server import WebhookServer

    server = WebhookServer()
    endpoint = ChannelEndpoint.objects.create(name=f"bench robot {os.getpid()}", kind="wecom",
                                              url=f"{server.url}/bench")
    rule = AlertRule.objects.create(kind="bench_alert", name="bench", roles=[])
    rule.endpoints.set([endpoint])
    celery_app.control.purge()
    worker = _worker(celery_app)
    try:
        log("  alert latency: starting a worker ...")
        create_alert(kind="bench_alert", subject="warm-up %(n)s", params={"n": "w"})
        processes.wait_until(lambda: server.received("/bench"), timeout=120, proc=worker, what="celery worker")
        latencies = []
        for n in range(SAMPLES):
            before = len(server.received("/bench"))
            started = time.monotonic()
            create_alert(kind="bench_alert", subject="latency %(n)s", params={"n": str(n)})  # commits here
            got = server.wait_for(before + 1, "/bench", timeout=30)
            latencies.append(got[-1]["at"] - started)
        log(f"  alert burst: {BURST} alerts ...")
        before = len(server.received("/bench"))
        started = time.monotonic()
        for n in range(BURST):
            create_alert(kind="bench_alert", subject="burst %(n)s", params={"n": f"b{n}"})
        got = server.wait_for(before + BURST, "/bench", timeout=600)[before:]
        burst_seconds = time.monotonic() - started
        texts = [request["json"]["text"]["content"] for request in got]
        distinct = {text for text in texts if "burst" in text}
        time.sleep(2)  # anything sent twice would arrive now
        duplicates = len(server.received("/bench")) - before - len(distinct)
    finally:
        processes.stop(worker)
        server.close()
        Alert.objects.filter(kind="bench_alert").delete()
        rule.delete()
        endpoint.delete()
    p50, p95 = percentile(latencies, 0.5), percentile(latencies, 0.95)
    return [
        Row("alert: commit → webhook received (real worker)", "p50/p95 s", f"{p50:.3f} / {p95:.3f}",
            f"p95 < {LATENCY_P95_TARGET:.0f}", p95 < LATENCY_P95_TARGET),
        Row(f"alert burst: {BURST} delivered", "received / lost / twice",
            f"{len(distinct)} / {BURST - len(distinct)} / {max(duplicates, 0)} in {burst_seconds:.0f} s",
            "all once", len(distinct) == BURST and duplicates == 0),
    ]
