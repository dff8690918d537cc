import subprocess

import pytest

from tests.fixtures.factories import user_with_role


@pytest.fixture(autouse=True)
def media_root(request, settings, tmp_path):
    """Proof-of-delivery files and PDFs go to a per-test folder, except in worker tests: the worker
    (another process) writes to the configured MEDIA_ROOT, and the test must read the same place."""
    if request.node.get_closest_marker("worker") is None:
        settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def pdf_text(document):
    """The text of a document's PDF as poppler's pdftotext lays it out."""
    result = subprocess.run(["pdftotext", "-layout", document.file.path, "-"], capture_output=True, text=True,
                            check=True, timeout=60)
    return result.stdout


@pytest.fixture
def shipper(db):
    return user_with_role("shipping")


@pytest.fixture
def desk(db):
    return user_with_role("order_desk")
