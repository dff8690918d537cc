"""Demo rows for issue 17.5, 17.6, 17.8 and 17.9 (`manage.py seed_rush_demo`, run last by setup_demo): two
rush rules kept as data, the reply deadlines of the demo's sent rush purchase orders, the delay cause of
the first two late demo orders (the others are left for the order desk to record), and the completion
summaries of the delivered rush orders. Safe to run again."""

from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from inventory import purchasing
from inventory.models import Item, PurchaseOrder, Supplier
from orders import rush_criteria
from orders.demo_data import DEMO_PASSWORD, ensure_role_users
from orders.models import Order, OrderStatus, Priority, RushRule

from . import delays, summary, supplier_replies
from .models import SupplierReply

# The first late demo order gets its cause; the others wait on /rush/delays/ for the order desk.
CAUSES = [("material", "purchasing", "供应商来料推迟两天。")]


def seed_rush_demo():
    users = ensure_role_users(password=DEMO_PASSWORD)
    made = {"rules": 0, "delays": 0}
    with transaction.atomic():
        if not RushRule.objects.exists():
            rush_criteria.save_rule(actor=users["manager"], name="大额订单 High-value order", criterion="order_value",
                                    min_amount=Decimal("100000"), currency="CNY")
            rush_criteria.save_rule(actor=users["manager"], name="重点客户 Key customer", criterion="customer_grade",
                                    customer_grade="A")
            made["rules"] = 2
        _rush_purchases(users)
        made["replies"] = supplier_replies.stamp_reply_deadlines()
        for order, (cause, department, note) in zip(delays.late_orders_without_cause()[:1], CAUSES, strict=False):
            options = delays.evidence_options(order)
            delays.record_delay(actor=users["order_desk"], order=order, cause=cause, department=department,
                                evidence=options[0][0] if options else "", note=note)
            made["delays"] += 1
        made["summaries"] = summary.summarize_delivered_rush_orders()
    return made


def _rush_purchases(users):
    """Two sent purchase orders for an open rush order: one answer overdue (sent three days ago), one due
    tomorrow; none when a demo rush purchase order exists already."""
    order = (Order.objects.filter(priority=Priority.RUSH, status__in=[OrderStatus.APPROVED, OrderStatus.PLANNED])
             .order_by("requested_date").first())
    items = list(Item.objects.filter(sourcing="buy", is_active=True).exclude(purchase_requests__order=order)
                 .order_by("code")[:2]) if order else []
    suppliers = list(Supplier.objects.filter(is_active=True).order_by("code")[:2])
    if order is None or len(items) < 2 or not suppliers or SupplierReply.objects.exists():
        return
    buyer = users["planner"]
    for index, (item, days_ago) in enumerate(zip(items, (3, 0), strict=True)):
        request = purchasing.create_purchase_request(actor=buyer, item=item, quantity=Decimal("50"),
                                                     needed_by=timezone.localdate() + timedelta(days=3), order=order)
        request = purchasing.approve_purchase_request(actor=buyer, request=request)
        po = purchasing.create_purchase_order(actor=buyer, supplier=suppliers[index % len(suppliers)], lines=[
            purchasing.PurchaseLineInput(item=item, quantity=Decimal("50"), unit_price=Decimal("8.50"),
                                         expected_date=timezone.localdate() + timedelta(days=3), request=request)])
        po = purchasing.send_purchase_order(actor=buyer, purchase_order=po)
        if days_ago:
            PurchaseOrder.objects.filter(pk=po.pk).update(sent_at=po.sent_at - timedelta(days=days_ago))
