"""The purchase plan and forecast pages through the test client: who may see and act, a fixed number of
queries, the "run now" button running MRP through Celery (eager here), approvals and their refusals."""

from decimal import Decimal

import pytest
from django.urls import reverse

from inventory import mrp_plans, services
from inventory.models import MrpLine, MrpRun, PurchaseRequest
from orders.models import OrderStatus
from tests.fixtures.factories import user_with_role
from tests.inventory.materialdata import machine_order, make_machine, make_supplier

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def planned():
    machine = make_machine()
    supplier = make_supplier("S-GK")
    services.update_item(actor=user_with_role("admin"), item=machine.gasket, preferred_supplier=supplier,
                         order_multiple=Decimal("50"))
    for n in range(3):
        machine_order(machine, quantity=str(5 + n), status=OrderStatus.APPROVED, requested_in_days=20 + n)
    return machine, supplier


def login(client, role):
    user = user_with_role(role)
    client.force_login(user)
    return user


def test_the_planner_runs_mrp_from_the_page_and_approves_lines(client, planned, django_assert_max_num_queries):
    machine, supplier = planned
    planner = login(client, "planner")
    page = client.get(reverse("inventory:purchase_plan"))
    assert page.status_code == 200 and b'data-testid="no-run"' in page.content

    answer = client.post(reverse("inventory:purchase_plan_run"), {"horizon_days": "28"}, follow=True)
    run = MrpRun.objects.get()
    assert (run.started_by, run.horizon_days, run.orders_planned) == (planner, 28, 3)
    assert 'data-item="RM-GASKET"' in answer.content.decode()

    for _more in range(2):  # more orders, same number of queries
        machine_order(machine, quantity="4", status=OrderStatus.APPROVED)
    mrp_plans.run_mrp(actor=planner)
    with django_assert_max_num_queries(20):
        client.get(reverse("inventory:purchase_plan"))

    gasket = MrpLine.objects.filter(run=MrpRun.objects.order_by("-pk").first(), item=machine.gasket).order_by(
        "need_date").first()
    assert gasket.quantity % 50 == 0 and gasket.supplier == supplier
    client.post(reverse("inventory:purchase_plan_approve"), {"lines": [gasket.pk]})
    request = PurchaseRequest.objects.get()
    assert MrpLine.objects.get(pk=gasket.pk).purchase_request == request
    again = client.post(reverse("inventory:purchase_plan_approve"), {"lines": [gasket.pk]}, follow=True)
    assert request.number in again.content.decode() and PurchaseRequest.objects.count() == 1
    bad = client.post(reverse("inventory:purchase_plan_run"), {"horizon_days": "0"}, follow=True)
    assert MrpRun.objects.count() == 2 and bad.status_code == 200


def test_roles_without_the_permissions_are_refused(client, planned):
    login(client, "sales")
    assert client.get(reverse("inventory:purchase_plan")).status_code == 403
    login(client, "warehouse")
    assert client.get(reverse("inventory:purchase_plan")).status_code == 200
    assert client.post(reverse("inventory:purchase_plan_run"), {"horizon_days": "28"}).status_code == 403
    assert client.post(reverse("inventory:purchase_plan_approve"), {"lines": ["1"]}).status_code == 403
    assert MrpRun.objects.count() == 0


def test_the_forecast_page_draws_history_and_forecast(client, planned):
    machine, _supplier = planned
    services.update_item(actor=user_with_role("admin"), item=machine.finished, make_to_stock=True)
    planner = login(client, "planner")
    mrp_plans.run_mrp(actor=planner, horizon_days=28)
    page = client.get(reverse("inventory:forecasts")).content.decode()
    assert 'data-item="FG-CM"' in page
    assert page.count('data-kind="history"') == 26 and page.count('data-kind="forecast"') == 4
