"""HTML → PDF with WeasyPrint, offline and confined to our own static files.

Templates refer to stylesheets and images with {% static %}; relative URLs are resolved against
PDF_BASE_URL, a host under the reserved .invalid domain that never resolves. The URL fetcher
answers only URLs under that base's STATIC_URL, from the staticfiles finders, and refuses every
other URL (http(s) elsewhere, file:, data:, ftp:), so a document never fetches anything named by
user input and never touches the network or the rest of the file system.
"""

import posixpath
from urllib.parse import unquote, urljoin, urlsplit

import segno
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousFileOperation
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import mark_safe

PDF_BASE_URL = "https://orderflow.invalid/"


class URLRefused(ValueError):
    """A document asked for a URL outside our static files."""


def static_file_for_url(url):
    """The absolute path of the static file that `url` names, or URLRefused."""
    static_prefix = urljoin(PDF_BASE_URL, settings.STATIC_URL)
    if not url.startswith(static_prefix):
        raise URLRefused(f"Refused to fetch {url[:200]!r}: documents may only use the site's static files.")
    relative = unquote(urlsplit(url[len(static_prefix):]).path)
    normalised = posixpath.normpath(relative) if relative else ""
    if (not normalised or normalised.startswith(("/", "..")) or "\\" in relative or "\x00" in relative
            or normalised != relative):
        raise URLRefused(f"Refused to fetch {url[:200]!r}: not a plain static file path.")
    try:
        path = finders.find(normalised)
    except SuspiciousFileOperation:
        path = None
    if not path:
        raise URLRefused(f"Refused to fetch {url[:200]!r}: no such static file.")
    return path


def qr_code_svg(data, *, scale=3):
    """A QR code as inline SVG markup. Safe to mark safe: segno writes only the path of the modules,
    never the encoded text, so user data cannot inject markup here."""
    return mark_safe(segno.make(str(data), error="m").svg_inline(scale=scale, border=0, omitsize=False))


def render_html(template_name, context, language):
    with translation.override(language):
        return render_to_string(template_name, {
            **context,
            "pdf_font_family": settings.PDF_FONT_FAMILY,
            "document_language": language,
        })


def render_pdf(template_name, context, language) -> bytes:
    """Render the template in `language` and return the A4 PDF's bytes."""
    # lazy: WeasyPrint loads Pango and HarfBuzz (about half a second): only a process that renders pays for it,
    # not every web start-up.
    from weasyprint import HTML

    from .pdf_fetcher import StaticFilesOnlyFetcher  # cycle: pdf_fetcher imports URLRefused from here

    html = render_html(template_name, context, language)
    return HTML(string=html, base_url=PDF_BASE_URL, url_fetcher=StaticFilesOnlyFetcher()).write_pdf()
