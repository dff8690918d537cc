"""A manager opens a demo customer's page (as `make run` loads it) in Chromium at 1366×768, in Chinese and in
English: its change history starts with the creation by the demo admin, each field in the reader's language.
Screenshots are written to /tmp/demo-history-<language>.png."""

import pytest
from playwright.sync_api import expect

from orders.demo_data import ensure_catalog, ensure_role_users
from orders.models import Customer
from tests.fixtures.factories import user_with_role

from .steps import read_section

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EXPECTED = {"zh-hans": ("变更历史", "创建", "名称", "信用额度"),
            "en": ("Change history", "Created", "Name", "Credit limit")}


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_demo_customer_page_shows_its_creation(sessions, live_server, language):
    ensure_catalog(actor=ensure_role_users()["admin"])
    customer = Customer.objects.order_by("code").first()
    manager = user_with_role("manager", username=f"reader_{language.replace('-', '_')}")
    page, section = read_section(sessions, live_server, manager, language,
                                 f"/orders/customers/{customer.pk}/edit/", "change-history")
    for text in EXPECTED[language]:
        expect(section).to_contain_text(text)
    expect(section).to_contain_text(customer.name)
    expect(section).to_contain_text("admin")
    expect(section.locator("table")).to_have_css("border-collapse", "collapse")
    page.screenshot(path=f"/tmp/demo-history-{language}.png")
