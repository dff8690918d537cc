"""A manager reads an item's stock ledger and a lot's traceability in Chromium at 1366×768, in Chinese and in
English: the reasons the system wrote (a goods receipt, a cycle count with the counter's note) were written by an
English-speaking keeper and read in the reader's language; the table is styled. Screenshots are written to
/tmp/stock-reasons-<language>.png and /tmp/lot-reasons-<language>.png."""

from decimal import Decimal

import pytest
from django.utils import translation
from django.utils.translation import gettext_noop
from playwright.sync_api import expect

from inventory import stock_services
from inventory.ledger import DocumentRef
from inventory.stock_services import CountLine
from systemtext.text import Text
from tests.fixtures.factories import user_with_role
from tests.inventory.masterdata import make_item
from tests.inventory.stockdata import keeper, make_location, receive

from .steps import read_section

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = "/tmp"
EXPECTED = {
    "zh-hans": ("收货单 GR-2026-00007", "循环盘点：复盘 A 区", "原因"),
    "en": ("Goods receipt GR-2026-00007", "cycle count: 复盘 A 区", "Reason"),
}
NOT_EXPECTED = {"zh-hans": ("Goods receipt", "cycle count"), "en": ("收货单", "循环盘点")}


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_manager_reads_stock_reasons_in_their_language(sessions, live_server, language):
    item, location = make_item("RM-RSN", name="柠檬香精", unit="kg"), make_location("RSN-01")
    with translation.override("en"):  # what the keeper's language was must not matter
        receive(item, location, "10", lot="L-RSN", actor=keeper(),
                reason=Text(gettext_noop("Goods receipt %(number)s"), number="GR-2026-00007"),
                document=DocumentRef("purchase_order", None, "PO-2026-00003 GR-2026-00007"))
        stock_services.count_stock(actor=keeper(), reason="复盘 A 区", lines=[
            CountLine(balance=item.stock_balances.get(), counted=Decimal("9.5"), expected=Decimal("10"))])
    manager = user_with_role("manager", username=f"manager_{language.replace('-', '_')}")
    page, ledger = read_section(sessions, live_server, manager, language, f"/inventory/stock/items/{item.pk}/",
                                "item-ledger")
    for text in EXPECTED[language]:
        expect(ledger).to_contain_text(text)
    for text in NOT_EXPECTED[language]:
        expect(ledger.locator("[data-testid=move-reason]").first).not_to_contain_text(text)
    expect(ledger).to_have_css("border-collapse", "collapse")  # the app's stylesheet is applied
    expect(ledger.locator("th").first).to_have_css("font-weight", "600")
    page.screenshot(path=f"{SHOTS}/stock-reasons-{language}.png")

    page.locator("[data-testid=item-ledger] a", has_text="L-RSN").first.click()
    page.wait_for_load_state()
    reasons = page.locator("[data-testid=move-reason]")
    expect(reasons.first).to_be_visible()
    assert {text.strip() for text in reasons.all_inner_texts()} == set(EXPECTED[language][:2])
    page.screenshot(path=f"{SHOTS}/lot-reasons-{language}.png", full_page=True)
