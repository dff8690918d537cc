"""The planning demo data (`manage.py seed_planning_demo` after `seed_demo`): made through the services, safe to
run twice, and the plan review, Gantt chart and daily plan show its work."""

from collections import Counter
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from inventory.models import BillOfMaterials, BOMLine, Item
from orders.models import Order, OrderEvent, OrderStatus, Priority
from planning import demo_data
from planning.models import (
    CalendarException,
    CalendarShift,
    ExceptionKind,
    PlanSubmission,
    PlanSubmissionEvent,
    Routing,
    RoutingOperation,
    WorkCalendar,
    WorkCenter,
    WorkInstruction,
    WorkOrder,
    WorkOrderEvent,
    WorkOrderOperation,
    WorkOrderStatus,
)
from tests.fixtures.factories import user_with_role

COUNTED = [WorkCalendar, CalendarShift, CalendarException, WorkCenter, Item, BillOfMaterials, BOMLine, Routing,
           RoutingOperation, WorkOrder, WorkOrderOperation, WorkOrderEvent, Order, OrderEvent]


def counts():
    return {model.__name__: model.objects.count() for model in COUNTED}


def seed(**options):
    out = StringIO()
    call_command("seed_planning_demo", force=True, stdout=out, stderr=out, **options)
    return out.getvalue()


@pytest.mark.django_db
def test_refuses_without_debug_or_without_the_orders_demo(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG is off"):
        call_command("seed_planning_demo", stdout=StringIO())
    with pytest.raises(CommandError, match="run `manage.py seed_demo` first"):
        call_command("seed_planning_demo", force=True, stdout=StringIO())
    assert not WorkCenter.objects.exists()


@pytest.mark.django_db
def test_demo_is_planned_through_the_services_twice_the_same_and_shows_on_the_pages(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path  # the work instructions' attachments
    call_command("seed_demo", force=True, stdout=StringIO())
    approved = list(Order.objects.filter(status=OrderStatus.APPROVED).order_by("approved_at"))
    first = seed()
    after_first = counts()
    second = seed()
    assert counts() == after_first, (first, second)
    assert "No orders planned now" in second

    # Master data as described.
    assert after_first["WorkCalendar"] == 2 and after_first["WorkCenter"] == len(demo_data.CENTERS)
    assert set(WorkCenter.objects.filter(parallel_units=2).values_list("code", flat=True)) == {"MIX", "FILL-S", "PACK"}
    exceptions = Counter(CalendarException.objects.values_list("kind", flat=True))
    assert exceptions[ExceptionKind.HOLIDAY] == 6 and exceptions[ExceptionKind.OVERTIME] == 1
    overtime = CalendarException.objects.get(kind=ExceptionKind.OVERTIME)
    assert overtime.date.weekday() == 5 and overtime.calendar.name == demo_data.TWO_SHIFTS
    every_product_has_an_item = Item.objects.filter(product__isnull=False).count()
    assert every_product_has_an_item == len(demo_data.PRODUCTS)
    assert Item.objects.filter(sourcing="buy", purchase_lead_time_days__gt=0).exists()
    assert RoutingOperation.objects.filter(routing__is_active=True, alternative_work_center__isnull=False).exists()
    assert Routing.objects.get(item__code="SA-SC", is_active=True).max_batch_size == 5000
    # A case product is made of its single product, which is made of a base and a blown bottle.
    case_bom = BillOfMaterials.objects.get(parent__code="DW-BOX-24", is_active=True)
    assert {line.component.code for line in case_bom.lines.all()} == {"DW-500-LEM", "CTN-24"}
    single = BillOfMaterials.objects.get(parent__code="DW-500-LEM", is_active=True)
    assert {"SA-DW", "BTL-500"} <= {line.component.code for line in single.lines.all()}

    # Every approved demo order was planned; the rush ones and the oldest normal one released.
    assert approved and all(WorkOrder.objects.filter(order=order).exists() for order in approved)
    statuses = {order.pk: Order.objects.get(pk=order.pk).status for order in approved}
    released = [o for o in approved if o.priority == Priority.RUSH] + [o for o in approved
                                                                       if o.priority != Priority.RUSH][:1]
    assert {pk for pk, status in statuses.items() if status == OrderStatus.PLANNED} == {o.pk for o in released}
    assert WorkOrder.objects.filter(status=WorkOrderStatus.RELEASED).exists()
    assert WorkOrder.objects.filter(parent__isnull=False).exists()  # sub-assemblies (bases, bottles)
    assert not WorkOrderOperation.objects.filter(planned_start__isnull=True).exists()

    # The pages show it.
    planner = user_with_role("planner")
    client.force_login(planner)
    waiting = [o for o in approved if o not in released]
    plan_list = client.get(reverse("planning:plan_list")).content.decode()
    assert all(order.number in plan_list for order in waiting)
    busiest = Counter(timezone.localtime(start).date() for start in
                      WorkOrderOperation.objects.values_list("planned_start", flat=True)).most_common(1)[0][0]
    gantt = client.get(reverse("planning:gantt"), {"date": busiest.isoformat(), "zoom": "week"})
    assert gantt.status_code == 200 and gantt.context["operation_count"] > 10
    daily = client.get(reverse("planning:daily_plan"), {"day": busiest.isoformat()})
    assert daily.status_code == 200
    plan = daily.context["plan"]
    assert plan.operation_count > 5 and plan.load_minutes > 0
    html = daily.content.decode()
    assert html.count('data-testid="plan-row"') == plan.operation_count
    assert any(f'data-testid="center-plan-{code}"' in html for code in ("MIX", "FILL-S", "QC", "PACK"))


@pytest.mark.django_db
def test_demo_with_plan_approval_and_work_instructions(settings, tmp_path):
    """As `make run` seeds it (PLAN_APPROVAL_REQUIRED on): the released plans approved by the production
    department head, one plan awaiting approval and one returned; instructions for the filling, mixing and
    labelling operations, one with two versions and attachments. A second run adds nothing."""
    settings.PLAN_APPROVAL_REQUIRED, settings.MEDIA_ROOT = True, tmp_path
    call_command("seed_demo", force=True, stdout=StringIO())
    seed()
    submissions = Counter(PlanSubmission.objects.values_list("status", flat=True))
    released = Order.objects.filter(status=OrderStatus.PLANNED, work_orders__isnull=False).distinct().count()
    assert submissions == {"approved": released, "submitted": 1, "returned": 1}
    approvals = PlanSubmissionEvent.objects.filter(action="approved")
    assert {event.actor.username for event in approvals} == {"production_head"}
    assert PlanSubmission.objects.get(status="returned").return_reason.startswith("FILL-S")
    current = WorkInstruction.objects.filter(is_current=True)
    centers = set(RoutingOperation.objects.filter(
        routing__is_active=True, routing__item__in=current.values("item")).values_list("work_center__code", flat=True))
    assert {"FILL-S", "MIX", "LABEL"} <= centers
    second = WorkInstruction.objects.get(version=2)
    assert second.attachments.count() == 2 and second.attachments.filter(content_type="application/pdf").exists()
    assert (tmp_path / second.attachments.get(content_type="image/png").file.name).exists()
    before = (PlanSubmission.objects.count(), WorkInstruction.objects.count())
    seed()
    assert (PlanSubmission.objects.count(), WorkInstruction.objects.count()) == before
