"""The in-app master-data pages in a real Chromium, in Chinese: the shipping clerk goes from the shipping
page to the carriers, changes a transport mode's transit time (a bad figure is refused first, nothing
changes), and the carrier list shows the new time."""

import pytest
from playwright.sync_api import expect

from accounts.models import UserProfile
from shipping.models import Carrier, TransportMode
from tests.fixtures.factories import user_with_role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_shipping_clerk_changes_a_transit_time_in_chinese(sessions, live_server):
    clerk = user_with_role("shipping", username="clerk")
    UserProfile.objects.update_or_create(user=clerk, defaults={"language": "zh-hans"})
    sf = Carrier.objects.create(code="SF", name="顺丰速运")
    mode = TransportMode.objects.create(carrier=sf, kind="air", transit_days=1)

    page = sessions("clerk", viewport={"width": 1366, "height": 768})
    page.goto(f"{live_server.url}/shipping/")
    page.locator("[data-testid=carriers-link]").click()
    expect(page.locator("[data-testid=carrier-row]")).to_contain_text("空运：1 天")
    page.get_by_role("link", name="SF").click()
    page.locator("[data-testid=mode-row] a").click()

    page.locator("#id_transit_days").fill("-1")
    page.locator("[data-testid=save]").click()
    expect(page.locator("main")).to_contain_text("0 到 365")
    mode.refresh_from_db()
    assert mode.transit_days == 1

    page.locator("#id_transit_days").fill("2")
    page.locator("[data-testid=save]").click()
    expect(page.locator("main")).to_contain_text("已保存")
    page.get_by_role("link", name="返回该承运商").click()
    page.get_by_role("link", name="返回承运商").click()
    expect(page.locator("[data-testid=carrier-row]")).to_contain_text("空运：2 天")
    mode.refresh_from_db()
    assert mode.transit_days == 2
