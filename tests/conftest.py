pytest_plugins = [
    "tests.fixtures.users",
    "tests.fixtures.services",
    "tests.fixtures.browser",
    "tests.fixtures.concurrency",
]


import pytest  # noqa: E402
from django.utils import translation  # noqa: E402


@pytest.fixture(autouse=True)
def _language_reset_after_each_test(settings):
    """A test that renders pages in Chinese must not leave Chinese active for the next test."""
    yield
    translation.activate(settings.LANGUAGE_CODE)
