"""Uploaded files, the same way for every upload (import files, exception photos, proofs of delivery).

Django's DATA_UPLOAD_MAX_MEMORY_SIZE does not cap files, so a view that takes files is wrapped in
`size_limited`: it installs an UploadSizeLimit that stops storing a file as soon as it passes the limit,
and remembers its name for the page's message. Images are accepted when Pillow recognises the content
(not the file name or the browser's content type) as one of the allowed formats, below a pixel count
(decompression bombs).
"""

import warnings
from functools import wraps

from django.core.exceptions import ValidationError
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from PIL import Image


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
