"""The load test's people (run by bench/load_test.py, headless): each role doing what it does all day,
signed in with a real session (LOAD_SESSIONS: {role: sessionid}). Sales enters orders through the real
entry form (GET the page, POST with its CSRF token, submit); the others open their pages. Every order a
sales user creates carries the run's customer PO prefix (LOAD_PO_PREFIX), so the bench can count them."""

import itertools
import json
import os
import re
import uuid
from datetime import date, timedelta

from locust import HttpUser, between, task

SESSIONS = json.loads(os.environ["LOAD_SESSIONS"])
PRODUCTS = os.environ["LOAD_PRODUCTS"].split(",")
CUSTOMER = os.environ["LOAD_CUSTOMER"]
PO_PREFIX = os.environ["LOAD_PO_PREFIX"]
ORDER_IDS = [int(pk) for pk in os.environ.get("LOAD_ORDER_IDS", "").split(",") if pk]
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_numbers = itertools.count(1)


class Role(HttpUser):
    abstract = True
    role = ""
    wait_time = between(1, 3)

    def on_start(self):
        self.client.cookies.set("sessionid", SESSIONS[self.role])

    def page(self, path, name=None):
        with self.client.get(path, name=name or path, catch_response=True, allow_redirects=False) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code}")

    def order_page(self):
        if ORDER_IDS:
            pk = ORDER_IDS[next(_numbers) % len(ORDER_IDS)]
            self.page(f"/orders/{pk}/", name="/orders/<pk>/")


class Sales(Role):
    role = "sales"
    weight = 3

    @task(3)
    def enter_order(self):
        form = self.client.get("/orders/new/", name="/orders/new/ (form)")
        token = CSRF_INPUT.search(form.text)
        if not token:
            return
        data = {"csrfmiddlewaretoken": token.group(1), "customer": CUSTOMER, "channel": "browser",
                "customer_po": f"{PO_PREFIX}{next(_numbers)}-{uuid.uuid4().hex[:6]}",
                "requested_date": (date.today() + timedelta(days=45)).isoformat(), "currency": "",
                "priority": "normal", "rush_reason": "", "internal_notes": "", "customer_notes": "",
                "entry_key": str(uuid.uuid4()),
                "lines-TOTAL_FORMS": str(len(PRODUCTS)), "lines-INITIAL_FORMS": "0", "lines-MIN_NUM_FORMS": "0",
                "lines-MAX_NUM_FORMS": "200", "action": "submit"}
        for i, sku in enumerate(PRODUCTS):
            data.update({f"lines-{i}-product": sku, f"lines-{i}-quantity": str(10 * (i + 1)),
                         f"lines-{i}-unit_price": "", f"lines-{i}-requested_date": ""})
        with self.client.post("/orders/new/", data, name="/orders/new/ (submit)", catch_response=True,
                              allow_redirects=False, headers={"Referer": self.host + "/orders/new/"}) as response:
            if response.status_code != 302 or "/orders/" not in response.headers.get("Location", ""):
                response.failure(f"{response.status_code} {response.headers.get('Location', '')}")

    @task(1)
    def my_orders(self):
        self.page("/orders/?mine=on", name="/orders/ (mine)")


class OrderDesk(Role):
    role = "order_desk"

    @task(2)
    def review_queue(self):
        self.page("/orders/review/")

    @task(1)
    def order(self):
        self.order_page()


class Planner(Role):
    role = "planner"

    @task
    def gantt(self):
        self.page("/planning/gantt/")

    @task
    def plans(self):
        self.page("/planning/plans/")


class Warehouse(Role):
    role = "warehouse"

    @task
    def stock(self):
        self.page("/inventory/stock/")

    @task
    def prep_sheets(self):
        self.page("/inventory/prep-sheets/")


class Operator(Role):
    role = "production"

    @task
    def shop_floor(self):
        self.page("/production/")


class Inspector(Role):
    role = "qc"

    @task
    def queue(self):
        self.page("/quality/")


class Shipper(Role):
    role = "shipping"

    @task
    def queue(self):
        self.page("/shipping/")


class Manager(Role):
    role = "manager"

    @task(2)
    def dashboard(self):
        self.page("/reports/dashboard/")

    @task(1)
    def rush_board(self):
        self.page("/rush/")
