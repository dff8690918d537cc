"""Shared makings of the sales tests: a customer of grade B, products, a price list and the discount rule."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from orders.models import Customer
from sales.models import DiscountRule, PriceList, PriceListItem
from tests.fixtures.factories import CustomerFactory, ProductFactory, user_with_role

D = Decimal


def in_days(n):
    return timezone.localdate() + timedelta(days=n)


@pytest.fixture
def people(db):
    return {role: user_with_role(role, username=role) for role in ("sales", "manager", "order_desk", "finance",
                                                                   "planner", "admin")}


@pytest.fixture
def shop(people):
    customer: Customer = CustomerFactory(code="C-B1", name="华东机电有限公司", grade="B", currency="CNY")
    widget = ProductFactory(sku="W-100", name="阀门 Valve", list_price=D("120.00"), standard_lead_time_days=12)
    gasket = ProductFactory(sku="G-200", name="垫片 Gasket", list_price=D("8.00"), standard_lead_time_days=5)
    price_list = PriceList.objects.create(name="B级 2026", grade="B", currency="CNY", valid_from=in_days(-10),
                                          valid_until=in_days(300), created_by=people["manager"])
    PriceListItem.objects.create(price_list=price_list, product=widget, min_quantity=D("1"), unit_price=D("100.00"))
    PriceListItem.objects.create(price_list=price_list, product=widget, min_quantity=D("500"), unit_price=D("90.00"))
    rule = DiscountRule.objects.create(threshold_percent=D("10"), valid_from=in_days(-30), created_by=people["manager"])
    return {"customer": customer, "widget": widget, "gasket": gasket, "price_list": price_list, "rule": rule}
