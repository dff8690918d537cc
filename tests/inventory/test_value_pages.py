"""The inventory value pages over HTTP: who may see and change what, the exports (formulas neutralised),
the rule form refusing bad input with nothing written, and a value page whose query count does not grow
with the number of items."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from inventory.models import ItemCost, StockWarningRule
from tests.fixtures.factories import user_with_role
from tests.inventory.masterdata import make_item
from tests.inventory.stockdata import make_location, make_warehouse
from tests.inventory.valuedata import past_cost, received

pytestmark = pytest.mark.django_db


@pytest.fixture
def shelf():
    return make_location("A-01", warehouse=make_warehouse("WH1"))


def stocked(shelf, code, name="Steel"):
    item = make_item(code, name=name, unit="kg")
    past_cost(item, "2.50", timezone.localdate() - timedelta(days=1))
    received(item, shelf, "4", timezone.now())
    return item


@pytest.mark.parametrize(("role", "status"), [("sales", 403), ("qc", 403), ("warehouse", 200), ("manager", 200)])
def test_who_sees_the_value(client, role, status):
    client.force_login(user_with_role(role))
    assert client.get(reverse("inventory:value")).status_code == status


def test_the_warehouse_may_not_set_a_cost(client, shelf):
    item = stocked(shelf, "RM-1")
    client.force_login(user_with_role("warehouse"))
    response = client.post(reverse("inventory:item_cost_add", args=[item.pk]), {"unit_cost": "9", "currency": "CNY"})
    assert response.status_code == 403
    assert ItemCost.objects.filter(item=item).count() == 1


def test_value_export_csv_neutralises_formulas(client, shelf):
    stocked(shelf, "RM-1", name="=HYPERLINK(\"http://x\")")
    client.force_login(user_with_role("manager"))
    response = client.get(reverse("inventory:value_export", args=["csv"]))
    assert response.status_code == 200
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Item code,Item,Category,Warehouse,Location,Quantity")
    assert lines[1].startswith("RM-1,\"'=HYPERLINK(\"\"http://x\"\")\",,WH1,A-01,4")
    assert lines[1].endswith(",2.5000,CNY,10.00")
    assert client.get(reverse("inventory:value_export", args=["pdf"])).status_code == 404
    xlsx = client.get(reverse("inventory:turnover_export", args=["xlsx"]))
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"


def test_value_page_query_count_does_not_grow(client, shelf, django_assert_max_num_queries):
    client.force_login(user_with_role("manager"))
    counts = []
    for n in (2, 12):
        for i in range(n):
            stocked(shelf, f"RM-{n}-{i}")
        with django_assert_max_num_queries(30) as captured:
            assert client.get(reverse("inventory:value") + "?group_by=category").status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1]


def test_rule_form_refuses_bad_input_and_saves_good(client):
    client.force_login(user_with_role("manager"))
    url = reverse("inventory:warning_rule_create")
    response = client.post(url, {"name": "Slow", "kind": "slow_moving", "days": "0", "demand_window_days": "90",
                                 "is_active": "on"})
    assert response.status_code == 200 and not StockWarningRule.objects.exists()
    assert 'data-field="days"' in response.content.decode()
    response = client.post(url, {"name": "Slow", "kind": "slow_moving", "days": "45", "demand_window_days": "90",
                                 "is_active": "on"})
    assert response.status_code == 302
    assert StockWarningRule.objects.get().days == 45
    client.force_login(user_with_role("warehouse"))
    assert client.get(url).status_code == 403


def test_the_stock_page_an_alert_links_to_names_the_open_warning(client, shelf):
    from inventory.models import WarningKind
    from inventory.stock_warnings import evaluate_stock_warnings
    from tests.inventory.valuedata import days_ago, rule

    idle = make_item("RM-IDLE", unit="kg")
    received(idle, shelf, "5", days_ago(40))
    rule(WarningKind.SLOW_MOVING, 30, name="滞销 30 天")
    [warning] = evaluate_stock_warnings().raised
    assert warning.alert.link == reverse("inventory:stock_item", args=[idle.pk])
    client.force_login(user_with_role("warehouse"))
    body = client.get(warning.alert.link).content.decode()
    assert 'data-testid="item-stock-warnings"' in body and "滞销 30 天" in body
    client.force_login(user_with_role("sales"))  # sees stock, not the warnings
    assert 'data-testid="item-stock-warnings"' not in client.get(warning.alert.link).content.decode()
