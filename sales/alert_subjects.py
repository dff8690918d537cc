"""A contract alert stops escalating once the contract is no longer active (renewed by a new contract,
expired and dealt with, or terminated); a quotation alert once the quotation is no longer open."""

from django.utils.translation import gettext_noop

from alerts import subjects
from orders.alert_subjects import GONE

from .models import Contract, ContractStatus, Quotation


def _contract_page(alert, pk):
    contract = Contract.objects.filter(pk=pk).first()
    if contract is None:
        return GONE
    if alert.kind == "contract_expiring" and contract.status != ContractStatus.ACTIVE:
        return gettext_noop("Contract %(number)s is %(status)s."), {"number": contract.number,
                                                                    "status": contract.status}
    return None


def _quotation_page(alert, pk):
    quotation = Quotation.objects.filter(pk=pk).first()
    if quotation is None:
        return GONE
    if alert.kind == "quotation_approval_requested" and quotation.status != "awaiting_approval":
        return gettext_noop("Quotation %(number)s was decided."), {"number": quotation.reference}
    return None


def register():
    subjects.register("sales:contract_detail", _contract_page)
    subjects.register("sales:quotation_detail", _quotation_page)
