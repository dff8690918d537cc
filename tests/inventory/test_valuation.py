"""Inventory value at a day (cost history), turnover math, the slow-moving and overstock rules with their
alerts (one open alert per item and rule), and bad input refused with nothing written. Real PostgreSQL."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from alerts.models import Alert
from audit.models import ChangeLogEntry
from inventory import costs
from inventory.models import ItemCategory, ItemCost, StockWarning, StockWarningRule, WarningKind
from inventory.stock_warnings import evaluate_stock_warnings, open_warning_counts
from inventory.valuation import GROUP_BY_CATEGORY, day_start, inventory_value, item_turnover
from tests.fixtures.factories import user_with_role
from tests.inventory.masterdata import make_item
from tests.inventory.stockdata import make_location, make_warehouse
from tests.inventory.valuedata import days_ago, issued, manager, past_cost, received, rule

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.fixture
def shelves():
    warehouse = make_warehouse("WH1")
    return make_location("A-01", warehouse=warehouse), make_location("B-01", warehouse=warehouse)


def test_value_at_a_day_uses_the_cost_in_force_that_day(shelves):
    a, b = shelves
    today = timezone.localdate()
    raw = ItemCategory.objects.create(code="RM", name="原材料")
    steel = make_item("RM-1", name="Steel", unit="kg", category=raw)
    past_cost(steel, "10.00", today - timedelta(days=30))
    costs.set_item_cost(actor=manager(), item=steel, unit_cost=D("12.5"), currency="CNY")  # from today
    costs.set_item_cost(actor=manager(), item=steel, unit_cost=D("99"), currency="CNY",
                        valid_from=today + timedelta(days=10))  # not yet
    received(steel, a, "100", days_ago(20))
    received(steel, b, "50", timezone.now())

    ten_days_ago = inventory_value(today - timedelta(days=10))
    assert ten_days_ago.totals == [("CNY", D("1000.00"))]  # 100 kg × 10.00, the B receipt came later
    assert [(g.label, g.money) for g in ten_days_ago.groups] == [("WH1 · A-01", [("CNY", D("1000.00"))])]

    now = inventory_value()
    assert now.totals == [("CNY", D("1875.00"))]  # 150 kg × 12.50
    assert [(g.label, g.money) for g in now.groups] == [("WH1 · A-01", [("CNY", D("1250.00"))]),
                                                        ("WH1 · B-01", [("CNY", D("625.00"))])]
    by_category = inventory_value(group_by=GROUP_BY_CATEGORY)
    assert [(g.label, g.money) for g in by_category.groups] == [("RM 原材料", [("CNY", D("1875.00"))])]
    assert inventory_value(today - timedelta(days=25)).totals == []  # no stock yet


def test_totals_per_currency_and_stock_without_cost_is_listed_not_counted(shelves):
    a, _b = shelves
    today = timezone.localdate()
    steel, resin, glue = make_item("RM-1", unit="kg"), make_item("RM-2", unit="kg"), make_item("RM-3")
    past_cost(steel, "2.3333", today - timedelta(days=1))
    past_cost(resin, "1.10", today - timedelta(days=1), currency="USD")
    for item in (steel, resin, glue):
        received(item, a, "3", timezone.now())

    valuation = inventory_value()
    assert valuation.totals == [("CNY", D("7.00")), ("USD", D("3.30"))]  # 3 × 2.3333 = 6.9999 → 7.00
    assert [item.code for item in valuation.unvalued] == ["RM-3"]
    assert [(line[0].code, line[4]) for line in valuation.lines] == [("RM-1", D("7.00")), ("RM-2", D("3.30")),
                                                                     ("RM-3", None)]


def test_turnover_is_issues_over_time_weighted_average_stock(shelves):
    a, _b = shelves
    today = timezone.localdate()
    date_from = today - timedelta(days=9)  # ten whole days
    start = day_start(date_from)
    steel = make_item("RM-1", unit="kg")
    past_cost(steel, "4.00", today - timedelta(days=60))
    past_cost(steel, "6.00", today - timedelta(days=2))
    received(steel, a, "100", start - timedelta(days=1))
    issued(steel, a, "50", start + timedelta(days=5))  # halfway: 100 for five days, 50 for five days
    issued(steel, a, "10", start + timedelta(days=8, hours=12))

    [row] = item_turnover(date_from, today)
    assert (row.opening, row.closing, row.issued) == (D("100"), D("40"), D("60"))
    # (100 × 5 + 50 × 3.5 + 40 × 1.5) / 10 days = 73.5
    assert row.average == D("73.500")
    assert row.turns == D("0.82")  # 60 / 73.5
    assert row.days_of_cover == D("6.7")  # 40 / (60 / 10)
    assert row.issue_values == [("CNY", D("260.00"))]  # 50 × 4.00 before the change, 10 × 6.00 after


def test_an_item_without_issues_has_no_cover_and_sorts_first(shelves):
    a, _b = shelves
    idle, busy = make_item("RM-IDLE"), make_item("RM-BUSY")
    received(idle, a, "5", days_ago(3))
    received(busy, a, "20", days_ago(3))
    issued(busy, a, "10", days_ago(1))
    rows = item_turnover(timezone.localdate() - timedelta(days=6), timezone.localdate())
    assert [r.item.code for r in rows] == ["RM-IDLE", "RM-BUSY"]
    assert rows[0].turns == 0 and rows[0].days_of_cover is None


@pytest.fixture
def warning_items(shelves):
    a, _b = shelves
    idle = make_item("RM-IDLE", name="Idle resin", unit="kg")  # received 40 days ago, never issued
    received(idle, a, "80", days_ago(40))
    heap = make_item("RM-HEAP", name="Heaped bottles")  # 1,000 in stock, 30 issued over 30 days: 1 a day
    received(heap, a, "1030", days_ago(35))
    for day in range(1, 31):
        issued(heap, a, "1", days_ago(day) + timedelta(hours=1))
    busy = make_item("RM-BUSY", name="Busy film")  # issued yesterday, 10 days of stock
    received(busy, a, "110", days_ago(20))
    issued(busy, a, "100", days_ago(1))
    return idle, heap, busy


def test_rules_raise_one_warning_and_one_alert_per_item_and_rule(warning_items):
    idle, heap, busy = warning_items
    slow = rule(WarningKind.SLOW_MOVING, 30)
    over = rule(WarningKind.OVERSTOCK, 60, demand_window_days=30)

    result = evaluate_stock_warnings()
    found = {(w.rule_id, w.item.code) for w in result.raised}
    assert found == {(slow.pk, "RM-IDLE"), (over.pk, "RM-HEAP")}
    warning = StockWarning.objects.get(rule=over)
    assert warning.daily_demand == D("1.000") and warning.days_of_cover == D("1000.0")
    assert open_warning_counts() == {"slow_moving": 1, "overstock": 1}
    alerts = Alert.objects.filter(kind__in=["stock_slow_moving", "stock_overstock"])
    assert alerts.count() == 2
    with translation.override("zh-hans"):
        subjects = sorted(a.rendered_subject() for a in alerts)
    assert "RM-HEAP 库存积压：库存够用 1,000 天" in subjects
    assert "RM-IDLE 滞销：已 30 天没有发料" in subjects
    with translation.override("en"):
        assert Alert.objects.get(kind="stock_slow_moving").rendered_subject() == (
            "RM-IDLE is slow-moving: no issue for 30 days")

    again = evaluate_stock_warnings()  # the next day's run, or a retried task
    assert again.raised == [] and again.kept == 2
    assert Alert.objects.filter(kind__in=["stock_slow_moving", "stock_overstock"]).count() == 2


def test_a_warning_clears_when_its_rule_no_longer_holds_and_a_new_one_alerts_again(warning_items, shelves):
    idle, _heap, _busy = warning_items
    a, _b = shelves
    slow = rule(WarningKind.SLOW_MOVING, 30)
    evaluate_stock_warnings()
    issued(idle, a, "1", timezone.now())
    result = evaluate_stock_warnings()
    assert result.cleared == 1 and result.raised == []
    assert StockWarning.objects.get(rule=slow, item=idle).cleared_at is not None
    assert open_warning_counts()["slow_moving"] == 0

    later = evaluate_stock_warnings(now=timezone.now() + timedelta(days=31))  # idle again a month on
    assert idle in [w.item for w in later.raised]
    assert StockWarning.objects.filter(rule=slow, item=idle).count() == 2
    assert Alert.objects.filter(kind="stock_slow_moving", params__code="RM-IDLE").count() == 2


def test_switched_off_rules_and_filters(warning_items):
    idle, heap, _busy = warning_items
    packaging = rule(WarningKind.SLOW_MOVING, 30, item_type="packaging")  # no packaging items here
    slow = rule(WarningKind.SLOW_MOVING, 30)
    assert {w.item for w in evaluate_stock_warnings().raised} == {idle}
    assert not StockWarning.objects.filter(rule=packaging).exists()
    costs.save_warning_rule(actor=manager(), rule=slow, is_active=False)
    assert evaluate_stock_warnings().cleared == 1
    assert open_warning_counts() == {"slow_moving": 0, "overstock": 0}
    assert ChangeLogEntry.objects.filter(object_id=str(slow.pk)).count() == 2  # created, switched off


def test_the_daily_task_is_registered_and_idempotent(warning_items):
    from django.conf import settings

    from inventory.tasks import evaluate_stock_warnings as task

    rule(WarningKind.SLOW_MOVING, 30)
    assert settings.CELERY_BEAT_SCHEDULE["evaluate-stock-warnings"]["task"] == "inventory.tasks.evaluate_stock_warnings"
    assert task.apply().get() == {"raised": 1, "kept": 0, "cleared": 0}
    assert task.apply().get() == {"raised": 0, "kept": 1, "cleared": 0}


# --- bad input ---------------------------------------------------------------------------------------

def _nothing_written(call, field, fragment):
    before = (ItemCost.objects.count(), ChangeLogEntry.objects.count())
    with pytest.raises(ValidationError) as exc:
        call()
    assert fragment in " ".join(exc.value.message_dict[field])
    assert (ItemCost.objects.count(), ChangeLogEntry.objects.count()) == before


@pytest.mark.parametrize(("value", "currency", "valid_from", "field", "fragment"), [
    (D("-1"), "CNY", None, "unit_cost", "negative"),
    (D("1.23456"), "CNY", None, "unit_cost", "4 after"),
    (D("NaN"), "CNY", None, "unit_cost", "number"),
    ("abc", "CNY", None, "unit_cost", "number"),
    (D("12345678901"), "CNY", None, "unit_cost", "10 digits"),
    (D("1"), "XXX", None, "currency", "currency"),
    (D("1"), "CNY", -1, "valid_from", "today or later"),
])
def test_bad_costs_are_refused_with_nothing_written(value, currency, valid_from, field, fragment):
    steel = make_item("RM-1")
    day = timezone.localdate() + timedelta(days=valid_from) if valid_from is not None else None
    _nothing_written(lambda: costs.set_item_cost(actor=manager(), item=steel, unit_cost=value, currency=currency,
                                                 valid_from=day), field, fragment)


def test_a_second_cost_on_the_same_day_is_refused():
    steel = make_item("RM-1")
    costs.set_item_cost(actor=manager(), item=steel, unit_cost=D("1"), currency="CNY")
    _nothing_written(lambda: costs.set_item_cost(actor=manager(), item=steel, unit_cost=D("2"), currency="CNY"),
                     "valid_from", "next day")


def test_only_planners_and_managers_set_costs_and_only_managers_keep_rules():
    steel = make_item("RM-1")
    with pytest.raises(PermissionDenied):
        costs.set_item_cost(actor=user_with_role("warehouse"), item=steel, unit_cost=D("1"), currency="CNY")
    costs.set_item_cost(actor=user_with_role("planner"), item=steel, unit_cost=D("1"), currency="CNY")
    with pytest.raises(PermissionDenied):
        costs.save_warning_rule(actor=user_with_role("planner"), name="x", kind="overstock", days=5)
    assert not StockWarningRule.objects.exists()


@pytest.mark.parametrize(("fields", "field"), [
    ({"name": " ", "kind": "overstock", "days": 5}, "name"),
    ({"name": "x", "kind": "nope", "days": 5}, "kind"),
    ({"name": "x", "kind": "overstock", "days": 0}, "days"),
    ({"name": "x", "kind": "overstock", "days": 5, "demand_window_days": 4000}, "demand_window_days"),
])
def test_bad_rules_are_refused_with_nothing_written(fields, field):
    with pytest.raises(ValidationError) as exc:
        costs.save_warning_rule(actor=manager(), **fields)
    assert field in exc.value.message_dict
    assert not StockWarningRule.objects.exists()
