"""Two sales managers save overlapping price lists of one grade and currency at the same moment: the lists of
that group are locked before the overlap check, so one is saved and the other is refused (PostgreSQL)."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from sales import price_list_services as services
from sales.models import PriceList
from tests.fixtures.concurrency import postgres_only, run_together  # noqa: F401 - fixture
from tests.fixtures.factories import ProductFactory, user_with_role

from .setup import in_days

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_overlapping_lists_saved_at_once_make_one(postgres_only):  # noqa: F811 - the fixture
    manager = user_with_role("manager", username="boss")
    other = user_with_role("manager", username="boss2")
    product = ProductFactory(sku="W-100")
    PriceList.objects.create(name="B 2025", grade="B", currency="CNY", valid_from=in_days(-400),
                             valid_until=in_days(-300), created_by=manager)  # the group has a row to lock

    def save(actor, name):
        return lambda: services.create_price_list(
            actor=actor, name=name, grade="B", currency="CNY", valid_from=in_days(0),
            items=[services.PriceLineInput(product, Decimal("1"), Decimal("10"))])

    results = run_together(save(manager, "B 一"), save(other, "B 二"))
    saved = [r for r in results if isinstance(r, PriceList)]
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(saved) == 1 and len(refused) == 1, results
    assert PriceList.objects.filter(grade="B", valid_until__isnull=True).count() == 1
