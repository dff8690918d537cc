"""A planner opens an item's edit page and its BOM editor in Chromium at 1366×768, in Chinese and in English:
the pages drawn from the shared record-page templates (templates/record_pages/) show the record's heading,
its inactive badge, the Activate/Deactivate button, the form and the version editor in the reader's language,
with the styles applied. Screenshots: /tmp/record-item-<language>.png and /tmp/record-bom-<language>.png."""

import pytest
from playwright.sync_api import expect

from accounts.services import set_user_language
from inventory import services as inventory_services
from tests.fixtures.factories import user_with_role
from tests.inventory.masterdata import made_item, make_bom, make_item

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESK = {"width": 1366, "height": 768}
SHOTS = "/tmp"
RED = "rgb(198, 40, 40)"  # --rush: the danger buttons
TEXT = {
    "zh-hans": {"item": "物料 BRACKET-01", "back": "返回物料列表", "deactivate": "停用", "save": "保存",
                "inactive": "停用", "bom": "BRACKET-01 的物料清单", "stop": "此物料停用 BOM",
                "save_version": "另存为新版本"},
    "en": {"item": "Item BRACKET-01", "back": "Back to items", "deactivate": "Deactivate", "save": "Save",
           "inactive": "Inactive", "bom": "Bill of materials of BRACKET-01", "stop": "Stop using a BOM for this item",
           "save_version": "Save as a new version"},
}


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_planner_sees_the_item_page_and_its_bom_editor(sessions, live_server, language):
    planner = user_with_role("planner", username=f"planner_{language.replace('-', '_')}")
    set_user_language(actor=planner, language=language)
    text = TEXT[language]
    item = made_item("BRACKET-01", name="支架总成")
    spare = make_item("SPARE-01", name="旧垫片")
    make_bom(item, [(make_item("STEEL-01", name="钢板"), "2.5", "0")])
    inventory_services.set_item_active(actor=planner, item=spare, active=False)

    page = sessions(planner.username, viewport=DESK)
    page.goto(f"{live_server.url}/inventory/items/{item.pk}/edit/")
    expect(page.locator("h1")).to_contain_text(text["item"])
    expect(page.locator("[data-testid=inactive-badge]")).to_have_count(0)
    expect(page.locator(".actions").first).to_contain_text(text["back"])
    toggle = page.locator("[data-testid=active-toggle] button")
    expect(toggle).to_have_text(text["deactivate"])
    expect(toggle).to_have_css("background-color", RED)
    expect(page.locator("[data-testid=item-form] [data-testid=save]")).to_have_text(text["save"])
    expect(page.locator("[data-testid=bom-summary]")).to_contain_text("STEEL-01")
    page.screenshot(path=f"{SHOTS}/record-item-{language}.png")

    page.goto(f"{live_server.url}/inventory/items/{spare.pk}/edit/")
    expect(page.locator("[data-testid=inactive-badge]")).to_have_text(text["inactive"])

    page.goto(f"{live_server.url}/inventory/items/{item.pk}/bom/")
    expect(page.locator("h1")).to_contain_text(text["bom"])
    expect(page.locator("[data-testid=active-version]")).to_be_visible()
    stop = page.locator("[data-testid=deactivate-bom]")
    expect(stop).to_have_text(text["stop"])
    expect(stop).to_have_css("background-color", RED)
    expect(page.locator("[data-testid=bom-form] [data-testid=save]")).to_have_text(text["save_version"])
    expect(page.locator("[data-testid=bom-line]").first.locator("input").first).to_have_value("STEEL-01")
    page.screenshot(path=f"{SHOTS}/record-bom-{language}.png")
