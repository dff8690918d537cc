"""An order closes only when settled (settlement.hooks.unsettled, a condition of the order's close through
orders.stage_hooks): every shipment invoiced and every invoice paid, or a settlement exception recorded. And the
credit exposure in its three parts: open orders + shipped not invoiced + invoiced unpaid."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from orders import rules
from orders.models import Order, OrderEvent, OrderStatus
from orders.services import OrderActionRefused, transition_order
from settlement import services
from settlement.models import SettlementException
from shipping import deliveries
from tests.fixtures.factories import CustomerFactory, ProductFactory, make_order, user_with_role
from tests.orders.test_entry_self_comparison import _posted_form

from .conftest import shipped_order

pytestmark = pytest.mark.django_db


def _close_refused(desk, order, *messages):
    events = OrderEvent.objects.filter(order=order).count()
    with pytest.raises((ValidationError, OrderActionRefused)) as refused:
        deliveries.close_order(actor=desk, order=order)
    text = " ".join(getattr(refused.value, "messages", [str(refused.value)]))
    for message in messages:
        assert message in text, (message, text)
    assert OrderEvent.objects.filter(order=order).count() == events
    assert Order.objects.get(pk=order.pk).status == OrderStatus.DELIVERED


def test_a_delivered_order_closes_only_when_invoiced_and_paid(finance, shipper, desk):
    order, shipment = shipped_order(shipper, quantity=10, price="100", delivered=True)
    assert Order.objects.get(pk=order.pk).status == OrderStatus.DELIVERED
    _close_refused(desk, order, f"Shipment {shipment.number} is not invoiced.")
    invoice = services.create_invoice(actor=finance, shipment=shipment, tax_rate=Decimal("13"))
    _close_refused(desk, order, f"Invoice {invoice.number}: 1,130.00 CNY still unpaid.")
    services.record_payment(actor=finance, invoice=invoice, amount=Decimal("1000"), received_on=timezone.localdate())
    _close_refused(desk, order, "130.00 CNY still unpaid")
    # The bare transition is refused too: the check is the transition's condition.
    with pytest.raises((ValidationError, OrderActionRefused)):
        transition_order(actor=desk, order=Order.objects.get(pk=order.pk), action="close")
    services.record_payment(actor=finance, invoice=invoice, amount=Decimal("130"), received_on=timezone.localdate())
    assert deliveries.close_order(actor=desk, order=order).status == OrderStatus.CLOSED


def test_a_recorded_settlement_exception_lets_the_order_close(finance, shipper, desk):
    order, _shipment = shipped_order(shipper, delivered=True)
    with pytest.raises(ValidationError, match="reason"):
        services.record_settlement_exception(actor=finance, order=order, reason="")
    assert not SettlementException.objects.exists()
    services.record_settlement_exception(actor=finance, order=order, reason="样品免费，不开票")
    with pytest.raises(ValidationError, match="already"):
        services.record_settlement_exception(actor=finance, order=order, reason="again")
    event = OrderEvent.objects.get(order=order, action="settlement_exception")
    assert event.actor == finance and str(event.get_note_display()) == "样品免费，不开票"
    assert deliveries.close_order(actor=desk, order=order).status == OrderStatus.CLOSED


def test_make_order_closed_settles_the_order_first(db):
    order = make_order(creator=user_with_role("sales"), status=OrderStatus.CLOSED)
    invoices = list(order.invoices.all())
    assert order.status == OrderStatus.CLOSED and invoices and all(i.status == "paid" for i in invoices)


def test_exposure_is_open_orders_plus_shipped_not_invoiced_plus_invoiced_unpaid(finance, shipper, client):
    customer = CustomerFactory(credit_limit=Decimal("5000"), payment_terms="net30")
    shipped, shipment = shipped_order(shipper, quantity=10, price="100", customer=customer)  # 1,000 shipped
    sales = user_with_role("sales")
    open_order = make_order(creator=sales, status=OrderStatus.APPROVED, customer=customer,
                            products=[ProductFactory(list_price=Decimal("50"))], quantities=[Decimal("4")])  # 200
    parts = rules.credit_exposure(customer)
    assert (parts.open_orders, parts.shipped_not_invoiced, parts.invoiced_unpaid) == (
        Decimal("200.00"), Decimal("1000.00"), Decimal("0.00"))
    invoice = services.create_invoice(actor=finance, shipment=shipment, tax_rate=Decimal("13"))
    parts = rules.credit_exposure(customer)
    assert (parts.open_orders, parts.shipped_not_invoiced, parts.invoiced_unpaid) == (
        Decimal("200.00"), Decimal("0.00"), Decimal("1130.00"))
    services.record_payment(actor=finance, invoice=invoice, amount=Decimal("1000"), received_on=timezone.localdate())
    parts = rules.credit_exposure(customer)
    assert (parts.invoiced_unpaid, parts.total) == (Decimal("130.00"), Decimal("330.00"))
    # The credit check uses the whole exposure: 330 + 4,700 > 5,000.
    assert rules.credit_exceeded(customer, Decimal("4700"))[0] is True
    assert rules.credit_exceeded(customer, Decimal("4600"))[0] is False
    # The entry page shows the three parts beside the check (the live preview of a draft of this customer).
    draft = make_order(creator=sales, customer=customer, products=[ProductFactory(list_price=Decimal("50"))])
    client.force_login(sales)
    data = _posted_form(client.get(reverse("orders:edit", args=[draft.pk])).content.decode())
    page = client.post(reverse("orders:entry_totals"), data).content.decode()
    assert 'data-testid="credit-exposure"' in page, page
    for shown in ("200.00 CNY", "0.00 CNY", "130.00 CNY", "330.00 CNY", "5,000.00 CNY"):
        assert shown in page, shown
    assert shipped.customer_id == open_order.customer_id == customer.pk
