"""Test settings: the same database engine as given by DATABASE_URL (PostgreSQL in CI)."""

from .base import *  # noqa: F401,F403
from .base import DATABASES, env_bool

SECRET_KEY = "test-only-key-orderflow-not-secret"
DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# The test database is "test_" + the configured name (test_orderflow in CI), known in advance so
# that a Celery worker started outside pytest (.ci/run) can use it; parallel runs use other names.
if "postgres" in DATABASES["default"]["ENGINE"]:
    DATABASES["default"]["TEST"] = {"NAME": f"test_{DATABASES['default']['NAME']}"}
# A second alias for the replica router's tests (tests/reports/test_replica_reads.py): a mirror of the test
# database, used only where a test turns REPLICA_DATABASE_ALIAS on.
DATABASES["replica"] = {**DATABASES["default"], "TEST": {"MIRROR": "default"}}
REPLICA_DATABASE_ALIAS = None
REQUIRE_SERVICES = env_bool("REQUIRE_SERVICES", False)
AXES_ENABLED = True
ALLOWED_HOSTS = ["*"]
# Tests change data and read the dashboard straight after; tests/reports/test_dashboard_cache.py
# turns the sharing on.
DASHBOARD_CACHE_SECONDS = 0
# Many tests open tracking pages from the one test client address within a minute; the limit's own tests
# (tests/security/test_headers_and_rate_limit.py) set it.
TRACKING_RATE_LIMIT = "100000/minute"
# A real worker retries a failed delivery within a second, so tests see the retries and the last failure.
TASK_RETRY_BACKOFF_MAX = 1
