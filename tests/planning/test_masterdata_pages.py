"""Work center pages, navigation and permissions of the planning master data pages, and query counts
of the list pages (the same for 3 and 30 rows)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from planning.models import WorkCenter
from tests.inventory.masterdata import made_item, make_calendar, make_routing, make_work_center

pytestmark = pytest.mark.django_db


@pytest.fixture
def planner(role_users):
    return role_users["planner"]


def center_post(calendar, **overrides):
    data = {"code": "CNC-01", "name": "数控车床", "parallel_units": "3", "efficiency_percent": "85",
            "calendar": str(calendar.pk), "cost_rate_per_hour": "120.50", "currency": "CNY", "down_until": ""}
    data.update(overrides)
    return data


def form_errors(response):
    return {field: [str(e) for e in errors] for field, errors in response.context["form"].errors.items()}


def test_work_center_list_searches_and_filters(client, planner):
    day, night = make_calendar("Day"), make_calendar("Night", shifts=[(0, "22:00", "06:00")])
    make_work_center("LATHE-1", name="Lathe", calendar=day)
    make_work_center("MILL-1", name="Mill", calendar=night)
    old = make_work_center("SAW-1", name="Old saw", calendar=day)
    old.is_active = False
    old.save()
    client.force_login(planner)
    url = reverse("planning:work_center_list")
    assert [c.code for c in client.get(url).context["page"]] == ["LATHE-1", "MILL-1"]
    assert [c.code for c in client.get(url, {"q": "mill"}).context["page"]] == ["MILL-1"]
    assert [c.code for c in client.get(url, {"calendar": night.pk}).context["page"]] == ["MILL-1"]
    assert [c.code for c in client.get(url, {"status": "all", "sort": "-code"}).context["page"]] == [
        "SAW-1", "MILL-1", "LATHE-1"]


def test_create_and_edit_a_work_center(client, planner):
    calendar = make_calendar("Day")
    client.force_login(planner)
    response = client.post(reverse("planning:work_center_create"), center_post(calendar))
    center = WorkCenter.objects.get(code="CNC-01")
    assert response.status_code == 302
    assert (center.parallel_units, center.efficiency_percent, center.cost_rate_per_hour, center.calendar) == (
        3, Decimal("85"), Decimal("120.50"), calendar)
    down = (timezone.localtime() + timedelta(days=1)).replace(second=0, microsecond=0)
    response = client.post(reverse("planning:work_center_edit", args=[center.pk]),
                           center_post(calendar, name="CNC lathe", down_until=down.strftime("%Y-%m-%dT%H:%M")))
    assert response.status_code == 302
    center.refresh_from_db()
    assert (center.code, center.name, center.down_until) == ("CNC-01", "CNC lathe", down)
    assert "Down until" in client.get(reverse("planning:work_center_list")).content.decode()


def test_bad_work_center_input_is_shown_next_to_the_fields(client, planner):
    empty = make_calendar("Empty", shifts=[])
    client.force_login(planner)
    response = client.post(reverse("planning:work_center_create"),
                           center_post(empty, parallel_units="0", efficiency_percent="250", cost_rate_per_hour="12,5"))
    errors = form_errors(response)
    assert errors["cost_rate_per_hour"] == [
        "Cost rate per hour: use a dot as the decimal separator (for example 12.5), not a comma."]
    response = client.post(reverse("planning:work_center_create"),
                           center_post(empty, parallel_units="0", efficiency_percent="250"))
    assert form_errors(response) == {
        "parallel_units": ["A work center has at least 1 parallel unit (machine or crew)."],
        "efficiency_percent": ["Efficiency must be from 1 to 200 %."],
        "calendar": ["Calendar Empty has no working time (no shifts): give it shifts before assigning it to a work "
                     "center."],
    }
    assert not WorkCenter.objects.exists()


def test_deactivating_a_work_center_in_use_shows_why_not(client, planner):
    lathe = make_work_center("LATHE")
    make_routing(made_item("SHAFT"), [(10, lathe, 5, 1)])
    client.force_login(planner)
    page = client.post(reverse("planning:work_center_edit", args=[lathe.pk]), {"action": "deactivate"}, follow=True)
    assert "LATHE is used by the active routing of SHAFT" in page.content.decode()
    lathe.refresh_from_db()
    assert lathe.is_active


def test_navigation_shows_the_master_data_pages_by_permission(client, role_users):
    client.force_login(role_users["planner"])
    html = client.get(reverse("planning:work_center_list")).content.decode()
    for name in ("inventory:item_list", "planning:work_center_list", "planning:calendar_list",
                 "planning:routing_list"):
        assert f'href="{reverse(name)}"' in html
    client.force_login(role_users["sales"])
    assert f'href="{reverse("planning:routing_list")}"' in client.get(reverse("orders:list")).content.decode()


@pytest.mark.parametrize("role", ["sales", "order_desk", "warehouse", "production", "qc", "shipping", "manager"])
def test_only_planners_change_planning_master_data(client, role_users, role):
    calendar = make_calendar("Day")
    center = make_work_center("LATHE", calendar=calendar)
    item = made_item("SHAFT")
    client.force_login(role_users[role])
    for name, args in [("planning:work_center_list", []), ("planning:work_center_edit", [center.pk]),
                       ("planning:calendar_list", []), ("planning:calendar_edit", [calendar.pk]),
                       ("planning:routing_list", []), ("planning:routing_edit", [item.pk])]:
        assert client.get(reverse(name, args=args)).status_code == 200, name
    for name, args in [("planning:work_center_create", []), ("planning:calendar_create", []),
                       ("planning:work_center_import", []), ("planning:routing_import", [])]:
        assert client.get(reverse(name, args=args)).status_code == 403, name
    assert client.post(reverse("planning:work_center_edit", args=[center.pk]),
                       center_post(calendar, code="LATHE", name="Changed")).status_code == 403
    assert client.post(reverse("planning:calendar_edit", args=[calendar.pk]), {"action": "shifts"}).status_code == 403
    assert client.post(reverse("planning:routing_edit", args=[item.pk]), {"action": "save"}).status_code == 403
    center.refresh_from_db()
    assert center.name == "Work center LATHE" and calendar.shifts.count() == 10


# --- query counts --------------------------------------------------------------------------------

def count_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("url_name", ["planning:work_center_list", "planning:calendar_list",
                                      "planning:routing_list"])
def test_list_pages_cost_the_same_for_3_and_30_rows(client, planner, url_name):
    client.force_login(planner)
    url = reverse(url_name)

    def add(n):
        for _ in range(n):
            calendar = make_calendar()
            center = make_work_center(calendar=calendar)
            make_routing(made_item(), [(10, center, 5, 1), (20, center, 0, "0.5")])

    add(3)
    small = count_queries(client, url)
    add(27)
    assert count_queries(client, url) == small
    assert small <= 10


# --- Django admin --------------------------------------------------------------------------------

def test_admin_applies_the_same_rules_and_keeps_routings_read_only(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("root", "root@example.com", "pw-OrderFlow-2026"))
    empty = make_calendar("Empty", shifts=[])
    response = client.post(reverse("admin:planning_workcenter_add"), {
        "code": "WC-9", "name": "Admin", "parallel_units": "1", "efficiency_percent": "100",
        "calendar": str(empty.pk), "cost_rate_per_hour": "0", "currency": "CNY", "is_active": "on"})
    assert response.status_code == 200
    assert ("Calendar Empty has no working time (no shifts): give it shifts before assigning it to a work center."
            in response.content.decode())
    assert not WorkCenter.objects.exists()
    routing = make_routing(made_item("SHAFT"), [(10, make_work_center("LATHE"), 5, 1)])
    assert client.get(reverse("admin:planning_routing_change", args=[routing.pk])).status_code == 200
    assert client.post(reverse("admin:planning_routing_delete", args=[routing.pk]), {"post": "yes"}).status_code == 403
    assert client.get(reverse("admin:planning_workcalendar_changelist")).status_code == 200
