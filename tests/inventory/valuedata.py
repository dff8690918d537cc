"""Inventory value test data: stock postings moved to a chosen time (the ledger is append-only, so the
rows are backdated the way the demo seeder does, inside history.triggers.backdating), costs and rules."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from history.triggers import backdating
from inventory import costs, stock_services
from inventory.models import ItemCost, StockMove
from tests.fixtures.factories import user_with_role
from tests.inventory.stockdata import keeper, receive


def at(posting, when):
    """Move every ledger row of `posting` to `when`; returns the posting."""
    with backdating():
        StockMove._base_manager.filter(move_group=posting.move_group).update(created_at=when)
    return posting


def days_ago(days, now=None):
    return (now or timezone.now()) - timedelta(days=days)


def received(item, location, quantity, when):
    return at(receive(item, location, quantity), when)


def issued(item, location, quantity, when):
    return at(stock_services.issue_stock(actor=keeper(), item=item, location=location,
                                         quantity=Decimal(str(quantity))), when)


def past_cost(item, unit_cost, valid_from, currency="CNY"):
    """A cost row that took effect before today (the service accepts only today or later: past rows are
    history the test starts from)."""
    return ItemCost.objects.create(item=item, unit_cost=Decimal(str(unit_cost)), currency=currency,
                                   valid_from=valid_from)


def manager():
    from django.contrib.auth.models import User

    return User.objects.filter(groups__name="manager").first() or user_with_role("manager")


def rule(kind, days, **fields):
    return costs.save_warning_rule(actor=manager(), name=fields.pop("name", f"{kind} {days}"), kind=kind, days=days,
                                   **fields)
