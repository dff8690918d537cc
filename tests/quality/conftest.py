# Generated PDFs and uploads go to a per-test folder (the worker tests use the configured MEDIA_ROOT).
from tests.documents.conftest import media_root  # noqa: F401 - the fixture, shared with the document tests
