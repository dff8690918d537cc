from pathlib import Path

import pytest

from edi.models import ProductMapping, TradingPartner
from tests.fixtures.factories import CustomerFactory, ProductFactory, user_with_role

DATA = Path(__file__).parent / "data"


def data(name):
    return (DATA / name).read_text(encoding="utf-8")


@pytest.fixture
def products(db):
    return {sku: ProductFactory(sku=sku, list_price=price, standard_lead_time_days=10)
            for sku, price in (("CL-500", "12.00"), ("CL-750", "16.00"))}


@pytest.fixture
def partner(products):
    owner = user_with_role("sales", username="edi_sales")
    partner = TradingPartner.objects.create(
        code="HX", name="汇星超市", customer=CustomerFactory(code="HX01", name="汇星超市有限公司"),
        sender_id="4012345000009", sender_qualifier="14", our_id="6901234000004", our_qualifier="14",
        order_owner=owner)
    ProductMapping.objects.create(partner=partner, partner_code="HX-4711", product=products["CL-500"])
    ProductMapping.objects.create(partner=partner, partner_code="HX-4712", product=products["CL-750"])
    return partner


@pytest.fixture
def desk(db):
    return user_with_role("order_desk", username="edi_desk")
