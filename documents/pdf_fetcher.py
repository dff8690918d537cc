"""WeasyPrint's URL fetcher narrowed to our static files (see documents/rendering.py). A module of its
own because it subclasses WeasyPrint's fetcher: importing it loads WeasyPrint, which only a rendering
process should do."""

import logging
import mimetypes

from weasyprint.urls import URLFetcher, URLFetcherResponse

from .rendering import URLRefused, static_file_for_url

logger = logging.getLogger(__name__)


class StaticFilesOnlyFetcher(URLFetcher):
    """WeasyPrint's fetcher, narrowed to our static files (see documents/rendering.py)."""

    def fetch(self, url, headers=None):
        try:
            path = static_file_for_url(url)
        except URLRefused:
            logger.warning("PDF rendering refused a URL: %.200s", url)
            raise
        content_type, _encoding = mimetypes.guess_type(path)
        with open(path, "rb") as handle:
            body = handle.read()
        return URLFetcherResponse(url, body=body, headers={"Content-Type": content_type or "application/octet-stream"})
