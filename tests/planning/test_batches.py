"""Batch splitting: plan_order splits a line into work orders of at most the routing's maximum batch size,
each batch with its own operations and sub-assemblies; the routing page sets the maximum.

The shop of test_work_orders: F (sold as P) = 1 sub-assembly S + 2 bought R; F routing 10 = setup 30 +
10 min/unit, 20 = 20 min/unit; S routing 10 = 60 min/unit; one work center CUT, weekdays 08:00–17:00.
"""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from planning.models import Routing, WorkOrder, WorkOrderEvent
from planning.plans import plan_order
from planning.routing_services import set_routing_batch_size
from planning.work_order_drafts import batch_quantities
from tests.fixtures.factories import user_with_role
from tests.inventory.masterdata import make_routing
from tests.planning.test_work_orders import approved_order, build_shop, next_monday

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def shop(db):
    return build_shop()


@pytest.fixture
def planner(db):
    return user_with_role("planner")


def set_batch(item, size):
    return set_routing_batch_size(actor=user_with_role("admin"), item=item,
                                  max_batch_size=None if size is None else D(size))


def tops(order):
    return list(WorkOrder.objects.filter(order=order, parent__isnull=True).order_by("pk"))


@pytest.mark.parametrize("quantity, size, batches", [
    ("250", "100", ["100", "100", "50"]),
    ("200", "100", ["100", "100"]),
    ("50", "100", ["50"]),
    ("100", "100", ["100"]),
    ("2.5", "1", ["1", "1", "0.5"]),
    ("7", None, ["7"]),
])
def test_batch_quantities(quantity, size, batches):
    assert batch_quantities(D(quantity), None if size is None else D(size)) == [D(b) for b in batches]


def test_a_line_is_split_into_batches_each_with_its_operations_and_sub_assemblies(shop, planner):
    set_batch(shop["finished"], "2")
    order = approved_order(shop, quantity="5")
    plan_order(actor=planner, order=order, now=next_monday())

    batches = tops(order)
    line = order.lines.get()
    assert [wo.quantity for wo in batches] == [D("2"), D("2"), D("1")]
    assert all(wo.order_line == line and wo.status == "planned" for wo in batches)
    assert len({wo.number for wo in batches}) == 3
    assert all(wo.batch_number == wo.number for wo in batches)
    for wo in batches:
        ops = list(wo.operations.order_by("sequence"))
        assert [(op.sequence, op.quantity) for op in ops] == [(10, wo.quantity), (20, wo.quantity)]
        # One sub-assembly S per F, per batch; it finishes before the batch's first operation starts.
        (sub,) = WorkOrder.objects.filter(parent=wo)
        assert (sub.item, sub.quantity, sub.order_line) == (shop["sub"], wo.quantity, None)
        assert sub.operations.get().quantity == wo.quantity
        assert sub.planned_end <= ops[0].planned_start
        # F/10 = 30 + 10 per unit (all 540 minutes of work fit Monday's shift, so no operation is cut by night).
        assert ops[0].planned_end - ops[0].planned_start == timedelta(minutes=30 + 10 * int(wo.quantity))
    assert WorkOrder.objects.filter(order=order).count() == 6
    assert WorkOrderEvent.objects.filter(work_order__order=order, action="planned").count() == 6


def test_batches_are_scheduled_one_after_the_other_on_one_machine(shop, planner):
    # 3 F in batches of 2 and 1 (one CUT machine from Monday 08:00, nothing else planned). Each batch needs its
    # S first (60 min per unit), then F/10 (30 + 10 per unit) and F/20 (20 per unit): 2 F = 120 + 50 + 40 min,
    # 1 F = 60 + 40 + 20 min, 330 minutes in all, so the machine is busy until 13:30 without a gap.
    set_batch(shop["finished"], "2")
    monday = next_monday()
    order = approved_order(shop, quantity="3")
    result = plan_order(actor=planner, order=order, now=monday)
    assert [wo.quantity for wo in tops(order)] == [D("2"), D("1")]
    assert result.finish == monday.replace(hour=13, minute=30)
    ops = sorted((op for wo in WorkOrder.objects.filter(order=order) for op in wo.operations.all()),
                 key=lambda op: op.planned_start)
    assert ops[0].planned_start == monday
    assert all(a.planned_end == b.planned_start for a, b in zip(ops, ops[1:], strict=False))


