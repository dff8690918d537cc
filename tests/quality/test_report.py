"""The inspection report (质量检验报告): rendered through the document pipeline and read back with
pdftotext; a 200-sample report runs over several pages with the table head on each; and once through
the real Celery worker."""

import subprocess
import time

import pytest

from documents import services as documents
from documents.models import DocumentStatus
from documents.tasks import render_document
from quality import services
from tests.documents.conftest import pdf_text
from tests.fixtures.factories import CustomerFactory, user_with_role
from tests.fixtures.pdf_text import assert_pdf_keeps, long_chinese, long_latin

from .setup import PASSWORD, fill, give_plan, made_product, order_awaiting_qc

TIMEOUT_SECONDS = 90


def signed_inspection(sales, *, quantity="500", rush=False, overrides=None, crack="pass"):
    qc = user_with_role("qc", first_name="Wei", last_name="Li")
    product = made_product(sku=f"GEAR-{quantity}", name="齿轮 Gear", specification="M2 Z40")
    give_plan(product, actor=qc)
    customer = CustomerFactory(name="华东精密机械有限公司")
    options = {"priority": "rush", "rush_reason": "line down", "requested_in_days": 3} if rush else {}
    order, inspection = order_awaiting_qc(sales, product, quantity=quantity, customer=customer, **options)
    services.start_inspection(actor=qc, inspection=inspection)
    fill(qc, inspection, diameter="10.012", overrides=overrides, crack=crack)
    return order, services.confirm_inspection(actor=qc, inspection=inspection, password=PASSWORD), qc


def rendered(actor, inspection, language="zh-hans"):
    document = documents.request_document(actor=actor, kind="inspection_report", obj=inspection, language=language)
    render_document(document.pk)
    document.refresh_from_db()
    assert document.status == DocumentStatus.READY, document.error
    return document


@pytest.mark.django_db
def test_the_report_shows_header_sampling_values_verdict_and_signature(sales):
    order, inspection, qc = signed_inspection(sales, rush=True, overrides={(1, 2): "10.07"})
    text = pdf_text(rendered(qc, inspection))
    for value in ["质量检验报告 Inspection Report", inspection.number, order.number, "华东精密机械有限公司",
                  "GEAR-500", "齿轮 Gear", "M2 Z40", f"{order.number}-1", "检验水平 Inspection level",
                  "正常 Normal", "样本量 n", "Diameter 直径", "10 −0.05/+0.05 mm", "10.012", "10.07", "✗",
                  "合格 接收 ACCEPTED", "检验员 Inspector: Wei Li", "RUSH / 急单"]:
        assert value in text, value
    assert "严重 Major" in text and "致命 Critical" in text and "轻微 Minor" in text


@pytest.mark.django_db
def test_a_failed_lot_report_names_the_ncr_and_is_not_issued_before_signing(sales):
    _order, inspection, qc = signed_inspection(sales, crack="fail")
    text = pdf_text(rendered(qc, inspection, language="en"))
    assert "不合格 拒收 REJECTED" in text and inspection.ncr.number in text and "RUSH" not in text
    product = made_product(sku="OPEN-1")
    give_plan(product, actor=qc)
    _order, open_one = order_awaiting_qc(sales, product)
    with pytest.raises(Exception, match="once the inspection is signed"):
        documents.request_document(actor=qc, kind="inspection_report", obj=open_one)


@pytest.mark.django_db
def test_a_200_sample_report_paginates_with_the_table_head_on_every_page(sales):
    # lot 5000, level II → L: n = 200 for all three classes
    _order, inspection, qc = signed_inspection(sales, quantity="5000")
    assert {row.sample_size for row in inspection.class_plans.all()} == {200}
    document = rendered(qc, inspection)
    info = subprocess.run(["pdfinfo", document.file.path], capture_output=True, text=True, check=True).stdout
    pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
    assert pages >= 4
    text = pdf_text(document)
    assert text.count("样本 Sample") >= pages - 1  # the head repeats on every page of the table
    assert f"第 {pages} 页 / 共 {pages} 页" in text
    for sample in ("1", "100", "200"):
        assert any(line.split()[:1] == [sample] for line in text.splitlines()), sample


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_renders_the_inspection_report(live_celery_worker, sales):
    order, inspection, qc = signed_inspection(sales, rush=True)
    document = documents.request_document(actor=qc, kind="inspection_report", obj=inspection, language="zh-hans")
    deadline = time.monotonic() + TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        document.refresh_from_db()
        if document.status in (DocumentStatus.READY, DocumentStatus.FAILED):
            break
        time.sleep(0.5)
    assert document.status == DocumentStatus.READY, f"{document.status}: {document.error}"
    text = pdf_text(document)
    assert inspection.number in text and order.number in text and "急单" in text and "10.012" in text
    assert "质量检验报告" in text and "抽样方案 Sampling plan" in text
    document.file.storage.delete(document.file.name)  # the worker wrote into the shared MEDIA_ROOT


@pytest.mark.django_db
def test_long_text_wraps_and_every_character_is_printed(sales):
    """200-character Chinese and space-less Latin values in every text field the report prints."""
    from orders.models import Customer, Product
    from quality.models import Characteristic, Inspection

    order, inspection, qc = signed_inspection(sales)
    values = {"customer": long_chinese("客户名称"), "sku": long_latin("SKU", 37), "name": long_chinese("品名"),
              "specification": long_latin("SPEC", 300), "lot": long_latin("LOT", 60),
              "supplier": long_chinese("供应商"), "reason": long_chinese("判定理由") + long_latin("REASON")}
    Customer.objects.filter(pk=order.customer_id).update(name=values["customer"])
    Product.objects.filter(pk=inspection.product_id).update(sku=values["sku"], name=values["name"],
                                                            specification=values["specification"])
    Inspection.objects.filter(pk=inspection.pk).update(lot_number=values["lot"], supplier=values["supplier"],
                                                       forced_verdict="accept", forced_reason=values["reason"])
    names = []
    for characteristic in Characteristic.objects.filter(plan_id=inspection.plan_id).order_by("position"):
        name = (long_chinese(f"特性{characteristic.position}", 100) if characteristic.position % 2
                else long_latin(f"C{characteristic.position}", 100))
        Characteristic.objects.filter(pk=characteristic.pk).update(name=name)
        names.append(name)
    for language in ("zh-hans", "en"):
        assert_pdf_keeps(rendered(qc, inspection, language=language).file.path, *values.values(), *names)
