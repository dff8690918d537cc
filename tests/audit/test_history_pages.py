"""The "Change history" section of master-data pages: who, when, which field, old → new, in the
reader's language (field names, choice labels, foreign keys by name, numbers and dates in the
reader's format), with user text escaped, at a fixed number of queries."""

import datetime
import html
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from audit.history import history
from inventory import services as inventory_services
from orders import masterdata_services
from planning import routing_services
from planning import services as planning_services
from planning.models import Routing
from tests.fixtures.factories import CustomerFactory, ProductFactory, user_with_role
from tests.inventory.masterdata import made_item, make_bom, make_calendar, make_item, make_routing, make_work_center
from tests.quality.setup import DIAMETER, give_plan
from tests.test_translations import compiled_catalog  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db

# 04:00 UTC is noon in Shanghai: the same day in every time zone a reader might have.
DOWN = datetime.datetime(2026, 3, 5, 4, 0, tzinfo=datetime.UTC)


def history_section(response):
    page = response.content.decode()
    start = page.index('data-testid="change-history"')
    return page[start:page.index("</section>", start)]


def reader(client, role, language):
    user = user_with_role(role)
    client.force_login(user)
    if language != "en":
        response = client.post(reverse("accounts:switch_language"), {"language": language, "next": "/"})
        assert response.status_code == 302
    return user


@pytest.fixture
def edited_center(role_users):
    planner = role_users["planner"]
    day, night = make_calendar("白班日历"), make_calendar("Night shifts")
    center = make_work_center("LATHE", calendar=day, cost_rate_per_hour=Decimal("1234.50"))
    planning_services.update_work_center(actor=planner, center=center, calendar=night, down_until=DOWN,
                                         cost_rate_per_hour=Decimal("2345.75"), currency="USD")
    return center


def test_history_in_chinese_has_chinese_labels_and_chinese_formats(client, compiled_catalog, edited_center):  # noqa: F811
    reader(client, "manager", "zh-hans")
    section = history_section(client.get(reverse("planning:work_center_edit", args=[edited_center.pk])))
    for text in ("变更历史", "修改人", "原值", "新值", "修改", "planner",
                 "工作日历", "白班日历", "Night shifts",  # the field's Chinese name; the calendars by name
                 "停机至", "2026年3月5日",  # DATETIME_FORMAT of zh-hans
                 "每小时费率", "1,234.50", "2,345.75",
                 "币种", "美元"):  # the currency's Chinese label
        assert text in section, text
    assert "Change history" not in section and "Down until" not in section


def test_history_in_english(client, edited_center):
    reader(client, "manager", "en")
    section = history_section(client.get(reverse("planning:work_center_edit", args=[edited_center.pk])))
    for text in ("Change history", "Changed by", "Old value", "New value", "Calendar", "Down until",
                 "2026-03-05 12:00", "Cost rate per hour", "1,234.50", "2,345.75", "US dollar"):
        assert text in section, text


def test_a_manager_sees_the_history_of_a_customer_with_hostile_text_escaped(client, order_desk):
    customer = CustomerFactory(name="Plain")
    hostile = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    masterdata_services.update_customer(actor=order_desk, customer=customer, name=hostile)
    reader(client, "manager", "en")
    response = client.get(reverse("orders:customer_edit", args=[customer.pk]))
    assert response.status_code == 200
    section = history_section(response)
    assert "<script>" not in section and "<img" not in section
    assert html.escape(hostile, quote=False).replace('"', "&quot;") in section
    assert "Plain" in section and "order_desk" in section


def test_product_history_shows_choice_labels_and_rows_of_a_new_bom(client, role_users, compiled_catalog):  # noqa: F811
    planner = role_users["planner"]
    product = ProductFactory(unit="pcs", list_price=Decimal("12.50"))
    masterdata_services.update_product(actor=planner, product=product, unit="set", list_price=Decimal("1999"))
    reader(client, "manager", "zh-hans")
    section = history_section(client.get(reverse("orders:product_edit", args=[product.pk])))
    assert "单位" in section and "件" in section and "套" in section and "1,999.00" in section

    bolt, nut = make_item("BOLT", name="螺栓"), make_item("NUT", name="螺母")
    frame = made_item("FRAME")
    make_bom(frame, [(bolt, "4", "0")])
    inventory_services.save_bom(actor=planner, item=frame, lines=[
        inventory_services.BomLineInput(component=nut, quantity=Decimal("6"))])
    inventory_services.update_item(actor=planner, item=bolt, name="六角螺栓")
    section = history_section(client.get(reverse("inventory:item_edit", args=[bolt.pk])))
    assert "螺栓" in section and "六角螺栓" in section and "名称" in section
    section = history_section(client.get(reverse("inventory:bom_edit", args=[frame.pk])))
    assert "BOM 行" in section  # the rows' label in Chinese
    assert "BOLT" in section and "NUT" in section and "4.000" in section  # the removed and the added line


def test_routing_and_plan_pages_show_their_versions_history(client, role_users):
    planner = role_users["planner"]
    lathe, mill = make_work_center("LATHE"), make_work_center("MILL")
    shaft = made_item("SHAFT")
    make_routing(shaft, [(10, lathe, 5, 1)])
    routing_services.save_routing(actor=planner, item=shaft, operations=[
        routing_services.OperationInput(sequence=10, work_center=mill, run_minutes_per_unit=Decimal("1"))])
    reader(client, "manager", "en")
    section = history_section(client.get(reverse("planning:routing_edit", args=[shaft.pk])))
    assert "SHAFT v2" in section and "SHAFT v1" in section and "Routing operations" in section
    assert "MILL" in section and "planner" in section

    product = ProductFactory()
    give_plan(product)
    give_plan(product, characteristics=[DIAMETER])
    section = history_section(client.get(reverse("quality:plan_edit", args=[product.pk])))
    assert section.count('data-testid="change-row"') >= 2 and "Characteristics" in section


def test_history_costs_a_fixed_number_of_queries(role_users, django_assert_num_queries):
    planner = role_users["planner"]
    calendars = [make_calendar(f"Cal {n}") for n in range(4)]
    center = make_work_center("WC-Q", calendar=calendars[0])
    for calendar in calendars[1:]:
        planning_services.update_work_center(actor=planner, center=center, calendar=calendar)
    with translation.override("en"), django_assert_num_queries(2):  # the entries; the calendars they name
        entries = history(type(center), [center.pk])
    assert len(entries) == 4 and entries[0].changes[0].new == ["Cal 3"]


def test_an_unchanged_record_shows_an_empty_history(client):
    product = ProductFactory()
    reader(client, "manager", "en")
    section = history_section(client.get(reverse("orders:product_edit", args=[product.pk])))
    assert "No changes recorded yet." in section
    assert 'data-testid="change-history"' not in client.get(reverse("orders:product_create")).content.decode()


def test_an_empty_old_value_reads_as_a_dash(role_users):
    planner = role_users["planner"]
    routing = make_routing(made_item("SHAFT"), [(10, make_work_center("LATHE"), 5, 1)])
    routing_services.set_routing_batch_size(actor=planner, item=routing.item, max_batch_size=Decimal("25"))
    with translation.override("en"):
        entry = history(Routing, [routing.pk])[0]
    assert [(c.label, c.old, c.new) for c in entry.changes] == [("Maximum batch size", ["—"], ["25.000"])]
