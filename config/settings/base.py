"""Settings shared by every environment. Everything that differs between machines comes from
environment variables; see README.md for the list."""

import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = os.environ.get("SECRET_KEY", "")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
# Django's own CSRF failure page is bare English with technical detail.
CSRF_FAILURE_VIEW = "config.error_pages.csrf_failure"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",  # the built-in widget templates for the project's form renderer (inputs.renderers)
    "django_htmx",
    "axes",
    "rest_framework",
    "drf_spectacular",
    # cross-cutting
    "accounts",
    "alerts",
    "documents",
    "audit",
    "imports",
    "inputs",
    "numbering",
    "demo",
    "exports",
    "operations",
    "systemtext",
    "history",
    # lifecycle stages
    "orders",
    "planning",
    "production",
    "inventory",
    "quality",
    "shipping",
    "settlement",
    "reports",
    # above the stages: read and drive several of them
    "rush",
    "sales",
    "api",
    "edi",
    "notices",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Above everything that reads the database: turns a database error raised below (the session lookup,
    # auth, axes, views) into the 503 page.
    "config.database_outage.DatabaseUnavailableMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.UserLanguageMiddleware",
    "accounts.middleware.NoStoreWhenSignedInMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # After the language (refusals in the reader's language) and before anything reads the body.
    "inputs.middleware.InputGuardMiddleware",
    "axes.middleware.AxesMiddleware",
]

# Content-Security-Policy (django-csp): scripts only from our own static files, never inline (no <script>
# blocks, no on*= attributes, no htmx hx-on or js: values), so injected markup cannot run. Inline style
# attributes stay allowed: server-rendered SVG charts and templates use them, and they cannot run code.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

FORM_RENDERER = "inputs.renderers.FormRenderer"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.navigation",
                "alerts.context_processors.unread_alerts",
                "config.replica.replica_context",
            ],
        },
    },
]

# Embedded default: a SQLite file beside manage.py. Production sets DATABASE_URL (PostgreSQL).
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "0")),
        conn_health_checks=True,  # a kept connection is checked first: a restarted database is reconnected
    )
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# A read replica for reports, dashboards and exports (config/replica.py, docs/operations.md).
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(
        os.environ["DATABASE_REPLICA_URL"], conn_max_age=int(os.environ.get("CONN_MAX_AGE", "0")),
        conn_health_checks=True)
REPLICA_DATABASE_ALIAS = "replica" if "replica" in DATABASES else None
DATABASE_ROUTERS = ["config.replica.ReplicaRouter"]
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # Several writers (web + eager tasks) share the file; wait instead of failing at once.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Lock-out after repeated failed logins (django-axes): per username+IP, for AXES_COOLOFF minutes.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("AXES_COOLOFF_MINUTES", "15")) / 60
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

