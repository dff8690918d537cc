"""Controlled changes of an approved order (orders.changes) through the real services: the impact on work
orders, materials and the schedule before approval; approval by the role the stage needs; the change
applied with the work orders, reservations and schedule following it, a new revision with its diff; and
every bad input refused with nothing written."""

import threading
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from alerts.models import Alert
from inventory.models import MaterialPrepSheet, Reservation
from inventory.prep_sheets import generate_prep_sheet
from orders import changes
from orders.models import ChangeRequest, ChangeStatus, Order, OrderEvent, OrderLine, OrderRevision, OrderStatus
from planning.models import WorkOrder, WorkOrderStatus
from tests.fixtures.factories import user_with_role
from tests.inventory.masterdata import make_bom, make_item
from tests.inventory.stockdata import make_location, receive
from tests.rush.setup import build_shop, in_days, order_of, planned_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(role_users):
    return role_users


@pytest.fixture
def shop(people):
    return build_shop()


def ask(people, order, kind="quantity", role="sales", reason="customer needs more", **proposed):
    if kind == "quantity" and not proposed:
        proposed = {"lines": {"1": "15"}}
    return changes.request_change(actor=people[role], order=order, kind=kind, proposed=proposed, reason=reason)


def counts():
    return (ChangeRequest.objects.count(), OrderRevision.objects.count(), WorkOrder.objects.count(),
            OrderEvent.objects.count())


def test_a_quantity_change_shows_its_impact_and_approval_applies_it_with_a_revision(people, shop):
    other = planned_order(shop, people["planner"], "10", days=5, release=False)
    order = planned_order(shop, people["planner"], "10", days=5, release=False)
    request = ask(people, order)
    assert request.number == f"{order.number}-C1" and request.base_revision == 1
    titles = {section["title"]: section["rows"] for section in request.impact_sections()}
    [work] = titles["Work orders"]
    assert "10 → 15" in work and "WO-" in work
    assert any(other.number in row for row in titles["Schedule what-if"])  # the other order moves
    assert OrderLine.objects.get(order=order).quantity == Decimal("10")  # nothing applied yet

    with pytest.raises(PermissionDenied):
        changes.approve_change(actor=people["sales"], request=request)
    changes.approve_change(actor=people["order_desk"], request=request, note="ok")
    order.refresh_from_db()
    assert OrderLine.objects.get(order=order).quantity == Decimal("15")
    assert order.total_amount == Decimal("15") * OrderLine.objects.get(order=order).unit_price
    assert WorkOrder.objects.get(order=order, parent__isnull=True).quantity == Decimal("15")
    first, second = OrderRevision.objects.filter(order=order).order_by("number")
    assert first.snapshot["lines"][0]["quantity"] == "10" and second.change_request == request
    assert {"field": "line 1 P-RUSH quantity", "old": "10", "new": "15"} in second.diff
    request.refresh_from_db()
    assert request.status == ChangeStatus.APPLIED and request.decided_by == people["order_desk"]
    assert list(order.events.filter(action__startswith="change").values_list("action", flat=True)) == [
        "change_requested", "change_applied"]
    assert "planner" in Alert.objects.get(kind="order_changed").roles


@pytest.mark.parametrize("kind, proposed, message", [
    ("quantity", {"lines": {"1": "0"}}, "greater than zero"),
    ("quantity", {"lines": {"1": "2.5"}}, "cannot have decimals"),
    ("quantity", {"lines": {"9": "5"}}, "has no line 9"),
    ("quantity", {"lines": {"1": "１２"}}, "“１２” was read as 12"),  # full-width: shown, never saved unseen
    ("quantity", {"lines": {"1": "1,200"}}, "“1,200” was read as 1200"),
    ("quantity", {"lines": {"1": "10"}}, "Change at least one quantity"),
    ("date", {"requested_date": "2020-01-01"}, "is in the past"),
    ("date", {"requested_date": ""}, "Enter the new requested date"),
    ("nonsense", {}, "Choose what to change"),
])
def test_bad_change_requests_are_refused_and_write_nothing(people, shop, kind, proposed, message):
    order = order_of(shop, "10")
    before = counts()
    with pytest.raises(ValidationError, match=message):
        ask(people, order, kind=kind, **proposed)
    assert counts() == before


def test_no_quantity_below_what_was_shipped_or_started(people, shop):
    order = planned_order(shop, people["planner"], "10", release=True)
    OrderLine.objects.filter(order=order).update(shipped_quantity=Decimal("4"))
    with pytest.raises(ValidationError, match="4 are shipped already"):
        ask(people, order, lines={"1": "3"})
    WorkOrder.objects.filter(order=order).update(status=WorkOrderStatus.IN_PROGRESS)
    with pytest.raises(ValidationError, match="production has started or finished 10 already"):
        ask(people, order, lines={"1": "8"})
    assert not ChangeRequest.objects.exists()


