"""The signed delivery note's photo or scan (proof of delivery): which files are accepted.

Accepted are JPEG, PNG and WebP images that Pillow can read (the content decides, not the file name or
the browser's content type) and PDF files (they start with "%PDF-"), of at most POD_MAX_BYTES. SVG,
HTML and anything else a browser could run script from are refused, and files are served only by a
permission-checked view as attachments with nosniff. The upload view is wrapped in pod_upload_limited
(inputs.uploads) so an oversized upload stops being stored as soon as it passes the limit (Django's
DATA_UPLOAD_MAX_MEMORY_SIZE does not cap files).
"""

import warnings
from functools import wraps

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image

from inputs.uploads import upload_size_limited

# Pillow format → (content type served, stored suffix)
IMAGE_TYPES = {"JPEG": ("image/jpeg", ".jpg"), "PNG": ("image/png", ".png"), "WEBP": ("image/webp", ".webp")}
PDF_TYPE = ("application/pdf", ".pdf")
# A photographed A4 note needs far fewer pixels; more is refused (decompression bombs).
MAX_PIXELS = 60_000_000


def pod_max_bytes():
    return getattr(settings, "SHIPPING_POD_MAX_BYTES", 10 * 1024 * 1024)


def too_large(name):
    return _("%(name)s is larger than %(size)s.") % {"name": name, "size": filesizeformat(pod_max_bytes())}


def pod_upload_limited(view):
    """inputs.uploads.upload_size_limited at pod_max_bytes(); the file names it stopped storing are
    `request.pod_size_limit.too_large`."""
    @upload_size_limited(pod_max_bytes)
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        request.pod_size_limit = request.upload_size_limit
        return view(request, *args, **kwargs)

    return wrapper


def _image_type(upload):
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload) as image:
                image_format, (width, height) = image.format, image.size
                image.verify()
    except Exception:  # noqa: BLE001 - whatever Pillow cannot read is not an accepted image
        return None
    if image_format not in IMAGE_TYPES or width * height > MAX_PIXELS:
        return None
    return IMAGE_TYPES[image_format]


def checked_pod_file(upload):
    """(content type, suffix) of the uploaded proof of delivery, or ValidationError saying why not."""
    if upload is None:
        raise ValidationError(_("Attach a photo or scan of the signed delivery note."))
    name = getattr(upload, "name", "") or _("The file")
    if upload.size > pod_max_bytes():
        raise ValidationError(too_large(name))
    if upload.size == 0:
        raise ValidationError(_("%(name)s is empty.") % {"name": name})
    try:
        upload.seek(0)
        if upload.read(5) == b"%PDF-":
            return PDF_TYPE
        upload.seek(0)
        kind = _image_type(upload)
    finally:
        upload.seek(0)
    if kind is None:
        raise ValidationError(_("%(name)s is neither a photo (JPEG, PNG, WebP) nor a PDF.") % {"name": name})
    return kind
