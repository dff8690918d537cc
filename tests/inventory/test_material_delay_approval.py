"""The material delay request 《材料交期延迟申请单》 with the PMC head's decision: approve or reject (the
reason required), never by the person who recorded it, each step an event, the requester told; bad input
refused with nothing written; the detail page and its form; the PDF read back with pdftotext."""

import subprocess

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from alerts.models import Alert
from documents import services as document_services
from documents.models import DocumentStatus
from documents.tasks import render_document
from inventory import material_delays
from inventory.models import MaterialDelay, MaterialDelayEvent, MaterialDelayStatus
from orders.models import Customer, OrderStatus
from tests.fixtures.factories import user_with_role
from tests.fixtures.pdf_text import assert_pdf_keeps, long_chinese, long_latin
from tests.inventory.materialdata import buyer, in_days, machine_order, make_machine, make_supplier, sent_po

pytestmark = pytest.mark.django_db


@pytest.fixture
def delay():
    machine = make_machine()
    machine_order(machine, quantity="1", status=OrderStatus.PLANNED, priority="rush", rush_reason="展会 trade fair")
    po = sent_po(make_supplier(), [(machine.gasket, 20, 3)])
    return material_delays.record_material_delay(actor=user_with_role("warehouse", username="keeper1"),
                                                 item=machine.gasket, line=po.lines.get(),
                                                 new_expected_date=in_days(9), reason="供应商停电 power cut")


def state():
    return (list(MaterialDelay.objects.values_list("status", "decided_by", "decision_reason")),
            MaterialDelayEvent.objects.count(), Alert.objects.filter(kind="material_delay_decided").count())


def test_the_pmc_head_approves_and_the_requester_is_told(delay):
    head = buyer()
    assert delay.status == MaterialDelayStatus.PENDING
    assert list(delay.events.values_list("action", flat=True)) == ["recorded"]
    approved = material_delays.approve_material_delay(actor=head, delay=delay, reason="同意 agreed")
    assert (approved.status, approved.decided_by, approved.decision_reason) == ("approved", head, "同意 agreed")
    assert approved.decided_at is not None
    event = approved.events.get(action="approved")
    assert (event.actor, event.from_status, event.to_status) == (head, "pending", "approved")
    alert = Alert.objects.get(kind="material_delay_decided")
    assert list(alert.recipients.values_list("user__username", flat=True)) == ["keeper1"]


def test_a_rejection_needs_the_reason_and_is_recorded(delay):
    before = state()
    with pytest.raises(ValidationError, match="Give the reason"):
        material_delays.reject_material_delay(actor=buyer(), delay=delay, reason="  ")
    assert state() == before
    rejected = material_delays.reject_material_delay(actor=buyer(), delay=delay, reason="催供应商 push the supplier")
    assert rejected.status == MaterialDelayStatus.REJECTED
    assert rejected.events.get(action="rejected").get_note_display() == "催供应商 push the supplier"


def test_who_may_not_decide_and_twice_are_refused_with_nothing_written(delay):
    own = material_delays.record_material_delay(actor=buyer(), item=delay.item, new_expected_date=in_days(8),
                                                reason="own request")
    before = state()
    with pytest.raises(ValidationError, match="cannot decide it"):
        material_delays.approve_material_delay(actor=buyer(), delay=own)  # a planner who recorded it
    with pytest.raises(PermissionDenied):
        material_delays.approve_material_delay(actor=user_with_role("sales"), delay=delay)
    with pytest.raises(ValidationError, match="At most 500"):
        material_delays.approve_material_delay(actor=buyer(), delay=delay, reason="x" * 501)
    assert state() == before
    material_delays.approve_material_delay(actor=buyer(), delay=delay)
    after = state()
    with pytest.raises(ValidationError, match="decided already"):
        material_delays.reject_material_delay(actor=buyer(), delay=delay, reason="late")
    assert state() == after


def test_the_page_decides_and_shows_the_refusal(delay, client):
    client.force_login(buyer())
    page = client.get(reverse("inventory:material_delay_detail", args=[delay.pk])).content.decode()
    assert delay.number in page and 'data-testid="delay-decision"' in page
    url = reverse("inventory:material_delay_decide", args=[delay.pk])
    refused = client.post(url, {"decision": "reject", "reason": ""}).content.decode()
    assert "Give the reason for rejecting the request." in refused
    assert MaterialDelay.objects.get(pk=delay.pk).status == "pending"
    assert client.post(url, {"decision": "approve", "reason": "ok"}).status_code == 302
    assert MaterialDelay.objects.get(pk=delay.pk).status == "approved"
    client.force_login(user_with_role("sales"))
    assert client.post(url, {"decision": "approve"}).status_code == 403


def _render(delay, tmp_path, settings, language="zh-hans"):
    settings.MEDIA_ROOT = tmp_path
    document = document_services.request_document(actor=buyer(), kind="material_delay_request",
                                                  obj=MaterialDelay.objects.get(pk=delay.pk), language=language)
    render_document(document.pk)
    document.refresh_from_db()
    assert document.status == DocumentStatus.READY, document.error
    return document.file.path


def test_the_pdf_says_what_was_asked_and_decided(delay, tmp_path, settings):
    material_delays.approve_material_delay(actor=buyer(), delay=delay, reason="同意新交期")
    path = _render(delay, tmp_path, settings)
    text = subprocess.run(["pdftotext", "-layout", path, "-"], capture_output=True, text=True, check=True).stdout
    order = delay.affected_orders.get()
    for value in ("材料交期延迟申请单", "RUSH / 急单", delay.number, delay.item.code, "供应商停电 power cut",
                  order.number, "PMC主管审批", "同意新交期", "已批准"):
        assert value in text, value


def test_long_text_on_the_material_delay_request_wraps_and_every_character_is_printed(delay, tmp_path, settings):
    values = [long_chinese("延迟原因", 300), long_latin("REASON", 120), long_chinese("客户名称")]
    MaterialDelay.objects.filter(pk=delay.pk).update(reason=values[0] + values[1])
    Customer.objects.filter(orders__in=delay.affected_orders.all()).update(name=values[2])
    material_delays.reject_material_delay(actor=buyer(), delay=delay, reason=long_chinese("驳回理由", 120))
    values.append(long_chinese("驳回理由", 120))
    for language in ("zh-hans", "en"):
        assert_pdf_keeps(_render(delay, tmp_path, settings, language), *values)
