"""Order creation throughput over HTTP: gunicorn on 127.0.0.1 (random free port) against the bench
database, a few client threads POSTing the order entry form as the logged-in sales user and the same
order as JSON to the REST API (/api/v1/orders/, with an API key and an Idempotency-Key), compared with
the baseline view (one row insert) on the same server in the same run: form / bare and API / bare side by
side, each with the CPU time the server's processes and the clients spent beside the wall time, and the
machine's load average while it ran (Linux /proc; the database server's CPU is not included)."""

import http.client
import json
import os
import re
import tempfile
import threading
import time
import uuid
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode

from django.test import Client
from django.utils import timezone

from orders.demo_data import ensure_role_users
from orders.models import Product

from . import processes
from .database import part_customer
from .results import Row, ms, percentile

RATIO_TARGET = 0.5
WARMUP_REQUESTS = 10
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class Server:
    def __init__(self, workers, **env):
        self.port = processes.free_port()
        self.workers = workers
        self.env = env
        self.proc = None

    def __enter__(self):
        log_path = os.path.join(tempfile.gettempdir(), f"orderflow_bench_gunicorn_{os.getpid()}.log")
        self.proc = processes.start(
            ["-m", "gunicorn", "config.wsgi:application", "--bind", f"127.0.0.1:{self.port}",
             "--workers", str(self.workers), "--worker-class", "sync", "--log-level", "warning",
             "--graceful-timeout", "5"],
            env=processes.child_env(**self.env), log_path=log_path)
        processes.wait_until(self._answers, timeout=60, proc=self.proc, what="gunicorn")
        return self

    def __exit__(self, *exc):
        processes.stop(self.proc)

    def _answers(self):
        try:
            return self.request("GET", "/accounts/login/")[0] == 200
        except OSError:
            return False

    def request(self, method, path, *, body=None, headers=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            response = conn.getresponse()
            return response.status, response.getheader("Location") or "", response.read(), response
        finally:
            conn.close()


def _session_cookie(user):
    """A real session for `user`, written to the bench database (the server reads the same one)."""
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


def _csrf(server, cookie):
    status, _location, body, response = server.request("GET", "/orders/new/", headers={"Cookie": cookie})
    if status != 200:
        raise RuntimeError(f"GET /orders/new/ answered {status}")
    token_cookie = next(v.split(";", 1)[0] for k, v in response.getheaders()
                        if k.lower() == "set-cookie" and v.startswith("csrftoken="))
    return token_cookie, CSRF_INPUT.search(body.decode()).group(1)


def _order_form(token, customer, products):
    """What the entry page posts for a three-line order, saved and submitted in one go."""
    data = {
        "csrfmiddlewaretoken": token, "customer": customer.code, "channel": "browser", "customer_po": "",
        "requested_date": (timezone.localdate() + timedelta(days=45)).isoformat(), "currency": "",
        "priority": "normal", "rush_reason": "", "internal_notes": "", "customer_notes": "",
        "entry_key": str(uuid.uuid4()),
        "lines-TOTAL_FORMS": str(len(products)), "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "0", "lines-MAX_NUM_FORMS": "200", "action": "submit",
    }
    for i, product in enumerate(products):
        data.update({f"lines-{i}-product": product.sku, f"lines-{i}-quantity": str(12 * (i + 1)),
                     f"lines-{i}-unit_price": "", f"lines-{i}-requested_date": ""})
    return data


def _api_order(customer, products):
    return {"customer": customer.code, "requested_date": (timezone.localdate() + timedelta(days=45)).isoformat(),
            "lines": [{"product": p.sku, "quantity": str(12 * (i + 1))} for i, p in enumerate(products)]}


def _post_many(server, *, path, make_body, cookie, count, clients, expect_location, api_key=None):
    """POST `count` times from `clients` threads; returns (seconds, latencies, failures). With `api_key`
    the body goes as JSON to the REST API, which answers 201."""
    lock = threading.Lock()
    remaining = [count]
    latencies, failures = [], []

    def client():
        while True:
            with lock:
                if remaining[0] <= 0:
                    return
                remaining[0] -= 1
            if api_key:
                body, headers = json.dumps(make_body()), {"Authorization": f"Api-Key {api_key}",
                                                          "Content-Type": "application/json",
                                                          "Idempotency-Key": str(uuid.uuid4())}
            else:
                body, headers = urlencode(make_body()), {"Cookie": cookie,
                                                         "Content-Type": "application/x-www-form-urlencoded"}
            started = time.perf_counter()
            try:
                status, location, _body, _resp = server.request("POST", path, body=body, headers=headers)
            except OSError as exc:
                status, location = f"error {exc}", ""
            elapsed = time.perf_counter() - started
            with lock:
                if api_key and status == 201:
                    latencies.append(elapsed)
                elif status == 302 and location.startswith(expect_location) and "login" not in location:
                    latencies.append(elapsed)
                else:
                    failures.append(f"{status} {location}")

    threads = [threading.Thread(target=client) for _i in range(clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=600)
    return time.perf_counter() - started, latencies, failures


def _tree_cpu_seconds(root_pid):
    """CPU seconds (user + system) of `root_pid` and its live children so far, and of children it reaped
    (gunicorn workers that were replaced), read from /proc; None where /proc is not there."""
    try:
        pids = [root_pid] + [int(p) for p in Path(f"/proc/{root_pid}/task/{root_pid}/children").read_text().split()]
    except OSError:
        return None
    ticks, per_second = 0, os.sysconf("SC_CLK_TCK")
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # a worker that just exited
        ticks += sum(int(v) for v in fields[11:15])  # utime stime cutime cstime
    return ticks / per_second


class Spent:
    """Wall time, server CPU (gunicorn's processes) and client CPU (this process) of the enclosed requests,
    added up over several measured stretches."""

    def __init__(self, server_pid):
        self.server_pid, self.wall, self.server_cpu, self.client_cpu, self.loads = server_pid, 0.0, 0.0, 0.0, []

    def __enter__(self):
        self._start = (time.perf_counter(), _tree_cpu_seconds(self.server_pid), time.process_time())
        return self

    def __exit__(self, *exc):
        wall, server, client = self._start
        self.wall += time.perf_counter() - wall
        now = _tree_cpu_seconds(self.server_pid)
        self.server_cpu = None if now is None or server is None else (self.server_cpu or 0) + now - server
        self.client_cpu += time.process_time() - client
        self.loads.append(os.getloadavg()[0])

    def describe(self, count):
        server = "n/a" if self.server_cpu is None else f"{self.server_cpu * 1000 / count:.1f} ms"
        return (f"wall {self.wall:.1f} s; per request: server CPU {server}, client CPU "
                f"{self.client_cpu * 1000 / count:.1f} ms; load avg (1 min) {max(self.loads):.2f}")


def run(*, requests=200, clients=4, workers=None, log=print):
    workers = workers or min(9, 2 * (os.cpu_count() or 1) + 1)
    users = ensure_role_users()
    customer = part_customer("http")
    products = list(Product.objects.filter(is_active=True, unit="pcs").order_by("sku")[:3])
    session = _session_cookie(users["sales"])
    from api.models import ApiKey
    from api.services import create_api_key

    ApiKey.objects.filter(name="bench").delete()
    _key, api_key = create_api_key(actor=users["admin"], name="bench", user=users["sales"])
    with Server(workers) as server:
        csrf_cookie, token = _csrf(server, f"sessionid={session}")
        cookie = f"sessionid={session}; {csrf_cookie}"
        kinds = {
            "order": dict(path="/orders/new/", expect_location="/orders/",
                          make_body=lambda: _order_form(token, customer, products)),
            "api": dict(path="/api/v1/orders/", expect_location="", api_key=api_key,
                        make_body=lambda: _api_order(customer, products)),
            "baseline": dict(path="/bench/insert/", expect_location="/bench/rows/",
                             make_body=lambda: {"csrfmiddlewaretoken": token, "note": "baseline"}),
        }
        for kind in kinds.values():
            _post_many(server, cookie=cookie, count=WARMUP_REQUESTS, clients=clients, **kind)
        # Alternate halves so that drift (autovacuum, caches) hits both sides alike.
        totals = {name: [0.0, [], []] for name in kinds}
        spent = {name: Spent(server.proc.pid) for name in kinds}
        load_before = os.getloadavg()
        for half in (requests // 2, requests - requests // 2):
            for name, kind in kinds.items():
                log(f"  {half} POSTs to {kind['path']} ...")
                with spent[name]:
                    seconds, latencies, failures = _post_many(server, cookie=cookie, count=half, clients=clients,
                                                              **kind)
                totals[name][0] += seconds
                totals[name][1] += latencies
                totals[name][2] += failures
    rows = [Row("order creation over HTTP", "load average (1/5/15 min) at start",
                " / ".join(f"{v:.2f}" for v in load_before), "", None)]
    rate = {}
    for name, (seconds, latencies, failures) in totals.items():
        label = {"order": "order entry POST (3 lines, submit)", "api": "API order POST (3 lines, JSON, idempotent)",
                 "baseline": "baseline POST (insert 1 row)"}[name]
        label += f", {clients} clients, {workers} gunicorn workers"
        if failures:
            rows.append(Row(label, "failed requests", f"{len(failures)} (e.g. {failures[0]})", "0", False))
        if not latencies:
            rate[name] = 0
            continue
        rate[name] = len(latencies) / seconds
        rows += [Row(label, "requests/s", f"{rate[name]:.1f}"),
                 Row(label, "p50 / p95 ms", f"{ms(percentile(latencies, 0.5))} / {ms(percentile(latencies, 0.95))}"),
                 Row(label, "time spent", spent[name].describe(len(latencies) + len(failures)))]
    ratio = rate["order"] / rate["baseline"] if rate.get("baseline") else 0
    rows.append(Row("order entry throughput / baseline", "ratio", f"{ratio:.2f}", f">= {RATIO_TARGET}",
                    ratio >= RATIO_TARGET))
    api_bare = rate["api"] / rate["baseline"] if rate.get("baseline") else 0
    rows.append(Row("API order creation throughput / baseline", "ratio", f"{api_bare:.2f}", f">= {RATIO_TARGET}",
                    api_bare >= RATIO_TARGET))
    api_ratio = rate["api"] / rate["order"] if rate.get("order") else 0
    rows.append(Row("API order creation / HTML form", "ratio", f"{api_ratio:.2f}", ">= 1 (no slower than the form)",
                    api_ratio >= 1))
    return rows
