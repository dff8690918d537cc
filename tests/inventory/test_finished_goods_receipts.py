"""The finished-goods receipt (成品入库单, seed 003): a QC pass receives the accepted lots into stock by a
numbered receipt with its lines and who received it; a rush order's receipt tells the business office at
once (the sales owner and the order desk); bad lines are refused and write nothing; the PDF is read back
with pdftotext: fields, Chinese labels, and "RUSH / 急单" at the top right for a rush order."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from alerts.models import Alert, AlertRecipient
from documents import services as documents
from documents.tasks import render_document
from inventory.finished_goods import ReceiptLine, confirm_finished_goods_receipt, record_finished_goods_receipt
from inventory.models import (
    FinishedGoodsReceipt,
    FinishedGoodsReceiptConfirmation,
    FinishedGoodsReceiptLine,
    Item,
    Location,
    Lot,
    MoveKind,
    StockBalance,
    StockMove,
    Warehouse,
)
from numbering.models import Counter
from orders.models import Order, OrderStatus
from quality import services
from tests.documents.conftest import media_root, pdf_text  # noqa: F401 - media_root is an autouse fixture
from tests.fixtures.factories import user_with_role
from tests.fixtures.pdf_text import pdf_words
from tests.inventory.masterdata import made_item
from tests.quality.setup import PASSWORD, fill, give_plan, made_product, order_awaiting_qc


@pytest.fixture
def qc(db):
    return user_with_role("qc", username="qc-fg", first_name="李", last_name="检")


@pytest.fixture
def fg_location(db):
    warehouse = Warehouse.objects.create(code="WH1", name="成品库")
    return Location.objects.create(warehouse=warehouse, code="FG", zone="FG")


@pytest.fixture
def product(qc):
    product = made_product(sku="BRKT-9", name="支架 Bracket")
    give_plan(product, actor=qc)
    return product


def passed(sales, qc, product, **options):
    order, inspection = order_awaiting_qc(sales, product, **options)
    services.start_inspection(actor=qc, inspection=inspection)
    fill(qc, inspection)
    services.confirm_inspection(actor=qc, inspection=inspection, password=PASSWORD)
    return Order.objects.get(pk=order.pk), inspection


@pytest.mark.django_db
def test_a_qc_pass_records_a_numbered_receipt_whose_moves_name_it(sales, qc, product, fg_location):
    order, inspection = passed(sales, qc, product)
    receipt = FinishedGoodsReceipt.objects.get(order=order)
    line = receipt.lines.get()
    assert receipt.number.startswith("FGR-") and receipt.received_by == qc and not receipt.rush
    assert receipt.source == inspection.number and line.source == inspection.number
    assert (line.item.product_id, line.quantity, line.location) == (product.pk, Decimal("500"), fg_location)
    move = StockMove.objects.get(kind=MoveKind.PRODUCTION_OUTPUT)
    assert (move.document_type, move.document_id, move.document_number) == ("fg_receipt", receipt.pk, receipt.number)
    assert move.lot == line.lot and StockBalance.objects.get(location=fg_location, lot=line.lot).on_hand == 500
    inspection.refresh_from_db()
    assert receipt.number in inspection.get_stock_note_display()
    assert order.status == OrderStatus.QC_PASSED
    # An ordinary order's receipt alerts nobody.
    assert not Alert.objects.filter(kind="rush_finished_goods_received").exists()


@pytest.fixture
def keeper(db):
    return user_with_role("warehouse", username="fg-keeper", first_name="刘", last_name="收料")


@pytest.mark.django_db
def test_the_qc_pass_drafts_the_receipt_the_warehouse_confirms_it_then_the_business_office_is_told(
        sales, qc, product, fg_location, keeper):
    desk = user_with_role("order_desk", username="desk-fg")
    order, _inspection = passed(sales, qc, product, priority="rush", rush_reason="客户停线")
    receipt = FinishedGoodsReceipt.objects.get(order=order)
    assert receipt.rush and not FinishedGoodsReceiptConfirmation.objects.exists()
    # Drafted: the warehouse is told to confirm it; the business office not yet.
    to_confirm = Alert.objects.get(kind="finished_goods_to_confirm")
    assert keeper.username in set(to_confirm.recipients.values_list("user__username", flat=True))
    assert not Alert.objects.filter(kind="rush_finished_goods_received").exists()
    # Only the warehouse confirms; the QC inspector may not.
    with pytest.raises(PermissionDenied):
        confirm_finished_goods_receipt(actor=qc, receipt=receipt)
    with pytest.raises(ValidationError, match="too long"):
        confirm_finished_goods_receipt(actor=keeper, receipt=receipt, note="x" * 301)
    assert not FinishedGoodsReceiptConfirmation.objects.exists()
    confirmation = confirm_finished_goods_receipt(actor=keeper, receipt=receipt, note="数量无误")
    assert (confirmation.confirmed_by, confirmation.note) == (keeper, "数量无误")
    with pytest.raises(ValidationError, match="confirmed already"):
        confirm_finished_goods_receipt(actor=keeper, receipt=receipt)
    assert FinishedGoodsReceiptConfirmation.objects.count() == 1
    alert = Alert.objects.get(kind="rush_finished_goods_received")
    told = set(AlertRecipient.objects.filter(alert=alert).values_list("user__username", flat=True))
    assert {sales.username, desk.username} <= told
    assert alert.link == reverse("inventory:fg_receipt_detail", args=[receipt.pk])
    assert order.number in alert.rendered_subject() and receipt.number in alert.rendered_subject()


@pytest.mark.django_db
@pytest.mark.parametrize("problem, message", [
    ("none", "at least one line"),
    ("zero", "more than zero"),
    ("negative", "more than zero"),
    ("inactive", "active location"),
    ("other_lot", "is not a lot of"),
])
def test_bad_lines_are_refused_and_write_nothing(sales, qc, product, fg_location, problem, message):
    order, _inspection = order_awaiting_qc(sales, product)
    item = Item.objects.get(product=product)
    lot = Lot.objects.create(item=item, number="LOT-1")
    other = Lot.objects.create(item=made_item("OTHER-1"), number="LOT-X")
    line = {"item": item, "lot": lot, "quantity": Decimal("5"), "location": fg_location}
    if problem == "zero":
        line["quantity"] = Decimal("0")
    elif problem == "negative":
        line["quantity"] = Decimal("-1")
    elif problem == "inactive":
        fg_location.is_active = False
        fg_location.save()
    elif problem == "other_lot":
        line["lot"] = other
    lines = [] if problem == "none" else [ReceiptLine(**line)]
    counters = list(Counter.objects.values_list("series", "last"))
    with pytest.raises(ValidationError, match=message):
        record_finished_goods_receipt(actor=qc, order=order, lines=lines)
    assert not FinishedGoodsReceipt.objects.exists() and not FinishedGoodsReceiptLine.objects.exists()
    assert not StockMove.objects.exists() and list(Counter.objects.values_list("series", "last")) == counters


@pytest.mark.django_db
def test_the_receipt_pdf_reads_back_with_its_fields_and_the_rush_mark_at_the_top_right(sales, qc, product,
                                                                                        fg_location, keeper):
    order, inspection = passed(sales, qc, product, priority="rush", rush_reason="客户停线")
    receipt = FinishedGoodsReceipt.objects.get(order=order)
    confirm_finished_goods_receipt(actor=keeper, receipt=receipt)
    line = receipt.lines.get()
    document = documents.request_document(actor=sales, kind="finished_goods_receipt", obj=receipt,
                                          language="zh-hans")
    render_document(document.pk)
    document.refresh_from_db()
    text = pdf_text(document)
    for expected in ("成品入库单", "Finished-Goods Receipt", receipt.number, order.number, inspection.number,
                     line.lot.number, "FG", "500", "支架", "收料人", "刘", "急单原因", "客户停线", "经营课"):
        assert expected in text, expected
    words = pdf_words(document.file.path)
    marks = [w for w in words if "急单" in w["text"] and w["page"][2] == 1 and "原因" not in w["text"]]
    assert marks, "no 急单 mark on page 1"
    width, height, _page = marks[0]["page"]
    # The stamp is in the top fifth of the page and in its right half.
    assert any(w["xmin"] > width / 2 and w["ymax"] < height / 5 for w in marks), marks


@pytest.mark.django_db
def test_an_ordinary_receipt_pdf_has_no_rush_mark_and_the_pages_answer(client, sales, qc, product, fg_location):
    order, _inspection = passed(sales, qc, product)
    receipt = FinishedGoodsReceipt.objects.get(order=order)
    document = documents.request_document(actor=sales, kind="finished_goods_receipt", obj=receipt, language="en")
    render_document(document.pk)
    document.refresh_from_db()
    assert "急单" not in pdf_text(document) and receipt.number in pdf_text(document)
    warehouse = user_with_role("warehouse", username="wh-fg")
    client.force_login(warehouse)
    page = client.get(reverse("inventory:fg_receipt_list"))
    assert receipt.number in page.content.decode()
    detail = client.get(reverse("inventory:fg_receipt_detail", args=[receipt.pk])).content.decode()
    assert receipt.number in detail and order.number in detail and "500" in detail
    client.force_login(user_with_role("sales", username="nobody-fg", is_active=True))
    assert client.get(reverse("inventory:fg_receipt_detail", args=[receipt.pk + 999])).status_code == 404


@pytest.mark.django_db
def test_long_text_on_the_receipt_wraps_and_every_character_is_printed(sales, qc, product, fg_location):
    from orders.models import Customer, Product
    from tests.fixtures.pdf_text import assert_pdf_keeps, long_chinese, long_latin

    order, _inspection = passed(sales, qc, product, priority="rush", rush_reason="客户停线")
    receipt = FinishedGoodsReceipt.objects.get(order=order)
    values = {"name": long_chinese("客户名称"), "po": long_latin("PO", 60), "reason": long_chinese("急单原因", 300),
              "sku": long_latin("SKU", 40), "product": long_chinese("品名")}
    Customer.objects.filter(pk=order.customer_id).update(name=values["name"])
    Order.objects.filter(pk=order.pk).update(customer_po=values["po"], rush_reason=values["reason"])
    Product.objects.filter(pk=product.pk).update(sku=values["sku"], name=values["product"])
    for language in ("zh-hans", "en"):
        document = documents.request_document(actor=sales, kind="finished_goods_receipt", obj=receipt,
                                              language=language)
        render_document(document.pk)
        document.refresh_from_db()
        assert_pdf_keeps(document.file.path, *values.values())
def test_the_receipt_page_shows_it_waiting_and_the_warehouse_confirms_it_there(client, sales, qc, product,
                                                                               fg_location, keeper):
    order, _inspection = passed(sales, qc, product)
    receipt = FinishedGoodsReceipt.objects.get(order=order)
    url = reverse("inventory:fg_receipt_detail", args=[receipt.pk])
    client.force_login(sales)
    page = client.get(url).content.decode()
    assert 'data-testid="fg-awaiting"' in page and 'data-testid="fg-confirm-form"' not in page
    assert client.post(reverse("inventory:fg_receipt_confirm", args=[receipt.pk])).status_code == 403
    client.force_login(keeper)
    waiting = client.get(reverse("inventory:fg_receipt_list") + "?waiting=1").content.decode()
    assert receipt.number in waiting
    assert 'data-testid="fg-confirm-form"' in client.get(url).content.decode()
    assert client.post(reverse("inventory:fg_receipt_confirm", args=[receipt.pk]), {"note": ""}).status_code == 302
    page = client.get(url).content.decode()
    assert 'data-testid="fg-awaiting"' not in page and "收料" in page
    assert receipt.number not in client.get(reverse("inventory:fg_receipt_list") + "?waiting=1").content.decode()
    again = client.post(reverse("inventory:fg_receipt_confirm", args=[receipt.pk]), follow=True).content.decode()
    assert "confirmed already" in again and FinishedGoodsReceiptConfirmation.objects.count() == 1
