"""The fuzz pass over the delivery stage's forms, in a world where there is something to ship: an order
with goods in stock (the shipment form), a draft shipment (ship, cancel), a shipment on its way (tracking,
proof of delivery, complaint), a delivered order with an open complaint and a tracking link (complaint
investigation, returns, revoke, close). Each role that works there posts hostile input (tests/fixtures/
form_fuzz.py) to every shipping form its pages show: all fields at once (hypothesis), and one sharp value
at a time among the values the page filled in. Every answer is either a saved change or a refusal that
says why and writes nothing; never a server error, never an answer that says nothing.

Fast by design (about a minute for the file): the pages are visited directly rather than crawled, each post
is rolled back so every one meets the same world, and a write is detected by comparing the rows of the
tables these forms can write (shipping's, the order's, stock, documents, alerts), all small here, instead
of counting every table."""

import re
import time
from urllib.parse import urljoin, urlparse

import pytest
from django.apps import apps
from django.db import transaction
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from orders.models import Order
from shipping import complaints, services, tracking
from tests.fixtures.factories import CustomerFactory, ProductFactory
from tests.fixtures.form_fuzz import UNREADABLE, FormParser, fill, one_field_at_a_time, submit_variants
from tests.security.test_bad_input import entry_post
from tests.shipping.helpers import (
    deliver,
    details,
    fg_location,
    finished_good,
    pick,
    produce,
    qc_passed_order,
    ship,
)

pytestmark = pytest.mark.django_db

ROLES = ["shipping", "order_desk", "warehouse", "qc"]
EXAMPLES = 4
WRITTEN = ["shipping.Shipment", "shipping.ShipmentLine", "shipping.ShipmentEvent", "shipping.TrackingLink",
           "shipping.Complaint", "shipping.ComplaintEvent", "shipping.CustomerReturn", "orders.Order",
           "orders.OrderLine", "orders.OrderEvent", "inventory.StockMove", "inventory.StockBalance",
           "inventory.Lot", "documents.Document", "alerts.Alert"]
ERROR_SHOWN = re.compile(r'class="(errorlist|msg msg-error)')


