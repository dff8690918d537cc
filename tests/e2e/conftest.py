"""Shared set-up for the end-to-end browser tests."""

import contextlib
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils.translation import trans_real


def stale_catalogs(locale_dir):
    """The .po catalogs whose compiled .mo is missing or older than the .po."""
    stale = []
    for po in sorted(Path(locale_dir).glob("*/LC_MESSAGES/*.po")):
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            stale.append(po)
    return stale


@pytest.fixture(scope="session", autouse=True)
def compiled_translations():
    """The .mo files are build output (not committed): compile them when missing or out of date, so the
    Chinese pages show the catalog as it is now."""
    if stale_catalogs(Path(settings.BASE_DIR) / "locale"):
        # compilemessages walks the current directory for locale folders.
        with contextlib.chdir(settings.BASE_DIR):
            call_command("compilemessages", ignore=[".venv"], verbosity=0)
        # Catalogs already loaded by earlier tests in this process would hide the new .mo.
        trans_real._translations.clear()
        trans_real._default = None


@pytest.fixture
def sessions(browser, live_server, login):
    """sessions(username=None, viewport=None): another person at another device, in a fresh browser
    context, signed in as `username` (or not signed in at all, like a customer)."""
    from .steps import PASSWORD

    contexts = []

    def start(username=None, viewport=None):
        context = browser.new_context(viewport=viewport) if viewport else browser.new_context()
        contexts.append(context)
        page = context.new_page()
        return login(page, live_server, username, PASSWORD) if username else page

    yield start
    for context in contexts:
        context.close()
