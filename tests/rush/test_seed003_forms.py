"""Seed 003's forms as documents: 《紧急订单评审记录表》 (the rush review record, from the rush request page) and
《紧急订单制程异常申报单》 (a process exception on a rush order), rendered through the document pipeline and
read back with pdftotext: fields, the 急单 mark, the Chinese labels; and long text kept whole."""

import subprocess

import pytest
from django.urls import reverse

from documents import services as document_services
from documents.models import DocumentStatus
from documents.tasks import render_document
from orders.models import Customer, Order
from planning.models import WorkOrderOperation
from production.exception_reports import report_exception
from production.models import ExceptionReport
from rush import services
from rush.models import RushRequest, RushReview
from tests.fixtures.pdf_text import assert_pdf_keeps, long_chinese, long_latin

from .setup import build_shop, in_days, planned_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(role_users):
    return role_users


@pytest.fixture
def shop_order(people):
    shop = build_shop()
    return shop, planned_order(shop, people["planner"], "4", days=20, release=False, username="sales-r")


def render(actor, kind, obj, tmp_path, settings, language="zh-hans"):
    settings.MEDIA_ROOT = tmp_path
    document = document_services.request_document(actor=actor, kind=kind, obj=obj, language=language)
    render_document(document.pk)
    document.refresh_from_db()
    assert document.status == DocumentStatus.READY, document.error
    return document.file.path


def text_of(path):
    return subprocess.run(["pdftotext", "-layout", path, "-"], capture_output=True, text=True, check=True).stdout


def signed_request(people, order):
    rush_request = services.request_rush(actor=people["sales"], order=order, requested_date=in_days(10),
                                         reason="客户产线停线 line down")
    services.sign_review(actor=people["planner"], request=rush_request, area="planning", verdict="conditional",
                         conditions="周六加班 overtime on Saturday")
    services.sign_review(actor=people["warehouse"], request=rush_request, area="warehouse", verdict="feasible")
    return rush_request


def test_the_review_record_prints_each_area_its_verdict_signer_and_the_impact(people, shop_order, tmp_path,
                                                                              settings, client):
    _shop, order = shop_order
    rush_request = services.request_rush(actor=people["sales"], order=order, requested_date=in_days(10),
                                         reason="客户产线停线 line down")
    client.force_login(people["sales"])
    page = client.get(reverse("rush:detail", args=[rush_request.pk])).content.decode()
    assert 'data-testid="documents-rush_review_record"' in page
    assert "The review record can be printed once an area has signed." in page  # nobody signed yet
    services.sign_review(actor=people["planner"], request=rush_request, area="planning", verdict="conditional",
                         conditions="周六加班 overtime on Saturday")
    services.sign_review(actor=people["warehouse"], request=rush_request, area="warehouse", verdict="feasible")
    text = text_of(render(people["sales"], "rush_review_record", rush_request, tmp_path, settings))
    for value in ("紧急订单评审记录表", "RUSH / 急单", rush_request.number, order.number, "客户产线停线 line down",
                  "周六加班 overtime on Saturday", "未签 Not signed yet", "系统评估", "planner", "warehouse"):
        assert value in text, value
    assert "可行" in text  # the verdicts in the document's language


def test_the_process_exception_form_of_a_rush_order_is_the_rush_form(people, shop_order, tmp_path, settings,
                                                                     client):
    shop, order = shop_order
    Order.objects.filter(pk=order.pk).update(priority="rush", rush_reason="急")
    operation = WorkOrderOperation.objects.get(work_order__order=order)
    report = report_exception(actor=people["production"], type="tooling", work_center=shop["cut"],
                              description="刀具断裂 tool broke", operation=operation)
    client.force_login(people["planner"])
    page = client.get(reverse("production:exception_detail", args=[report.pk])).content.decode()
    assert 'data-testid="documents-exception_report"' in page
    text = text_of(render(people["planner"], "exception_report", report, tmp_path, settings))
    for value in ("紧急订单制程异常申报单", "RUSH / 急单", report.number, "刀具断裂 tool broke", order.number,
                  operation.work_order.number, "CUT", "总经办批示"):
        assert value in text, value


def test_a_normal_orders_exception_form_has_no_rush_mark(people, shop_order, tmp_path, settings):
    shop, order = shop_order
    operation = WorkOrderOperation.objects.get(work_order__order=order)
    report = report_exception(actor=people["production"], type="other", work_center=shop["cut"],
                              description="停电 power", operation=operation)
    text = text_of(render(people["planner"], "exception_report", report, tmp_path, settings, language="en"))
    assert "制程异常申报单" in text and "紧急订单" not in text and "急单" not in text


def test_long_text_on_the_review_record_wraps_and_every_character_is_printed(people, shop_order, tmp_path,
                                                                              settings):
    _shop, order = shop_order
    rush_request = signed_request(people, order)
    values = [long_chinese("客户名称"), long_chinese("急单原因", 300), long_latin("PO", 60)]
    Customer.objects.filter(pk=order.customer_id).update(name=values[0])
    RushRequest.objects.filter(pk=rush_request.pk).update(reason=values[1])
    Order.objects.filter(pk=order.pk).update(customer_po=values[2])
    conditions = long_chinese("条件") + long_latin("COND")
    RushReview.objects.filter(request=rush_request).update(conditions=conditions)
    values.append(conditions)
    for language in ("zh-hans", "en"):
        assert_pdf_keeps(render(people["sales"], "rush_review_record", RushRequest.objects.get(pk=rush_request.pk),
                                tmp_path, settings, language), *values)


def test_long_text_on_the_exception_form_wraps_and_every_character_is_printed(people, shop_order, tmp_path,
                                                                              settings):
    shop, order = shop_order
    report = report_exception(actor=people["production"], type="other", work_center=shop["cut"],
                              description="x", operation=WorkOrderOperation.objects.get(work_order__order=order))
    values = [long_chinese("异常描述", 400), long_latin("DESC", 200), long_chinese("客户名称")]
    ExceptionReport.objects.filter(pk=report.pk).update(description=values[0] + values[1])
    Customer.objects.filter(pk=order.customer_id).update(name=values[2])
    for language in ("zh-hans", "en"):
        assert_pdf_keeps(render(people["planner"], "exception_report", report, tmp_path, settings, language),
                         *values)