@pytest.fixture
def world(role_users, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    shipper = role_users["shipping"]
    product, item = finished_good("FZ-SHIP", name="Fuzz 小部件")
    location, returns = fg_location("FG-FZ1"), fg_location("RET-FZ")

    to_ship = qc_passed_order([product], [10])
    lot = produce(to_ship, item, location, 10, "FZ-LOT-1").moves[0].lot
    draft = services.create_shipment(actor=shipper, order=to_ship, details=details(),
                                     picks=[pick(to_ship, 1, lot, location, 4)])

    on_the_way = qc_passed_order([product], [5])
    lot_b = produce(on_the_way, item, location, 5, "FZ-LOT-2").moves[0].lot
    shipped = ship(shipper, on_the_way, [pick(on_the_way, 1, lot_b, location, 3)])

    delivered_order = qc_passed_order([product], [6])
    lot_c = produce(delivered_order, item, location, 6, "FZ-LOT-3").moves[0].lot
    delivered = ship(shipper, delivered_order, [pick(delivered_order, 1, lot_c, location, 6)])
    deliver(shipper, delivered)
    complaint = complaints.create_complaint(actor=role_users["order_desk"], order=delivered_order,
                                            shipment=delivered, lot=lot_c, description="2 bottles leaked")
    tracking.create_tracking_link(actor=role_users["order_desk"], order=delivered_order, language="zh-hans")

    orders = (to_ship, on_the_way, delivered_order)
    pages = ["/shipping/", "/shipping/complaints/", f"/shipping/orders/{to_ship.pk}/new/",
             f"/shipping/shipments/{shipped.pk}/delivery/", f"/shipping/complaints/{complaint.pk}/"]
    pages += [f"/shipping/shipments/{s.pk}/" for s in (draft, shipped, delivered)]
    pages += [f"/shipping/orders/{o.pk}/panel/" for o in orders]
    pages += [f"/shipping/orders/{o.pk}/complaints/new/" for o in orders[1:]]
    return {"users": role_users, "pages": pages, "returns": returns, "draft": draft, "on_the_way": on_the_way,
            "lot": lot}


def shipping_forms(client, pages):
    """{action pattern and fields: (action, form)} of the shipping forms on `pages`, one per submit button."""
    found = {}
    for page in pages:
        response = client.get(page)
        if response.status_code != 200:
            continue
        parser = FormParser()
        parser.feed(response.content.decode())
        for form in parser.forms:
            for variant in submit_variants(form):
                action = urlparse(urljoin(page, variant["action"] or page)).path
                if action.startswith("/shipping/") and any(f["kind"] != "hidden" for f in variant["fields"]):
                    key = re.sub(r"\d+", "N", action) + "|" + ",".join(sorted(f["name"] for f in variant["fields"]))
                    found.setdefault(key, (action, variant))
    return found


def rows():
    """Every row of the tables a shipping form can write (few rows each in this world)."""
    return {label: list(apps.get_model(label).objects.order_by("pk").values_list()) for label in WRITTEN}


def refused(response):
    """The error the answer shows (after its redirect), or None when it shows no error."""
    if response.status_code >= 400:
        return response.status_code
    page = response.content.decode()
    shown = ERROR_SHOWN.search(page)
    return re.sub(r"<[^>]+>|\s+", " ", page[shown.start():shown.start() + 300]) if shown else None


def said_done(response):
    """A saved change that changed nothing (the same text saved again) still says it is done."""
    return 'class="msg msg-success' in response.content.decode()


def post_and_check(client, action, post, problems, *, must_refuse=False):
    """Post; record a server error, a refusal that wrote, an answer that neither saved nor said why, or (with
    `must_refuse`) a save. The world is put back afterwards (a savepoint rolled back), so every post meets
    the same shipments."""
    shown = {k: v[:30] for k, v in post.items() if k != "csrfmiddlewaretoken"}
    with transaction.atomic():
        before = rows()
        response = client.post(action, post, follow=True)
        if response.status_code < 500:
            refusal, after = refused(response), rows()
        transaction.set_rollback(True)
    if response.status_code >= 500:
        problems.append((action, "server error", response.status_code, shown))
        return
    if refusal is not None and after != before:
        changed = [label for label in WRITTEN if after[label] != before[label]]
        problems.append((action, "wrote while refusing", refusal, changed, shown))
    elif refusal is None and after == before and not said_done(response):
        problems.append((action, "nothing saved and nothing said", response.status_code, shown))
    elif refusal is None and must_refuse:
        problems.append((action, "accepted a value it cannot read", shown))


def fuzz(client, action, form, problems):
    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    @given(data=st.data())
    def post_fuzzed(data):
        post_and_check(client, action, fill(form, data, keep_shown=True), problems)

    post_fuzzed()


@pytest.mark.parametrize("role", ROLES)
def test_every_shipping_form_refuses_hostile_input_clearly_and_without_writing(world, role):
    """Hostile values drawn for all fields at once (hypothesis), as each role that works in shipping."""
    client = Client(raise_request_exception=False)
    client.force_login(world["users"][role])
    forms = shipping_forms(client, world["pages"])
    assert forms, f"no shipping form found for {role}"
    started, problems = time.monotonic(), []
    for action, form in (forms[key] for key in sorted(forms)):
        fuzz(client, action, form, problems)
    assert not problems, problems
    assert time.monotonic() - started < 90, "the fuzz pass is meant to stay quick"


@pytest.mark.parametrize("role", ["shipping", "order_desk"])  # between them, every shipping form
def test_every_shipping_form_refuses_one_sharp_field_among_sensible_ones(world, role):
    """The forms as the page fills them, with one field at a time given a sharp value (10,000 characters,
    RTL marks, NaN, 1e309, full-width digits, year 9999, a date that does not exist, a choice that is not
    offered, a damaged hidden key), so the value reaches the checks behind the form; a value no field can
    read is refused, never saved as if it were empty."""
    client = Client(raise_request_exception=False)
    client.force_login(world["users"][role])
    started, problems = time.monotonic(), []
    for action, form in sorted(shipping_forms(client, world["pages"]).values(), key=lambda f: f[0]):
        for value, post in one_field_at_a_time(form):
            post_and_check(client, action, post, problems, must_refuse=value in UNREADABLE)
    assert not problems, problems
    assert time.monotonic() - started < 90, "the fuzz pass is meant to stay quick"


def test_the_shipping_role_gets_its_forms_fuzzed(world):
    """The pass reaches the forms that need a shippable world: shipment, ship, cancel, tracking, delivery,
    complaint and return."""
    client = Client()
    client.force_login(world["users"]["shipping"])
    actions = {re.sub(r"\d+", "N", action) for action, _form in shipping_forms(client, world["pages"]).values()}
    assert {"/shipping/orders/N/new/", "/shipping/shipments/N/ship/", "/shipping/shipments/N/cancel/",
            "/shipping/shipments/N/tracking/", "/shipping/shipments/N/delivery/",
            "/shipping/orders/N/complaints/new/", "/shipping/complaints/N/return/"} <= actions, actions


def test_a_damaged_entry_key_is_refused_with_a_message_not_silently(world):
    """Found by this pass: the complaint and shipment forms re-showed themselves with no message when their
    hidden entry key did not read (the error sat on the hidden field, which no template shows)."""
    client = Client()
    client.force_login(world["users"]["shipping"])
    order, draft, lot = world["on_the_way"], world["draft"], world["lot"]
    before = rows()
    complaint = client.post(f"/shipping/orders/{order.pk}/complaints/new/",
                            {"entry_key": "\ufeff", "description": "3 cartons crushed"})
    line, balance = draft.order.lines.get(), lot.balances.get()
    shipment = client.post(f"/shipping/orders/{draft.order_id}/new/", {
        "entry_key": "not-a-key", "ship_to_name": "客户收货部", "ship_to_address": "上海市", "action": "draft",
        f"pick-{line.pk}-{balance.pk}": "1", f"pkg-{line.pk}-{balance.pk}": "1"})
    for response in (complaint, shipment):
        assert response.status_code == 200
        assert "This form could not be read back: reload the page and enter it again." in response.content.decode()
    assert rows() == before


def test_the_order_entry_form_says_so_too(role_users):
    """The same class in the order entry form (its entry key is hidden as well)."""
    CustomerFactory(code="C-EAST")
    ProductFactory(sku="GEAR-1")
    client = Client()
    client.force_login(role_users["sales"])
    response = client.post("/orders/new/", entry_post(entry_key="not-a-key"))
    assert response.status_code == 200
    assert "This form could not be read back: reload the page and enter it again." in response.content.decode()
    assert not Order.objects.exists()


def test_an_unreadable_ship_date_is_refused_not_taken_as_today(world):
    """Found by this pass: "Ship" with a date that does not exist (2026-02-30) shipped the draft as of today."""
    client = Client()
    client.force_login(world["users"]["shipping"])
    draft = world["draft"]
    before = rows()
    response = client.post(f"/shipping/shipments/{draft.pk}/ship/", {"actual_ship_date": "2026-02-30"}, follow=True)
    assert "Enter the ship date as a date, or leave it empty for today." in response.content.decode()
    assert rows() == before
    draft.refresh_from_db()
    assert draft.status == "draft"
