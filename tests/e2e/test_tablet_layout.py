"""The shop-floor tablet at 1024×768, in a real Chromium: the header is one compact line (the menu folds
behind one button) and at least five operations are on the screen without scrolling; Start is disabled on
an operation that cannot start, with the reason beside it, in the reader's language."""

import os

import pytest
from playwright.sync_api import expect

from tests.e2e.steps import open_tablet, operation_row
from tests.fixtures.factories import user_with_role
from tests.production.helpers import build_shop, operations_of, released_order

TABLET = {"width": 1024, "height": 768}
SHOTS = os.environ.get("SCREENSHOT_DIR")  # set to keep the screenshots for a look

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BLOCKED_TEXT = {"en": ("Cannot start yet:", "materials not ready"), "zh-hans": ("暂不能开始：", "物料未就绪")}


def rows_on_screen(page):
    """Operation rows entirely inside the viewport, without scrolling."""
    boxes = [row.bounding_box() for row in page.locator("[data-testid=operation]").all()]
    return [box for box in boxes if box and box["y"] >= 0 and box["y"] + box["height"] <= TABLET["height"]]


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_tablet_shows_five_operations_and_disables_blocked_starts(sessions, language, tmp_path):
    shop = build_shop()
    for _ in range(2):
        released_order(shop)
    blocked = released_order(shop, materials_ready=False)  # planned: its materials are not ready yet
    blocked_sub, _first, _second = operations_of(blocked)
    user_with_role("production", username="operator")

    page = sessions("operator", viewport=TABLET)
    page.locator("#language-select").select_option(language)
    page.wait_for_load_state()
    open_tablet(page, "CUT")

    # The header is one line and the menu is folded: five operations or more fit on the screen.
    assert page.locator("header.topbar").bounding_box()["height"] <= 56
    expect(page.locator("nav.mainnav")).to_be_hidden()
    assert len(rows_on_screen(page)) >= 5
    (SHOTS and page.screenshot(path=f"{SHOTS}/tablet-{language}.png"))

    # Start is disabled where the operation cannot start, and the row says why in the reader's language.
    row = operation_row(page, blocked_sub)
    expect(row.locator("[data-testid=start]")).to_be_disabled()
    lead, reason = BLOCKED_TEXT[language]
    expect(row.locator("[data-testid=start-blocked]")).to_contain_text(lead)
    expect(row.locator("[data-testid=start-blocked]")).to_contain_text(reason)
    assert row.locator("[data-testid=start]").bounding_box()["height"] >= 48

    # The menu opens from its button and still leads everywhere.
    page.locator("[data-testid=navmenu] > summary").click()
    expect(page.locator("nav.mainnav a[href$='/production/']")).to_be_visible()
    (SHOTS and page.screenshot(path=f"{SHOTS}/tablet-menu-{language}.png"))
