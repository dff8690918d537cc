from decimal import Decimal

import pytest

# Generated files in a per-test MEDIA_ROOT except for worker tests, and pdftotext: as for every document.
from tests.documents.conftest import media_root, pdf_text  # noqa: F401
from tests.fixtures.factories import CustomerFactory, user_with_role
from tests.shipping.helpers import deliver, fg_location, finished_good, pick, produce, qc_passed_order, ship


@pytest.fixture
def finance(db):
    return user_with_role("finance", username="finance-1")


@pytest.fixture
def shipper(db):
    return user_with_role("shipping")


@pytest.fixture
def desk(db):
    return user_with_role("order_desk")


def shipped_order(shipper, *, quantity=10, price="88.50", customer=None, lot="ST-1", delivered=False, **kwargs):
    """An order of one product (at `price`) shipped in full: (order, shipment)."""
    product, item = finished_good(list_price=Decimal(price))
    location = fg_location()
    order = qc_passed_order([product], [quantity], customer=customer or CustomerFactory(
        shipping_address="上海市浦东新区张江路 88 号", contact_name="王经理"), **kwargs)
    made = produce(order, item, location, quantity, lot).moves[0].lot
    shipment = ship(shipper, order, [pick(order, 1, made, location, quantity)])
    if delivered:
        deliver(shipper, shipment)
    return order, shipment
