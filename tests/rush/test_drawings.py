"""Temporary drawings of a rush order (临时图纸/工程资料, seed 003), through the real services: issued with
copies each holder then signs for on their own page, refused with a message and nothing written on bad input, returned
(who received it) or voided (with the reason); once the order is complete (finished goods received at the
QC pass) every copy is due back within 24 hours: the beat task, driven with a moved clock, alerts the
holder and their department head at the deadline, the rule escalates to the manager after it, and the
escalation stops when the copy is back. Overdue copies show on the rush board and the holder's home page."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from alerts.models import Alert, AlertRecipient
from alerts.services import escalate_due_alerts
from inventory.models import FinishedGoodsReceipt
from orders.models import OrderStatus
from quality import services as quality
from rush import drawings
from rush.models import CopyStatus, DrawingAttachment, DrawingCopy, DrawingEvent, TemporaryDrawing
from rush.tasks import watch_drawing_returns
from tests.documents.conftest import media_root  # noqa: F401 - media_root is an autouse fixture
from tests.fixtures.factories import make_order, user_with_role
from tests.inventory.test_finished_goods_receipts import fg_location  # noqa: F401 - fixture
from tests.quality.setup import PASSWORD, fill, give_plan, made_product, order_awaiting_qc

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def people(db):
    return {"planner": user_with_role("planner", username="pmc-dw", first_name="周", last_name="工"),
            "holder": user_with_role("production", username="line-dw", first_name="王", last_name="班长"),
            "head": user_with_role("production_head", username="head-dw"),
            "manager": user_with_role("manager", username="boss-dw"),
            "keeper": user_with_role("warehouse", username="fg-dw", first_name="刘", last_name="收料"),
            "qc": user_with_role("qc", username="qc-dw")}


@pytest.fixture
def rush_at_qc(sales, people):
    product = made_product(sku="DW-1", name="法兰 Flange")
    give_plan(product, actor=people["qc"])
    return order_awaiting_qc(sales, product, priority="rush", rush_reason="客户停线")


def issue(people, order, number="DWG-100", revision="B", copies=None, uploads=()):
    copies = copies if copies is not None else [(people["holder"], "production"), (people["keeper"], "warehouse")]
    return drawings.issue_drawing(actor=people["planner"], order=order, number=number, revision=revision,
                                  title="临时改型图", copies=copies, uploads=uploads)


def nothing_written():
    return not (TemporaryDrawing.objects.exists() or DrawingCopy.objects.exists()
                or DrawingEvent.objects.exists() or DrawingAttachment.objects.exists())


@pytest.mark.django_db
def test_a_drawing_is_issued_with_its_copies_waiting_for_signature_and_its_attachment(people, rush_at_qc):
    order, _inspection = rush_at_qc
    drawing = issue(people, order, uploads=[SimpleUploadedFile("图纸.pdf", PDF, content_type="application/pdf")])
    copies = list(drawing.copies.order_by("copy_no"))
    assert [(c.copy_no, c.holder, c.department, c.status) for c in copies] == [
        (1, people["holder"], "production", CopyStatus.ISSUED), (2, people["keeper"], "warehouse", CopyStatus.ISSUED)]
    assert all(c.signed_at is None and c.awaits_signature and c.due_at is None for c in copies)
    assert drawing.attachments.get().content_type == "application/pdf"
    event = copies[0].events.get()
    assert event.action == "issued" and event.actor == people["planner"] and (
        people["holder"].get_full_name() in event.get_note_display())


@pytest.mark.django_db
@pytest.mark.parametrize("change, message", [
    ({"number": " "}, "Enter the drawing number"),
    ({"revision": ""}, "Enter the drawing's revision"),
    ({"number": "X" * 41}, "too long"),
    ({"copies": []}, "at least one copy"),
    ({"copies": "bad_department"}, "department"),
    ({"copies": "inactive"}, "choose the person"),
    ({"uploads": "not_a_pdf"}, "neither a PDF"),
    ({"uploads": "empty"}, "is empty"),
])
def test_bad_input_is_refused_with_a_message_and_writes_nothing(people, rush_at_qc, change, message):
    order, _inspection = rush_at_qc
    arguments = {"number": "DWG-1", "revision": "A", "copies": None, "uploads": ()}
    arguments.update(change)
    if arguments["copies"] == "bad_department":
        arguments["copies"] = [(people["holder"], "canteen")]
    elif arguments["copies"] == "inactive":
        gone = user_with_role("production", username="gone-dw", is_active=False)
        arguments["copies"] = [(gone, "production")]
    if arguments["uploads"] == "not_a_pdf":
        arguments["uploads"] = [SimpleUploadedFile("x.pdf", b"<script>1</script>", content_type="application/pdf")]
    elif arguments["uploads"] == "empty":
        arguments["uploads"] = [SimpleUploadedFile("x.pdf", b"", content_type="application/pdf")]
    with pytest.raises(ValidationError, match=message):
        issue(people, order, **arguments)
    assert nothing_written()


@pytest.mark.django_db
def test_no_drawings_for_an_ordinary_or_finished_order_nor_twice_nor_by_sales(people, sales):
    ordinary = make_order(creator=sales, status=OrderStatus.IN_PRODUCTION)
    with pytest.raises(ValidationError, match="not a rush order"):
        issue(people, ordinary)
    finished = make_order(creator=sales, status=OrderStatus.QC_PASSED, priority="rush", rush_reason="急")
    with pytest.raises(ValidationError, match="no drawings are issued"):
        issue(people, finished)
    assert nothing_written()
    rush = make_order(creator=sales, status=OrderStatus.IN_PRODUCTION, priority="rush", rush_reason="急")
    with pytest.raises(PermissionDenied):
        drawings.issue_drawing(actor=sales, order=rush, number="D", revision="A",
                               copies=[(people["holder"], "production")])
    issue(people, rush)
    with pytest.raises(ValidationError, match="issued for this order already"):
        issue(people, rush)
    assert TemporaryDrawing.objects.count() == 1 and DrawingCopy.objects.count() == 2


@pytest.mark.django_db
def test_a_copy_is_returned_with_who_received_it_or_voided_with_a_reason_once(people, sales):
    order = make_order(creator=sales, status=OrderStatus.IN_PRODUCTION, priority="rush", rush_reason="急")
    first, second = issue(people, order).copies.order_by("copy_no")
    with pytest.raises(PermissionDenied):
        drawings.return_copy(actor=people["holder"], copy=first)
    returned = drawings.return_copy(actor=people["keeper"], copy=first, note="完好")
    assert (returned.status, returned.received_by) == (CopyStatus.RETURNED, people["keeper"])
    assert people["keeper"].get_full_name() in returned.events.get(action="returned").get_note_display()
    with pytest.raises(ValidationError, match="returned already"):
        drawings.return_copy(actor=people["keeper"], copy=first)
    with pytest.raises(ValidationError, match="reason"):
        drawings.void_copy(actor=people["planner"], copy=second, reason="  ")
    with pytest.raises(PermissionDenied):
        drawings.void_copy(actor=people["keeper"], copy=second, reason="丢失")
    second.refresh_from_db()
    assert second.status == CopyStatus.ISSUED and not second.events.filter(action="voided").exists()
    voided = drawings.void_copy(actor=people["planner"], copy=second, reason="丢失,已重新发放")
    assert (voided.status, voided.void_reason, voided.voided_by) == (CopyStatus.VOIDED, "丢失,已重新发放",
                                                                      people["planner"])


def pass_qc(people, inspection):
    quality.start_inspection(actor=people["qc"], inspection=inspection)
    fill(people["qc"], inspection)
    quality.confirm_inspection(actor=people["qc"], inspection=inspection, password=PASSWORD)


@pytest.mark.django_db
def test_copies_are_due_24_hours_after_the_receipt_alerted_at_the_deadline_and_escalated(
        people, rush_at_qc, fg_location, client):  # noqa: F811 - the fixture
    order, inspection = rush_at_qc
    held, back = issue(people, order).copies.order_by("copy_no")
    # Before the order is complete nothing is due.
    assert watch_drawing_returns() == {"due_set": 0, "alerted": 0}
    pass_qc(people, inspection)
    receipt = FinishedGoodsReceipt.objects.get(order=order)
    drawings.return_copy(actor=people["keeper"], copy=back)
    assert drawings.watch_drawing_returns(now=receipt.received_at + timedelta(hours=23)) == (1, 0)
    held.refresh_from_db()
    assert held.due_at == receipt.received_at + timedelta(hours=24)
    assert not Alert.objects.filter(kind="drawing_overdue").exists()
    # At the deadline: the holder and the production department's head, once.
    deadline = receipt.received_at + timedelta(hours=24, minutes=1)
    assert drawings.watch_drawing_returns(now=deadline) == (0, 1)
    assert drawings.watch_drawing_returns(now=deadline + timedelta(hours=1)) == (0, 0)
    alert = Alert.objects.get(kind="drawing_overdue")
    told = dict(AlertRecipient.objects.filter(alert=alert).values_list("user__username", "level"))
    assert told["line-dw"] == told["head-dw"] == 0 and set(told.values()) == {0}
    assert "boss-dw" not in told
    assert "DWG-100" in alert.rendered_subject() and order.number in alert.rendered_subject()
    assert held.events.filter(action="overdue").exists()
    # After it, nobody acknowledging: the manager (level 1).
    escalate_due_alerts(now=timezone.now() + timedelta(hours=2, minutes=1))
    assert AlertRecipient.objects.filter(alert=alert, user=people["manager"], level=1).exists()
    # The board and the holder's home page show the overdue copy (they read the real clock: the deadline is
    # moved into its past).
    DrawingCopy.objects.filter(pk=held.pk).update(due_at=timezone.now() - timedelta(hours=1))
    client.force_login(people["manager"])
    board = client.get(reverse("rush:board")).content.decode()
    assert 'data-testid="overdue-drawing"' in board and "DWG-100 B #1" in board
    client.force_login(people["holder"])
    assert 'hx-get="/rush/drawings/home/"' in client.get(reverse("home")).content.decode()  # loads the section
    home = client.get(reverse("rush:home_drawings")).content.decode()
    assert 'data-testid="my-drawings-overdue"' in home and "DWG-100 B #1" in home
    # Back: the escalation stops with the reason, and the board no longer lists it.
    drawings.return_copy(actor=people["keeper"], copy=held)
    escalate_due_alerts(now=timezone.now() + timedelta(hours=24))
    alert.refresh_from_db()
    assert not AlertRecipient.objects.filter(alert=alert, level=2).exists()
    assert "returned" in alert.rendered_stop_reason()
    client.force_login(people["manager"])
    assert 'data-testid="overdue-drawing"' not in client.get(reverse("rush:board")).content.decode()


@pytest.mark.django_db
def test_the_drawings_page_issues_and_refuses_bad_input_writing_nothing(people, sales, client):
    order = make_order(creator=sales, status=OrderStatus.IN_PRODUCTION, priority="rush", rush_reason="急")
    url = reverse("rush:drawings", args=[order.pk])
    client.force_login(people["planner"])
    response = client.post(url, {"number": "DWG-7", "revision": "A", "holder_1": people["holder"].pk})
    assert response.status_code == 400 and "department" in response.content.decode() and nothing_written()
    response = client.post(url, {"number": "DWG-7", "revision": "A", "holder_1": people["holder"].pk,
                                 "department_1": "production",
                                 "files": SimpleUploadedFile("d.pdf", PDF, content_type="application/pdf")})
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert "DWG-7" in page and people["holder"].get_full_name() in page
    client.force_login(people["holder"])
    assert client.post(url, {"number": "X", "revision": "A"}).status_code == 403


@pytest.mark.django_db
def test_the_holder_signs_for_their_copy_on_its_page_once_and_nobody_else_can(people, sales, client):
    order = make_order(creator=sales, status=OrderStatus.IN_PRODUCTION, priority="rush", rush_reason="急")
    first, second = issue(people, order).copies.order_by("copy_no")
    drawings_page = reverse("rush:drawings", args=[order.pk])
    client.force_login(people["planner"])
    page = client.get(drawings_page).content.decode()
    assert page.count('data-testid="copy-unsigned"') == 2  # both copies visibly unsigned
    # Someone else (even a manager) cannot sign the holder's copy; the page is not theirs either.
    with pytest.raises(ValidationError, match="Only the holder"):
        drawings.sign_copy(actor=people["manager"], copy=first)
    client.force_login(people["keeper"])
    assert client.get(reverse("rush:drawing_sign", args=[first.pk])).status_code == 404
    assert client.post(reverse("rush:drawing_sign", args=[first.pk])).status_code == 404
    first.refresh_from_db()
    assert first.signed_at is None and first.events.count() == 1
    # The holder's home section lists the copy waiting for their signature and links its page.
    client.force_login(people["holder"])
    home = client.get(reverse("rush:home_drawings")).content.decode()
    assert 'data-testid="drawing-to-sign"' in home and reverse("rush:drawing_sign", args=[first.pk]) in home
    sign_page = reverse("rush:drawing_sign", args=[first.pk])
    assert 'data-testid="sign-copy"' in client.get(sign_page).content.decode()
    assert client.post(sign_page).status_code == 302
    first.refresh_from_db()
    assert first.signed_at is not None and not first.awaits_signature
    event = first.events.get(action="signed")
    assert event.actor == people["holder"] and people["holder"].get_full_name() in event.get_note_display()
    assert 'data-testid="drawing-to-sign"' not in client.get(reverse("rush:home_drawings")).content.decode()
    # Twice is refused with a message, nothing more written.
    response = client.post(sign_page, follow=True)
    assert "already" in response.content.decode() and first.events.filter(action="signed").count() == 1
    # A returned copy is no longer signed for.
    drawings.return_copy(actor=people["keeper"], copy=second)
    with pytest.raises(ValidationError, match="returned already"):
        drawings.sign_copy(actor=people["keeper"], copy=second)
    client.force_login(people["planner"])
    page = client.get(drawings_page).content.decode()
    assert page.count('data-testid="copy-unsigned"') == 0
