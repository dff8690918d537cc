"""CSV/XLSX import of items and BOM lines: upload → preview with per-row errors → confirm; any bad
row means nothing is written."""

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from audit.models import ChangeAction, ChangeLogEntry
from inventory import selectors
from inventory.models import BillOfMaterials, BOMLine, Item
from tests.fixtures.factories import ProductFactory
from tests.inventory.masterdata import made_item, make_bom, make_item

pytestmark = pytest.mark.django_db


def upload(client, url_name, filename, content: bytes):
    return client.post(reverse(url_name), {"step": "upload", "file": SimpleUploadedFile(filename, content)})


def confirm(client, url_name, preview_response):
    token = preview_response.context["token"]
    assert token, "the preview offered no confirmation"
    return client.post(reverse(url_name), {"step": "confirm", "token": token})


def preview_rows(response):
    return [(row.line, row.action, row.errors) for row in response.context["preview"].rows]


def xlsx_bytes(rows):
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


@pytest.fixture
def planner(role_users):
    return role_users["planner"]


# --- items ---------------------------------------------------------------------------------------

def test_items_from_a_gbk_csv_with_chinese_headers(client, planner):
    ProductFactory(sku="FG-SKU-1")
    text = ("物料编码,品名,规格,物料类型,单位,来源,采购周期,产品编码\r\n"
            "RM-001,冷轧钢板,1.0mm,原材料,公斤,外购,7,\r\n"
            "SA-001,支架组件,,半成品,件,自制,0,\r\n"
            "FG-001,成品支架,,成品,套,自制,,FG-SKU-1\r\n")
    client.force_login(planner)
    response = upload(client, "inventory:item_import", "物料.csv", text.encode("gbk"))
    assert preview_rows(response) == [(2, "create", []), (3, "create", []), (4, "create", [])]
    assert not Item.objects.exists()
    done = confirm(client, "inventory:item_import", response)
    assert done.status_code == 302
    items = {i.code: i for i in Item.objects.select_related("product")}
    assert (items["RM-001"].item_type, items["RM-001"].unit, items["RM-001"].sourcing,
            items["RM-001"].purchase_lead_time_days) == ("raw_material", "kg", "buy", 7)
    assert (items["SA-001"].item_type, items["SA-001"].sourcing) == ("sub_assembly", "make")
    assert (items["FG-001"].unit, items["FG-001"].product.sku) == ("set", "FG-SKU-1")
    assert ChangeLogEntry.objects.filter(action=ChangeAction.CREATE, actor=planner).count() == 3


def test_items_xlsx_updates_existing_codes(client, role_users):
    make_item("RM-1", name="Old", purchase_lead_time_days=3)
    content = xlsx_bytes([["code", "name", "lead time", "active"], ["RM-1", "Steel sheet", 10, "no"],
                          ["RM-2", "Paint", 5, "yes"]])
    client.force_login(role_users["warehouse"])
    response = upload(client, "inventory:item_import", "items.xlsx", content)
    assert preview_rows(response) == [(2, "update", []), (3, "create", [])]
    confirm(client, "inventory:item_import", response)
    rm1 = Item.objects.get(code="RM-1")
    assert (rm1.name, rm1.purchase_lead_time_days, rm1.is_active) == ("Steel sheet", 10, False)


