"""Work instructions 作业指导书 (planning.work_instructions): versions per routing operation (a new one keeps
the old, one is current), PDF and image attachments checked by their content, bad input refused with nothing
written; the tablet shows the current version and the operator's start records the version shown."""

import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from planning.models import WorkInstruction, WorkInstructionAttachment
from planning.work_instructions import ATTACHMENT_MAX_BYTES, save_work_instruction
from production.models import OperationLog
from production.services import OperationRefused, complete_operation, report_quantities, start_operation
from tests.planning.test_work_orders import shop  # noqa: F401  (fixture)
from tests.production.helpers import operations_of, released_order

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def png(name="fixture.png"):
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "#1f5fbf").save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def pdf(name="drawing.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def _written():
    return WorkInstruction.objects.count(), WorkInstructionAttachment.objects.count()


def test_new_version_keeps_the_old_one_current_is_one(shop, role_users):  # noqa: F811
    planner, item = role_users["planner"], shop["finished"]
    first = save_work_instruction(actor=planner, item=item, sequence=10, text="1. 核对瓶型\n2. 称量",
                                  uploads=[pdf(), png("bottle.png")])
    assert (first.version, first.is_current) == (1, True)
    assert sorted(first.attachments.values_list("content_type", flat=True)) == ["application/pdf", "image/png"]
    image = first.attachments.get(content_type="image/png")
    second = save_work_instruction(actor=planner, item=item, sequence=10, text="1. 核对瓶型\n2. 称量\n3. 记录批号",
                                   change_note="加记录批号", keep_attachments=[image.pk])
    first.refresh_from_db()
    assert (second.version, second.is_current, first.is_current) == (2, True, False)
    assert first.text == "1. 核对瓶型\n2. 称量" and first.attachments.count() == 2  # the old version as it was
    kept = second.attachments.get()
    assert (kept.file.name, kept.original_name) == (image.file.name, "bottle.png")
    assert WorkInstruction.objects.filter(item=item, sequence=10, is_current=True).count() == 1


@pytest.mark.parametrize("kwargs, message", [
    ({"text": "  "}, "Write the instructions"),
    ({"sequence": 99}, "no operation 99"),
    ({"uploads": [SimpleUploadedFile("fake.pdf", b"just text", content_type="application/pdf")]},
     "neither a PDF nor"),
    ({"uploads": [SimpleUploadedFile("x.svg", b"<svg xmlns='http://www.w3.org/2000/svg'><script/></svg>",
                                     content_type="image/svg+xml")]}, "neither a PDF nor"),
    ({"uploads": [pdf(content=b"%PDF-1.4\n" + b"0" * ATTACHMENT_MAX_BYTES + b"\n%%EOF")]}, "larger than"),
    ({"uploads": [png(f"p{n}.png") for n in range(9)]}, "at most 8 attachments"),
])
def test_bad_input_is_refused_and_nothing_is_written(shop, role_users, kwargs, message):  # noqa: F811
    save_work_instruction(actor=role_users["planner"], item=shop["finished"], sequence=10, text="v1")
    before = _written()
    arguments = {"actor": role_users["planner"], "item": shop["finished"], "sequence": 10, "text": "新版本", **kwargs}
    with pytest.raises(ValidationError, match=message):
        save_work_instruction(**arguments)
    assert _written() == before
    assert WorkInstruction.objects.get(is_current=True).version == 1


def test_operators_may_not_write_instructions(shop, role_users):  # noqa: F811
    with pytest.raises(PermissionDenied):
        save_work_instruction(actor=role_users["production"], item=shop["finished"], sequence=10, text="x")
    assert _written() == (0, 0)


def test_start_records_the_version_shown_and_refuses_an_old_one(shop, role_users):  # noqa: F811
    planner, operator = role_users["planner"], role_users["production"]
    order = released_order(shop)
    sub_op, top_op, _last = operations_of(order)
    # The sub-assembly S has no instruction: its start records none.
    start_operation(actor=operator, operation=sub_op)
    assert OperationLog.objects.get(operation=sub_op, action="start").work_instruction is None

    old = save_work_instruction(actor=planner, item=shop["sub"], sequence=10, text="旧版")
    new = save_work_instruction(actor=planner, item=shop["sub"], sequence=10, text="新版")
    report_quantities(actor=operator, operation=sub_op, good="3")
    complete_operation(actor=operator, operation=sub_op)
    top = save_work_instruction(actor=planner, item=shop["finished"], sequence=10, text="灌装前核对标签")
    logs = OperationLog.objects.count()
    for shown in (None, "", old.pk, new.pk):  # nothing, or another operation's / an earlier version
        with pytest.raises(OperationRefused, match="version 1"):
            start_operation(actor=operator, operation=top_op, instruction=shown)
    top_op.refresh_from_db()
    assert top_op.status == "released" and OperationLog.objects.count() == logs
    start_operation(actor=operator, operation=top_op, instruction=str(top.pk))
    assert OperationLog.objects.get(operation=top_op, action="start").work_instruction == top


def test_routing_page_edit_page_attachment_and_tablet(client, shop, role_users):  # noqa: F811
    planner, item = role_users["planner"], shop["finished"]
    client.force_login(planner)
    page = client.get(reverse("planning:routing_edit", args=[item.pk])).content.decode()
    assert 'data-testid="work-instructions"' in page
    url = reverse("planning:instruction_edit", args=[item.pk, 10])
    response = client.post(url, {"text": "戴手套操作", "change_note": "", "files": [pdf(), png()]})
    assert response.status_code == 302
    instruction = WorkInstruction.objects.get(is_current=True)
    assert instruction.attachments.count() == 2
    refused = client.post(url, {"text": "", "files": [SimpleUploadedFile("a.exe", b"MZ")]})
    assert refused.status_code == 400 and WorkInstruction.objects.count() == 1
    attachment = instruction.attachments.get(content_type="application/pdf")
    download = client.get(reverse("planning:instruction_attachment", args=[attachment.pk]))
    assert download["Content-Type"] == "application/pdf" and b"".join(download.streaming_content) == PDF
    client.logout()
    assert client.get(reverse("planning:instruction_attachment", args=[attachment.pk])).status_code == 302

    released_order(shop)
    operator = role_users["production"]
    client.force_login(operator)
    assert client.post(url, {"text": "operators may not"}).status_code == 403
    tablet = client.get(reverse("production:tablet", args=[shop["cut"].pk])).content.decode()
    assert "戴手套操作" in tablet and f'name="instruction" value="{instruction.pk}"' in tablet
