"""Work instructions 作业指导书 (seed 000 §4.2): writing a new version for an item's routing operation, and
reading the current ones for the routing page and the shop-floor tablet (planning.instruction_models).

save_work_instruction writes a new current version (the earlier ones are kept, no longer current) with its
text, the attachments of the current version it keeps (a new row on the same stored file) and new uploads:
PDFs and JPEG/PNG/WebP images, each at most ATTACHMENT_MAX_BYTES, at most ATTACHMENT_MAX_COUNT per version,
checked by their content (inputs.uploads). Everything is checked before anything is written; a refusal
writes nothing. Planners and engineering (planning.change_routing) write; everyone who sees routings reads.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Prefetch
from django.utils.translation import gettext as _

from accounts.permissions import require
from inputs.uploads import (
    IMAGE_FORMATS,
    PDF_KIND,
    image_kind,
    is_pdf,
    size_limited,
    sized_upload_name,
    too_large_message,
)
from inventory.models import Item

from .models import RoutingOperation, WorkInstruction, WorkInstructionAttachment

CHANGE = "planning.change_routing"
ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
ATTACHMENT_MAX_COUNT = 8
TEXT_MAX = 10_000
ACCEPT = "application/pdf,image/jpeg,image/png,image/webp"
# A drawing or photo of a work step needs no more than this; more is refused (decompression bombs).
ATTACHMENT_MAX_PIXELS = 50_000_000
# Installs the upload size limit (inputs.uploads) as request.attachment_size_limit.
attachment_uploads_limited = size_limited(lambda: ATTACHMENT_MAX_BYTES, "attachment_size_limit")


def too_large(name):
    return too_large_message(name, ATTACHMENT_MAX_BYTES)


def checked_attachment(upload):
    """(content type, suffix) of an uploaded PDF or image, or ValidationError saying why it is refused."""
    name = sized_upload_name(upload, max_bytes=ATTACHMENT_MAX_BYTES, too_large=too_large)
    if is_pdf(upload):
        return PDF_KIND
    kind = image_kind(upload, IMAGE_FORMATS, max_pixels=ATTACHMENT_MAX_PIXELS)
    if kind is None:
        raise ValidationError(_("%(name)s is neither a PDF nor a JPEG, PNG or WebP image.") % {"name": name})
    return kind


def _errors(item, sequence, text, change_note, uploads, kept):
    errors = []
    if not RoutingOperation.objects.filter(routing__item=item, routing__is_active=True, sequence=sequence).exists():
        errors.append(_("%(code)s has no operation %(n)s in its active routing.") % {"code": item.code, "n": sequence})
    if not text.strip():
        errors.append(_("Write the instructions."))
    elif len(text) > TEXT_MAX:
        errors.append(_("The instructions are too long (at most %(n)s characters).") % {"n": TEXT_MAX})
    if len(change_note) > WorkInstruction._meta.get_field("change_note").max_length:
        errors.append(_("The note on what changed is too long."))
    if len(uploads) + len(kept) > ATTACHMENT_MAX_COUNT:
        errors.append(_("A work instruction can have at most %(n)s attachments.") % {"n": ATTACHMENT_MAX_COUNT})
    for upload in uploads:
        try:
            checked_attachment(upload)
        except ValidationError as exc:
            errors.extend(exc.messages)
    return errors


def save_work_instruction(*, actor, item: Item, sequence: int, text, change_note="", uploads=(),
                          keep_attachments=()) -> WorkInstruction:
    """A new current version of the work instruction of `item`'s operation `sequence`. `keep_attachments`:
    ids of the current version's attachments that the new version keeps."""
    require(actor, CHANGE)
    text, change_note, uploads = (text or "").strip(), (change_note or "").strip(), list(uploads)
    with transaction.atomic():
        Item.objects.select_for_update().filter(pk=item.pk).values_list("pk").first()  # one writer per item
        current = WorkInstruction.objects.filter(item=item, sequence=sequence, is_current=True).first()
        kept = list(current.attachments.filter(pk__in=[int(pk) for pk in keep_attachments if str(pk).isdigit()])
                    if current else [])
        errors = _errors(item, sequence, text, change_note, uploads, kept)
        if errors:
            raise ValidationError(errors)
        last = WorkInstruction.objects.filter(item=item, sequence=sequence).aggregate(last=Max("version"))["last"]
        WorkInstruction.objects.filter(item=item, sequence=sequence, is_current=True).update(is_current=False)
        instruction = WorkInstruction.objects.create(item=item, sequence=sequence, version=(last or 0) + 1,
                                                     text=text, change_note=change_note, created_by=actor)
        for attachment in kept:
            WorkInstructionAttachment.objects.create(
                instruction=instruction, file=attachment.file.name, content_type=attachment.content_type,
                size=attachment.size, original_name=attachment.original_name, uploaded_by=attachment.uploaded_by,
                uploaded_at=attachment.uploaded_at)
        for upload in uploads:
            content_type, _suffix = checked_attachment(upload)
            WorkInstructionAttachment.objects.create(
                instruction=instruction, file=upload, content_type=content_type, size=upload.size,
                original_name=(getattr(upload, "name", "") or "")[:200], uploaded_by=actor)
    return instruction


def _with_attachments(qs):
    return qs.select_related("created_by").prefetch_related(
        Prefetch("attachments", queryset=WorkInstructionAttachment.objects.order_by("id")))


def current_instructions(pairs):
    """{(item id, sequence): current WorkInstruction with its attachments} for the given pairs; two queries."""
    pairs = set(pairs)
    items = {item_id for item_id, _sequence in pairs}
    found = _with_attachments(WorkInstruction.objects.filter(item_id__in=items, is_current=True))
    return {(i.item_id, i.sequence): i for i in found if (i.item_id, i.sequence) in pairs}


def instruction_versions(item, sequence):
    """Every version of one operation's instruction, newest first, with attachments and writer."""
    return list(_with_attachments(WorkInstruction.objects.filter(item=item, sequence=sequence)).order_by("-version"))


def visible_attachment(user, pk):
    """An attachment the user may open (whoever sees routings: planners, engineering, the shop floor)."""
    if not user.has_perm("planning.view_routing"):
        return None
    return WorkInstructionAttachment.objects.filter(pk=pk).first()
