"""Demo rows of the commercial front (`manage.py seed_sales_demo`, run last by setup_demo): price lists
for grades A and B in yuan and one in US dollars, the 10 % discount rule, quotations in every state
(one revised, one awaiting the manager's approval, one turned into an order) and two contracts, one with
orders placed against it and one ending soon. Made through the services; safe to run again."""

from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from orders.models import Customer, Product

from . import contract_services as cs
from . import quote_services as qs
from .models import Contract, DiscountRule, PriceList, PriceListItem, Quotation

D = Decimal


def _users():
    users = {u.username: u for u in get_user_model().objects.filter(username__in=["sales", "manager"])}
    return users.get("sales"), users.get("manager")


def seed_sales_demo():
    if Quotation.objects.exists() or Contract.objects.exists():
        return {"skipped": True}
    sales, manager = _users()
    customers = list(Customer.objects.filter(is_active=True).order_by("code")[:4])
    products = list(Product.objects.filter(is_active=True, currency="CNY").order_by("sku")[:4])
    if sales is None or manager is None or len(customers) < 2 or len(products) < 2:
        return {"skipped": True}
    today = timezone.localdate()
    for customer, grade in zip(customers, "ABAB", strict=False):
        if not customer.grade:
            customer.grade = grade
            customer.save(update_fields=["grade"])
    DiscountRule.objects.create(threshold_percent=D("10"), valid_from=today - timedelta(days=90), created_by=manager,
                                note="超过 10% 的折扣由销售经理审批")
    for grade, factor in (("A", D("0.92")), ("B", D("0.96"))):
        price_list = PriceList.objects.create(name=f"{grade} 级客户价格表 {today.year}", grade=grade, currency="CNY",
                                              valid_from=today.replace(month=1, day=1),
                                              valid_until=today.replace(month=12, day=31), created_by=manager)
        for product in products:
            base = (product.list_price * factor).quantize(D("0.01"))
            PriceListItem.objects.create(price_list=price_list, product=product, min_quantity=D("1"), unit_price=base)
            PriceListItem.objects.create(price_list=price_list, product=product, min_quantity=D("500"),
                                         unit_price=(base * D("0.95")).quantize(D("0.01")))
    export = PriceList.objects.create(name="Export price list (USD)", currency="USD", valid_from=today.replace(
        month=1, day=1), created_by=manager)
    for product in products:
        PriceListItem.objects.create(price_list=export, product=product, min_quantity=D("1"),
                                     unit_price=(product.list_price / D("7")).quantize(D("0.01")))
    first, second = customers[0], customers[1]
    L = qs.QuoteLineInput

    def quote(customer, lines, **kwargs):
        return qs.create_quotation(actor=sales, customer=customer, currency="CNY", valid_until=today + timedelta(
            days=30), lines=lines, **kwargs)

    draft = quote(first, [L(products[0], D("100")), L(products[0], D("500")), L(products[1], D("50"))],
                  customer_reference="询价 2026-031")
    qs.request_approval(actor=sales, quotation=quote(second, [L(products[1], D("200"), (
        products[1].list_price * D("0.8")).quantize(D("0.01")))], customer_reference="RFQ-4471"))
    sent = qs.send_quotation(actor=sales, quotation=quote(second, [L(products[0], D("120"))]))
    qs.revise_quotation(actor=sales, quotation=sent)
    won = qs.accept_quotation(actor=sales, quotation=qs.send_quotation(
        actor=sales, quotation=quote(first, [L(products[1], D("80"))], customer_reference="PO-2026-118")))
    qs.convert_to_order(actor=sales, quotation=won, requested_date=today + timedelta(days=40))
    qs.lose_quotation(actor=sales, quotation=quote(second, [L(products[1], D("30"))]),
                      reason="客户选择了报价更低的供应商")
    contract = cs.activate_contract(actor=manager, contract=cs.create_contract(
        actor=sales, customer=first, title=f"{today.year} 年度采购框架协议", currency="CNY",
        start_date=today - timedelta(days=60), end_date=today + timedelta(days=300), payment_terms="net60",
        customer_reference="FA-2026-07", lines=[
            cs.ContractLineInput(products[0], (products[0].list_price * D("0.9")).quantize(D("0.01")), D("2000")),
            cs.ContractLineInput(products[1], (products[1].list_price * D("0.9")).quantize(D("0.01")), D("800"))]))
    line = contract.lines.order_by("line_no").first()
    cs.place_call_off(actor=sales, contract=contract, requested_date=today + timedelta(days=30),
                      quantities={line.pk: D("600")}, customer_po="CO-01")
    cs.activate_contract(actor=manager, contract=cs.create_contract(
        actor=sales, customer=second, title="季度供货协议", currency="CNY", start_date=today - timedelta(days=80),
        end_date=today + timedelta(days=12), payment_terms="net30",
        lines=[cs.ContractLineInput(products[1], products[1].list_price, D("300"))]))
    del draft
    return {"skipped": False, "quotations": Quotation.objects.count(), "contracts": Contract.objects.count()}
