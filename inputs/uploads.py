"""Uploaded files, the same way for every upload (import files, exception photos, proofs of delivery,
work instruction attachments); what a file is, is decided by its content, not its name or the browser's
content type.

Django's DATA_UPLOAD_MAX_MEMORY_SIZE does not cap files, so a view that takes files is wrapped in
`size_limited`: it installs an UploadSizeLimit that stops storing a file as soon as it passes the limit,
and remembers its name for the page's message (`too_large_message`). `sized_upload_name` refuses empty and
oversized files. Images are accepted by `image_kind` when Pillow recognises the content as one of the
allowed formats (IMAGE_FORMATS: JPEG, PNG, WebP; SVG and other formats a browser could run script from are
never accepted), below a pixel count (decompression bombs). PDFs are recognised by `is_pdf` (their header
and end-of-file marker). Stored files are rows of a subclass of inputs.models.StoredUpload.
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
PDF_KIND = ("application/pdf", ".pdf")


class UploadSizeLimit(FileUploadHandler):
    """Stops storing an uploaded file once it passes `max_bytes` and remembers the names of those that
    did (`too_large`)."""

    def __init__(self, request=None, *, max_bytes):
        super().__init__(request)
        self.max_bytes = max_bytes
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


def size_limited(max_bytes, attribute):
    """A view decorator installing an UploadSizeLimit of `max_bytes()` bytes (read per request: settings
    differ in tests) as `request.<attribute>` before anything reads the request body. The CSRF middleware
    reads it, so its check is done here after the handler is in place (as Django's docs on upload
    handlers describe)."""

    def decorator(view):
        protected = csrf_protect(view)

        @csrf_exempt
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            limit = UploadSizeLimit(request, max_bytes=max_bytes())
            request.upload_handlers.insert(0, limit)
            setattr(request, attribute, limit)
            return protected(request, *args, **kwargs)

        return wrapper

    return decorator


def too_large_message(name, max_bytes):
    return _("%(name)s is larger than %(size)s.") % {"name": name, "size": filesizeformat(max_bytes)}


def sized_upload_name(upload, *, max_bytes, too_large) -> str:
    """The upload's name for messages, once an empty file or one over `max_bytes` is refused (the
    message for the latter is `too_large(name)`)."""
    name = getattr(upload, "name", "") or _("The file")
    if upload.size > max_bytes:
        raise ValidationError(too_large(name))
    if upload.size == 0:
        raise ValidationError(_("%(name)s is empty.") % {"name": name})
    return name


def image_kind(upload, kinds, *, max_pixels):
    """`kinds[format]` when Pillow reads the upload as an image of one of `kinds`' formats with at most
    `max_pixels` pixels; None otherwise. The upload is rewound."""
    try:
        upload.seek(0)
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload) as image:
                image_format, (width, height) = image.format, image.size
                image.verify()
    except Exception:  # noqa: BLE001 - whatever Pillow cannot read is not an accepted image
        return None
    finally:
        upload.seek(0)
    if image_format not in kinds or width * height > max_pixels:
        return None
    return kinds[image_format]


def is_pdf(upload) -> bool:
    """A PDF starts with %PDF- (within its first KiB, as readers allow) and has %%EOF near its end. The
    upload is rewound."""
    try:
        upload.seek(0)
        head = upload.read(1024)
        upload.seek(max(upload.size - 1024, 0))
        tail = upload.read(1024)
    finally:
        upload.seek(0)
    return b"%PDF-" in head and b"%%EOF" in tail
