"""The embedded default that `make run` gives a newcomer: no DATABASE_URL, no CELERY_BROKER_URL, the
local settings. On a copy of the project (so the SQLite file is fresh and the real default path is
used) it runs `setup_demo` as `make run` does (migrate, every demo seed), runs it again as a second
`make run` does (nothing to do, one quick check), serves, and lets a demo user sign in."""

import http.cookiejar
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest

from tests.fixtures.services import BASE_DIR

# Everything that would point the copy away from its own defaults.
SERVICE_ENV = {"DATABASE_URL", "CELERY_BROKER_URL", "CELERY_QUEUE", "DJANGO_SETTINGS_MODULE", "SECRET_KEY",
               "MEDIA_ROOT", "STATIC_ROOT", "REQUIRE_SERVICES", "CELERY_WORKER_EXTERNAL", "DEBUG",
               "DJANGO_ALLOW_ASYNC_UNSAFE"}
DEMO_PASSWORD = "orderflow-demo"


@pytest.fixture(scope="module")
def fresh_project(tmp_path_factory):
    target = tmp_path_factory.mktemp("embedded") / "orderflow"
    shutil.copytree(BASE_DIR, target, ignore=shutil.ignore_patterns(
        ".venv", ".git", "*.sqlite3", "staticfiles", "var", "test-results", "__pycache__", ".ruff_cache",
        "node_modules", "bench"))
    return target


@pytest.fixture(scope="module")
def embedded_env():
    return {k: v for k, v in os.environ.items() if k not in SERVICE_ENV}


def manage(project, env, *args, timeout=300):
    result = subprocess.run([sys.executable, "manage.py", *args], cwd=project, env=env, capture_output=True,
                            text=True, timeout=timeout, stdin=subprocess.DEVNULL)
    assert result.returncode == 0, f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"
    return result


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def served_site(fresh_project, embedded_env):
    first = manage(fresh_project, embedded_env, "setup_demo", timeout=600)
    assert "Demo data loaded" in first.stdout, first.stdout
    # The second `make run`: migrations and seeds are skipped in one quick check.
    second = manage(fresh_project, embedded_env, "setup_demo")
    assert "Demo data already loaded" in second.stdout and "Applying" not in second.stdout, second.stdout

    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"], cwd=fresh_project,
        env=embedded_env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, text=True)
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{base_url}/accounts/login/", timeout=2)
                break
            except (urllib.error.URLError, ConnectionError):
                if server.poll() is not None or time.monotonic() > deadline:
                    server.kill()
                    pytest.fail(f"runserver did not answer:\n{server.communicate()[0]}", pytrace=False)
                time.sleep(0.3)
        yield base_url
    finally:
        server.terminate()
        server.wait(timeout=20)


def test_a_changed_seed_runs_the_seeds_again(fresh_project, embedded_env, served_site):
    seed = fresh_project / "quality" / "demo_data.py"
    seed.write_text(seed.read_text() + "\n# changed\n")
    again = manage(fresh_project, embedded_env, "setup_demo")
    assert "Demo data loaded" in again.stdout and "Quality demo data" in again.stdout, again.stdout


def test_a_web_start_up_loads_no_pdf_solver_or_spreadsheet_library(fresh_project, embedded_env):
    """WeasyPrint, OR-Tools and openpyxl are imported where they are used: a start-up that loads every URL
    (as runserver does) loads none of them."""
    probe = ("import sys, django; django.setup(); import config.urls; "
             "print(sorted(m for m in ('weasyprint', 'ortools', 'openpyxl') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", probe], cwd=fresh_project, capture_output=True, text=True,
                            timeout=120, env={**embedded_env, "DJANGO_SETTINGS_MODULE": "config.settings.local"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_the_default_database_is_the_sqlite_file_beside_manage_py(fresh_project, served_site):
    assert (fresh_project / "db.sqlite3").stat().st_size > 0


def test_login_page_and_static_files_are_served(served_site):
    page = urllib.request.urlopen(f"{served_site}/accounts/login/", timeout=10)
    assert page.status == 200
    assert "Log in" in page.read().decode()
    css = urllib.request.urlopen(f"{served_site}/static/css/orderflow.css", timeout=10)
    assert css.status == 200


def test_home_page_asks_for_login_first(served_site):
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    response = opener.open(f"{served_site}/", timeout=10)
    assert urllib.parse.urlparse(response.url).path == "/accounts/login/"


def signed_in(served_site, username):
    """(opener with the session, the response of the sign-in)."""
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    login_page = opener.open(f"{served_site}/accounts/login/", timeout=10).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login_page).group(1)

    form = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "username": username,
                                   "password": DEMO_PASSWORD, "next": "/"}).encode()
    response = opener.open(urllib.request.Request(f"{served_site}/accounts/login/", data=form,
                                                  headers={"Referer": f"{served_site}/accounts/login/"}), timeout=30)
    return opener, response


@pytest.mark.parametrize("username", ["sales", "manager"])
def test_demo_user_signs_in_and_sees_home(served_site, username):
    _opener, response = signed_in(served_site, username)

    # Signed in on the home page (demo users may prefer Chinese, so look at links, not words).
    assert urllib.parse.urlparse(response.url).path == "/"
    home = response.read().decode()
    assert 'action="/accounts/logout/"' in home
    assert 'href="/orders/"' in home


# The demo orders delivered in the dashboard's default period (the last 12 weeks to today, factory days).
COUNT_DELIVERED = """
from orders.models import OrderEvent
from reports.dashboard import DashboardFilters
f = DashboardFilters.default()
print(OrderEvent.objects.filter(to_status="delivered", created_at__gte=f.start, created_at__lt=f.end)
      .values("order_id").distinct().count())
"""


def test_manager_dashboard_counts_the_demo_deliveries_without_a_beat(fresh_project, embedded_env, served_site):
    """No worker, no beat: the on-time figure still counts every demo order delivered in the period, and
    the footer does not claim a five-minute refresh that never happens."""
    delivered = int(manage(fresh_project, embedded_env, "shell", "-c", COUNT_DELIVERED).stdout.split()[-1])
    assert delivered > 0
    opener, _response = signed_in(served_site, "manager")
    page = opener.open(f"{served_site}/reports/dashboard/", timeout=60).read().decode()
    card = re.search(r'data-figure="on_time".*?<small>\((\d+)/(\d+)\)</small>', page, re.S)
    on_time, total = int(card.group(1)), int(card.group(2))
    assert total == delivered and 0 < on_time <= total
    assert "five minutes" not in page and "五分钟" not in page
    wall = opener.open(f"{served_site}/reports/dashboard/wall/", timeout=60).read().decode()
    assert re.search(r'data-figure="on_time".*?<small>\((\d+)/(\d+)\)</small>', wall, re.S).group(2) == str(delivered)
