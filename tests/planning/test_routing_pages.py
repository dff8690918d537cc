"""The routing list and the routing editor per item (formset of operations, versions)."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from planning.models import Routing
from tests.inventory.masterdata import made_item, make_item, make_routing, make_work_center

pytestmark = pytest.mark.django_db


@pytest.fixture
def planner(role_users):
    return role_users["planner"]


def ops_post(rows, *, extra=1, note=""):
    """rows: [(sequence, work center, alternative, setup, run, wait, description, delete)]"""
    data = {"action": "save", "note": note, "valid_from": "", "ops-TOTAL_FORMS": str(len(rows) + extra),
            "ops-INITIAL_FORMS": "0"}
    names = ("sequence", "work_center", "alternative_work_center", "setup_minutes", "run_minutes_per_unit",
             "min_wait_minutes", "description")
    for n, row in enumerate(rows):
        data.update({f"ops-{n}-{name}": value for name, value in zip(names, row[:7], strict=True)})
        if row[7]:
            data[f"ops-{n}-DELETE"] = "on"
    for n in range(len(rows), len(rows) + extra):
        data.update({f"ops-{n}-{name}": "" for name in names})
    return data


def test_routing_list_shows_made_items_and_their_routings(client, planner):
    lathe = make_work_center("LATHE")
    make_routing(made_item("SHAFT"), [(10, lathe, 5, 1), (20, lathe, 0, 2)])
    made_item("GEAR")
    make_item("BOLT")  # bought: no routing
    client.force_login(planner)
    url = reverse("planning:routing_list")
    page = client.get(url)
    assert [(i.code, i.routing_version, i.operation_count) for i in page.context["page"]] == [
        ("GEAR", None, None), ("SHAFT", 1, 2)]
    assert [i.code for i in client.get(url, {"routing": "without"}).context["page"]] == ["GEAR"]


def test_routing_editor_saves_versions(client, planner):
    lathe, mill = make_work_center("LATHE"), make_work_center("MILL")
    shaft = made_item("SHAFT")
    client.force_login(planner)
    url = reverse("planning:routing_edit", args=[shaft.pk])
    page = client.get(url)
    assert "LATHE" in page.content.decode()  # offered in the work center list
    response = client.post(url, ops_post([
        ("10", "LATHE", "MILL", "15", "2.5", "30", "车外圆", False),
        ("20", "MILL — Mill", "", "", "0.75", "", "铣键槽", False)], note="first"))
    assert response.status_code == 302
    routing = Routing.objects.get(item=shaft, is_active=True)
    assert [(o.sequence, o.work_center, o.alternative_work_center, o.setup_minutes, o.run_minutes_per_unit,
             o.min_wait_minutes, o.description) for o in routing.operations.all()] == [
        (10, lathe, mill, Decimal("15"), Decimal("2.5"), Decimal("30"), "车外圆"),
        (20, mill, None, Decimal("0"), Decimal("0.75"), Decimal("0"), "铣键槽")]

    response = client.post(url, ops_post([("10", "LATHE", "MILL", "15", "2.5", "30", "车外圆", False),
                                          ("20", "MILL", "", "0", "0.75", "0", "铣键槽", True)]))
    assert response.status_code == 302
    assert list(Routing.objects.filter(item=shaft).order_by("version").values_list("version", "is_active")) == [
        (1, False), (2, True)]
    client.post(url, {"action": "activate", "version": str(routing.pk)})
    assert Routing.objects.get(item=shaft, is_active=True).version == 1
    shown = client.get(url, {"version": routing.pk})
    assert shown.context["shown"] == routing and "铣键槽" in shown.content.decode()


@pytest.mark.parametrize("rows, message", [
    ([("10", "LATHE", "", "0", "0", "0", "", False)], "Operation 10: Run time per unit must be greater than zero."),
    ([("10", "LATHE", "", "-1", "1", "0", "", False)], "Operation 10: Setup time cannot be negative."),
    ([("10", "LATHE", "LATHE", "0", "1", "0", "", False)],
     "Operation 10: the alternative work center must differ from the work center (LATHE)."),
    ([("10", "LATHE", "", "0", "1", "0", "", False), ("10", "LATHE", "", "0", "2", "0", "", False)],
     "Sequence number 10 is used 2 times: each operation needs its own."),
    ([("10", "LATHE", "", "0", "1", "0", "", True)], "A routing needs at least one operation."),
], ids=["run-zero", "setup-negative", "alternative-same", "duplicate-sequence", "no-operations"])
def test_bad_operations_are_refused_with_a_clear_message(client, planner, rows, message):
    make_work_center("LATHE")
    shaft = made_item("SHAFT")
    client.force_login(planner)
    response = client.post(reverse("planning:routing_edit", args=[shaft.pk]), ops_post(rows))
    assert response.status_code == 200
    assert [str(e) for e in response.context["header"].non_field_errors()] == [message]
    assert not Routing.objects.exists()


def test_row_level_input_errors(client, planner):
    make_work_center("LATHE")
    shaft = made_item("SHAFT")
    client.force_login(planner)
    response = client.post(reverse("planning:routing_edit", args=[shaft.pk]), ops_post([
        ("", "NOPE", "", "0", "abc", "0", "", False), ("20", "", "", "", "", "", "note only", False)]))
    first, second = response.context["formset"].forms[:2]
    assert first.errors["work_center"] == ["No work center with this code. Pick one from the list."]
    assert first.errors["run_minutes_per_unit"] == ["Run per unit (min): “abc” is not a number."]
    assert second.errors == {"work_center": ["Choose a work center."],
                             "run_minutes_per_unit": ["Enter the run time per unit in minutes."]}
    assert not Routing.objects.exists()


def test_routing_editor_costs_the_same_for_2_and_30_operations(client, planner):
    client.force_login(planner)
    centers = [make_work_center() for _ in range(3)]
    small = made_item()
    make_routing(small, [(10, centers[0], 1, 1), (20, centers[1], 1, 1)])
    big = made_item()
    make_routing(big, [(10 * (n + 1), centers[n % 3], 1, 1) for n in range(30)])

    def count(item):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("planning:routing_edit", args=[item.pk])).status_code == 200
        return len(ctx.captured_queries)

    assert count(small) == count(big)
