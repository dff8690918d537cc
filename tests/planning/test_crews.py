"""People as a resource in the planning app: skills and crews (services and pages), routing operations that
need people, the plan and the promise waiting for the people, the crew load and the daily plan's people.

The shop: WELD (2 stations) open every day 06:00–22:00; skill WELDER (焊工) with one crew of one welder on
the same hours. An order of product P is one operation on WELD of 60 min per unit needing 1 welder.
"""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from audit.models import ChangeLogEntry
from orders.models import OrderStatus
from planning import crew_services, routing_services
from planning.crew_load import crew_load
from planning.models import Crew, CrewSkill, RoutingOperation, Skill, WorkOrderOperation
from planning.plans import plan_order
from planning.promise import promise_for_lines
from tests.fixtures.factories import ProductFactory, make_order, user_with_role
from tests.inventory.masterdata import made_item, make_calendar, make_work_center
from tests.planning.test_work_orders import TZ, at, next_monday

pytestmark = pytest.mark.django_db


@pytest.fixture
def planner(role_users):
    return role_users["planner"]


@pytest.fixture
def monday():
    return next_monday()


@pytest.fixture
def shop(planner):
    calendar = make_calendar("Every day 06–22", shifts=[(day, "06:00", "22:00") for day in range(7)])
    weld = make_work_center("WELD", calendar=calendar, parallel_units=2)
    welder = crew_services.create_skill(actor=planner, code="WELDER", name="焊工")
    crew = crew_services.create_crew(actor=planner, code="CREW-1", name="焊接班", calendar=calendar,
                                     head_counts={"WELDER": 1})
    product = ProductFactory(sku="P-W", name="焊接支架 Welded bracket")
    finished = made_item("F-W", item_type="finished_good", product=product)
    routing_services.save_routing(actor=planner, item=finished, operations=[routing_services.OperationInput(
        sequence=10, work_center=weld, run_minutes_per_unit=Decimal("60"), skill=welder, people_required=1,
        description="焊接 Welding")])
    return {"calendar": calendar, "weld": weld, "welder": welder, "crew": crew, "product": product}


def order(shop, quantity):
    return make_order(creator=user_with_role("sales"), status=OrderStatus.APPROVED, products=[shop["product"]],
                      quantities=[Decimal(quantity)])


def weld_of(order_):
    return WorkOrderOperation.objects.get(work_order__order=order_)


# --- services -------------------------------------------------------------------------------------

def test_a_crew_has_head_counts_per_skill_and_its_history(shop, planner):
    crew = shop["crew"]
    assert [(row.skill.code, row.head_count) for row in crew.skills.all()] == [("WELDER", 1)]
    crew_services.update_crew(actor=planner, crew=crew, name="焊接班", calendar=shop["calendar"],
                              head_counts={"WELDER": 3})
    assert CrewSkill.objects.get(crew=crew).head_count == 3
    assert ChangeLogEntry.objects.filter(object_id=str(crew.pk), object_repr__contains="CREW-1").count() == 2


@pytest.mark.parametrize("head_counts, message", [
    ({}, "at least one skill"),
    ({"WELDER": 0}, "at least one skill"),
    ({"NOPE": 2}, "There is no skill NOPE"),
    ({"WELDER": -1}, "whole number from 0 to 999"),
])
def test_bad_crews_are_refused_and_nothing_is_written(shop, planner, head_counts, message):
    before = (Crew.objects.count(), CrewSkill.objects.count())
    with pytest.raises(ValidationError, match=message):
        crew_services.create_crew(actor=planner, code="CREW-2", name="夜班", calendar=shop["calendar"],
                                  head_counts=head_counts)
    assert (Crew.objects.count(), CrewSkill.objects.count()) == before


def test_a_crew_needs_a_code_a_name_and_a_calendar(shop, planner):
    with pytest.raises(ValidationError) as caught:
        crew_services.create_crew(actor=planner, code="A B", name="", calendar=None, head_counts={"WELDER": 1})
    assert set(caught.value.error_dict) == {"code", "name", "calendar"}
    assert not Crew.objects.filter(name="").exists()


def test_a_skill_an_active_routing_needs_cannot_be_deactivated(shop, planner):
    with pytest.raises(ValidationError, match="F-W"):
        crew_services.update_skill(actor=planner, skill=shop["welder"], is_active=False)
    assert Skill.objects.get(code="WELDER").is_active


def test_only_planners_may_change_crews(shop):
    with pytest.raises(Exception):  # noqa: B017 - the permission helper's refusal
        crew_services.create_skill(actor=user_with_role("sales"), code="X", name="X")
    assert not Skill.objects.filter(code="X").exists()


@pytest.mark.parametrize("skill, people, message", [
    (None, 2, "choose the skill"),
    ("WELDER", 0, "how many people"),
    ("WELDER", 100, "from 0 to 99"),
])
def test_routing_operations_refuse_people_without_a_skill_and_the_reverse(shop, planner, skill, people, message):
    item = made_item("F-X", item_type="finished_good")
    with pytest.raises(ValidationError, match=message):
        routing_services.save_routing(actor=planner, item=item, operations=[routing_services.OperationInput(
            sequence=10, work_center=shop["weld"], run_minutes_per_unit=Decimal("5"),
            skill=shop["welder"] if skill else None, people_required=people)])
    assert not RoutingOperation.objects.filter(routing__item=item).exists()


# --- the plan and the promise ----------------------------------------------------------------------