LANGUAGE_CODE = os.environ.get("LANGUAGE_CODE", "en")
LANGUAGES = [("en", _("English")), ("zh-hans", _("Simplified Chinese"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["config.formats"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Shanghai")
# The work calendar whose working days count for office deadlines (a rush supplier's answer within one
# working day, rush.supplier_replies); empty: the calendar most work centers use.
FACTORY_CALENDAR = os.environ.get("FACTORY_CALENDAR", "")
# The cost of an overtime hour in a rush completion summary (rush.summary): amount and its currency.
RUSH_OVERTIME_RATE = os.environ.get("RUSH_OVERTIME_RATE", "60.00")
RUSH_OVERTIME_CURRENCY = os.environ.get("RUSH_OVERTIME_CURRENCY", "CNY")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
# Generated documents and uploads; never served as static files (see documents.views.download).
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "var" / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Generated documents and uploads go through Django's storage API only, so several web processes on several
# machines can share S3-compatible storage instead of a shared folder: set AWS_STORAGE_BUCKET_NAME (and
# AWS_S3_ENDPOINT_URL, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_S3_REGION_NAME as the store needs) and
# install the `s3` extra (django-storages with boto3). Files stay private: served by our permission-checked
# views, never by a public bucket URL.
S3_BUCKET = os.environ.get("AWS_STORAGE_BUCKET_NAME", "")
if S3_BUCKET:
    STORAGES["default"] = {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": {
        "bucket_name": S3_BUCKET, "endpoint_url": os.environ.get("AWS_S3_ENDPOINT_URL") or None,
        "region_name": os.environ.get("AWS_S3_REGION_NAME") or None, "default_acl": None, "querystring_auth": True,
        "file_overwrite": False}}

# Uploads (CSV/XLSX imports): Django's DATA_UPLOAD_MAX_MEMORY_SIZE does not cap files, the import
# views enforce IMPORT_MAX_BYTES themselves.
IMPORT_MAX_BYTES = int(os.environ.get("IMPORT_MAX_BYTES", str(5 * 1024 * 1024)))
# Whole request bodies, refused (413) from the declared Content-Length before they are read
# (inputs/middleware.py): the default, and per URL prefix (the longest matching prefix wins). The largest
# legitimate body is an exception report with six 5 MiB photos; the API takes JSON only.
_MIB = 1024 * 1024
REQUEST_BODY_MAX_BYTES = int(os.environ.get("REQUEST_BODY_MAX_BYTES", str(32 * _MIB)))
REQUEST_BODY_LIMITS = {
    "/api/": 2 * _MIB,
    "/quality/": 11 * _MIB,  # one attachment of at most QUALITY_ATTACHMENT_MAX_BYTES
    "/shipping/": 11 * _MIB,  # one proof-of-delivery file
    "/orders/": IMPORT_MAX_BYTES + _MIB,  # order and master-data imports
    "/edi/": IMPORT_MAX_BYTES + _MIB,  # channel order imports
    "/accounts/": _MIB,
}
# Dates a person types (requested, promised, planned dates): at most this many days ahead of today and
# not before DATE_EARLIEST (catches 9999-12-31 and year 1 typos; a clear message names the range).
DATE_INPUT_MAX_DAYS_AHEAD = int(os.environ.get("DATE_INPUT_MAX_DAYS_AHEAD", str(2 * 366)))
DATE_INPUT_EARLIEST = os.environ.get("DATE_INPUT_EARLIEST", "2000-01-01")
# Dates that are legitimately years ahead (a material lot's expiry date; inputs.validators.long_horizon).
DATE_INPUT_LONG_MAX_DAYS_AHEAD = int(os.environ.get("DATE_INPUT_LONG_MAX_DAYS_AHEAD", str(15 * 366)))

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "orderflow@localhost")

# Celery: with no broker the embedded default runs tasks eagerly in-process (make run needs no Redis).
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("CELERY_QUEUE", "orderflow")
# Redis hands an unacknowledged task to another worker after visibility_timeout. It must exceed the
# longest a task is held unacknowledged (a retry's countdown, at most 600 s, plus the 300 s time limit),
# else a held task runs twice (harmless: claims make tasks idempotent, but wasteful). A worker that died
# is not waited for: a restarted worker's recovery sweep and the claims' holder/lease take over within a
# minute (config/claims.py, docs/locking.md).
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 1200}
# The longest wait between two tries of a retried task (config/retries.py).
TASK_RETRY_BACKOFF_MAX = 600
# Run at every worker start: what a killed predecessor had in hand is queued again at once.
CELERY_RECOVERY_SWEEPS = ("documents.tasks.render_pending_documents", "alerts.tasks.deliver_pending_alerts",
                          "api.tasks.deliver_pending_webhooks", "notices.tasks.deliver_pending_messages")
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE = {
    # Alerts and documents are rows first: these sweeps deliver what a lost task left pending.
    "deliver-pending-alerts": {"task": "alerts.tasks.deliver_pending_alerts", "schedule": 60.0},
    "escalate-alerts": {"task": "alerts.tasks.escalate_due_alerts", "schedule": 30.0},
    "render-pending-documents": {"task": "documents.tasks.render_pending_documents", "schedule": 120.0},
    "sweep-optimisation-runs": {"task": "planning.tasks.sweep_optimisation_runs", "schedule": 60.0},
    "refresh-order-facts": {"task": "reports.tasks.refresh_order_facts", "schedule": 300.0},
    "watch-rush-orders": {"task": "rush.tasks.watch_rush_orders", "schedule": 600.0},
    # Rush purchase orders: reply deadlines stamped, unanswered ones alerted (rush.supplier_replies).
    "watch-supplier-replies": {"task": "rush.tasks.watch_supplier_replies", "schedule": 300.0},
    # Delivered rush orders get their completion summary (rush.summary).
    "summarize-rush-orders": {"task": "rush.tasks.summarize_rush_orders", "schedule": 3600.0},
    "watch-drawing-returns": {"task": "rush.tasks.watch_drawing_returns", "schedule": 300.0},
    # Exceptions and material delays threatening a rush order's date go to the general manager's office.
    "raise-delay-decisions": {"task": "rush.tasks.raise_delay_decisions", "schedule": 60.0},
    # Quotations past their validity expire; contracts near or past their end are alerted (sales.tasks).
    "expire-quotations": {"task": "sales.tasks.expire_quotations", "schedule": crontab(minute=15)},
    "watch-contract-expiry": {"task": "sales.tasks.watch_contract_expiry", "schedule": crontab(hour=6, minute=5)},
    "alert-late-orders": {"task": "planning.tasks.alert_late_orders", "schedule": 3600.0},
    "deliver-pending-webhooks": {"task": "api.tasks.deliver_pending_webhooks", "schedule": 60.0},
    # Customer notices: order events the rules name (a changed promised date…) and messages still pending.
    "deliver-customer-messages": {"task": "notices.tasks.deliver_pending_messages", "schedule": 60.0},
    "purge-expired-sessions": {"task": "accounts.tasks.clear_expired_sessions", "schedule": crontab(hour=3)},
    "reconcile-order-tallies": {"task": "orders.tasks.reconcile_order_tallies", "schedule": crontab(hour=1, minute=30)},
    # The factory-wide MRP run and its reorder suggestions, ready for the planner's morning (inventory.mrp_plans).
    "nightly-mrp-run": {"task": "inventory.tasks.run_mrp", "schedule": crontab(hour=2, minute=30)},
    # Slow-moving and overstock warnings (inventory.stock_warnings): once a day, before the first shift.
    # EDI partners who drop interchanges into EDI_DROP_DIR/inbox (edi.dropfolder).
    "read-edi-drop-folder": {"task": "edi.tasks.read_drop_folder", "schedule": 120.0},
    "evaluate-stock-warnings": {"task": "inventory.tasks.evaluate_stock_warnings",
                                "schedule": crontab(hour=5, minute=30)},
    # Overdue receivables (settlement): sales and finance are told once per invoice, before office hours.
    "alert-overdue-invoices": {"task": "settlement.tasks.alert_overdue_invoices",
                               "schedule": crontab(hour=6, minute=15)},
}

# EDI (edi/): the folder partners drop interchanges into (inbox/, then processed/ or failed/; empty: no
# folder is watched), and our GS1 company prefix for the SSCCs of despatch advices.
EDI_DROP_DIR = os.environ.get("EDI_DROP_DIR", "")
EDI_GS1_COMPANY_PREFIX = os.environ.get("EDI_GS1_COMPANY_PREFIX", "6901234")

# Alerts: chat robots and SMS (alerts/channels.py). A slow webhook never holds a worker for long.
ALERT_CHANNEL_TIMEOUT = float(os.environ.get("ALERT_CHANNEL_TIMEOUT", "5"))
# An SMTP server that stops answering gives up after this (alert e-mail claims go stale after 60 s).
EMAIL_TIMEOUT = float(os.environ.get("EMAIL_TIMEOUT", "10"))
ALERT_CHANNEL_LANGUAGE = os.environ.get("ALERT_CHANNEL_LANGUAGE", "zh-hans")  # group chats read one language
ALERT_SMS_PROVIDER = os.environ.get("ALERT_SMS_PROVIDER", "logging")  # "logging" or "http"
ALERT_SMS_HTTP_URL = os.environ.get("ALERT_SMS_HTTP_URL", "")
ALERT_SMS_HTTP_TOKEN = os.environ.get("ALERT_SMS_HTTP_TOKEN", "")
# Webhooks and alert channels never reach loopback, private, link-local, multicast or reserved addresses
# (outbound/http.py) except in these networks (CIDRs, comma-separated), e.g. an SMS gateway in the LAN.
WEBHOOK_ALLOWED_NETWORKS = env_list("WEBHOOK_ALLOWED_NETWORKS")
# The customer's tracking page (no login): requests per client, and how many reverse proxies in front of
# the app add X-Forwarded-For (config/rate_limit.py; 0: the connecting address is the client).
TRACKING_RATE_LIMIT = os.environ.get("TRACKING_RATE_LIMIT", "30/minute")
RATE_LIMIT_PROXY_COUNT = int(os.environ.get("RATE_LIMIT_PROXY_COUNT", "0"))
# Where links in chat messages point (the address people open OrderFlow at).
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# The REST API (api/): keys only, JSON only, errors with field paths, a request rate per key.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["api.authentication.ApiKeyAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["api.parsers.SafeJSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.exceptions.api_exception_handler",
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.ApiKeyRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"api_key": os.environ.get("API_RATE_LIMIT", "600/minute")},
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "OrderFlow API",
    "DESCRIPTION": "Orders in (idempotent with Idempotency-Key), orders, lines, shipments and status out. "
                   "Authenticate with `Authorization: Api-Key <key>`.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
}
# How long the manager's dashboard figures are shared between page views (0: computed on every view).
DASHBOARD_CACHE_SECONDS = int(os.environ.get("DASHBOARD_CACHE_SECONDS", "60"))
# Shared by every web process when CACHE_URL names Redis (request rates per API key); in-process otherwise.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": os.environ["CACHE_URL"]}
          if os.environ.get("CACHE_URL") else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# PDF rendering: the CJK font family installed by fonts-noto-cjk.
PDF_FONT_FAMILY = os.environ.get("PDF_FONT_FAMILY", "Noto Sans CJK SC")

# Orders: a sane upper bound for a line quantity (guards against typos like 1000000 for 100).
ORDER_LINE_MAX_QUANTITY = int(os.environ.get("ORDER_LINE_MAX_QUANTITY", "1000000"))
# Seed 000 §2.3: a plan is released once the production department head approved it (planning.plan_approval).
# Off: the planner releases their own plan. On in the embedded default (local.py), so the demo shows it.
PLAN_APPROVAL_REQUIRED = env_bool("PLAN_APPROVAL_REQUIRED", False)

SESSION_COOKIE_AGE = 60 * 60 * 12
LANGUAGE_COOKIE_AGE = 60 * 60 * 24 * 365

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"weasyprint": {"level": "ERROR"}, "fontTools": {"level": "ERROR"}, "axes": {"level": "WARNING"}},
}
