"""Photo attachments of exception reports: what is accepted and how large.

A photo is accepted when Pillow recognises it as a JPEG, PNG or WebP image (the file's content decides,
not its name or the browser's content type), it is at most PHOTO_MAX_BYTES and a report holds at most
PHOTO_MAX_COUNT. SVG and other formats that a browser could run script from are never accepted. The
upload view is wrapped in `photo_uploads_limited` so an oversized upload stops being stored as soon as it
passes the limit (inputs.uploads).
"""

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from inputs.uploads import IMAGE_FORMATS, image_kind, size_limited, sized_upload_name

PHOTO_MAX_BYTES = 5 * 1024 * 1024
PHOTO_MAX_COUNT = 6
PHOTO_FORMATS = IMAGE_FORMATS  # JPEG, PNG, WebP
# A photo of a machine needs no more than this; larger pixel counts are refused (decompression bombs).
PHOTO_MAX_PIXELS = 50_000_000


# Installs the upload size limit (inputs.uploads) as request.photo_size_limit.
photo_uploads_limited = size_limited(lambda: PHOTO_MAX_BYTES, "photo_size_limit")


def too_large_message(name):
    return _("%(name)s is larger than %(size)s; take a smaller photo.") % {
        "name": name, "size": filesizeformat(PHOTO_MAX_BYTES)}


def checked_photo(upload):
    """(content type, suffix) of an uploaded photo, or ValidationError saying why it is refused."""
    name = sized_upload_name(upload, max_bytes=PHOTO_MAX_BYTES, too_large=too_large_message)
    kind = image_kind(upload, PHOTO_FORMATS, max_pixels=PHOTO_MAX_PIXELS)
    if kind is None:
        raise ValidationError(_("%(name)s is not a photo: only JPEG, PNG and WebP images are accepted.")
                              % {"name": name})
    return kind