def test_more_of_a_line_under_way_gets_one_more_work_order(people, shop):
    order = planned_order(shop, people["planner"], "10", release=True)
    WorkOrder.objects.filter(order=order).update(status=WorkOrderStatus.IN_PROGRESS)
    Order.objects.filter(pk=order.pk).update(status=OrderStatus.IN_PRODUCTION)
    request = ask(people, order, lines={"1": "14"})
    with pytest.raises(PermissionDenied, match="only a manager"):
        changes.approve_change(actor=people["order_desk"], request=request)
    changes.approve_change(actor=people["manager"], request=request)
    extra = WorkOrder.objects.filter(order=order).exclude(status=WorkOrderStatus.IN_PROGRESS).get()
    assert extra.quantity == Decimal("4") and extra.status == WorkOrderStatus.RELEASED


def test_the_second_of_two_changes_made_against_the_same_revision_is_refused(people, shop):
    order = order_of(shop, "10")
    first = ask(people, order, lines={"1": "12"})
    second = ask(people, order, kind="date", requested_date=in_days(40).isoformat())
    changes.approve_change(actor=people["order_desk"], request=first)
    with pytest.raises(ValidationError, match="was changed since"):
        changes.approve_change(actor=people["order_desk"], request=second)
    assert ChangeRequest.objects.get(pk=second.pk).status == ChangeStatus.REQUESTED
    changes.reject_change(actor=people["order_desk"], request=second, reason="ask again")
    third = ask(people, order, kind="date", requested_date=in_days(40).isoformat())
    assert third.base_revision == 2
    changes.approve_change(actor=people["order_desk"], request=third)
    order.refresh_from_db()
    assert order.requested_date == in_days(40)
    assert list(OrderRevision.objects.filter(order=order).values_list("number", flat=True)) == [1, 2, 3]


def test_a_cancel_request_cancels_through_the_cancel_path(people, shop):
    order = planned_order(shop, people["planner"], "10", release=False)
    request = ask(people, order, kind="cancel", reason="customer cancelled the project")
    assert "cancelled" in request.impact_sections()[0]["rows"][0]
    changes.approve_change(actor=people["order_desk"], request=request)
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED
    assert set(WorkOrder.objects.filter(order=order).values_list("status", flat=True)) == {WorkOrderStatus.CANCELLED}


def test_closed_orders_and_roles_without_the_right_are_refused(people, shop):
    closed = order_of(shop, "1", status=OrderStatus.CLOSED)
    with pytest.raises(ValidationError, match="not at all once shipped or closed"):
        ask(people, closed)
    with pytest.raises(PermissionDenied):
        ask(people, order_of(shop, "1"), role="warehouse")
    request = ask(people, order_of(shop, "1"), lines={"1": "2"})
    with pytest.raises(ValidationError, match="reason for the rejection"):
        changes.reject_change(actor=people["order_desk"], request=request, reason=" ")
    with pytest.raises(PermissionDenied):
        changes.reject_change(actor=people["qc"], request=request, reason="no")


