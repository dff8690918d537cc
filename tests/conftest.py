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


@pytest.fixture(autouse=True)
def _default_alert_rules(request):
    """The default alert rules come with a data migration; a transactional test's flush empties the table,
    so every database test gets them back, as a migrated site has them."""
    marker = request.node.get_closest_marker("django_db")
    if marker is None:
        return
    transactional = marker.kwargs.get("transaction") or (marker.args and marker.args[0])
    request.getfixturevalue("transactional_db" if transactional else "db")
    from alerts.defaults import ensure_default_rules

    ensure_default_rules()
