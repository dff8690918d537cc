"""Slow-moving and overstock warnings: the daily evaluation of the rules (inventory.models.valuation).

For every active rule and every active item it applies to (its item type and category, when the rule
names them) with stock on hand:

- slow-moving (滞销): no issue for N days — the latest issue that was not reversed, or for an item never
  issued the first time it came into stock, is N or more days ago;
- overstock (积压): free stock (usable: on hand minus reserved, in lots that may be issued) covers more than
  M days of demand. Demand is the recent issue rate: the quantity issued over the rule's demand window
  divided by its days. Stock reserved for open orders is their demand already and is not counted as
  free. An item with no issue in the window has no demand to measure against: the slow-moving rule
  is the one that speaks for it.

Each hit keeps one open StockWarning per item and rule (refreshed with the latest figures); a new one
raises an alert to the warehouse and the managers (message id + values, deduplicated by the warning, so
one open alert per item and rule). A warning whose rule no longer holds is cleared. The evaluation locks
the active rules first, so two runs at once (a retried task) wait for each other instead of raising twice;
it makes no network call (the alert's delivery is queued when the transaction commits).
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Min
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_noop

from alerts.services import create_alert

from .ledger import item_quantities
from .models import Item, StockMove, StockWarning, StockWarningRule, WarningKind
from .units import quantity_text
from .valuation import issued_since, last_issues

ZERO = Decimal("0")
ALERT_ROLES = ("warehouse", "manager")
ALERT_KIND = {WarningKind.SLOW_MOVING: "stock_slow_moving", WarningKind.OVERSTOCK: "stock_overstock"}


@dataclass(frozen=True)
class Finding:
    rule: StockWarningRule
    item: Item
    on_hand: Decimal
    last_issue_at: object
    daily_demand: Decimal = ZERO
    days_of_cover: Decimal | None = None


@dataclass
class Evaluation:
    raised: list
    kept: int
    cleared: int


def _applies(rule, item):
    return ((not rule.item_type or item.item_type == rule.item_type)
            and (rule.category_id is None or item.category_id == rule.category_id))


def find_warnings(rules, *, now):
    """The Findings of `rules` over the active items with stock (a fixed number of queries)."""
    items = {item.pk: item for item in Item.objects.filter(is_active=True, stock_balances__on_hand__gt=0).distinct()}
    quantities = item_quantities(items)
    issued = last_issues(items)
    first_in = dict(StockMove.objects.filter(item_id__in=list(items), quantity__gt=0).values("item_id")
                    .annotate(at=Min("created_at")).values_list("item_id", "at").order_by())
    demand = {window: issued_since(now - timedelta(days=window), items)
              for window in {rule.demand_window_days for rule in rules if rule.kind == WarningKind.OVERSTOCK}}
    findings = []
    for rule in rules:
        for item in items.values():
            on_hand, usable = quantities[item.pk]
            if on_hand <= 0 or not _applies(rule, item):
                continue
            if rule.kind == WarningKind.SLOW_MOVING:
                since = issued.get(item.pk) or first_in.get(item.pk)
                if since is not None and since <= now - timedelta(days=rule.days):
                    findings.append(Finding(rule, item, on_hand, issued.get(item.pk)))
                continue
            daily = demand[rule.demand_window_days].get(item.pk, ZERO) / rule.demand_window_days
            if daily > 0 and usable > daily * rule.days:
                findings.append(Finding(rule, item, on_hand, issued.get(item.pk), daily.quantize(Decimal("0.001")),
                                        (usable / daily).quantize(Decimal("0.1"))))
    return findings


def evaluate_stock_warnings(*, now=None) -> Evaluation:
    """Apply every active rule now: open (and alert) new warnings, refresh the open ones, clear the rest."""
    now = now or timezone.now()
    with transaction.atomic():
        rules = list(StockWarningRule.objects.select_for_update().filter(is_active=True).order_by("pk"))
        findings = {(f.rule.pk, f.item.pk): f for f in find_warnings(rules, now=now)}
        open_ = {(w.rule_id, w.item_id): w for w in StockWarning.objects.select_for_update().filter(
            cleared_at__isnull=True)}
        raised, kept = [], 0
        for key, finding in findings.items():
            warning = open_.pop(key, None)
            figures = {"on_hand": finding.on_hand, "last_issue_at": finding.last_issue_at,
                       "daily_demand": finding.daily_demand, "days_of_cover": finding.days_of_cover,
                       "evaluated_at": now}
            if warning is not None:
                StockWarning.objects.filter(pk=warning.pk).update(**figures)
                kept += 1
                continue
            warning = StockWarning.objects.create(rule=finding.rule, item=finding.item, raised_at=now, **figures)
            warning.alert = _alert(warning, finding)
            warning.save(update_fields=["alert"])
            raised.append(warning)
        # Rules switched off and rules that no longer hold clear their warnings.
        StockWarning.objects.filter(pk__in=[w.pk for w in open_.values()]).update(cleared_at=now, evaluated_at=now)
    return Evaluation(raised=raised, kept=kept, cleared=len(open_))


def _alert(warning, finding):
    item = finding.item
    params = {"code": item.code, "name": item.name, "rule": finding.rule.name, "days": finding.rule.days,
              "on_hand": quantity_text(finding.on_hand, item.unit)}
    if finding.rule.kind == WarningKind.SLOW_MOVING:
        subject = gettext_noop("%(code)s is slow-moving: no issue for %(days)s days")
        body = gettext_noop("%(code)s %(name)s: %(on_hand)s on hand and no issue for %(days)s days (rule "
                            "“%(rule)s”). Use it, sell it off or stop buying it.")
    else:
        params["cover"] = finding.days_of_cover
        subject = gettext_noop("%(code)s is overstocked: %(cover)s days of demand in stock")
        body = gettext_noop("%(code)s %(name)s: %(on_hand)s on hand, enough for %(cover)s days at the recent "
                            "issue rate (rule “%(rule)s”: more than %(days)s days). Hold back purchases.")
    return create_alert(kind=ALERT_KIND[finding.rule.kind], subject=subject, body=body, params=params,
                        link=reverse("inventory:stock_item", args=[item.pk]), roles=ALERT_ROLES,
                        dedupe_key=f"stock-warning:{warning.pk}")


# --- reading -------------------------------------------------------------------------------------------

def open_warning_counts():
    """{kind: number of items with an open warning of that kind} for the home page and dashboard. One query."""
    counts = defaultdict(int)
    rows = (StockWarning.objects.filter(cleared_at__isnull=True).values_list("rule__kind", "item_id").distinct())
    for kind, _item in rows:
        counts[kind] += 1
    return {kind: counts.get(kind, 0) for kind in WarningKind.values}
