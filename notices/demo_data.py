"""Demo rows for customer service: carriers and transport modes with transit times, contacts who receive
order updates, the notices of the demo orders, one logistics delay with a compensation proposal waiting for
the manager, and a few feedback answers. Safe to run again (nothing is added twice)."""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from orders.models import CustomerContact, Order, OrderEvent, OrderStatus
from shipping.models import Carrier, ShipmentStatus, TransportMode

from . import logistics, services
from .defaults import ensure_default_rules
from .models import Feedback, ShipmentDelay

CARRIERS = [
    ("SF", "顺丰速运", [("air", 1), ("express", 2)]),
    ("DB", "德邦物流", [("road", 4)]),
    ("CR", "中铁快运", [("rail", 5)]),
    ("COSCO", "中远海运", [("sea", 12)]),
]


def _user(username):
    return get_user_model().objects.filter(username=username).first()


def seed_notices_demo():
    ensure_default_rules()
    for code, name, modes in CARRIERS:
        carrier, _created = Carrier.objects.get_or_create(code=code, defaults={"name": name})
        for kind, days in modes:
            TransportMode.objects.get_or_create(carrier=carrier, kind=kind, defaults={"transit_days": days})
    if ShipmentDelay.objects.exists():
        return {"skipped": True}
    on_the_way = Order.objects.filter(status=OrderStatus.SHIPPED).select_related("customer").order_by("pk")
    arrived = (Order.objects.filter(status__in=[OrderStatus.DELIVERED, OrderStatus.CLOSED]).select_related("customer")
               .order_by("pk"))
    orders = list(on_the_way[:2]) + list(arrived[:4])
    for number, order in enumerate(orders):
        customer = order.customer
        if not customer.contacts.filter(receives_updates=True).exists():
            english = number % 2 == 1
            CustomerContact.objects.create(
                customer=customer, name="Emma Clarke" if english else "陈静", title="Buyer" if english else "采购",
                email=f"buyer{customer.pk}@customer.example", mobile="" if english else f"1380000{customer.pk:04d}",
                language="en" if english else "zh-hans")
    # The demo orders' own events, told as the rules say (the messages go to the demo's dummy mail backend).
    for event in OrderEvent.objects.filter(order__in=orders, action__in=["approve", "ship", "confirm_delivery"]):
        services.on_order_event(event)
    service, manager = _user("customer_service"), _user("manager")
    shipped = next((o for o in orders if o.status == OrderStatus.SHIPPED), None)
    shipment = shipped.shipments.filter(status=ShipmentStatus.SHIPPED).first() if shipped else None
    if service and manager and shipment:
        delay = logistics.record_delay(actor=service, shipment=shipment, carrier=shipment.carrier or "德邦物流",
                                       cause="weather", detail="暴雨导致高速封闭，车辆滞留",
                                       new_eta=timezone.localdate() + timedelta(days=2))
        logistics.propose_compensation(actor=service, order=shipped, delay=delay, kind="voucher", amount="500",
                                       currency=shipped.currency, description="下一订单抵扣 500 元折扣券")
    delivered = [o for o in orders if o.status in (OrderStatus.DELIVERED, OrderStatus.CLOSED)]
    answers = [(5, 5, True, "交货及时，包装很好。"), (3, 4, False, "晚到两天，希望提前通知。")]
    for order, (satisfaction, quality, on_time, comment) in zip(delivered, answers, strict=False):
        contact = order.customer.contacts.filter(receives_updates=True).first()
        if contact and not Feedback.objects.filter(order=order, contact=contact).exists():
            services.record_feedback(order=order, contact=contact, satisfaction=satisfaction, quality=quality,
                                     on_time=on_time, comment=comment)
    return {"skipped": False, "orders": len(orders)}
