"""The price list and discount rule pages (sales.price_list_views): the sales manager creates, edits and
closes lists with their quantity breaks and sets the discount rule; others read or are refused; bad input
(overlapping validity, a negative price, a repeated break) is shown and writes nothing; every change is in the
change history."""

from decimal import Decimal

import pytest
from django.urls import reverse

from audit.models import ChangeLogEntry
from sales import pricing
from sales.models import DiscountRule, PriceList, PriceListItem

from .setup import D, in_days

pytestmark = pytest.mark.django_db


def header(**values):
    return {"name": "A级 出口", "grade": "A", "currency": "CNY", "valid_from": in_days(0).isoformat(),
            "valid_until": "", **values}


def lines(*rows, prefix="items", extra=0):
    data = {f"{prefix}-TOTAL_FORMS": str(len(rows) + extra), f"{prefix}-INITIAL_FORMS": "0"}
    for i, row in enumerate(rows):
        for key, value in row.items():
            data[f"{prefix}-{i}-{key}"] = value
    return data


def counts():
    return PriceList.objects.count(), PriceListItem.objects.count(), ChangeLogEntry.objects.count()


def test_the_manager_creates_a_list_with_breaks_and_the_price_applies(client, people, shop):
    client.force_login(people["manager"])
    response = client.post(reverse("sales:price_list_create"), {
        **header(), **lines({"product": "W-100 — 阀门 Valve", "min_quantity": "1", "unit_price": "95.50"},
                            {"product": "W-100", "min_quantity": "1000", "unit_price": "85"}, extra=1)})
    created = PriceList.objects.get(name="A级 出口")
    assert response.status_code == 302 and response["Location"] == reverse("sales:price_list_edit", args=[created.pk])
    assert (created.grade, created.currency, created.valid_until, created.created_by) == (
        "A", "CNY", None, people["manager"])
    assert list(created.items.values_list("min_quantity", "unit_price")) == [(D("1"), D("95.50")),
                                                                            (D("1000"), D("85"))]
    shop["customer"].grade = "A"
    assert pricing.list_price_for(customer=shop["customer"], product=shop["widget"], quantity=D("1200")) == D("85")
    entry = ChangeLogEntry.objects.get(object_id=str(created.pk), content_type__model="pricelist")
    assert entry.actor == people["manager"] and "items" in entry.changes
    page = client.get(response["Location"]).content.decode()
    assert "95.50" in page and 'data-testid="change-history"' in page


@pytest.mark.parametrize("values, rows, message", [
    (header(grade="B", valid_from=in_days(5).isoformat()), [{"product": "W-100", "min_quantity": "1",
                                                             "unit_price": "99"}], "already in force"),
    (header(), [{"product": "W-100", "min_quantity": "1", "unit_price": "-1"}], "cannot be negative"),
    (header(), [{"product": "W-100", "min_quantity": "10", "unit_price": "9"},
                {"product": "W-100", "min_quantity": "10", "unit_price": "8"}], "repeats line 1"),
    (header(valid_until=in_days(-3).isoformat()), [{"product": "W-100", "min_quantity": "1", "unit_price": "9"}],
     "before the start date"),
    (header(name=""), [{"product": "W-100", "min_quantity": "1", "unit_price": "9"}], "Enter a name"),
    (header(), [{"product": "NOPE-1", "min_quantity": "1", "unit_price": "9"}], "No product with this SKU"),
])
def test_bad_input_is_shown_and_writes_nothing(client, people, shop, values, rows, message):
    client.force_login(people["manager"])
    before = counts()
    response = client.post(reverse("sales:price_list_create"), {**values, **lines(*rows)})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert counts() == before


def test_editing_into_an_overlap_or_a_negative_price_changes_nothing(client, people, shop):
    client.force_login(people["manager"])
    other = PriceList.objects.create(name="B 2027", grade="B", currency="CNY", valid_from=in_days(301),
                                     created_by=people["manager"])
    url = reverse("sales:price_list_edit", args=[other.pk])
    before = counts()
    response = client.post(url, {**header(name="B 2027", grade="B", valid_from=in_days(200).isoformat()),
                                 **lines({"product": "W-100", "min_quantity": "1", "unit_price": "1"})})
    assert response.status_code == 400 and "B级 2026" in response.content.decode()
    response = client.post(url, {**header(name="B 2027", grade="B", valid_from=in_days(301).isoformat()),
                                 **lines({"product": "W-100", "min_quantity": "1", "unit_price": "-0.01"})})
    assert response.status_code == 400
    other.refresh_from_db()
    assert other.valid_from == in_days(301) and counts() == before


def test_closing_ends_the_list_today_and_is_logged(client, people, shop):
    client.force_login(people["manager"])
    url = reverse("sales:price_list_edit", args=[shop["price_list"].pk])
    assert client.post(url, {"action": "close"}).status_code == 302
    shop["price_list"].refresh_from_db()
    assert shop["price_list"].valid_until == in_days(0)
    assert ChangeLogEntry.objects.filter(object_id=str(shop["price_list"].pk), action="update").count() == 1
    client.post(url, {"action": "close"})  # ended already: refused, nothing more
    assert ChangeLogEntry.objects.filter(object_id=str(shop["price_list"].pk), action="update").count() == 1
    # A new list of the same grade and currency may start tomorrow.
    response = client.post(reverse("sales:price_list_create"), {
        **header(name="B 2027", grade="B", valid_from=in_days(1).isoformat()),
        **lines({"product": "W-100", "min_quantity": "1", "unit_price": "98"})})
    assert response.status_code == 302


