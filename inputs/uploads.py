"""Uploaded files: how large they may be, and what they are by their content (not their name or the
browser's content type). Shared by the exception report photos (production.photos) and the work instruction
attachments (planning.work_instructions), the proofs of delivery (shipping.pod_files).

- `upload_size_limited(max_bytes)`: a view decorator installing UploadSizeLimit before anything reads the
  body, so an oversized file stops being stored as soon as it passes the limit (Django's
  DATA_UPLOAD_MAX_MEMORY_SIZE does not cap files); the names it skipped are `request.upload_size_limit.too_large`.
- `checked_image(upload, ...)`: JPEG, PNG or WebP as Pillow reads it, within a pixel limit (decompression
  bombs); SVG and other formats a browser could run script from are never accepted.
- `checked_pdf(upload, ...)`: a PDF by its header and end-of-file marker.
"""

import warnings
from functools import wraps

from django.core.exceptions import ValidationError
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from PIL import Image

# Pillow format → (content type served, file name suffix stored)
IMAGE_FORMATS = {"JPEG": ("image/jpeg", ".jpg"), "PNG": ("image/png", ".png"), "WEBP": ("image/webp", ".webp")}
IMAGE_MAX_PIXELS = 50_000_000
PDF = ("application/pdf", ".pdf")


class UploadSizeLimit(FileUploadHandler):
    """Stops storing an uploaded file once it passes `max_bytes` and remembers which ones did."""

    def __init__(self, request=None, *, max_bytes):
        super().__init__(request)
        self.max_bytes = max_bytes() if callable(max_bytes) else max_bytes
        self.received = 0
        self.too_large = []

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.max_bytes:
            self.too_large.append(self.file_name)
            raise SkipFile
        return raw_data

    def file_complete(self, file_size):
        return None  # the next handlers build the file


def upload_size_limited(max_bytes):
    """Install UploadSizeLimit before anything reads the request body. The CSRF middleware reads it, so its
    check is done here after the handler is in place (as Django's docs on upload handlers describe).
    `max_bytes`: a number, or a function giving it at each request (a limit read from the settings)."""
    def decorator(view):
        protected = csrf_protect(view)

        @csrf_exempt
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            limit = UploadSizeLimit(request, max_bytes=max_bytes)
            request.upload_handlers.insert(0, limit)
            request.upload_size_limit = limit
            return protected(request, *args, **kwargs)
        return wrapper
    return decorator


def too_large_message(name, max_bytes):
    return _("%(name)s is larger than %(size)s.") % {"name": name, "size": filesizeformat(max_bytes)}


def _name(upload):
    return getattr(upload, "name", "") or _("The file")


def _check_size(upload, max_bytes, large_message=None):
    if upload.size > max_bytes:
        raise ValidationError(large_message or too_large_message(_name(upload), max_bytes))
    if upload.size == 0:
        raise ValidationError(_("%(name)s is empty.") % {"name": _name(upload)})


def checked_image(upload, *, max_bytes, refused, large_message=None):
    """(content type, suffix) of an uploaded JPEG, PNG or WebP image, else ValidationError (`refused`)."""
    _check_size(upload, max_bytes, large_message)
    try:
        upload.seek(0)
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload) as image:
                image_format = image.format
                width, height = image.size
                image.verify()
    except Exception:  # noqa: BLE001 - whatever Pillow cannot read is not an accepted image
        raise ValidationError(refused) from None
    finally:
        upload.seek(0)
    if image_format not in IMAGE_FORMATS or width * height > IMAGE_MAX_PIXELS:
        raise ValidationError(refused)
    return IMAGE_FORMATS[image_format]


def is_pdf(upload):
    """A PDF starts with %PDF- (within its first KiB, as readers allow) and has %%EOF near its end."""
    try:
        upload.seek(0)
        head = upload.read(1024)
        upload.seek(max(upload.size - 1024, 0))
        tail = upload.read(1024)
    finally:
        upload.seek(0)
    return b"%PDF-" in head and b"%%EOF" in tail


def checked_pdf(upload, *, max_bytes, refused):
    _check_size(upload, max_bytes)
    if not is_pdf(upload):
        raise ValidationError(refused)
    return PDF