def test_a_sub_assembly_with_its_own_maximum_is_split_for_its_batch(shop, planner):
    set_batch(shop["finished"], "2")
    set_batch(shop["sub"], "1")
    order = approved_order(shop, quantity="3")
    plan_order(actor=planner, order=order, now=next_monday())
    batches = tops(order)
    assert [wo.quantity for wo in batches] == [D("2"), D("1")]
    assert [sorted(wo.children.values_list("quantity", flat=True)) for wo in batches] == [[D("1"), D("1")], [D("1")]]
    for wo in batches:
        first = wo.operations.get(sequence=10)
        assert all(child.planned_end <= first.planned_start for child in wo.children.all())


def test_without_a_maximum_the_line_is_one_work_order(shop, planner):
    order = approved_order(shop, quantity="5")
    plan_order(actor=planner, order=order, now=next_monday())
    assert [wo.quantity for wo in tops(order)] == [D("5")]


def test_replanning_cancels_every_batch(shop, planner):
    set_batch(shop["finished"], "2")
    order = approved_order(shop, quantity="5")
    plan_order(actor=planner, order=order, now=next_monday())
    first = set(WorkOrder.objects.filter(order=order).values_list("pk", flat=True))
    plan_order(actor=planner, order=order, now=next_monday())
    assert set(WorkOrder.objects.filter(pk__in=first).values_list("status", flat=True)) == {"cancelled"}
    assert WorkOrder.objects.filter(order=order, status="planned").count() == 6


def test_too_many_batches_are_refused_and_nothing_is_written(shop, planner):
    set_batch(shop["finished"], "1")
    order = approved_order(shop, quantity="501")
    with pytest.raises(ValidationError, match="would make 501 work orders"):
        plan_order(actor=planner, order=order, now=next_monday())
    assert not WorkOrder.objects.exists()


def test_a_new_routing_version_keeps_the_batch_size(shop):
    set_batch(shop["finished"], "2")
    make_routing(shop["finished"], [(10, shop["cut"], 5, 10)])
    active = Routing.objects.get(item=shop["finished"], is_active=True)
    assert (active.version, active.max_batch_size) == (2, D("2"))


# --- the routing page ---

def post_batch_size(client, user, item, value):
    client.force_login(user)
    return client.post(reverse("planning:routing_batch_size", args=[item.pk]), {"max_batch_size": value}, follow=True)


def active_size(item):
    return Routing.objects.get(item=item, is_active=True).max_batch_size


def test_planner_sets_and_clears_the_maximum_batch_size_on_the_routing_page(client, shop, planner):
    page = post_batch_size(client, planner, shop["finished"], "100")
    assert active_size(shop["finished"]) == D("100")
    text = page.content.decode()
    assert "planned in batches of at most 100" in text
    assert 'value="100"' in text  # the field shows the stored value
    post_batch_size(client, planner, shop["finished"], "")
    assert active_size(shop["finished"]) is None


@pytest.mark.parametrize("value, message", [
    ("0", "must be more than zero"),
    ("-5", "must be more than zero"),
    ("abc", "is not a number"),
    ("12,5", "use a dot"),
    ("2.5", "cannot have decimals"),  # F is counted in pieces
])
def test_bad_batch_sizes_are_refused_with_a_message_and_change_nothing(client, shop, planner, value, message):
    set_batch(shop["finished"], "7")
    page = post_batch_size(client, planner, shop["finished"], value)
    assert message in page.content.decode()
    assert active_size(shop["finished"]) == D("7")


def test_an_item_without_a_routing_cannot_get_a_batch_size(client, db, planner):
    from tests.inventory.masterdata import made_item

    item = made_item("NOROUTE")
    page = post_batch_size(client, planner, item, "5")
    assert "has no active routing" in page.content.decode()


@pytest.mark.parametrize("role", ["production", "sales"])
def test_other_roles_may_not_set_the_batch_size(client, shop, role):
    response = post_batch_size(client, user_with_role(role), shop["finished"], "5")
    assert response.status_code == 403
    assert active_size(shop["finished"]) is None
