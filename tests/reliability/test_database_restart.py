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


SIGN_IN = """
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client
from accounts.models import UserProfile
user = get_user_model().objects.create_user("lin", password="pw-OrderFlow-2026")
user.groups.add(Group.objects.get(name="sales"))
UserProfile.objects.update_or_create(user=user, defaults={"language": "zh-hans"})
client = Client()
client.force_login(user)
print(client.cookies["sessionid"].value)
"""


def start_gunicorn(env):
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "config.wsgi:application", "--bind",
                               f"127.0.0.1:{port}", "--workers", "1", "--log-level", "warning"],
                              cwd=BASE_DIR, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=5):
                return server, f"http://127.0.0.1:{port}"
        except urllib.error.HTTPError:
            return server, f"http://127.0.0.1:{port}"  # answering (with the outage page)
        except OSError:
            time.sleep(0.3)
    server.kill()
    pytest.fail("gunicorn did not start", pytrace=False)


def get_page(url, cookies):
    header = "; ".join(f"{name}={value}" for name, value in cookies.items())
    request = urllib.request.Request(url, headers={"Cookie": header, "Accept-Language": "en"})
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=30) as response:
            return response.status, response.read().decode(), response.headers.get_all("Set-Cookie") or []
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode(), exc.headers.get_all("Set-Cookie") or []


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


OUTAGE_ZH = "OrderFlow 暂时繁忙"


@pytest.mark.postgres
def test_a_signed_in_user_gets_the_outage_page_in_their_language_and_work_resumes(private_postgres):
    """The session lookup of a signed-in user fails in middleware, before any view: still the 503 page (not
    Django's bare "Server Error (500)"), in the user's language, and the same server recovers by itself."""
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="config.settings.local", DATABASE_URL=private_postgres["url"],
               CELERY_BROKER_URL="", DEBUG="0", PYTHONPATH=str(BASE_DIR))
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], cwd=BASE_DIR, env=env, check=True, timeout=600)
    session = subprocess.run([*manage, "shell", "-c", SIGN_IN], cwd=BASE_DIR, env=env, check=True, timeout=120,
                             capture_output=True, text=True).stdout.strip().splitlines()[-1]
    server, base = start_gunicorn(env)
    try:
        status, body, set_cookies = get_page(f"{base}/orders/", {"sessionid": session})
        assert status == 200 and "订单" in body
        # The user's language is kept in a cookie too, for pages made without the database.
        assert any(c.startswith("django_language=zh-hans") for c in set_cookies), set_cookies
        cookies = {"sessionid": session, "django_language": "zh-hans"}

        private_postgres["stop"]()
        status, body, _set = get_page(f"{base}/orders/", cookies)
        assert status == 503 and OUTAGE_ZH in body, (status, body)
        assert "Server Error" not in body and "Traceback" not in body and "OperationalError" not in body

        private_postgres["start"]()
        status, body, _set = get_page(f"{base}/orders/", cookies)
        assert status == 200 and "订单" in body
    finally:
        server.terminate()
        server.wait(timeout=20)


def test_an_app_pointed_at_a_closed_port_answers_every_request_with_the_outage_page():
    """No database at all (a port nothing listens on): a signed-in user's page, the login form post and the
    API all get 503 with Retry-After, in the reader's language; nothing leaks the error."""
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="config.settings.local", CELERY_BROKER_URL="", DEBUG="0",
               DATABASE_URL=f"postgres://postgres@127.0.0.1:{free_port()}/orderflow", PYTHONPATH=str(BASE_DIR))
    server, base = start_gunicorn(env)
    try:
        status, body, _set = get_page(f"{base}/orders/", {"sessionid": "x" * 32, "django_language": "zh-hans"})
        assert status == 503 and OUTAGE_ZH in body, (status, body)
        status, body, _set = get_page(f"{base}/orders/", {"sessionid": "x" * 32})
        assert status == 503 and "try again in a moment" in body and "Server Error" not in body, (status, body)
        status, body = get(f"{base}/api/v1/orders/")
        assert status == 503 and '"code": "unavailable"' in body.replace('":"', '": "'), (status, body)
    finally:
        server.terminate()
        server.wait(timeout=20)
