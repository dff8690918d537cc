"""The signed delivery note's photo or scan (proof of delivery): which files are accepted.

Accepted are JPEG, PNG and WebP images that Pillow can read (the content decides, not the file name or
the browser's content type) and PDF files (their header and end-of-file marker: inputs.uploads.is_pdf), of
at most POD_MAX_BYTES. SVG, HTML and anything else a browser could run script from are refused, and files are
served only by a permission-checked view as attachments with nosniff. The upload view is wrapped in `pod_upload_limited`
so an oversized upload stops being stored as soon as it passes the limit (inputs.uploads).
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from inputs.uploads import IMAGE_FORMATS, PDF_KIND, image_kind, is_pdf, size_limited, sized_upload_name

IMAGE_TYPES = IMAGE_FORMATS  # JPEG, PNG, WebP
PDF_TYPE = PDF_KIND
# A photographed A4 note needs far fewer pixels; more is refused (decompression bombs).
MAX_PIXELS = 60_000_000


def pod_max_bytes():
    return getattr(settings, "SHIPPING_POD_MAX_BYTES", 10 * 1024 * 1024)


def too_large(name):
    return _("%(name)s is larger than %(size)s.") % {"name": name, "size": filesizeformat(pod_max_bytes())}


# Installs the upload size limit (inputs.uploads) as request.pod_size_limit.
pod_upload_limited = size_limited(pod_max_bytes, "pod_size_limit")


def checked_pod_file(upload):
    """(content type, suffix) of the uploaded proof of delivery, or ValidationError saying why not."""
    if upload is None:
        raise ValidationError(_("Attach a photo or scan of the signed delivery note."))
    name = sized_upload_name(upload, max_bytes=pod_max_bytes(), too_large=too_large)
    if is_pdf(upload):
        return PDF_TYPE
    kind = image_kind(upload, IMAGE_TYPES, max_pixels=MAX_PIXELS)
    if kind is None:
        raise ValidationError(_("%(name)s is neither a photo (JPEG, PNG, WebP) nor a PDF.") % {"name": name})
    return kind
