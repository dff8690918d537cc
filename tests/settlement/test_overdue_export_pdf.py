"""Overdue receivables: the beat task alerts sales and finance once per invoice when the clock passes the due
date (and not before); the accounting export's documented columns (CSV and XLSX); the invoice PDF read back
with pdftotext; and the finance role's home section and pages."""

import csv
import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from accounts.models import UserProfile
from alerts.models import Alert
from documents.models import Document, DocumentStatus
from documents.services import request_document
from orders.models import PaymentTerms
from settlement import exports, services, tasks
from settlement.models import Invoice
from tests.fixtures.factories import CustomerFactory, user_with_role

from .conftest import pdf_text, shipped_order

pytestmark = pytest.mark.django_db


def _move_clock(monkeypatch, days):
    moved = timezone.now() + timedelta(days=days)
    monkeypatch.setattr(timezone, "now", lambda: moved)


def test_the_beat_task_alerts_sales_and_finance_once_when_an_invoice_is_overdue(finance, shipper, monkeypatch):
    user_with_role("sales", username="sales-1")
    _order, shipment = shipped_order(shipper, customer=CustomerFactory(payment_terms=PaymentTerms.NET30))
    invoice = services.create_invoice(actor=finance, shipment=shipment)
    assert tasks.alert_overdue_invoices.apply().get() == 0
    _move_clock(monkeypatch, 30)  # the due date itself: not overdue yet
    assert tasks.alert_overdue_invoices.apply().get() == 0 and not Alert.objects.filter(kind="invoice_overdue").exists()
    _move_clock(monkeypatch, 31)
    assert tasks.alert_overdue_invoices.apply().get() == 1
    assert tasks.alert_overdue_invoices.apply().get() == 1  # run again: still one alert
    alert = Alert.objects.get(kind="invoice_overdue")
    assert {"sales-1", "finance-1"} <= set(alert.recipients.values_list("user__username", flat=True))
    assert invoice.number in str(alert.rendered_subject())
    assert alert.link == reverse("settlement:invoice_detail", args=[invoice.pk])
    # Paid: no longer overdue, the alert's subject is settled.
    services.record_payment(actor=finance, invoice=invoice, amount=invoice.amount,
                            received_on=timezone.localdate())
    assert tasks.alert_overdue_invoices.apply().get() == 0
    from alerts import subjects

    assert subjects.settled(alert)[1] == {"number": invoice.number}


def test_the_accounting_export_has_the_documented_columns(finance, shipper, client):
    order, shipment = shipped_order(shipper, quantity=3, price="1200.50")
    invoice = services.create_invoice(actor=finance, shipment=shipment, tax_rate=Decimal("13"))
    services.record_payment(actor=finance, invoice=invoice, amount=Decimal("1000"), received_on=timezone.localdate(),
                            reference="=HYPERLINK()")
    docs = (__import__("pathlib").Path(__file__).resolve().parents[2] / "docs" / "settlement.md").read_text()
    for column in exports.COLUMNS:
        assert f"`{column}`" in docs, column
    client.force_login(finance)
    response = client.get(reverse("settlement:invoice_export", args=["csv"]))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == exports.COLUMNS
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["invoice_no"] == invoice.number and row["order_no"] == order.number
    assert row["shipment_no"] == shipment.number and row["currency"] == "CNY"
    assert (row["net_amount"], row["tax_amount"], row["gross_amount"]) == ("3601.50", "468.20", "4069.70")
    assert (row["paid_amount"], row["outstanding"], row["status"]) == ("1000.00", "3069.70", "part_paid")
    assert row["invoice_date"] == timezone.localdate().isoformat()
    assert row["due_date"] == invoice.due_date.isoformat() and row["tax_rate_percent"] == "13.00"
    assert row["last_payment_date"] == timezone.localdate().isoformat()
    xlsx = client.get(reverse("settlement:invoice_export", args=["xlsx"]))
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    values = list(sheet.values)
    assert list(values[0]) == exports.COLUMNS and values[1][0] == invoice.number
    # Sales may not export (the role has no export permission).
    client.force_login(user_with_role("sales"))
    assert client.get(reverse("settlement:invoice_export", args=["csv"])).status_code == 403


