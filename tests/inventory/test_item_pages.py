"""Item pages and the BOM editor: lists, create/edit, BOM lines saved as versions with the explosion
shown, permissions (403 for roles that may not), and query counts that do not grow with the rows."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from inventory.models import BillOfMaterials, Item
from tests.fixtures.factories import ProductFactory
from tests.inventory.masterdata import made_item, make_bom, make_item

pytestmark = pytest.mark.django_db


def item_post(**overrides):
    data = {"code": "STEEL-10", "name": "冷轧钢板", "specification": "1.0 mm", "item_type": "raw_material",
            "unit": "kg", "sourcing": "buy", "purchase_lead_time_days": "7", "product": ""}
    data.update(overrides)
    return data


def bom_post(lines, *, extra=0, note="", valid_from=""):
    """lines: [(component code, quantity, scrap, delete)]"""
    data = {"action": "save", "note": note, "valid_from": valid_from,
            "lines-TOTAL_FORMS": str(len(lines) + extra), "lines-INITIAL_FORMS": "0"}
    for n, (code, qty, scrap, delete) in enumerate(lines):
        data.update({f"lines-{n}-component": code, f"lines-{n}-quantity": qty, f"lines-{n}-scrap_percent": scrap,
                     f"lines-{n}-note": ""})
        if delete:
            data[f"lines-{n}-DELETE"] = "on"
    for n in range(len(lines), len(lines) + extra):
        data.update({f"lines-{n}-component": "", f"lines-{n}-quantity": "", f"lines-{n}-scrap_percent": "",
                     f"lines-{n}-note": ""})
    return data


def form_errors(response):
    return {field: [str(e) for e in errors] for field, errors in response.context["form"].errors.items()}


@pytest.fixture
def planner(role_users):
    return role_users["planner"]


# --- items ---------------------------------------------------------------------------------------

def test_item_list_searches_filters_and_shows_the_bom_version(client, planner):
    make_item("STEEL-1", name="钢板", unit="kg")
    make_item("BOX-1", name="Carton", item_type="packaging")
    asm = made_item("ASM-1", name="Bracket")
    make_bom(asm, [(Item.objects.get(code="STEEL-1"), "0.5", 0)])
    make_item("OLD-1", is_active=False)
    client.force_login(planner)
    url = reverse("inventory:item_list")
    page = client.get(url)
    assert [i.code for i in page.context["page"]] == ["ASM-1", "BOX-1", "STEEL-1"]
    html = page.content.decode()
    assert reverse("inventory:bom_edit", args=[asm.pk]) in html and "version 1" in html
    assert [i.code for i in client.get(url, {"q": "钢"}).context["page"]] == ["STEEL-1"]
    assert [i.code for i in client.get(url, {"item_type": "packaging"}).context["page"]] == ["BOX-1"]
    assert [i.code for i in client.get(url, {"bom": "with"}).context["page"]] == ["ASM-1"]
    assert [i.code for i in client.get(url, {"status": "inactive"}).context["page"]] == ["OLD-1"]


def test_create_and_edit_an_item(client, planner):
    client.force_login(planner)
    response = client.post(reverse("inventory:item_create"), item_post())
    item = Item.objects.get(code="STEEL-10")
    assert response.status_code == 302 and response["Location"] == reverse("inventory:item_edit", args=[item.pk])
    assert (item.name, item.unit, item.sourcing, item.purchase_lead_time_days) == ("冷轧钢板", "kg", "buy", 7)

    product = ProductFactory(sku="FG-SKU")
    response = client.post(reverse("inventory:item_edit", args=[item.pk]),
                           item_post(code="IGNORED", item_type="finished_good", sourcing="make", product="FG-SKU"))
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.code, item.item_type, item.product) == ("STEEL-10", "finished_good", product)


def test_bad_item_input_is_shown_next_to_the_fields(client, planner):
    make_item("DUP-1")
    ProductFactory(sku="SOLD-1")
    client.force_login(planner)
    response = client.post(reverse("inventory:item_create"),
                           item_post(code="DUP-1", purchase_lead_time_days="-1", product="NOPE"))
    assert response.status_code == 200
    errors = form_errors(response)
    assert errors["purchase_lead_time_days"] == ["The lead time cannot be negative."]
    assert errors["product"] == ["No product with this SKU."]
    response = client.post(reverse("inventory:item_create"), item_post(code="DUP-1", product="SOLD-1"))
    assert form_errors(response) == {"code": ["An item with this code already exists."]}
    response = client.post(reverse("inventory:item_create"), item_post(code="NEW-1", product="SOLD-1"))
    assert form_errors(response) == {"product": ["Only a finished good can be linked to a product."]}
    assert list(Item.objects.values_list("code", flat=True)) == ["DUP-1"]


def test_deactivating_an_item_in_use_shows_why_not(client, planner):
    bolt = make_item("BOLT")
    make_bom(made_item("ASM"), [(bolt, 2, 0)])
    client.force_login(planner)
    response = client.post(reverse("inventory:item_edit", args=[bolt.pk]), {"action": "deactivate"}, follow=True)
    assert "BOLT is a component of the active BOM of ASM" in response.content.decode()
    bolt.refresh_from_db()
    assert bolt.is_active


# --- BOM editor ----------------------------------------------------------------------------------

def test_bom_editor_saves_versions_and_shows_the_explosion(client, planner):
    steel, bolt = make_item("STEEL", unit="kg"), make_item("BOLT")
    asm = made_item("ASM")
    client.force_login(planner)
    url = reverse("inventory:bom_edit", args=[asm.pk])
    response = client.post(url, bom_post([("STEEL — 钢", "0.75", "4", False), ("BOLT", "4", "", False)], extra=2,
                                         note="ECN-1"))
    assert response.status_code == 302
    bom = BillOfMaterials.objects.get(parent=asm, is_active=True)
    assert (bom.version, bom.note, bom.created_by) == (1, "ECN-1", planner)
    assert [(ln.component, ln.quantity, ln.scrap_percent) for ln in bom.lines.all()] == [
        (steel, Decimal("0.75"), Decimal("4")), (bolt, Decimal("4"), Decimal("0"))]

    page = client.get(url, {"quantity": "8"})
    rows = [(r.item.code, r.quantity) for r in page.context["explosion"].requirements]
    assert rows == [("STEEL", Decimal("6.250")), ("BOLT", Decimal("32"))]  # 8 × 0.75 ÷ 0.96 = 6.25
    html = page.content.decode()
    assert 'value="STEEL"' in html and 'value="0.75"' in html and "6.25" in html  # typed-looking numbers

    # Removing a line and saving makes version 2; version 1 stays.
    client.post(url, bom_post([("STEEL", "0.75", "4", False), ("BOLT", "4", "0", True)]))
    assert list(BillOfMaterials.objects.filter(parent=asm).order_by("version").values_list("version", "is_active")) == [
        (1, False), (2, True)]
    # ... and version 1 can be made active again.
    client.post(url, {"action": "activate", "version": str(bom.pk)})
    assert BillOfMaterials.objects.get(parent=asm, is_active=True).version == 1


def test_bom_editor_refuses_a_loop_and_bad_lines_and_writes_nothing(client, planner):
    top, middle, bottom = made_item("TOP"), made_item("MID"), made_item("LOW")
    make_bom(top, [(middle, 1, 0)])
    make_bom(middle, [(bottom, 1, 0)])
    client.force_login(planner)
    url = reverse("inventory:bom_edit", args=[bottom.pk])
    response = client.post(url, bom_post([("TOP", "1", "0", False)]))
    assert response.status_code == 200
    assert [str(e) for e in response.context["header"].non_field_errors()] == [
        "A bill of materials cannot contain itself: LOW → TOP → MID → LOW."]
    response = client.post(url, bom_post([("MID", "0", "100", False), ("NOPE", "1", "", False), ("", "2", "", False)]))
    formset = response.context["formset"]
    assert formset.forms[1].errors["component"] == ["No item with this code. Pick one from the search list."]
    assert formset.forms[2].errors["component"] == ["Choose a component."]
    response = client.post(url, bom_post([("MID", "0", "100", False)]))
    assert [str(e) for e in response.context["header"].non_field_errors()] == [
        "Line 1 (MID): the quantity per unit must be greater than zero.",
        "Line 1 (MID): scrap % must be at least 0 and less than 100."]
    assert not BillOfMaterials.objects.filter(parent=bottom).exists()


def test_a_loop_in_the_data_shows_on_the_page_instead_of_an_error(client, planner):
    a, b = made_item("A"), made_item("B")
    make_bom(a, [(b, 1, 0)])
    bom = BillOfMaterials.objects.create(parent=b, version=1, is_active=True)  # written behind the services' back
    bom.lines.create(position=1, component=a, quantity=1)
    client.force_login(planner)
    page = client.get(reverse("inventory:bom_edit", args=[a.pk]))
    assert page.status_code == 200
    assert page.context["explosion_error"] == "A bill of materials cannot contain itself: A → B → A."


def test_component_search_list(client, planner):
    make_item("BOLT-M8", name="Hex bolt")
    make_item("NUT-M8", name="Hex nut")
    client.force_login(planner)
    html = client.get(reverse("inventory:item_options"), {"lines-0-component": "bolt"}).content.decode()
    assert "BOLT-M8 — Hex bolt" in html and "NUT-M8" not in html


# --- permissions ---------------------------------------------------------------------------------

@pytest.mark.parametrize("role", ["sales", "order_desk", "production", "qc", "shipping", "manager"])
def test_viewers_see_items_and_boms_but_may_not_change_them(client, role_users, role):
    asm = made_item("ASM")
    make_bom(asm, [(make_item("BOLT"), 2, 0)])
    client.force_login(role_users[role])
    assert client.get(reverse("inventory:item_list")).status_code == 200
    page = client.get(reverse("inventory:item_edit", args=[asm.pk]))
    assert page.status_code == 200 and "item-form" not in page.content.decode()
    bom_page = client.get(reverse("inventory:bom_edit", args=[asm.pk]))
    assert bom_page.status_code == 200 and "bom-form" not in bom_page.content.decode()
    assert client.get(reverse("inventory:item_create")).status_code == 403
    assert client.post(reverse("inventory:item_edit", args=[asm.pk]), item_post(name="x")).status_code == 403
    assert client.post(reverse("inventory:bom_edit", args=[asm.pk]), bom_post([("ASM", "1", "", False)])
                       ).status_code == 403
    assert client.get(reverse("inventory:item_import")).status_code == 403
    assert client.get(reverse("inventory:bom_import")).status_code == 403
    assert BillOfMaterials.objects.get().version == 1


def test_the_warehouse_manages_items_but_not_boms(client, role_users):
    asm = made_item("ASM")
    client.force_login(role_users["warehouse"])
    assert client.post(reverse("inventory:item_create"), item_post()).status_code == 302
    assert client.get(reverse("inventory:item_import")).status_code == 200
    assert client.post(reverse("inventory:bom_edit", args=[asm.pk]), bom_post([("STEEL-10", "1", "", False)])
                       ).status_code == 403
    assert client.get(reverse("inventory:bom_import")).status_code == 403
    assert not BillOfMaterials.objects.exists()


def test_anonymous_users_are_sent_to_login(client):
    response = client.get(reverse("inventory:item_list"))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


# --- query counts --------------------------------------------------------------------------------

def count_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_item_list_costs_the_same_for_3_and_30_items(client, planner):
    client.force_login(planner)
    url = reverse("inventory:item_list")

    def add(n):
        for _ in range(n):
            asm = made_item(product=None)
            make_bom(asm, [(make_item(), 1, 0)])

    add(2)
    small = count_queries(client, url)
    add(14)
    assert Item.objects.count() == 32
    assert count_queries(client, url) == small
    assert small <= 10


def test_bom_editor_costs_the_same_for_2_and_30_lines(client, planner):
    client.force_login(planner)
    small = made_item("SMALL")
    make_bom(small, [(make_item(), 1, 0), (make_item(), 2, 5)])
    big = made_item("BIG")
    make_bom(big, [(make_item(), n + 1, 0) for n in range(30)])
    make_bom(big, [(make_item(), n + 1, 1) for n in range(30)])  # a second version
    assert (count_queries(client, reverse("inventory:bom_edit", args=[small.pk]))
            == count_queries(client, reverse("inventory:bom_edit", args=[big.pk])))


def test_admin_applies_the_item_rules_and_keeps_boms_read_only(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("root", "root@example.com", "pw-OrderFlow-2026"))
    bolt = make_item("BOLT")
    bom = make_bom(made_item("ASM"), [(bolt, 2, 0)])
    response = client.post(reverse("admin:inventory_item_change", args=[bolt.pk]), {
        "code": "BOLT", "name": "Bolt", "specification": "", "item_type": "component", "unit": "pcs",
        "sourcing": "buy", "purchase_lead_time_days": "0", "product": ""})  # is_active unticked
    assert response.status_code == 200
    assert "BOLT is a component of the active BOM of ASM" in response.content.decode()
    bolt.refresh_from_db()
    assert bolt.is_active
    assert client.get(reverse("admin:inventory_billofmaterials_change", args=[bom.pk])).status_code == 200
    assert client.post(reverse("admin:inventory_billofmaterials_delete", args=[bom.pk]), {"post": "yes"}
                       ).status_code == 403
