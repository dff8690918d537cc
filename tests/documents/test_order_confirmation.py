"""The order confirmation PDF, rendered through the real task function and read back with pdftotext."""

from datetime import date

import pytest
import segno
from django.core.exceptions import ValidationError

from documents import pdf_fetcher, rendering, services
from documents.models import DocumentStatus
from documents.tasks import render_document
from orders.documents import build_order_confirmation
from orders.models import Order, OrderLine, OrderStatus
from tests.fixtures.factories import CustomerFactory, ProductFactory, make_order
from tests.fixtures.pdf_text import assert_pdf_keeps, long_chinese, long_latin

from .conftest import pdf_text


def rendered(actor, order, language=None):
    document = services.request_document(actor=actor, kind="order_confirmation", obj=order, language=language)
    render_document(document.pk)
    document.refresh_from_db()
    assert document.status == DocumentStatus.READY, document.error
    return document


@pytest.mark.django_db
def test_confirmation_shows_order_customer_lines_and_total(sales, approved_order):
    document = rendered(sales, approved_order)
    text = pdf_text(document)
    assert "订单确认书 Order Confirmation" in text
    assert approved_order.number in text
    for value in ["HD001", "华东精密机械有限公司", "East China Precision Machinery Co., Ltd.", "王小明",
                  "buyer@hdjm.example", "上海市浦东新区张江路 88 号", "江苏省苏州市工业园区星湖街 1 号", "PO-HD-7781",
                  "CL-500", "工业清洁剂", "500ml 瓶装", "GR-KG", "润滑脂", "锂基 2#",
                  "15,000.00", "1,100.00", "16,100.00", "CNY"]:
        assert value in text, value
    assert "急单" not in text and "RUSH" not in text
    assert "第 1 页 / 共 1 页" in text  # page numbers from @page
    assert document.filename == f"{approved_order.number}-order-confirmation.pdf"
    with open(document.file.path, "rb") as handle:
        assert handle.read(5) == b"%PDF-"


@pytest.mark.django_db
def test_rush_order_is_stamped(sales, rush_order):
    text = pdf_text(rendered(sales, rush_order))
    assert "RUSH / 急单" in text
    # The rush reason is our own justification (a customer's troubles, a supplier's failure): not for the customer.
    assert "客户产线停线" not in text and "line down" not in text


@pytest.mark.django_db
def test_document_is_rendered_in_the_customers_language_or_the_one_asked_for(sales, approved_order):
    chinese = rendered(sales, approved_order)  # the customer's document language is zh-hans
    assert chinese.language == "zh-hans"
    requested = approved_order.requested_date
    assert f"{requested.year}年{requested.month}月{requested.day}日" in pdf_text(chinese)

    english = rendered(sales, approved_order, language="en")
    assert english.language == "en"
    english_text = pdf_text(english)
    assert f"{requested.year}年" not in english_text
    assert str(requested.year) in english_text and "30 days net" in english_text


@pytest.mark.django_db
def test_the_order_number_is_printed_and_encoded_as_a_qr_code(sales, approved_order):
    content = build_order_confirmation(approved_order, "en")
    html = rendering.render_html(content.template_name, content.context, "en")
    expected = segno.make(approved_order.number, error="m").svg_inline(scale=3, border=0, omitsize=False)
    assert expected in html
    assert html.count("<svg") == 1


@pytest.mark.django_db
def test_user_markup_is_printed_as_text_and_nothing_is_fetched(sales, monkeypatch):
    fetched = []
    original_fetch = pdf_fetcher.StaticFilesOnlyFetcher.fetch

    def recording_fetch(self, url, headers=None):
        fetched.append(url)
        return original_fetch(self, url, headers)

    monkeypatch.setattr(pdf_fetcher.StaticFilesOnlyFetcher, "fetch", recording_fetch)
    customer = CustomerFactory(name='<b>恶意</b><img src="http://127.0.0.1:9/pixel.png">',
                               billing_address='<link rel="stylesheet" href="file:///etc/passwd">')
    order = make_order(creator=sales, status=OrderStatus.APPROVED, customer=customer)
    order.customer_notes = '<script>document.title="PWNED"</script><iframe src="https://example.com/"></iframe>'
    order.save(update_fields=["customer_notes"])

    content = build_order_confirmation(order, "en")
    html = rendering.render_html(content.template_name, content.context, "en")
    assert "&lt;script&gt;" in html and "<script>" not in html
    assert "<iframe" not in html and '<img src="http' not in html
    assert '<link rel="stylesheet" href="file:' not in html

    text = pdf_text(rendered(sales, order))
    assert '<b>恶意</b><img src="http://127.0.0.1:9/pixel.png">' in text
    assert '<script>document.title="PWNED"</script>' in text
    assert '<link rel="stylesheet"' in text
    # Only our own stylesheet was asked for: no URL from the user data.
    assert fetched == ["https://orderflow.invalid/static/documents/pdf.css"]


@pytest.mark.django_db
def test_no_confirmation_before_approval(sales):
    for status in [OrderStatus.DRAFT, OrderStatus.SUBMITTED]:
        order = make_order(creator=sales, status=status)
        with pytest.raises(ValidationError, match="once the order is approved"):
            services.request_document(actor=sales, kind="order_confirmation", obj=order)


@pytest.mark.django_db
def test_long_text_wraps_and_every_character_is_printed(sales):
    """200-character Chinese and space-less Latin values in every text field the confirmation prints."""
    values = {
        "name": long_chinese("客户名称"), "name_en": long_latin("NAMEEN"), "contact_name": long_chinese("联系人", 100),
        "contact_email": long_latin("MAIL", 254), "billing_address": long_latin("BILLTO"),
        "shipping_address": long_chinese("收货地址") + "\n" + long_latin("SHIPTO"),
    }
    customer = CustomerFactory(**values)
    product = {"sku": long_latin("SKU", 40), "name": long_chinese("品名"), "specification": long_latin("SPEC", 300)}
    order = make_order(creator=sales, status=OrderStatus.APPROVED, customer=customer,
                       products=[ProductFactory(**product)], customer_po=long_latin("PO", 60))
    notes = long_chinese("客户备注") + long_latin("NOTES")
    Order.objects.filter(pk=order.pk).update(customer_notes=notes)
    for language in ("zh-hans", "en"):
        document = rendered(sales, order, language=language)
        assert_pdf_keeps(document.file.path, *values.values(), *product.values(), long_latin("PO", 60), notes)


@pytest.mark.django_db
def test_each_line_shows_its_own_requested_date(sales, approved_order):
    first, second = approved_order.lines.order_by("line_no")
    OrderLine.objects.filter(pk=first.pk).update(requested_date=date(2027, 3, 9))  # second: the order's date
    text = pdf_text(rendered(sales, approved_order))
    assert "交期 Line date" in text
    order_date = approved_order.requested_date
    rows = {line.split()[0]: line for line in text.splitlines() if line.split()[:1] in (["1"], ["2"])}
    assert "2027年3月9日" in rows["1"]
    assert f"{order_date.year}年{order_date.month}月{order_date.day}日" in rows["2"]


@pytest.mark.django_db
def test_notes_for_the_customer_are_printed_and_internal_notes_never(sales, approved_order):
    Order.objects.filter(pk=approved_order.pk).update(internal_notes="内部备注：客户首单，注意付款情况",
                                                      customer_notes="请提前一天电话通知收货")
    for language in ("zh-hans", "en"):
        text = pdf_text(rendered(sales, approved_order, language=language))
        assert "请提前一天电话通知收货" in text
        assert "客户首单" not in text and "注意付款情况" not in text
