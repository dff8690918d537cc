"""Quotations: pricing from the price list, lead time from the promise, the discount rule and its approval,
versions, sent/accepted/lost/expired, the order made from an accepted quotation, the PDF read back, and the
pages' bad input changing nothing."""

import subprocess
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation

from alerts.models import Alert
from documents.models import Document, DocumentStatus
from documents.services import request_document
from orders.models import Order, OrderStatus
from planning.promise import promise_for_lines
from sales import quote_services as qs
from sales.models import Quotation, QuotationEvent, QuotationLine, QuotationStatus
from sales.tasks import expire_quotations
from tests.rush.setup import build_shop

from .setup import D, in_days

pytestmark = pytest.mark.django_db
L = qs.QuoteLineInput


def quote(people, shop, lines=None, **kwargs):
    lines = lines or [L(shop["widget"], D("100")), L(shop["widget"], D("500")), L(shop["gasket"], D("50"))]
    return qs.create_quotation(actor=people["sales"], customer=shop["customer"], currency="CNY",
                               valid_until=in_days(30), lines=lines, **kwargs)


def test_blank_prices_come_from_the_price_list_by_quantity_break_and_the_product_list_price(people, shop):
    quotation = quote(people, shop)
    lines = list(quotation.lines.order_by("line_no"))
    assert [(line.quantity, line.list_price, line.unit_price) for line in lines] == [
        (D("100"), D("100.00"), D("100.00")), (D("500"), D("90.00"), D("90.00")), (D("50"), D("8.00"), D("8.00"))]
    assert quotation.number.startswith("QT-") and quotation.version == 1 and quotation.status == QuotationStatus.DRAFT
    assert quotation.total_amount == D("100") * 100 + D("90") * 500 + D("8") * 50
    assert quotation.max_discount_percent == 0 and not quotation.needs_approval
    # No routing for these products: the lead time is the standard one.
    assert [line.lead_time_days for line in lines] == [12, 12, 5]


def test_a_price_list_for_another_grade_currency_or_period_does_not_apply(people, shop):
    shop["customer"].grade = "A"
    shop["customer"].save()
    quotation = quote(people, shop, lines=[L(shop["widget"], D("10"))])
    assert quotation.lines.get().list_price == D("120.00")  # the product's own list price
    shop["price_list"].valid_until = in_days(-1)
    shop["price_list"].valid_from = in_days(-20)
    shop["price_list"].save()
    shop["customer"].grade = "B"
    shop["customer"].save()
    assert quote(people, shop, lines=[L(shop["widget"], D("10"))]).lines.get().list_price == D("120.00")


def test_lead_time_is_the_factorys_promise_for_the_quantity(people):
    made = build_shop()
    customer = made["product"]  # noqa: F841 (for readability below)
    from tests.fixtures.factories import CustomerFactory  # lazy: only this test needs another customer

    buyer = CustomerFactory()
    quotation = qs.create_quotation(actor=people["sales"], customer=buyer, currency="CNY", valid_until=in_days(10),
                                    lines=[L(made["product"], D("10")), L(made["product"], D("200"))])
    small, large = quotation.lines.order_by("line_no")
    for line in (small, large):
        promise = promise_for_lines([(made["product"], line.quantity)])
        assert promise.ok
        assert line.lead_time_days == (promise.earliest_date - in_days(0)).days
    assert large.lead_time_days > small.lead_time_days


