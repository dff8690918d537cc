"""Demo data for `manage.py seed_edi_demo` (run by setup_demo after the other seeds): a trading partner (the
Shenzhen department store chain, C001) with its product codes mapped to ours, two interchanges read through
the real inbound service (one makes an order; one names a product code without a mapping, so the EDI inbox
has a message for the order desk to fix), and two channel import profiles (a Tmall shop export in GBK, a CRM
export in UTF-8 with BOM)."""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from orders.models import Customer, Product
from orders.services import OrderActionRefused, approve_order

from . import inbound
from .models import ChannelProfile, ProductMapping, TradingPartner

PARTNER = {"code": "PCBH", "name": "鹏城百货 EDI", "sender_id": "6970000000017", "sender_qualifier": "14",
           "our_id": "6901234000004", "our_qualifier": "14"}
MAPPINGS = (("PC-100245", "LD-2L-LAV"), ("PC-100246", "LD-3KG-LEM"), ("PC-100300", "LP-5KG"))


def interchange(control, ref, po, lines, when):
    delivery = (when + timedelta(days=30)).strftime("%Y%m%d")
    segments = [f"UNH+{ref}+ORDERS:D:96A:UN", f"BGM+220+{po}+9", f"DTM+137:{when:%Y%m%d}:102",
                f"DTM+2:{delivery}:102", "NAD+BY+6970000000017::9", "NAD+SU+6901234000004::9"]
    for number, (code, quantity) in enumerate(lines, start=1):
        segments += [f"LIN+{number}++{code}:IN", f"QTY+21:{quantity}"]
    segments += ["UNS+S"]
    segments += [f"UNT+{len(segments) + 1}+{ref}"]
    return "\n".join(["UNA:+.? '", f"UNB+UNOC:3+6970000000017:14+6901234000004:14+{when:%y%m%d}:0830+{control}'"]
                     + [s + "'" for s in segments] + [f"UNZ+1+{control}'"]) + "\n"


def approve(order):
    """The order desk approves the partner's first order: its order response (ORDRSP) is made."""
    desk = get_user_model().objects.filter(username="order_desk").first()
    if order is None or desk is None:
        return
    try:
        approve_order(actor=desk, order=order, acknowledge_credit=True)
    except (ValidationError, OrderActionRefused):
        pass  # the demo's credit or capacity said no: the order waits in the review queue instead


def seed_edi_demo():
    if TradingPartner.objects.filter(code=PARTNER["code"]).exists():
        return {"skipped": True}
    customer = Customer.objects.filter(code="C001").first()
    owner = get_user_model().objects.filter(username="sales").first()
    if customer is None or owner is None:
        return {"skipped": True}
    products = {p.sku: p for p in Product.objects.filter(sku__in=[sku for _code, sku in MAPPINGS])}
    with transaction.atomic():
        partner = TradingPartner.objects.create(**PARTNER, customer=customer, order_owner=owner)
        for code, sku in MAPPINGS:
            if sku in products:
                ProductMapping.objects.create(partner=partner, partner_code=code, product=products[sku])
        ChannelProfile.objects.create(
            code="TMALL", name="天猫旗舰店", kind="shop", encoding="gbk", date_format="%Y/%m/%d %H:%M:%S",
            customer=Customer.objects.filter(code="C002").first() or customer, lead_days=10,
            columns={"reference": "订单编号", "product": "商家编码", "quantity": "购买数量", "unit_price": "单价",
                     "requested_date": "期望到货时间", "customer_notes": "买家留言"})
        ChannelProfile.objects.create(
            code="CRM", name="CRM 商机导出", kind="crm", encoding="utf-8-sig", date_format="%Y-%m-%d",
            columns={"reference": "Deal ID", "customer": "Account Code", "product": "SKU", "quantity": "Quantity",
                     "unit_price": "Unit Price", "requested_date": "Close Date"})
    today = timezone.localdate()
    [made] = inbound.receive_interchange(actor=None, text=interchange("2001", "PC1", "PCBH-PO-7781",
                                                                      [("PC-100245", 240), ("PC-100300", 60)], today),
                                         file_name="pcbh-orders-2001.edi")
    approve(made.message.order)
    inbound.receive_interchange(actor=None, text=interchange("2002", "PC2", "PCBH-PO-7782",
                                                             [("PC-100246", 120), ("PC-100999", 36)], today),
                                file_name="pcbh-orders-2002.edi")
    return {"skipped": False}