def test_materials_follow_the_change(people, shop):
    steel = make_item("STEEL-C", name="钢板", unit="kg")
    make_bom(shop["finished"], [(steel, 1, 0)])
    receive(steel, make_location("RM-C"), "100", lot="S-1")
    order = planned_order(shop, people["planner"], "10", release=True)
    sheet = generate_prep_sheet(actor=people["warehouse"], order=order)  # reserves 10 kg
    assert Reservation.objects.filter(order=order, status="active").exists()
    request = ask(people, order, lines={"1": "20"})
    rows = [row for s in request.impact_sections() if s["title"] == "Materials" for row in s["rows"]]
    assert any("STEEL-C" in row for row in rows) and any(sheet.number in row for row in rows)
    changes.approve_change(actor=people["order_desk"], request=request)
    assert not Reservation.objects.filter(order=order, status="active").exists()  # released, warehouse re-reserves
    assert MaterialPrepSheet.objects.get(pk=sheet.pk).status == "cancelled"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_approvals_on_one_order_apply_one(shop):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set DATABASE_URL)")
    desk_a, desk_b = user_with_role("order_desk"), user_with_role("order_desk")
    sales = user_with_role("sales")
    order = order_of(shop, "10")
    requests = [changes.request_change(actor=sales, order=order, kind="quantity", proposed={"lines": {"1": qty}},
                                       reason="r") for qty in ("12", "14")]
    outcomes, barrier = [], threading.Barrier(2)

    def approve(actor, request):
        barrier.wait()
        try:
            changes.approve_change(actor=actor, request=request)
            outcomes.append("applied")
        except ValidationError as exc:
            outcomes.append(exc.messages[0])
        finally:
            connection.close()

    threads = [threading.Thread(target=approve, args=pair) for pair in zip((desk_a, desk_b), requests, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert outcomes.count("applied") == 1 and any("was changed since" in o for o in outcomes), outcomes
    assert OrderRevision.objects.filter(order=order).count() == 2


def test_a_lines_product_changes_and_a_new_line_is_added_with_their_work_orders(people, shop):
    from tests.fixtures.factories import ProductFactory
    from tests.inventory.masterdata import made_item, make_routing

    other = ProductFactory(sku="P-OTHER", list_price=Decimal("7.00"))
    make_routing(made_item("F-OTHER", item_type="finished_good", product=other), [(10, shop["cut"], 0, 30)])
    order = planned_order(shop, people["planner"], "10", release=True)
    with pytest.raises(ValidationError, match="No product with SKU NOPE"):
        ask(people, order, kind="product", line="1", product="NOPE")
    request = ask(people, order, kind="product", line="1", product="P-OTHER")
    changes.approve_change(actor=people["order_desk"], request=request)
    line = OrderLine.objects.get(order=order)
    assert (line.product.sku, line.unit_price) == ("P-OTHER", Decimal("7.00"))
    live = WorkOrder.objects.filter(order=order).exclude(status=WorkOrderStatus.CANCELLED).get()
    assert live.item.code == "F-OTHER" and live.quantity == Decimal("10")

    added = ask(people, order, kind="add_line", product="P-RUSH", quantity="3")
    changes.approve_change(actor=people["order_desk"], request=added)
    assert list(order.lines.order_by("line_no").values_list("product__sku", "quantity")) == [
        ("P-OTHER", Decimal("10")), ("P-RUSH", Decimal("3"))]
    assert WorkOrder.objects.filter(order=order, order_line__line_no=2, quantity=Decimal("3")).exists()
    diff = OrderRevision.objects.get(order=order, number=3).diff
    assert {"field": "line 2", "old": None, "new": "P-RUSH × 3"} in diff
    assert {"field": "line 1 product", "old": "P-RUSH", "new": "P-OTHER"} in OrderRevision.objects.get(
        order=order, number=2).diff


def test_the_change_form_asks_for_a_new_line_and_shows_its_impact(client, people, shop):
    from django.urls import reverse

    order = planned_order(shop, people["planner"], "10", release=True)
    client.force_login(people["sales"])
    assert client.get(reverse("orders:change_create", args=[order.pk])).status_code == 200
    refused = client.post(reverse("orders:change_create", args=[order.pk]),
                          {"kind": "add_line", "product": "P-RUSH", "quantity": "0", "reason": "more"})
    assert "greater than zero" in refused.content.decode() and not ChangeRequest.objects.exists()
    done = client.post(reverse("orders:change_create", args=[order.pk]),
                       {"kind": "add_line", "product": "P-RUSH", "quantity": "4", "reason": "more"})
    change = ChangeRequest.objects.get()
    assert done.url == reverse("orders:change_detail", args=[change.pk])
    page = client.get(done.url).content.decode()
    assert "P-RUSH × 4" in page and 'data-testid="approve-change"' not in page
    client.force_login(people["warehouse"])
    assert client.get(reverse("orders:change_create", args=[order.pk])).status_code == 403
    assert client.post(reverse("orders:change_decide", args=[change.pk, "approve"])).status_code == 403
    assert ChangeRequest.objects.get().status == ChangeStatus.REQUESTED  # nothing applied
    assert client.post(reverse("orders:change_decide", args=[change.pk, "delete"])).status_code == 404


def test_documents_already_issued_are_listed_and_issued_again(people, shop, settings, tmp_path,
                                                                django_capture_on_commit_callbacks):
    from documents.models import Document, DocumentStatus
    from documents.services import request_document

    settings.MEDIA_ROOT = tmp_path
    order = order_of(shop, "10")
    with django_capture_on_commit_callbacks(execute=True):
        request_document(actor=people["sales"], kind="order_confirmation", obj=order)
    assert Document.objects.get(kind="order_confirmation").status == DocumentStatus.READY
    request = ask(people, order, lines={"1": "12"})
    documents = next(s for s in request.impact_sections() if s["title"] == "Documents issued")
    assert "a new revision is issued" in documents["rows"][0]
    with django_capture_on_commit_callbacks(execute=True):
        changes.approve_change(actor=people["order_desk"], request=request)
    assert Document.objects.filter(kind="order_confirmation", status=DocumentStatus.READY).count() == 2