def test_the_invoice_pdf_reads_back_with_amounts_due_date_and_bilingual_labels(finance, shipper,
                                                                                django_capture_on_commit_callbacks):
    order, shipment = shipped_order(shipper, quantity=10, price="88.50", priority="rush")
    invoice = services.create_invoice(actor=finance, shipment=shipment, tax_rate=Decimal("13"))
    with django_capture_on_commit_callbacks(execute=True):  # the render task runs eagerly on commit
        request_document(actor=finance, kind="invoice", obj=invoice)
    document = Document.objects.get(kind="invoice", object_id=invoice.pk)
    assert document.status == DocumentStatus.READY, document.error
    text = pdf_text(document)
    due = invoice.due_date
    for expected in (invoice.number, order.number, shipment.number, "发票", "Invoice", "价税合计", "885.00",
                     "115.05", "1,000.05", "CNY", "到期日", "急单", "30天", f"{due.year}年{due.month}月{due.day}日"):
        assert expected in text, (expected, text)


def test_the_finance_home_section_and_the_invoice_pages(finance, shipper, client, monkeypatch):
    _order, shipment = shipped_order(shipper, quantity=2, price="500")
    _other, waiting = shipped_order(shipper, quantity=1, price="10", lot="ST-2")
    invoice = services.create_invoice(actor=finance, shipment=shipment, tax_rate=Decimal("0"))
    Invoice.objects.filter(pk=invoice.pk).update(invoice_date=timezone.localdate() - timedelta(days=31),
                                                 due_date=timezone.localdate() - timedelta(days=1))
    UserProfile.objects.update_or_create(user=finance, defaults={"language": "zh-hans"})
    client.force_login(finance)
    home = client.get(reverse("home")).content.decode()
    assert 'data-testid="home-finance"' in home
    assert "1,000.00 CNY" in home and "逾期发票" in home and "待开票的发货单" in home
    listing = client.get(reverse("settlement:invoice_list"), {"status": "overdue"}).content.decode()
    assert invoice.number in listing and waiting.number in listing  # the overdue one; the one to invoice
    page = client.get(reverse("settlement:invoice_detail", args=[invoice.pk])).content.decode()
    assert "已逾期" in page or "逾期" in page
    # A bad payment on the page: the message, nothing written.
    response = client.post(reverse("settlement:invoice_payment", args=[invoice.pk]),
                           {"amount": "abc", "received_on": timezone.localdate().isoformat(),
                            "entry_key": "6a1f0c44-1111-4b6f-9e0e-000000000001"})
    assert response.status_code == 400 and not invoice.payments.exists()
    response = client.post(reverse("settlement:invoice_payment", args=[invoice.pk]),
                           {"amount": "5000", "received_on": timezone.localdate().isoformat(),
                            "entry_key": "6a1f0c44-1111-4b6f-9e0e-000000000002"})
    assert response.status_code == 400 and "1,000.00 CNY" in response.content.decode()
    assert not invoice.payments.exists()


def test_long_text_on_the_invoice_wraps_and_every_character_is_printed(finance, shipper,
                                                                        django_capture_on_commit_callbacks):
    from orders.models import Customer, Order, Product
    from tests.fixtures.pdf_text import assert_pdf_keeps, long_chinese, long_latin

    order, shipment = shipped_order(shipper, quantity=3, price="12.00")
    invoice = services.create_invoice(actor=finance, shipment=shipment, tax_rate=Decimal("13"))
    values = {"name": long_chinese("客户名称"), "name_en": long_latin("CUSTOMERNAME"),
              "billing_address": long_chinese("开票地址", 300), "po": long_latin("PO", 60),
              "sku": long_latin("SKU", 40), "product": long_chinese("品名")}
    Customer.objects.filter(pk=order.customer_id).update(name=values["name"], name_en=values["name_en"],
                                                         billing_address=values["billing_address"])
    Order.objects.filter(pk=order.pk).update(customer_po=values["po"])
    Product.objects.filter(pk=order.lines.get().product_id).update(sku=values["sku"], name=values["product"])
    values["reference"] = long_latin("PAYREF", 60)
    services.record_payment(actor=finance, invoice=invoice, amount=Decimal("1.00"), received_on=invoice.invoice_date,
                            reference=values["reference"])
    for language in ("zh-hans", "en"):
        with django_capture_on_commit_callbacks(execute=True):
            request_document(actor=finance, kind="invoice", obj=invoice, language=language)
        document = Document.objects.filter(kind="invoice", object_id=invoice.pk, language=language).latest("pk")
        assert document.status == DocumentStatus.READY, document.error
        assert_pdf_keeps(document.file.path, *values.values())
