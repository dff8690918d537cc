import subprocess
from decimal import Decimal

import pytest

from documents import registry
from orders.models import OrderStatus, Priority
from tests.fixtures.factories import CustomerFactory, ProductFactory, make_order


@pytest.fixture(autouse=True)
def media_root(request, settings, tmp_path):
    """Generated files go to a per-test folder, except in worker tests: the worker (another process)
    writes to the configured MEDIA_ROOT, and the test must read the same place."""
    if request.node.get_closest_marker("worker") is None:
        settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def pdf_text(document):
    """The text of a document's PDF as poppler's pdftotext lays it out."""
    result = subprocess.run(["pdftotext", "-layout", document.file.path, "-"], capture_output=True, text=True,
                            check=True, timeout=60)
    return result.stdout


@pytest.fixture
def customer():
    return CustomerFactory(code="HD001", name="华东精密机械有限公司",
                           name_en="East China Precision Machinery Co., Ltd.",
                           contact_name="王小明", contact_phone="+86 21 5555 0101", contact_email="buyer@hdjm.example",
                           billing_address="上海市浦东新区张江路 88 号",
                           shipping_address="江苏省苏州市工业园区星湖街 1 号", language="zh-hans")


@pytest.fixture
def approved_order(sales, customer):
    products = [ProductFactory(sku="CL-500", name="工业清洁剂", specification="500ml 瓶装"),
                ProductFactory(sku="GR-KG", name="润滑脂", specification="锂基 2#", unit="kg",
                               list_price=Decimal("88.00"))]
    return make_order(creator=sales, status=OrderStatus.APPROVED, customer=customer, products=products,
                      quantities=[Decimal("1200"), Decimal("12.5")], customer_po="PO-HD-7781")


@pytest.fixture
def rush_order(sales, customer):
    return make_order(creator=sales, status=OrderStatus.APPROVED, customer=customer, priority=Priority.RUSH,
                      rush_reason="客户产线停线 line down", requested_in_days=3)


@pytest.fixture
def temporary_kind():
    """Register document kinds for one test only."""
    names = []

    def register(name, **kwargs):
        names.append(name)
        return registry.register(name, **kwargs)

    yield register
    for name in names:
        registry.unregister(name)
