"""Photos and PDFs attached to an inspection: the type is read from the file's first bytes, photos are
checked for their pixel count from the header (the pixels are not decoded), and the file is stored with
an event on the inspection's timeline."""

import warnings

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from PIL import Image

from accounts.permissions import require

from .models import IS, InspectionAttachment
from .services import RECORD, locked_inspection, refuse_unless

ATTACHMENT_TYPES = {
    b"\xff\xd8\xff": ("image/jpeg", ".jpg"),
    b"\x89PNG\r\n\x1a\n": ("image/png", ".png"),
    b"%PDF-": ("application/pdf", ".pdf"),
}


def attachment_max_bytes():
    return getattr(settings, "QUALITY_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)


def attachment_max_pixels():
    return getattr(settings, "QUALITY_ATTACHMENT_MAX_PIXELS", 50_000_000)


def _image_size(upload):
    """(width, height) from the image's header (the pixels are not decoded), None when Pillow cannot read it.
    Pillow's own decompression-bomb limit applies too."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload) as image:
                size = image.size
                image.verify()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        return "too many pixels"  # beyond Pillow's own limit: far beyond ours
    except Exception:  # noqa: BLE001 - whatever Pillow cannot read is not an accepted image
        return None
    finally:
        upload.seek(0)
    return size


def _sniff(head):
    for magic, kind in ATTACHMENT_TYPES.items():
        if head.startswith(magic):
            return kind
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp", ".webp"
    return None


def add_attachment(*, actor, inspection, upload) -> InspectionAttachment:
    """A photo (JPEG, PNG, WebP) or PDF of at most QUALITY_ATTACHMENT_MAX_BYTES (10 MiB); the type is
    read from the file's first bytes, not trusted from its name."""
    require(actor, RECORD)
    limit = attachment_max_bytes()
    if upload is None:
        raise ValidationError(_("Choose a file."))
    if upload.size > limit:
        raise ValidationError(_("The file is larger than %(mb)s MB.") % {"mb": limit // (1024 * 1024)})
    head = upload.read(16)
    upload.seek(0)
    kind = _sniff(head)
    if kind is None:
        raise ValidationError(_("Only photos (JPEG, PNG, WebP) and PDF files can be attached."))
    content_type, extension = kind
    if content_type.startswith("image/"):
        size = _image_size(upload)
        if size is None:
            raise ValidationError(_("This photo cannot be read. Take it again or save it as JPEG or PNG."))
        if size == "too many pixels":
            raise ValidationError(_("The photo has more than %(max)s million pixels, the most that is accepted.")
                                  % {"max": attachment_max_pixels() // 1_000_000})
        width, height = size
        if width * height > attachment_max_pixels():
            raise ValidationError(
                _("The photo is %(width)s × %(height)s pixels; at most %(max)s million pixels are accepted.")
                % {"width": f"{width:,}", "height": f"{height:,}", "max": attachment_max_pixels() // 1_000_000})
    name = (upload.name or "attachment").rsplit("/", 1)[-1].rsplit("\\", 1)[-1][:150]
    with transaction.atomic():
        current = locked_inspection(inspection)
        refuse_unless(current, [IS.OPEN, IS.IN_PROGRESS, IS.PENDING_APPROVAL, IS.PASSED, IS.FAILED])
        attachment = InspectionAttachment(inspection=current, original_name=name, content_type=content_type,
                                          size=upload.size, uploaded_by=actor)
        stored = f"{current.number}{extension}"
        attachment.file.save(stored, upload, save=False)
        attachment.save()
        current.events.record(action="attachment_added", actor=actor, note=name)
    return attachment
