"""`make run` start-up: how long the second `make run` takes to serve its first page.

Runs `make run` in this checkout on a throw-away SQLite database (the embedded default), once to install,
migrate and seed it, then again and times the second start from the command to the first answered login
page. The target (issue 13): the second start serves within 10 s on the 2-core reference machine.
Wall time is measured with the clock; CPU time is what `make` and all its children used (user + system).
"""

import os
import resource
import signal
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

from .processes import free_port
from .results import Row

ROOT = Path(__file__).resolve().parent.parent
TARGET_SECONDS = 10.0
FIRST_RUN_LIMIT = 900  # seconds: a first run installs and seeds


def _children_cpu():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _serve_once(database_url, *, limit, log):
    """Start `make run`, wait for the login page, stop it; (wall seconds, CPU seconds) or None on timeout."""
    port = free_port()
    env = {key: value for key, value in os.environ.items()
           if key not in {"DJANGO_SETTINGS_MODULE", "CELERY_BROKER_URL", "CACHE_URL"}}
    env.update(DATABASE_URL=database_url, PORT=str(port), CI=env.get("CI", ""))
    url = f"http://127.0.0.1:{port}/accounts/login/"
    cpu_before = _children_cpu()
    started = time.monotonic()
    process = subprocess.Popen(["make", "--no-print-directory", "run"], cwd=ROOT, env=env, start_new_session=True,
                               stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    served = None
    try:
        while time.monotonic() - started < limit and process.poll() is None:
            try:
                with urllib.request.urlopen(url, timeout=2) as response:
                    if response.status == 200:
                        served = time.monotonic() - started
                        break
            except OSError:
                time.sleep(0.1)
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    if served is None:
        log(f"  make run did not serve {url} within {limit} s (exit code {process.returncode})")
        return None
    return served, _children_cpu() - cpu_before


def run(*, log):
    with tempfile.TemporaryDirectory(prefix="orderflow-startup-") as folder:
        database_url = f"sqlite:///{folder}/db.sqlite3"
        log("  first make run (installs what is missing, migrates, seeds) ...")
        first = _serve_once(database_url, limit=FIRST_RUN_LIMIT, log=log)
        log("  second make run ...")
        second = _serve_once(database_url, limit=60, log=log) if first else None
    rows = []
    if first:
        rows.append(Row("make run, first start", "s to first page (wall / CPU)", f"{first[0]:.1f} / {first[1]:.1f}"))
    if second:
        rows.append(Row("make run, second start", "s to first page (wall / CPU)", f"{second[0]:.1f} / {second[1]:.1f}",
                        f"<= {TARGET_SECONDS:.0f} wall", second[0] <= TARGET_SECONDS))
    else:
        rows.append(Row("make run, second start", "s to first page", "not measured", f"<= {TARGET_SECONDS:.0f}", False))
    return rows
