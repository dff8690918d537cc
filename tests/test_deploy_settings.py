"""Production settings pass Django's deployment checklist with the documented environment, and refuse
to start without a real secret key. Each run is a fresh process, as settings are read once."""

import os
import re
import secrets
import subprocess
import sys

from tests.fixtures.services import BASE_DIR

DOCUMENTED_ENV = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "ALLOWED_HOSTS": "orderflow.example.com",
    "CSRF_TRUSTED_ORIGINS": "https://orderflow.example.com",
    "DATABASE_URL": "postgres://orderflow:placeholder@db.example.com:5432/orderflow",
    "CELERY_BROKER_URL": "redis://redis.example.com:6379/0",
}


def manage(*args, **env_overrides):
    # DJANGO_ALLOW_ASYNC_UNSAFE is set for the browser tests in this process, never in a deployment.
    unset = {"SECRET_KEY", "DEBUG", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {k: v for k, v in os.environ.items() if k not in unset}
    env.update(DOCUMENTED_ENV)
    env.update(env_overrides)
    return subprocess.run([sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, capture_output=True,
                          text=True, timeout=120)


def test_check_deploy_passes_with_no_warnings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", SECRET_KEY=secrets.token_urlsafe(50))

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_production_refuses_to_start_without_secret_key():
    result = manage("check")

    assert result.returncode != 0
    assert "ImproperlyConfigured: Set SECRET_KEY" in result.stderr


def test_production_refuses_a_short_secret_key():
    result = manage("check", SECRET_KEY="too-short-to-be-a-secret")

    assert result.returncode != 0
    assert "ImproperlyConfigured: Set SECRET_KEY" in result.stderr


def test_every_environment_variable_is_documented():
    """README.md's configuration table names every variable the settings read, and every one
    .env.example offers."""
    readme = (BASE_DIR / "README.md").read_text()
    read_by_settings = set()
    for path in (BASE_DIR / "config" / "settings").glob("*.py"):
        read_by_settings |= set(re.findall(r'(?:environ\.get|env_bool|env_list)\(\s*"([A-Z_]+)"', path.read_text()))
    offered = set(re.findall(r"^#?\s*([A-Z][A-Z_]+)=", (BASE_DIR / ".env.example").read_text(), re.MULTILINE))

    assert {"SECRET_KEY", "DATABASE_URL", "CELERY_BROKER_URL", "TIME_ZONE"} <= read_by_settings
    undocumented = sorted(name for name in read_by_settings | offered if f"`{name}" not in readme)
    assert undocumented == []
