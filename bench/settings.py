"""Settings for the benchmarks: the production settings, on the bench database, over plain HTTP on
127.0.0.1, plus the baseline app that gives the throughput benchmark its yardstick. The product's
own settings and URLs contain nothing for benchmarks.

Environment: BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/orderflow_bench),
BENCH_CELERY_BROKER_URL (set by bench/run.py when Redis answers; empty = tasks run eagerly),
BENCH_MEDIA_ROOT (where rendered PDFs go).
"""

import os
import tempfile

import dj_database_url

# production.py refuses to start without a long SECRET_KEY. The bench's sessions and CSRF tokens
# are throwaway, so a fixed key is used unless BENCH_SECRET_KEY is given; run.py passes the same
# value to gunicorn and the Celery worker so that they accept the bench's session cookie.
os.environ["SECRET_KEY"] = os.environ.get("BENCH_SECRET_KEY") or "bench-only-not-secret-" + "0123456789" * 5

from config.settings.production import *  # noqa: E402,F401,F403
from config.settings.production import INSTALLED_APPS, LOGGING  # noqa: E402

DEFAULT_BENCH_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/orderflow_bench"
DATABASES = {
    # Persistent connections, as a production deployment would configure them (CONN_MAX_AGE).
    "default": dj_database_url.parse(os.environ.get("BENCH_DATABASE_URL", DEFAULT_BENCH_DATABASE_URL),
                                     conn_max_age=60, conn_health_checks=True),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False

# Plain HTTP on 127.0.0.1: production's HTTPS-only switches would redirect or drop the cookies.
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
# Production serves collected, hashed static files; the bench measures pages, not static files, and
# must not depend on a collectstatic run, so static URLs are built without the manifest.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = os.environ.get("BENCH_MEDIA_ROOT") or os.path.join(tempfile.gettempdir(), "orderflow_bench_media")
EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"

CELERY_BROKER_URL = os.environ.get("BENCH_CELERY_BROKER_URL", "")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("BENCH_CELERY_QUEUE", "orderflow_bench")
CELERY_BEAT_SCHEDULE = {}

INSTALLED_APPS = [*INSTALLED_APPS, "bench.baseline_app"]
ROOT_URLCONF = "bench.urls"

# Request logging would dominate the timings of a 5 ms view.
LOGGING = {**LOGGING, "root": {"handlers": ["console"], "level": "WARNING"}}
