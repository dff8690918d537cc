# OrderFlow image: the web app (gunicorn), the Celery worker and beat all run from it (docker-compose.yml).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=config.settings.production \
    STATIC_ROOT=/app/staticfiles \
    MEDIA_ROOT=/app/var/media

# WeasyPrint's libraries, the CJK font for PDFs, gettext to compile the translations, and pg_dump/pg_restore
# for `manage.py backup_site` / `restore_site` (docs/operations.md).
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk gettext postgresql-client-15 \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app

# The locked runtime dependencies first (requirements/runtime.txt, exact versions with hashes, as CI
# tested them), so that a code change does not reinstall them; pyproject.toml packages nothing itself.
COPY pyproject.toml ./
COPY requirements/runtime.txt requirements/
RUN pip install -r requirements/runtime.txt && pip install --no-deps .

COPY . .
RUN if find . -name '*.po' | grep -q .; then \
        DJANGO_SETTINGS_MODULE=config.settings.local python manage.py compilemessages -v 0; \
    fi \
    && useradd --system --create-home --uid 10001 orderflow \
    && mkdir -p /app/var/media /app/var/backups /app/staticfiles \
    && chown -R orderflow:orderflow /app/var /app/staticfiles

USER orderflow
EXPOSE 8000
CMD ["gunicorn", "config.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "60", "--access-logfile", "-"]
