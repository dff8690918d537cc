"""WeasyPrint's URL fetcher serves our static files and nothing else."""

import pytest
from weasyprint import HTML

from documents.pdf_fetcher import StaticFilesOnlyFetcher
from documents.rendering import PDF_BASE_URL, URLRefused


@pytest.mark.parametrize("url", [
    "http://example.com/logo.png",
    "https://example.com/static/documents/pdf.css",  # our path on someone else's host
    "http://orderflow.invalid/static/documents/pdf.css",  # wrong scheme for our base
    "file:///etc/passwd",
    "file:///etc/passwd?x=/static/",
    "ftp://example.com/file",
    "data:text/css,body{color:red}",
    "https://orderflow.invalid/etc/passwd",
    "https://orderflow.invalid/media/documents/x.pdf",
    "https://orderflow.invalid/static/../../../../etc/passwd",
    "https://orderflow.invalid/static/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    "https://orderflow.invalid/static//etc/passwd",
    "https://orderflow.invalid/static/documents/..%5c..%5csettings.py",
    "https://orderflow.invalid/static/no-such-file.css",
])
def test_refuses_everything_but_static_files(url):
    with pytest.raises(URLRefused):
        StaticFilesOnlyFetcher().fetch(url)


def test_serves_a_static_file_with_its_content_type():
    response = StaticFilesOnlyFetcher().fetch(PDF_BASE_URL + "static/documents/pdf.css")
    assert response.content_type == "text/css"
    assert b"@page" in response.read()


def test_a_refused_stylesheet_is_left_out_of_the_pdf(tmp_path):
    # If the file: stylesheet (after ours in the cascade) were fetched, the page would be A5.
    outside = tmp_path / "outside.css"
    outside.write_text("@page { size: A5 }")
    html = ('<link rel="stylesheet" href="/static/documents/pdf.css">'
            f'<link rel="stylesheet" href="file://{outside}"><img src="http://127.0.0.1:9/x.png"><p>ok</p>')
    document = HTML(string=html, base_url=PDF_BASE_URL, url_fetcher=StaticFilesOnlyFetcher()).render()
    assert len(document.pages) == 1
    assert round(document.pages[0].width * 25.4 / 96) == 210  # A4 from pdf.css


def test_the_default_fetcher_would_have_fetched_it(tmp_path):
    """The control for the test above: without our fetcher the file: stylesheet does apply."""
    outside = tmp_path / "outside.css"
    outside.write_text("@page { size: A5 }")
    html = f'<link rel="stylesheet" href="file://{outside}"><p>ok</p>'
    document = HTML(string=html, base_url=PDF_BASE_URL).render()
    assert round(document.pages[0].width * 25.4 / 96) == 148
