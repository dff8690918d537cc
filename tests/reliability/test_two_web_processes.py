"""Several web processes behind a load balancer: they keep nothing of their own (sessions in the database,
files through Django's storage on a shared folder, tasks through the broker), so a PDF asked for through
one app server renders in the worker and downloads through another one."""

import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request

import pytest
from django.conf import settings
from django.db import connection

from documents.models import Document, DocumentStatus
from orders.models import OrderStatus
from tests.fixtures.factories import make_order, user_with_role
from tests.fixtures.services import BASE_DIR, database_url

PASSWORD = "pw-OrderFlow-2026"  # UserFactory's


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_app_server(env):
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "gunicorn", "config.wsgi:application", "--bind",
                                f"127.0.0.1:{port}", "--workers", "1", "--log-level", "warning"],
                               cwd=BASE_DIR, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"{base}/healthz", timeout=2)
            return process, base
        except OSError:
            time.sleep(0.3)
    process.kill()
    pytest.fail("an app server did not start", pytrace=False)


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_pdf_asked_for_on_one_app_server_downloads_from_another(live_celery_worker, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")
    sales = user_with_role("sales")
    order = make_order(creator=sales, status=OrderStatus.APPROVED)
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="config.settings.test",
               DATABASE_URL=database_url(connection.settings_dict), CELERY_BROKER_URL=settings.CELERY_BROKER_URL,
               CELERY_QUEUE=settings.CELERY_TASK_DEFAULT_QUEUE, MEDIA_ROOT=str(settings.MEDIA_ROOT))
    servers = [start_app_server(env) for _ in range(2)]
    (_first, a), (_second, b) = servers
    try:
        jar = http.cookiejar.CookieJar()
        browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        login = browser.open(f"{a}/accounts/login/", timeout=30).read().decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login).group(1)
        browser.open(urllib.request.Request(f"{a}/accounts/login/", data=urllib.parse.urlencode({
            "csrfmiddlewaretoken": token, "username": sales.username, "password": PASSWORD, "next": "/"}).encode()),
            timeout=30)
        page = browser.open(f"{a}/orders/{order.pk}/", timeout=30).read().decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        browser.open(urllib.request.Request(f"{a}/documents/request/order_confirmation/{order.pk}/",
                                            data=urllib.parse.urlencode({"csrfmiddlewaretoken": token}).encode()),
                     timeout=30)
        document = Document.objects.get(kind="order_confirmation", object_id=order.pk)

        # The same session cookies, now sent to the other server.
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            status = browser.open(f"{b}/documents/{document.pk}/status/", timeout=30).read().decode()
            document.refresh_from_db()
            if document.status in (DocumentStatus.READY, DocumentStatus.FAILED):
                break
            time.sleep(1)
        assert document.status == DocumentStatus.READY, document.error
        assert "download" in status or document.status == DocumentStatus.READY
        pdf = browser.open(f"{b}/documents/{document.pk}/download/", timeout=30).read()
        assert pdf.startswith(b"%PDF-")
        saved = tmp_path / "from-b.pdf"
        saved.write_bytes(pdf)
        text = subprocess.run(["pdftotext", str(saved), "-"], capture_output=True, text=True, check=True).stdout
        assert order.number in text
        document.file.storage.delete(document.file.name)
    finally:
        for process, _base in servers:
            process.terminate()
            process.wait(timeout=20)