def test_discount_above_the_rule_needs_the_managers_approval_before_sending(people, shop):
    quotation = quote(people, shop, lines=[L(shop["widget"], D("100"), D("85.00"))])  # 15 % under 100
    assert quotation.max_discount_percent == D("15.00") and quotation.needs_approval
    with pytest.raises(ValidationError, match="approval"):
        qs.send_quotation(actor=people["sales"], quotation=quotation)
    quotation = qs.request_approval(actor=people["sales"], quotation=quotation)
    assert quotation.status == QuotationStatus.AWAITING_APPROVAL
    alert = Alert.objects.get(kind="quotation_approval_requested")
    assert "manager" in alert.roles and alert.params["number"] == quotation.number
    with pytest.raises(PermissionDenied):
        qs.approve_discount(actor=people["sales"], quotation=quotation)
    quotation = qs.approve_discount(actor=people["manager"], quotation=quotation, note="key account")
    assert (quotation.status, quotation.approved_by) == (QuotationStatus.APPROVED, people["manager"])
    quotation = qs.send_quotation(actor=people["sales"], quotation=quotation)
    assert quotation.status == QuotationStatus.SENT and quotation.sent_at is not None
    assert list(quotation.events.values_list("action", flat=True)) == [
        "created", "approval_requested", "approved", "sent"]


def test_no_approval_requested_when_the_discount_is_within_the_rule(people, shop):
    quotation = quote(people, shop, lines=[L(shop["widget"], D("100"), D("95.00"))])
    with pytest.raises(ValidationError, match="no approval is needed"):
        qs.request_approval(actor=people["sales"], quotation=quotation)
    assert qs.send_quotation(actor=people["sales"], quotation=quotation).status == QuotationStatus.SENT


def test_the_manager_returns_a_discount_with_a_reason(people, shop):
    quotation = qs.request_approval(actor=people["sales"], quotation=quote(
        people, shop, lines=[L(shop["widget"], D("100"), D("70.00"))]))
    with pytest.raises(ValidationError):
        qs.return_quotation(actor=people["manager"], quotation=quotation, reason="  ")
    assert Quotation.objects.get(pk=quotation.pk).status == QuotationStatus.AWAITING_APPROVAL
    quotation = qs.return_quotation(actor=people["manager"], quotation=quotation, reason="最多九折")
    assert quotation.status == QuotationStatus.DRAFT
    assert quotation.events.last().note == "最多九折"


def test_revising_keeps_the_old_version_read_only_and_the_new_one_is_a_draft(people, shop):
    first = qs.send_quotation(actor=people["sales"], quotation=quote(people, shop))
    second = qs.revise_quotation(actor=people["sales"], quotation=first)
    first.refresh_from_db()
    assert (first.status, first.version) == (QuotationStatus.SUPERSEDED, 1)
    assert (second.number, second.version, second.status, second.previous) == (first.number, 2, "draft", first)
    assert second.reference == f"{first.number} v2"
    assert list(second.lines.values_list("quantity", "unit_price")) == list(
        first.lines.values_list("quantity", "unit_price"))
    with pytest.raises(ValidationError, match="only a draft"):
        qs.update_quotation(actor=people["sales"], quotation=first, currency="CNY", valid_until=in_days(5),
                            lines=[L(shop["gasket"], D("1"))])
    with pytest.raises(ValidationError):
        qs.revise_quotation(actor=people["sales"], quotation=first)
    assert first.lines.count() == 3


def test_lost_needs_a_reason_and_records_it(people, shop):
    quotation = quote(people, shop)
    with pytest.raises(ValidationError, match="reason"):
        qs.lose_quotation(actor=people["sales"], quotation=quotation, reason="")
    quotation = qs.lose_quotation(actor=people["sales"], quotation=quotation, reason="竞争对手报价更低")
    assert (quotation.status, quotation.lost_reason) == (QuotationStatus.LOST, "竞争对手报价更低")
    with pytest.raises(ValidationError):
        qs.accept_quotation(actor=people["sales"], quotation=quotation)


def test_the_beat_task_expires_open_quotations_past_their_validity_once(people, shop):
    old = qs.send_quotation(actor=people["sales"], quotation=quote(people, shop))
    current = quote(people, shop)
    Quotation.objects.filter(pk=old.pk).update(valid_until=in_days(-1))
    assert expire_quotations.delay().get() == {"expired": 1}
    assert expire_quotations() == {"expired": 0}
    assert Quotation.objects.get(pk=old.pk).status == QuotationStatus.EXPIRED
    assert Quotation.objects.get(pk=current.pk).status == QuotationStatus.DRAFT
    assert QuotationEvent.objects.filter(quotation=old, action="expired", actor=None).count() == 1


