import pytest

# Generated files in a per-test MEDIA_ROOT except for worker tests, and pdftotext: as for every document.
from tests.documents.conftest import media_root, pdf_text  # noqa: F401
from tests.fixtures.factories import user_with_role


@pytest.fixture
def shipper(db):
    return user_with_role("shipping")


@pytest.fixture
def desk(db):
    return user_with_role("order_desk")
