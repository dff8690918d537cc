"""Photo attachments of exception reports: what is accepted and how large.

A photo is accepted when Pillow recognises it as a JPEG, PNG or WebP image (the file's content decides,
not its name or the browser's content type), it is at most PHOTO_MAX_BYTES and a report holds at most
PHOTO_MAX_COUNT (the checks themselves: inputs.uploads). The upload view is wrapped in
photo_uploads_limited so an oversized upload stops being stored as soon as it passes the limit.
"""

from functools import wraps

from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from inputs.uploads import checked_image, upload_size_limited

PHOTO_MAX_BYTES = 5 * 1024 * 1024
PHOTO_MAX_COUNT = 6


def photo_uploads_limited(view):
    """upload_size_limited at PHOTO_MAX_BYTES; the skipped names are `request.photo_size_limit.too_large`."""
    @upload_size_limited(PHOTO_MAX_BYTES)
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        request.photo_size_limit = request.upload_size_limit
        return view(request, *args, **kwargs)
    return wrapper


def too_large_message(name):
    return _("%(name)s is larger than %(size)s; take a smaller photo.") % {
        "name": name, "size": filesizeformat(PHOTO_MAX_BYTES)}


def checked_photo(upload):
    """(content type, suffix) of an uploaded photo, or ValidationError saying why it is refused."""
    name = getattr(upload, "name", "") or _("The file")
    return checked_image(upload, max_bytes=PHOTO_MAX_BYTES, large_message=too_large_message(name),
                         refused=_("%(name)s is not a photo: only JPEG, PNG and WebP images are accepted.")
                         % {"name": name})