def test_editing_replaces_the_lines_and_deactivating_is_logged(client, people, shop):
    client.force_login(people["manager"])
    price_list = shop["price_list"]
    url = reverse("sales:price_list_edit", args=[price_list.pk])
    form = client.get(url).context["formset"]
    assert [row["min_quantity"] for row in form.initial] == ["1", "500"]
    response = client.post(url, {**header(name="B级 2026", grade="B", valid_from=price_list.valid_from.isoformat(),
                                          valid_until=price_list.valid_until.isoformat()),
                                 **lines({"product": "W-100", "min_quantity": "1", "unit_price": "101"},
                                         {"product": "G-200", "min_quantity": "1", "unit_price": "7"})})
    assert response.status_code == 302
    assert sorted(price_list.items.values_list("product__sku", "unit_price")) == [("G-200", D("7")),
                                                                                 ("W-100", D("101"))]
    client.post(url, {"action": "deactivate"})
    price_list.refresh_from_db()
    assert not price_list.is_active
    assert ChangeLogEntry.objects.filter(object_id=str(price_list.pk)).count() == 2


@pytest.mark.parametrize("role", ["sales", "finance", "order_desk"])
def test_other_roles_read_but_may_not_create_edit_or_close(client, people, shop, role):
    client.force_login(people[role])
    price_list = shop["price_list"]
    assert client.get(reverse("sales:price_lists")).status_code == 200
    assert client.get(reverse("sales:price_list_create")).status_code == 403
    url = reverse("sales:price_list_edit", args=[price_list.pk])
    assert client.get(url).status_code == 200
    before = counts()
    assert client.post(url, {"action": "close"}).status_code == 403
    assert client.post(url, {**header(), **lines({"product": "W-100", "min_quantity": "1",
                                                  "unit_price": "1"})}).status_code == 403
    assert counts() == before and PriceList.objects.get(pk=price_list.pk).valid_until == price_list.valid_until


def test_the_list_filters_by_grade_and_currency(client, people, shop):
    PriceList.objects.create(name="Export", grade="", currency="USD", valid_from=in_days(0),
                             created_by=people["manager"])
    client.force_login(people["manager"])
    names = lambda **q: [row.name for row in client.get(reverse("sales:price_lists"), q).context["page"]]  # noqa: E731
    assert names(currency="USD") == ["Export"]
    assert names(grade="every") == ["Export"]
    assert names(grade="B") == ["B级 2026"]
    assert names(q="W-100") == ["B级 2026"]


def test_the_manager_sets_a_new_discount_rule_and_bad_ones_write_nothing(client, people, shop):
    client.force_login(people["manager"])
    url = reverse("sales:discount_rule")
    assert "10%" in client.get(url).content.decode()
    for bad, message in (({"threshold_percent": "-1"}, "from 0 to 100"), ({"threshold_percent": "150"},
                                                                            "from 0 to 100"),
                         ({"valid_from": in_days(-1).isoformat()}, "cannot start in the past")):
        data = {"threshold_percent": "15", "valid_from": in_days(0).isoformat(), "note": "", **bad}
        response = client.post(url, data)
        assert response.status_code == 400 and message in response.content.decode()
    assert DiscountRule.objects.count() == 1
    response = client.post(url, {"threshold_percent": "12.5", "valid_from": in_days(0).isoformat(), "note": "2027"})
    assert response.status_code == 302
    from sales.quote_services import threshold_in_force
    assert threshold_in_force() == Decimal("12.50")
    assert ChangeLogEntry.objects.filter(content_type__model="discountrule", actor=people["manager"]).count() == 1


def test_sales_reads_the_rule_but_may_not_set_it_and_qc_may_not_see_it(client, people, shop):
    client.force_login(people["sales"])
    url = reverse("sales:discount_rule")
    page = client.get(url)
    assert page.status_code == 200 and 'data-testid="discount-rule-form"' not in page.content.decode()
    assert client.post(url, {"threshold_percent": "50", "valid_from": in_days(0).isoformat()}).status_code == 403
    assert DiscountRule.objects.count() == 1
    from tests.fixtures.factories import user_with_role
    client.force_login(user_with_role("qc"))
    assert client.get(url).status_code == 403


def test_the_list_page_costs_the_same_queries_for_one_list_or_many(client, people, shop):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(people["manager"])
    url = reverse("sales:price_lists")
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    for n in range(5):
        PriceList.objects.create(name=f"USD {n}", currency="USD", valid_from=in_days(400 + 10 * n),
                                 valid_until=in_days(405 + 10 * n), created_by=people["manager"])
    with CaptureQueriesContext(connection) as many:
        page = client.get(url)
    assert len(page.context["page"].object_list) == 6
    assert len(many) == len(one)


def test_the_admin_form_refuses_an_overlapping_list_too(people, shop):
    from sales.admin import PriceListAdminForm

    form = PriceListAdminForm(data={"name": "B 重叠", "grade": "B", "currency": "CNY",
                                    "valid_from": in_days(0).isoformat(), "is_active": "on"})
    assert not form.is_valid()
    assert "B级 2026" in " ".join(form.errors["valid_from"])
    form = PriceListAdminForm(data={"name": "C 2026", "grade": "C", "currency": "CNY",
                                    "valid_from": in_days(0).isoformat(), "is_active": "on"})
    assert form.is_valid(), form.errors
