"""A person signs in through the real login page in Chromium and reaches the orders list."""

import re

import pytest
from playwright.sync_api import expect

from orders.models import OrderStatus
from tests.fixtures.factories import make_order

PASSWORD = "pw-OrderFlow-2026"  # UserFactory's password

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_sales_signs_in_and_sees_the_orders_page(page, live_server, login, sales):
    order = make_order(creator=sales, status=OrderStatus.SUBMITTED)

    login(page, live_server, "sales", PASSWORD)
    expect(page.get_by_role("heading", name="Home")).to_be_visible()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Orders").click()

    expect(page).to_have_url(re.compile(r"/orders/"))
    expect(page.get_by_role("heading", name="Orders")).to_be_visible()
    expect(page.get_by_text(order.number)).to_be_visible()


def test_wrong_password_shows_an_error_and_stays_on_the_login_page(page, live_server, login, sales):
    login(page, live_server, "sales", "not-the-password")

    expect(page.get_by_role("alert")).to_contain_text("correct username and password")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    expect(page.get_by_role("link", name="Orders")).to_have_count(0)