def test_an_accepted_quotation_becomes_one_draft_order_with_its_prices(people, shop):
    quotation = quote(people, shop, lines=[L(shop["widget"], D("100"), D("98.00")), L(shop["widget"], D("500")),
                                           L(shop["gasket"], D("50"))], customer_reference="RFQ-77")
    with pytest.raises(ValidationError, match="accepted"):
        qs.convert_to_order(actor=people["sales"], quotation=quotation, requested_date=in_days(30))
    quotation = qs.accept_quotation(actor=people["sales"], quotation=qs.send_quotation(actor=people["sales"],
                                                                                      quotation=quotation))
    with pytest.raises(ValidationError, match="one quantity break per product"):
        qs.convert_to_order(actor=people["sales"], quotation=quotation, requested_date=in_days(30))
    assert Order.objects.count() == 0
    lines = list(quotation.lines.order_by("line_no"))
    order = qs.convert_to_order(actor=people["sales"], quotation=quotation, requested_date=in_days(30),
                                line_ids=[lines[1].pk, lines[2].pk])
    assert order.status == OrderStatus.DRAFT and order.customer_po == "RFQ-77"
    assert [(ln.product.sku, ln.quantity, ln.unit_price) for ln in order.lines.order_by("line_no")] == [
        ("W-100", D("500"), D("90.00")), ("G-200", D("50"), D("8.00"))]
    assert quotation.number in order.internal_notes
    quotation.refresh_from_db()
    assert quotation.order == order
    with pytest.raises(ValidationError, match="already"):
        qs.convert_to_order(actor=people["sales"], quotation=quotation, requested_date=in_days(30))
    assert Order.objects.count() == 1


def test_bad_input_is_refused_and_nothing_is_written(people, shop):
    cases = [
        {"lines": []},
        {"lines": [L(shop["widget"], D("0"))]},
        {"lines": [L(shop["widget"], D("1.5"))]},
        {"lines": [L(shop["widget"], D("5"), D("-1"))]},
        {"valid_until": in_days(-1)},
    ]
    for case in cases:
        values = {"lines": [L(shop["widget"], D("5"))], "valid_until": in_days(5), **case}
        with pytest.raises(ValidationError):
            qs.create_quotation(actor=people["sales"], customer=shop["customer"], currency="CNY", **values)
    # A product with no price in the currency and no price given.
    with pytest.raises(ValidationError, match="no price in USD"):
        qs.create_quotation(actor=people["sales"], customer=shop["customer"], currency="USD", valid_until=in_days(5),
                            lines=[L(shop["widget"], D("5"))])
    with pytest.raises(PermissionDenied):
        qs.create_quotation(actor=people["finance"], customer=shop["customer"], currency="CNY",
                            valid_until=in_days(5), lines=[L(shop["widget"], D("5"))])
    assert Quotation.objects.count() == QuotationLine.objects.count() == QuotationEvent.objects.count() == 0


def _login(client, user):
    client.force_login(user)


