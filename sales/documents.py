"""The quotation (报价单) and contract (合同) PDFs, registered with the document pipeline from
SalesConfig.ready(): bilingual labels, the customer's document language by default, a QR code leading back
to the record's page (settings.SITE_URL), A4."""

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from documents import registry

from .models import Contract, ContractStatus, Quotation, QuotationStatus
from .selectors import consumption, contracts_visible_to, quotations_visible_to

QUOTATION = "quotation"
CONTRACT = "contract"


def record_url(name, pk):
    return settings.SITE_URL + reverse(name, args=[pk])


def quotation_unavailable_reason(quotation):
    if quotation.status in (QuotationStatus.DRAFT, QuotationStatus.AWAITING_APPROVAL) and quotation.needs_approval:
        return _("The quotation PDF is issued once the discount is approved.")
    return None


def build_quotation(quotation, language):
    quotation = (Quotation.objects.select_related("customer", "created_by", "approved_by")
                 .prefetch_related("lines__product").get(pk=quotation.pk))
    return registry.DocumentContent(
        template_name="sales/pdf/quotation.html",
        context={"quotation": quotation, "customer": quotation.customer,
                 "lines": list(quotation.lines.all()), "printed_at": timezone.localtime(),
                 "record_url": record_url("sales:quotation_detail", quotation.pk)},
        filename=f"{quotation.reference.replace(' ', '-')}-quotation.pdf",
    )


def build_contract(contract, language):
    contract = Contract.objects.select_related("customer", "created_by").prefetch_related("lines__product").get(
        pk=contract.pk)
    return registry.DocumentContent(
        template_name="sales/pdf/contract.html",
        context={"contract": contract, "customer": contract.customer, "rows": consumption(contract),
                 "printed_at": timezone.localtime(),
                 "record_url": record_url("sales:contract_detail", contract.pk)},
        filename=f"{contract.number}-contract.pdf",
    )


def contract_unavailable_reason(contract):
    if contract.status == ContractStatus.DRAFT and not contract.lines.exists():
        return _("Add the contract's products first.")
    return None


registry.register(QUOTATION, label=gettext_lazy("Quotation"), model=Quotation, builder=build_quotation,
                  permission="sales.view_quotation", visible_to=quotations_visible_to,
                  unavailable_reason=quotation_unavailable_reason,
                  default_language=lambda quotation: quotation.customer.language)
registry.register(CONTRACT, label=gettext_lazy("Contract"), model=Contract, builder=build_contract,
                  permission="sales.view_contract", visible_to=contracts_visible_to,
                  unavailable_reason=contract_unavailable_reason,
                  default_language=lambda contract: contract.customer.language)