def test_the_second_order_waits_for_the_welder_though_a_station_is_free(shop, planner, monday):
    first, second = order(shop, "2"), order(shop, "1")
    plan_order(actor=planner, order=first, now=monday)
    plan_order(actor=planner, order=second, now=monday)
    assert (weld_of(first).planned_start, weld_of(first).planned_end) == (monday, at(monday, 10))
    assert (weld_of(second).planned_start, weld_of(second).planned_end) == (at(monday, 10), at(monday, 11))
    assert weld_of(second).people_required == 1 and weld_of(second).skill == shop["welder"]


def test_with_two_welders_both_weld_at_once(shop, planner, monday):
    crew_services.update_crew(actor=planner, crew=shop["crew"], name="焊接班", calendar=shop["calendar"],
                              head_counts={"WELDER": 2})
    first, second = order(shop, "2"), order(shop, "1")
    plan_order(actor=planner, order=first, now=monday)
    plan_order(actor=planner, order=second, now=monday)
    assert weld_of(second).planned_start == monday


def test_the_promise_names_the_people_limit_in_the_readers_language(shop, planner, monday):
    plan_order(actor=planner, order=order(shop, "3"), now=monday)  # the welder welds until 11:00
    promise = promise_for_lines([(shop["product"], Decimal("1"))], now=monday,
                                requested_date=monday.date() + timedelta(days=5))
    assert promise.finish == at(monday, 12)
    with translation.override("en"):
        assert str(promise.limit).startswith("1 × WELDER 焊工 on shift, busy until")
        assert any("Overtime for the crews with skill WELDER" in str(step) for step in promise.earlier)
    with translation.override("zh-hans"):
        assert "焊工" in str(promise.limit) and "忙至" in str(promise.limit)


def test_the_crew_load_counts_people_booked_and_on_shift(shop, planner, monday):
    plan_order(actor=planner, order=order(shop, "2"), now=monday)
    day = monday.astimezone(TZ).replace(hour=0)
    (load,) = crew_load(day, day + timedelta(days=1), TZ)
    assert (load.code, load.name, load.peak, load.needed, load.short) == ("WELDER", "焊工", 1, 1, 0)
    (shift,) = load.shifts()
    assert (shift.start, shift.end, shift.needed, shift.on_shift) == (at(monday, 6), at(monday, 22), 1, 1)
    # The crew goes: the plan made before now lacks a welder.
    crew_services.set_crew_active(actor=planner, crew=shop["crew"], active=False)
    (load,) = crew_load(day, day + timedelta(days=1), TZ)
    assert load.short == 1 and load.peak == 0


# --- pages ----------------------------------------------------------------------------------------

def test_the_crew_pages_list_and_edit_crews(shop, client, planner):
    client.force_login(planner)
    page = client.get(reverse("planning:crew_list")).content.decode()
    assert "CREW-1" in page and "焊工 × 1" in page
    response = client.post(reverse("planning:crew_edit", args=[shop["crew"].pk]),
                           {"name": "焊接班", "calendar": shop["calendar"].pk, "note": "",
                            f"head_{shop['welder'].pk}": "4"})
    assert response.status_code == 302
    assert CrewSkill.objects.get(crew=shop["crew"]).head_count == 4


def test_a_bad_crew_form_says_why_and_writes_nothing(shop, client, planner):
    client.force_login(planner)
    response = client.post(reverse("planning:crew_create"), {"code": "CREW-9", "name": "夜班", "calendar": "",
                                                             f"head_{shop['welder'].pk}": "x"})
    page = response.content.decode()
    assert response.status_code == 200 and "errorlist" in page and "Crew CREW-9 was created" not in page
    response = client.post(reverse("planning:crew_create"), {"code": "CREW-9", "name": "夜班",
                                                             "calendar": shop["calendar"].pk})
    assert "Give the crew at least one skill" in response.content.decode()
    assert not Crew.objects.filter(code="CREW-9").exists()


def test_the_skill_pages(shop, client, planner):
    client.force_login(planner)
    response = client.post(reverse("planning:skill_create"), {"code": "FILLER", "name": "灌装操作工"})
    assert response.status_code == 302 and Skill.objects.get(code="FILLER").name == "灌装操作工"
    response = client.post(reverse("planning:skill_create"), {"code": "FILLER", "name": "again"})
    assert "already exists" in response.content.decode() and Skill.objects.filter(code="FILLER").count() == 1
    assert "灌装操作工" in client.get(reverse("planning:skill_list")).content.decode()


def test_the_gantt_and_the_daily_plan_show_the_people(shop, client, planner, monday):
    plan_order(actor=planner, order=order(shop, "2"), now=monday)
    client.force_login(planner)
    gantt = client.get(reverse("planning:gantt"), {"date": monday.date().isoformat(), "zoom": "day"})
    assert 'data-testid="crew-band"' in gantt.content.decode() and "焊工" in gantt.content.decode()
    daily = client.get(reverse("planning:daily_plan"), {"day": monday.date().isoformat()}).content.decode()
    assert 'data-testid="daily-plan-people"' in daily and 'data-skill="WELDER"' in daily


def test_the_people_are_listed_per_shift_of_the_crews_calendar(shop, planner, monday):
    two_shifts = make_calendar("Two shifts", shifts=[(day, start, end) for day in range(7)
                                                     for start, end in (("06:00", "14:00"), ("14:00", "22:00"))])
    crew_services.update_crew(actor=planner, crew=shop["crew"], name="焊接班", calendar=two_shifts,
                              head_counts={"WELDER": 1})
    plan_order(actor=planner, order=order(shop, "2"), now=monday)
    day = monday.astimezone(TZ).replace(hour=0)
    (load,) = crew_load(day, day + timedelta(days=1), TZ)
    assert [(s.start, s.end, s.needed, s.on_shift) for s in load.shifts()] == [
        (at(monday, 6), at(monday, 14), 1, 1), (at(monday, 14), at(monday, 22), 0, 1)]
