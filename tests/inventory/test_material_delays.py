"""Material delay requests (物料延误申请): the new expected date reaches the purchase order line and the
requirements, exactly the orders short of the item are marked at risk with an event and alert their
owners (high for rush), bad input changes nothing; the list and form pages."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from alerts.models import Alert
from inventory import material_delays, requirements
from inventory.models import MaterialDelay, PurchaseOrderEvent
from inventory.purchasing import order_demand
from inventory.reservations import reserve_stock
from orders.models import Order, OrderEvent, OrderStatus
from tests.fixtures.factories import user_with_role
from tests.inventory.materialdata import buyer, in_days, machine_order, make_machine, make_supplier, sent_po
from tests.inventory.stockdata import keeper, make_location, make_warehouse, receive

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.fixture
def machine():
    return make_machine()


@pytest.fixture
def shop(machine):
    """Orders for 1 machine each (6 gaskets): A approved and short, B planned rush and short, C covered by
    a reservation, D a draft (not waiting for materials). 6 gaskets in stock, reserved for C."""
    shelf = make_location("A-01", warehouse=make_warehouse("WH1"))
    sales = user_with_role("sales")
    receive(machine.gasket, shelf, "6", lot="GK-1")
    receive(machine.screw, shelf, "100", lot="SC-1")
    orders = {
        "A": machine_order(machine, quantity="1", sales=sales),
        "B": machine_order(machine, quantity="1", sales=sales, status=OrderStatus.PLANNED, priority="rush",
                           rush_reason="trade fair"),
        "C": machine_order(machine, quantity="1", sales=sales),
        "D": machine_order(machine, quantity="1", sales=sales, status=OrderStatus.DRAFT),
    }
    reserve_stock(actor=keeper(), item=machine.gasket, quantity=D("6"), demand=order_demand(orders["C"]),
                  order=orders["C"])
    po = sent_po(make_supplier(), [(machine.gasket, 20, 3)])
    return {"orders": orders, "sales": sales, "po": po, "line": po.lines.get(), "shelf": shelf}


def state():
    return (MaterialDelay.objects.count(), Alert.objects.count(), OrderEvent.objects.filter(action="at_risk").count(),
            list(Order.objects.order_by("pk").values_list("at_risk", "at_risk_reason")),
            PurchaseOrderEvent.objects.count())


def test_a_delay_marks_exactly_the_orders_short_of_the_item_at_risk(machine, shop):
    orders = shop["orders"]
    assert requirements.order_requirements(orders["A"]).component(machine.gasket).covered_on == in_days(3)
    planner = buyer()
    delay = material_delays.record_material_delay(actor=planner, item=machine.gasket, line=shop["line"],
                                                  new_expected_date=in_days(10), reason="供应商停电 supplier power cut")
    assert delay.number.startswith(f"MD-{timezone.localdate().year}-")
    assert (delay.previous_expected_date, delay.new_expected_date) == (in_days(3), in_days(10))
    shop["line"].refresh_from_db()
    assert shop["line"].expected_date == in_days(10)
    assert shop["po"].events.filter(action="expected_date").count() == 1
    # The requirements follow the new date.
    assert requirements.order_requirements(orders["A"]).component(machine.gasket).covered_on == in_days(10)

    assert set(delay.affected_orders.all()) == {orders["A"], orders["B"]}
    for key in ("A", "B"):
        order = Order.objects.get(pk=orders[key].pk)
        assert order.at_risk and delay.number in order.get_at_risk_reason_display() and order.at_risk_since is not None
        event = OrderEvent.objects.get(order=order, action="at_risk")
        assert (event.actor, event.from_status, event.to_status) == (planner, order.status, order.status)
        assert "supplier power cut" in event.get_note_display()
    for key in ("C", "D"):
        assert not Order.objects.get(pk=orders[key].pk).at_risk

    alerts = {a.params["order"]: a for a in Alert.objects.filter(kind="material_delay")}
    assert set(alerts) == {orders["A"].number, orders["B"].number}
    assert (alerts[orders["A"].number].severity, alerts[orders["B"].number].severity) == ("info", "high")
    recipients = set(alerts[orders["A"].number].recipients.values_list("user__username", flat=True))
    assert planner.username in recipients and keeper().username not in recipients
    # B is a rush order: the default rule tells the warehouse too and escalates to a manager at once.
    rush_alert = alerts[orders["B"].number]
    recipients = set(rush_alert.recipients.values_list("user__username", flat=True))
    assert shop["sales"].username in recipients and planner.username in recipients
    assert keeper().username in recipients and rush_alert.level == 1


def test_an_order_already_at_risk_keeps_its_since_time(machine, shop):
    first = material_delays.record_material_delay(actor=buyer(), item=machine.gasket, new_expected_date=in_days(5),
                                                  reason="late truck")
    since = Order.objects.get(pk=shop["orders"]["A"].pk).at_risk_since
    second = material_delays.record_material_delay(actor=buyer(), item=machine.gasket,
                                                   new_expected_date=in_days(8), reason="later still")
    order = Order.objects.get(pk=shop["orders"]["A"].pk)
    assert order.at_risk_since == since and second.number in order.get_at_risk_reason_display()
    assert first.purchase_order_line is None and first.previous_expected_date is None
    assert OrderEvent.objects.filter(order=order, action="at_risk").count() == 2


def test_bad_delays_are_refused_and_change_nothing(machine, shop):
    before = state()
    cases = [
        ({"new_expected_date": timezone.localdate() - timedelta(days=1), "reason": "x"}, "new_expected_date"),
        ({"new_expected_date": in_days(4), "reason": "  "}, "reason"),
        ({"new_expected_date": None, "reason": "x"}, "new_expected_date"),
    ]
    for kwargs, field in cases:
        with pytest.raises(ValidationError) as info:
            material_delays.record_material_delay(actor=buyer(), item=machine.gasket, line=shop["line"], **kwargs)
        assert field in info.value.message_dict
    with pytest.raises(ValidationError, match="another item"):
        material_delays.record_material_delay(actor=buyer(), item=machine.steel, line=shop["line"],
                                              new_expected_date=in_days(4), reason="x")
    with pytest.raises(PermissionDenied):
        material_delays.record_material_delay(actor=user_with_role("sales"), item=machine.gasket,
                                              new_expected_date=in_days(4), reason="x")
    assert state() == before


def test_delay_pages(client, machine, shop):
    client.force_login(keeper())
    response = client.post(reverse("inventory:material_delay_create"), {
        "item": "RM-GASKET", "purchase_order_line": shop["line"].pk, "new_expected_date": in_days(12).isoformat(),
        "reason": "港口拥堵 port congestion"})
    assert response.status_code == 302
    page = client.get(reverse("inventory:material_delay_list"), {"q": shop["orders"]["B"].number}).content.decode()
    delay = MaterialDelay.objects.get()
    assert delay.number in page and "port congestion" in page and shop["orders"]["B"].number in page
    assert client.get(reverse("inventory:material_delay_list"), {"q": "NO-MATCH"}).content.decode().count(
        'data-testid="delay-row"') == 0
    bad = client.post(reverse("inventory:material_delay_create"), {
        "item": "RM-GASKET", "new_expected_date": "2000-01-01", "reason": "x"})
    assert bad.status_code == 200 and MaterialDelay.objects.count() == 1
    assert "past" in bad.content.decode()
    client.force_login(user_with_role("sales"))
    assert client.get(reverse("inventory:material_delay_list")).status_code == 403
    assert client.get(reverse("inventory:material_delay_create")).status_code == 403


def test_the_receipt_that_makes_a_delayed_order_ready_clears_its_risk(machine, shop):
    from inventory import goods_receipts
    from inventory.goods_receipts import ReceiptInput

    orders = shop["orders"]
    delay = material_delays.record_material_delay(actor=buyer(), item=machine.gasket, line=shop["line"],
                                                  new_expected_date=in_days(6), reason="late")
    receive(machine.steel, shop["shelf"], "10", lot="ST-1")  # only the gaskets are missing now
    goods_receipts.receive_goods(actor=keeper(), line=shop["line"],
                                 data=ReceiptInput(quantity=D("6"), location=shop["shelf"], lot_number="GK-2"))
    # 6 free gaskets: each short order alone is ready now (free stock is offered to every order).
    for key in ("A", "B"):
        order = Order.objects.get(pk=orders[key].pk)
        assert not order.at_risk and order.at_risk_since is None
        event = OrderEvent.objects.get(order=order, action="at_risk_cleared")
        assert delay.number in event.get_note_display() and event.actor == keeper()
