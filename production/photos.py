"""Photo attachments of exception reports: what is accepted and how large.

A photo is accepted when Pillow recognises it as a JPEG, PNG or WebP image (the file's content decides,
not its name or the browser's content type), it is at most PHOTO_MAX_BYTES and a report holds at most
PHOTO_MAX_COUNT. SVG and other formats that a browser could run script from are never accepted. The
upload view installs PhotoSizeLimit so an oversized upload stops being stored as soon as it passes the
limit (Django's DATA_UPLOAD_MAX_MEMORY_SIZE does not cap files).
"""

import warnings
from functools import wraps

from django.core.exceptions import ValidationError
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from PIL import Image

PHOTO_MAX_BYTES = 5 * 1024 * 1024
PHOTO_MAX_COUNT = 6
# Pillow format → (content type served, file name suffix stored)
PHOTO_FORMATS = {"JPEG": ("image/jpeg", ".jpg"), "PNG": ("image/png", ".png"), "WEBP": ("image/webp", ".webp")}
# A photo of a machine needs no more than this; larger pixel counts are refused (decompression bombs).
PHOTO_MAX_PIXELS = 50_000_000


class PhotoSizeLimit(FileUploadHandler):
    """Stops storing an uploaded file once it passes PHOTO_MAX_BYTES and remembers which ones did."""

    def __init__(self, request=None):
        super().__init__(request)
        self.received = 0
        self.too_large = []

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > PHOTO_MAX_BYTES:
            self.too_large.append(self.file_name)
            raise SkipFile
        return raw_data

    def file_complete(self, file_size):
        return None  # the next handlers build the file


def photo_uploads_limited(view):
    """Install PhotoSizeLimit before anything reads the request body. The CSRF middleware reads it, so
    its check is done here after the handler is in place (as Django's docs on upload handlers describe)."""
    protected = csrf_protect(view)

    @csrf_exempt
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        limit = PhotoSizeLimit(request)
        request.upload_handlers.insert(0, limit)
        request.photo_size_limit = limit
        return protected(request, *args, **kwargs)

    return wrapper


def too_large_message(name):
    return _("%(name)s is larger than %(size)s; take a smaller photo.") % {
        "name": name, "size": filesizeformat(PHOTO_MAX_BYTES)}


def checked_photo(upload):
    """(content type, suffix) of an uploaded photo, or ValidationError saying why it is refused."""
    name = getattr(upload, "name", "") or _("The file")
    if upload.size > PHOTO_MAX_BYTES:
        raise ValidationError(too_large_message(name))
    if upload.size == 0:
        raise ValidationError(_("%(name)s is empty.") % {"name": name})
    refused = ValidationError(_("%(name)s is not a photo: only JPEG, PNG and WebP images are accepted.")
                              % {"name": name})
    try:
        upload.seek(0)
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload) as image:
                image_format = image.format
                width, height = image.size
                image.verify()
    except Exception:  # noqa: BLE001 - whatever Pillow cannot read is not an accepted photo
        raise refused from None
    finally:
        upload.seek(0)
    if image_format not in PHOTO_FORMATS or width * height > PHOTO_MAX_PIXELS:
        raise refused
    return PHOTO_FORMATS[image_format]
