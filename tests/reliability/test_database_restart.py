"""PostgreSQL restarted while people work: a private PostgreSQL 15 cluster (initdb on a free port, in a
temporary folder) serves a real gunicorn; while it is stopped, a page answers 503 with a clear message
(no traceback), and once it is back the next request works, without restarting the web server."""

import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.fixtures.services import service_unavailable

BIN = Path("/usr/lib/postgresql/15/bin")
BASE_DIR = Path(__file__).resolve().parents[2]




def free_port():
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def as_postgres(args, **kwargs):
    prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    return subprocess.run(prefix + [str(a) for a in args], check=True, capture_output=True, text=True, **kwargs)


def get(url):
    request = urllib.request.Request(url, headers={"Authorization": "Api-Key of_unknown_key"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - a local test server
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


@pytest.fixture
def private_postgres():
    if not (BIN / "initdb").exists() or (os.geteuid() == 0 and not shutil.which("runuser")):
        service_unavailable("PostgreSQL 15 server binaries (postgresql-15) are needed for the restart test")
    folder = Path(tempfile.mkdtemp(prefix="orderflow-pg-"))
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
    data, port = folder / "data", free_port()
    as_postgres([BIN / "initdb", "-D", data, "-U", "postgres", "--auth=trust"])
    ctl = [BIN / "pg_ctl", "-D", data, "-o", f"-p {port} -k {folder} -c listen_addresses=127.0.0.1", "-w", "-l",
           folder / "log"]

    def start():
        as_postgres([*ctl, "start"])

    def stop():
        as_postgres([BIN / "pg_ctl", "-D", data, "-m", "fast", "-w", "stop"])

    start()
    yield {"url": f"postgres://postgres@127.0.0.1:{port}/postgres", "start": start, "stop": stop}
    try:
        stop()
    except subprocess.CalledProcessError:
        pass
    shutil.rmtree(folder, ignore_errors=True)


@pytest.mark.postgres
def test_a_restarted_database_gives_a_clear_503_and_then_works_again(private_postgres):
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="config.settings.local", DATABASE_URL=private_postgres["url"],
               CELERY_BROKER_URL="", DEBUG="0", PYTHONPATH=str(BASE_DIR))
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], cwd=BASE_DIR, env=env, check=True, timeout=600)
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "config.wsgi:application", "--bind",
                               f"127.0.0.1:{port}", "--workers", "1", "--log-level", "warning"],
                              cwd=BASE_DIR, env={**env, "DJANGO_SETTINGS_MODULE": "config.settings.local"},
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/api/v1/orders/"  # reads the database at once (the API key), no login
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                status, _body = get(url)
                break
            except OSError:
                time.sleep(0.3)
        assert status == 401  # up: the unknown key is refused
        private_postgres["stop"]()
        status, body = get(url)
        assert status == 503 and "try again in a moment" in body and "Traceback" not in body, (status, body)
        private_postgres["start"]()
        status, _body = get(url)
        assert status == 401  # the same server, working again
    finally:
        server.terminate()
        server.wait(timeout=20)


def test_a_page_gets_the_plain_503_page_when_the_database_is_down(rf):
    from django.db import OperationalError

    from config.database_outage import DatabaseUnavailableMiddleware

    response = DatabaseUnavailableMiddleware(lambda request: None).process_exception(
        rf.get("/orders/"), OperationalError("server closed the connection unexpectedly"))
    assert response.status_code == 503 and response["Retry-After"] == "30"
    assert b"try again in a moment" in response.content and b"server closed" not in response.content
