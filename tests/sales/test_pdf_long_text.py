"""200-character Chinese and space-less Latin values in every text field the quotation and contract PDFs
print, read back whole in both languages (tests.fixtures.pdf_text)."""

import pytest

from documents.models import DocumentStatus
from documents.services import request_document
from documents.tasks import render_document
from orders.models import Customer, Product
from sales import contract_services as cs
from sales import quote_services as qs
from sales.models import Contract, Quotation
from tests.fixtures.pdf_text import assert_pdf_keeps, long_chinese, long_latin

from .setup import D, in_days

pytestmark = pytest.mark.django_db


def _long_master_data(shop):
    values = [long_chinese("客户名称"), long_latin("CUSTOMERNAME")]
    Customer.objects.filter(pk=shop["customer"].pk).update(name=values[0], name_en=values[1])
    for n, product in enumerate((shop["widget"], shop["gasket"])):
        fields = {"sku": long_latin(f"P{n}SKU", 40), "name": long_chinese(f"品名{n}"),
                  "specification": long_latin(f"P{n}SPEC", 300)}
        Product.objects.filter(pk=product.pk).update(**fields)
        values += [fields["sku"], fields["name"]]
    return values


def _rendered(actor, kind, obj, language):
    document = request_document(actor=actor, kind=kind, obj=obj, language=language)
    render_document(document.pk)
    document.refresh_from_db()
    assert document.status == DocumentStatus.READY, document.error
    return document.file.path


def test_long_text_on_the_quotation_wraps_and_every_character_is_printed(people, shop, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    quotation = qs.create_quotation(actor=people["sales"], customer=shop["customer"], currency="CNY",
                                    valid_until=in_days(20), lines=[qs.QuoteLineInput(shop["widget"], D("10")),
                                                                     qs.QuoteLineInput(shop["gasket"], D("5"))])
    values = _long_master_data(shop) + [long_latin("RFQ", 60), long_chinese("备注", 300)]
    Quotation.objects.filter(pk=quotation.pk).update(customer_reference=values[-2], notes=values[-1])
    for language in ("zh-hans", "en"):
        assert_pdf_keeps(_rendered(people["sales"], "quotation", Quotation.objects.get(pk=quotation.pk), language),
                         *values)


def test_long_text_on_the_contract_wraps_and_every_character_is_printed(people, shop, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    contract = cs.create_contract(actor=people["sales"], customer=shop["customer"], title="框架", currency="CNY",
                                  start_date=in_days(0), end_date=in_days(100), payment_terms="net30",
                                  lines=[cs.ContractLineInput(shop["widget"], D("9"), D("100")),
                                         cs.ContractLineInput(shop["gasket"], D("1"), D("100"))])
    values = _long_master_data(shop) + [long_chinese("合同名称"), long_latin("FA", 60), long_chinese("条款", 300)]
    Contract.objects.filter(pk=contract.pk).update(title=values[-3], customer_reference=values[-2], notes=values[-1])
    for language in ("zh-hans", "en"):
        assert_pdf_keeps(_rendered(people["sales"], "contract", Contract.objects.get(pk=contract.pk), language),
                         *values)