def test_bad_item_rows_block_the_whole_file(client, planner):
    ProductFactory(sku="SOLD")
    text = ("code,name,type,unit,make or buy,lead time,product\n"
            "OK-1,Good,raw,kg,buy,1,\n"
            "BAD 2,Space in code,raw,kg,buy,1,\n"
            "BAD-3,Wrong type,metal,kg,buy,1,\n"
            "BAD-4,Wrong unit,raw,furlong,buy,1,\n"
            "BAD-5,Product on raw,raw,kg,buy,1,SOLD\n"
            "BAD-6,Unknown product,finished,pcs,make,1,NOPE\n"
            "BAD-7,Days,raw,kg,buy,1.5,\n")
    client.force_login(planner)
    response = upload(client, "inventory:item_import", "items.csv", text.encode())
    rows = {line: errors for line, _action, errors in preview_rows(response)}
    assert rows[2] == []
    assert rows[3] == ["Code: A code cannot contain spaces."]
    assert rows[4] == ["Item type: “metal” is not one of raw_material, component, sub_assembly, packaging, "
                       "finished_good."]
    assert rows[5] == ["Unit: “furlong” is not one of pcs, set, box, kg, g, t, l, m."]
    assert rows[6] == ["Product SKU: Only a finished good can be linked to a product."]
    assert rows[7] == ["Product SKU: no product with SKU NOPE."]
    assert rows[8] == ["Purchase lead time (days): enter a whole number of days."]
    assert response.context["token"] == ""
    assert client.post(reverse("inventory:item_import"), {"step": "confirm", "token": "forged"}).status_code == 302
    assert not Item.objects.exists()


# --- BOM lines -----------------------------------------------------------------------------------

BOM_CSV = ("parent,component,quantity,scrap %,note\n"
           "FG,SA,2,,\n"
           "FG,BOX,1,0,\n"
           "SA,SUB,3,10,\n"
           "SA,BOLT,4,2.5,\n"
           "SUB,STEEL,0.75,4,laser cut\n"
           "SUB,BOLT,1,,\n")


def bom_items():
    make_item("STEEL", unit="kg")
    make_item("BOLT", item_type="component")
    make_item("BOX", item_type="packaging")
    for code in ("SUB", "SA"):
        made_item(code)
    return made_item("FG", item_type="finished_good")


def test_a_three_level_bom_file_is_imported_and_explodes_as_checked_by_hand(client, planner):
    fg = bom_items()
    client.force_login(planner)
    response = upload(client, "inventory:bom_import", "bom.csv", BOM_CSV.encode())
    assert [(line, action) for line, action, _errors in preview_rows(response)] == [
        (2, "create"), (3, "create"), (4, "create"), (5, "create"), (6, "create"), (7, "create")]
    assert not BillOfMaterials.objects.exists()
    done = confirm(client, "inventory:bom_import", response)
    assert done.status_code == 302
    assert "3 created, 0 updated, 0 unchanged" in client.get(done["Location"]).content.decode()  # BOMs, not rows
    sub = BillOfMaterials.objects.get(parent__code="SUB", is_active=True)
    assert [(ln.component.code, ln.quantity, ln.scrap_percent, ln.note) for ln in sub.lines.all()] == [
        ("STEEL", Decimal("0.75"), Decimal("4"), "laser cut"), ("BOLT", Decimal("1"), Decimal("0"), "")]
    assert sub.get_note_display() == "Imported from bom.csv"
    totals = {t.item.code: t.quantity for t in selectors.explosion(fg, Decimal("10")).totals}
    assert totals == {"BOLT": Decimal("150"), "BOX": Decimal("10"), "SA": Decimal("20"), "STEEL": Decimal("52.344"),
                      "SUB": Decimal("67")}

    # The same file again changes nothing; a changed parent gets a new version.
    again = upload(client, "inventory:bom_import", "bom.csv", BOM_CSV.encode())
    assert {action for _line, action, _errors in preview_rows(again)} == {"unchanged"}
    changed = upload(client, "inventory:bom_import", "bom2.csv", b"parent,component,quantity\nFG,SA,3\nFG,BOX,1\n")
    assert [action for _line, action, _errors in preview_rows(changed)] == ["update", "update"]
    confirm(client, "inventory:bom_import", changed)
    assert list(BillOfMaterials.objects.filter(parent=fg).order_by("version").values_list("version", "is_active")) == [
        (1, False), (2, True)]


