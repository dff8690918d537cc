"""Time pairs that must be in order (the class of "a proof of delivery before the goods were shipped"):
a received lot's production date is not after its receipt, and a purchase line is not expected before
its purchase order was made. Each refusal names the dates and writes nothing."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from inventory.models import Lot, PurchaseOrderEvent, StockMove
from inventory.purchasing import set_line_expected_date
from inventory.stock_services import LotInput, receive_stock
from tests.inventory.masterdata import make_item
from tests.inventory.materialdata import buyer, make_machine, make_supplier, sent_po
from tests.inventory.stockdata import keeper, make_location

pytestmark = pytest.mark.django_db


def test_a_lot_made_tomorrow_is_not_received():
    item, shelf = make_item("RM-TIME", unit="kg"), make_location("T-01")
    tomorrow = timezone.localdate() + timedelta(days=1)
    with pytest.raises(ValidationError) as refused:
        receive_stock(actor=keeper(), item=item, location=shelf, quantity=Decimal("5"),
                      lot_input=LotInput(number="L-TOMORROW", production_date=tomorrow))
    assert refused.value.message_dict["production_date"] == [
        "The production date cannot be in the future: goods are received after they were made."]
    assert not Lot.objects.filter(number="L-TOMORROW").exists() and not StockMove.objects.exists()
    receive_stock(actor=keeper(), item=item, location=shelf, quantity=Decimal("5"),
                  lot_input=LotInput(number="L-TODAY", production_date=timezone.localdate()))
    assert Lot.objects.filter(number="L-TODAY").exists()


def test_a_purchase_line_is_not_expected_before_its_order_was_made():
    machine = make_machine(prefix="T")
    po = sent_po(make_supplier(), [(machine.gasket, 20, 3)])
    line = po.lines.get()
    events = PurchaseOrderEvent.objects.count()
    with pytest.raises(ValidationError, match=f"cannot be before purchase order {po.number} was made"):
        set_line_expected_date(actor=buyer(), line=line, expected_date=timezone.localdate() - timedelta(days=3),
                               reason="supplier late")
    line.refresh_from_db()
    assert line.expected_date != timezone.localdate() - timedelta(days=3)
    assert PurchaseOrderEvent.objects.count() == events
