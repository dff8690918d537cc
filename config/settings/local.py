"""The embedded default for a laptop: DEBUG on, SQLite, eager Celery unless a broker is set."""

from .base import *  # noqa: F401,F403
from .base import SECRET_KEY, env_bool

DEBUG = env_bool("DEBUG", True)
# A fixed development key only when none is given; production.py refuses to start without one.
SECRET_KEY = SECRET_KEY or "dev-only-insecure-key-orderflow-local"
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
PLAN_APPROVAL_REQUIRED = env_bool("PLAN_APPROVAL_REQUIRED", True)  # the demo shows the head's approval
