"""Reads of the commercial front: lists, one quotation or contract for its page, a contract's consumption."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q

from .contract_services import called_off
from .models import Contract, ContractCallOff, Quotation


def quotations_visible_to(user):
    return Quotation.objects.all()


def contracts_visible_to(user):
    return Contract.objects.all()


def quotation_list(*, search="", status=""):
    rows = Quotation.objects.select_related("customer", "created_by", "order").order_by("-created_at", "-id")
    if status:
        rows = rows.filter(status=status)
    if search:
        rows = rows.filter(Q(number__icontains=search) | Q(customer__name__icontains=search)
                           | Q(customer__code__icontains=search) | Q(customer_reference__icontains=search))
    return rows


def quotation_for_page(user, pk):
    return (quotations_visible_to(user).select_related("customer", "created_by", "approved_by", "order", "previous")
            .prefetch_related("lines__product", "events__actor").get(pk=pk))


def versions_of(quotation):
    return list(Quotation.objects.filter(number=quotation.number).order_by("version").only(
        "pk", "number", "version", "status", "total_amount", "currency", "created_at"))


def contract_list(*, search="", status=""):
    rows = Contract.objects.select_related("customer").order_by("-start_date", "-id")
    if status:
        rows = rows.filter(status=status)
    if search:
        rows = rows.filter(Q(number__icontains=search) | Q(title__icontains=search)
                           | Q(customer__name__icontains=search) | Q(customer__code__icontains=search))
    return rows


def contract_for_page(user, pk):
    return (contracts_visible_to(user).select_related("customer", "created_by")
            .prefetch_related("lines__product", "events__actor").get(pk=pk))


@dataclass
class Consumption:
    line: object
    called: Decimal
    remaining: Decimal
    percent: int

    @property
    def exceeded(self):
        return self.remaining < 0


def consumption(contract):
    """Per contract line: the total agreed, what orders drew, what is left (negative: exceeded)."""
    lines = list(contract.lines.all())
    drawn = called_off(lines)
    rows = []
    for line in lines:
        called = drawn.get(line.pk, Decimal("0"))
        percent = int(called * 100 / line.total_quantity) if line.total_quantity else 0
        rows.append(Consumption(line=line, called=called, remaining=line.total_quantity - called, percent=percent))
    return rows


def call_offs_of(contract):
    return list(ContractCallOff.objects.filter(contract_line__contract=contract)
                .select_related("order", "contract_line__product", "created_by").order_by("-created_at", "-id"))