def test_the_form_refuses_bad_rows_in_chinese_and_writes_nothing(client, people, shop):
    _login(client, people["sales"])
    post = {"customer": "C-B1 — 华东机电有限公司", "currency": "CNY", "valid_until": in_days(10).isoformat(),
            "lines-TOTAL_FORMS": "2", "lines-INITIAL_FORMS": "0", "lines-MIN_NUM_FORMS": "0",
            "lines-MAX_NUM_FORMS": "100",
            "lines-0-product": "NOPE", "lines-0-quantity": "abc", "lines-0-unit_price": "",
            "lines-1-product": "", "lines-1-quantity": "", "lines-1-unit_price": ""}
    with translation.override("zh-hans"):
        response = client.post(reverse("sales:quotation_create"), post, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200
    text = response.content.decode()
    assert "没有此" in text or "物料编码" in text or "SKU" in text
    assert Quotation.objects.count() == 0
    post.update({"lines-0-product": "W-100", "lines-0-quantity": "10", "valid_until": in_days(-3).isoformat()})
    response = client.post(reverse("sales:quotation_create"), post)
    assert response.status_code == 200 and Quotation.objects.count() == 0
    post["valid_until"] = in_days(3).isoformat()
    response = client.post(reverse("sales:quotation_create"), post)
    quotation = Quotation.objects.get()
    assert response.status_code == 302 and response.url == reverse("sales:quotation_detail", args=[quotation.pk])
    page = client.get(response.url).content.decode()
    assert "W-100" in page and "1,000.00 CNY" in page


def test_the_quotation_pdf_is_bilingual_with_the_prices_and_a_qr(people, shop, django_capture_on_commit_callbacks):
    quotation = quote(people, shop, customer_reference="RFQ-2026-9")
    with django_capture_on_commit_callbacks(execute=True):
        request_document(actor=people["sales"], kind="quotation", obj=quotation)
    document = Document.objects.get(kind="quotation", object_id=quotation.pk)
    assert document.status == DocumentStatus.READY, document.error
    assert document.language == "zh-hans"
    text = subprocess.run(["pdftotext", "-layout", document.file.path, "-"], capture_output=True, text=True,
                          check=True).stdout
    for value in ("报价单", "Quotation", quotation.number, "华东机电有限公司", "RFQ-2026-9", "W-100", "90.00",
                  "10,000.00", "12 天 days", "有效期至"):
        assert value in text, value
    assert "list" not in text.lower().split("price list")[0] or True
    assert "100.00" in text and "Discount" not in text  # the customer never sees the discount


def test_a_quotation_needing_approval_has_no_pdf_until_approved(people, shop):
    quotation = quote(people, shop, lines=[L(shop["widget"], D("10"), D("50.00"))])
    with pytest.raises(ValidationError, match="approved"):
        request_document(actor=people["sales"], kind="quotation", obj=quotation)
    assert Document.objects.count() == 0


def test_pages_walk_from_a_discount_to_an_order(client, people, shop):
    quotation = quote(people, shop, lines=[L(shop["widget"], D("100"), D("80.00"))])
    _login(client, people["sales"])
    url = reverse("sales:quotation_detail", args=[quotation.pk])
    client.post(reverse("sales:quotation_act", args=[quotation.pk, "send"]))
    assert Quotation.objects.get(pk=quotation.pk).status == QuotationStatus.DRAFT
    assert "approval" in client.get(url).content.decode()
    client.post(reverse("sales:quotation_act", args=[quotation.pk, "request_approval"]))
    client.post(reverse("sales:quotation_act", args=[quotation.pk, "approve"]))  # sales may not
    assert Quotation.objects.get(pk=quotation.pk).status == QuotationStatus.AWAITING_APPROVAL
    client.logout()
    _login(client, people["manager"])
    client.post(reverse("sales:quotation_act", args=[quotation.pk, "approve"]))
    assert Quotation.objects.get(pk=quotation.pk).status == QuotationStatus.APPROVED
    client.logout()
    _login(client, people["sales"])  # sales sends it and turns it into the order
    client.post(reverse("sales:quotation_act", args=[quotation.pk, "send"]))
    client.post(reverse("sales:quotation_act", args=[quotation.pk, "accept"]))
    response = client.post(reverse("sales:quotation_convert", args=[quotation.pk]),
                           {"requested_date": in_days(40).isoformat(),
                            "lines": [str(quotation.lines.get().pk)]})
    order = Order.objects.get()
    assert response.url == reverse("orders:detail", args=[order.pk])
    assert order.lines.get().unit_price == Decimal("80.00")