def test_a_file_that_makes_a_bom_contain_itself_is_refused(client, planner):
    a, b = made_item("A"), made_item("B")
    made_item("C")
    make_bom(a, [(b, 1, 0)])
    client.force_login(planner)
    # B → C comes from the file, C → A too; A → B is already active: a loop three levels deep.
    response = upload(client, "inventory:bom_import", "loop.csv",
                      b"parent,component,quantity\nB,C,1\nC,A,2\nC,C,1\n")
    rows = preview_rows(response)
    assert rows[0][2] == ["A bill of materials cannot contain itself: B → C → A → B."]
    assert rows[1][2] == ["A bill of materials cannot contain itself: C → A → B → C."]
    assert rows[2][2] == ["A bill of materials cannot contain itself: C → C."]
    assert response.context["token"] == ""
    assert BillOfMaterials.objects.count() == 1


def test_bad_bom_rows_get_their_own_messages_and_nothing_is_written(client, planner):
    bom_items()
    make_item("BUY-1")
    text = ("parent,component,quantity,scrap\n"
            "SA,SUB,0,\n"           # zero quantity
            "SA,BOLT,1,100\n"       # scrap 100 %
            "SA,NOPE,1,\n"          # unknown component
            "NOPE,BOLT,1,\n"        # unknown parent
            "BUY-1,BOLT,1,\n"       # a bought parent
            "SUB,STEEL,1,\n"
            "SUB,STEEL,2,\n"        # the same component twice
            "FG,SA,abc,\n"          # not a number
            "FG,BOX,,\n")           # quantity missing
    client.force_login(planner)
    response = upload(client, "inventory:bom_import", "bad.csv", text.encode())
    errors = {line: errors for line, _action, errors in preview_rows(response)}
    assert errors[2] == ["SUB: the quantity per unit must be greater than zero."]
    assert errors[3] == ["BOLT: scrap % must be at least 0 and less than 100."]
    assert errors[4] == ["Component: no item with code NOPE."]
    assert errors[5] == ["Parent item: no item with code NOPE."]
    assert errors[6] == ["BUY-1 is bought, not made: only items made in house have a bill of materials. Set “make "
                         "or buy” to make first."]
    assert errors[7] == errors[8] == ["STEEL appears more than once in the BOM of SUB (rows 7, 8)."]
    assert errors[9] == ["Quantity per unit: “abc” is not a number."]
    assert errors[10] == ["Quantity per unit is required."]
    assert not BillOfMaterials.objects.exists() and not BOMLine.objects.exists()


def test_confirm_checks_again_against_the_database(client, planner):
    a, b = made_item("A"), made_item("B")
    client.force_login(planner)
    response = upload(client, "inventory:bom_import", "a.csv", b"parent,component,quantity\nA,B,1\n")
    assert preview_rows(response) == [(2, "create", [])]
    make_bom(b, [(a, 1, 0)])  # meanwhile someone made B contain A
    refused = confirm(client, "inventory:bom_import", response)
    assert refused.status_code == 200
    assert refused.context["error"] == "Some rows are no longer valid; nothing was imported."
    assert preview_rows(refused)[0][2] == ["A bill of materials cannot contain itself: A → B → A."]
    assert not BillOfMaterials.objects.filter(parent=a).exists()


def test_bom_import_permissions(client, role_users):
    made_item("A"), make_item("X")
    for role in ("warehouse", "sales", "manager"):
        client.force_login(role_users[role])
        assert upload(client, "inventory:bom_import", "a.csv", b"parent,component,quantity\nA,X,1\n"
                      ).status_code == 403
    assert not BillOfMaterials.objects.exists()


def test_import_pages_document_the_columns(client, planner):
    client.force_login(planner)
    html = client.get(reverse("inventory:bom_import")).content.decode()
    for header in ("parent", "父项", "component", "子项", "quantity", "用量", "损耗率"):
        assert f"<code>{header}</code>" in html
    template = client.get(reverse("inventory:item_import"), {"template": "csv"})
    assert template.content.decode("utf-8-sig").startswith("code,name,specification,item type,unit,make or buy")
