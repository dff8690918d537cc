"""Items and BOMs through the services: every bad input gets a clear message and writes nothing;
loops are refused at any depth; the explosion applies scrap level by level (checked by hand)."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from inventory import selectors, services
from inventory.bom_structure import BomCycleError
from inventory.models import BillOfMaterials, BOMLine, Item
from inventory.services import BomLineInput
from tests.fixtures.factories import ProductFactory
from tests.inventory.masterdata import made_item, make_bom, make_item

pytestmark = pytest.mark.django_db


def messages_of(exc_info):
    return exc_info.value.messages


def line(component, quantity, scrap="0", note=""):
    return BomLineInput(component=component, quantity=Decimal(quantity), scrap_percent=Decimal(scrap), note=note)


@pytest.fixture
def planner(role_users):
    return role_users["planner"]


# --- items ---------------------------------------------------------------------------------------

def test_item_rules_give_clear_messages_and_write_nothing(planner):
    make_item("STEEL-1", actor=planner)
    product = ProductFactory()
    cases = [
        ({"code": "STEEL-1", "name": "Again"}, "code", "An item with code STEEL-1 already exists."),
        ({"code": "HAS SPACE", "name": "x"}, "code", "A code cannot contain spaces."),
        ({"code": "N-1", "name": "  "}, "name", "Enter a name."),
        ({"code": "L-1", "name": "x", "purchase_lead_time_days": 5000}, "purchase_lead_time_days",
         "The lead time is at most 3650 days."),
        ({"code": "P-1", "name": "x", "item_type": "component", "product": product}, "product",
         "Only a finished good can be linked to a product."),
    ]
    for fields, field, message in cases:
        with pytest.raises(ValidationError) as exc:
            services.create_item(actor=planner, **fields)
        assert exc.value.message_dict[field] == [message], fields
    assert list(Item.objects.values_list("code", flat=True)) == ["STEEL-1"]


def test_a_product_is_made_as_one_item_only(planner):
    product = ProductFactory(sku="SKU-9")
    make_item("FG-1", actor=planner, item_type="finished_good", sourcing="make", product=product)
    with pytest.raises(ValidationError) as exc:
        make_item("FG-2", actor=planner, item_type="finished_good", sourcing="make", product=product)
    assert exc.value.message_dict["product"] == ["Product SKU-9 is already made as item FG-1."]
    assert list(Item.objects.filter(product=product).values_list("code", flat=True)) == ["FG-1"]


def test_roles_without_item_permission_are_refused(role_users):
    for role in ("sales", "qc", "production"):
        with pytest.raises(PermissionDenied):
            services.create_item(actor=role_users[role], code="X-1", name="x")
    make_item("W-1", actor=role_users["warehouse"])  # the warehouse manages items
    with pytest.raises(PermissionDenied):  # ... but not BOMs
        make_bom(made_item("W-2"), [(Item.objects.get(code="W-1"), 1, 0)], actor=role_users["warehouse"])
    assert not Item.objects.filter(code="X-1").exists()


def test_an_item_on_an_active_bom_cannot_be_deactivated(planner):
    bolt = make_item("BOLT")
    make_bom(made_item("ASM"), [(bolt, 4, 0)])
    with pytest.raises(ValidationError) as exc:
        services.set_item_active(actor=planner, item=bolt, active=False)
    assert exc.value.messages == ["BOLT is a component of the active BOM of ASM: change those BOMs before "
                                  "deactivating it."]
    assert Item.objects.get(code="BOLT").is_active


# --- BOM input -----------------------------------------------------------------------------------

def test_bom_containing_itself_directly_is_refused(planner):
    asm = made_item("ASM")
    with pytest.raises(ValidationError) as exc:
        services.save_bom(actor=planner, item=asm, lines=[line(make_item("BOLT"), "1"), line(asm, "1")])
    assert "A bill of materials cannot contain itself: ASM → ASM." in messages_of(exc)
    assert not BillOfMaterials.objects.exists()


def test_bom_containing_itself_three_levels_deep_is_refused(planner):
    top, middle, bottom = made_item("TOP"), made_item("MID"), made_item("LOW")
    make_bom(top, [(middle, 1, 0)])
    make_bom(middle, [(bottom, 2, 0)])
    low_v1 = make_bom(bottom, [(make_item("STEEL"), "0.5", 0)])
    with pytest.raises(ValidationError) as exc:
        services.save_bom(actor=planner, item=bottom, lines=[line(top, "1")])
    assert messages_of(exc) == ["A bill of materials cannot contain itself: LOW → TOP → MID → LOW."]
    # Nothing was written: LOW still has its first version only.
    assert list(BillOfMaterials.objects.filter(parent=bottom).values_list("version", "is_active")) == [(1, True)]
    assert BillOfMaterials.objects.get(parent=bottom) == low_v1


@pytest.mark.parametrize("lines, message", [
    (lambda c: [line(c, "0")], "Line 1 (C-1): the quantity per unit must be greater than zero."),
    (lambda c: [line(c, "-2")], "Line 1 (C-1): the quantity per unit must be greater than zero."),
    (lambda c: [line(c, "0.0001")],
     "Line 1 (C-1): the quantity can have at most 9 digits before and 3 after the decimal point."),
    (lambda c: [line(c, "1", "100")], "Line 1 (C-1): scrap % must be at least 0 and less than 100."),
    (lambda c: [line(c, "1", "-1")], "Line 1 (C-1): scrap % must be at least 0 and less than 100."),
    (lambda c: [line(c, "1", "5.125")], "Line 1 (C-1): scrap % can have at most 2 decimals."),
    (lambda c: [line(c, "1"), line(c, "2")], "C-1 is on lines 1, 2: put each component on one line."),
    (lambda c: [], "A bill of materials needs at least one component."),
], ids=["zero", "negative", "too-many-decimals", "scrap-100", "scrap-negative", "scrap-decimals", "duplicate",
        "empty"])
def test_bad_bom_lines_are_refused_and_nothing_is_written(planner, lines, message):
    parent, component = made_item("PARENT"), make_item("C-1")
    with pytest.raises(ValidationError) as exc:
        services.save_bom(actor=planner, item=parent, lines=lines(component))
    assert messages_of(exc) == [message]
    assert not BillOfMaterials.objects.exists() and not BOMLine.objects.exists()


def test_bought_items_have_no_bom_and_inactive_components_are_refused(planner):
    bought = make_item("BUY-1")
    old = make_item("OLD-1")
    services.set_item_active(actor=planner, item=old, active=False)
    with pytest.raises(ValidationError) as exc:
        services.save_bom(actor=planner, item=bought, lines=[line(make_item("C-2"), "1")])
    assert messages_of(exc) == ["BUY-1 is bought, not made: only items made in house have a bill of materials. Set "
                                "“make or buy” to make first."]
    with pytest.raises(ValidationError) as exc:
        services.save_bom(actor=planner, item=made_item("M-1"), lines=[line(Item.objects.get(code="OLD-1"), "1")])
    assert messages_of(exc) == ["Line 1 (OLD-1): the item is inactive."]
    assert not BillOfMaterials.objects.exists()


# --- versions ------------------------------------------------------------------------------------

def test_saving_a_changed_bom_writes_a_new_active_version_and_keeps_the_old(planner):
    asm, bolt, nut = made_item("ASM"), make_item("BOLT"), make_item("NUT")
    v1 = services.save_bom(actor=planner, item=asm, lines=[line(bolt, "4")])
    same = services.save_bom(actor=planner, item=asm, lines=[line(bolt, "4.000")])
    assert same == v1 and BillOfMaterials.objects.count() == 1  # nothing changed, nothing written
    v2 = services.save_bom(actor=planner, item=asm, lines=[line(bolt, "4"), line(nut, "4", "1.5")])
    v1.refresh_from_db()
    assert (v1.version, v1.is_active, v2.version, v2.is_active) == (1, False, 2, True)
    assert [(ln.component.code, ln.quantity, ln.scrap_percent) for ln in v2.lines.order_by("position")] == [
        ("BOLT", Decimal("4"), Decimal("0")), ("NUT", Decimal("4"), Decimal("1.5"))]
    assert v1.lines.count() == 1
    services.activate_bom(actor=planner, bom=v1)
    assert list(BillOfMaterials.objects.filter(is_active=True)) == [v1]


def test_reactivating_an_old_version_that_would_close_a_loop_is_refused(planner):
    a, b = made_item("A"), made_item("B")
    old_b = make_bom(b, [(a, 1, 0)])  # B contains A
    make_bom(b, [(make_item("X"), 1, 0)])  # B no longer contains A
    make_bom(a, [(b, 1, 0)])  # so A may contain B
    with pytest.raises(ValidationError) as exc:
        services.activate_bom(actor=planner, bom=old_b)
    assert exc.value.messages == ["A bill of materials cannot contain itself: B → A → B."]
    old_b.refresh_from_db()
    assert not old_b.is_active


# --- explosion -----------------------------------------------------------------------------------

def three_level_product():
    """FG (10 pcs) ← 2 SA + 1 BOX; SA ← 3 SUB (10 % scrap) + 4 BOLT (2.5 %); SUB ← 0.75 kg STEEL (4 %) + 1 BOLT."""
    steel = make_item("STEEL", unit="kg")
    bolt = make_item("BOLT", item_type="component")
    box = make_item("BOX", item_type="packaging")
    sub = made_item("SUB")
    sa = made_item("SA")
    fg = made_item("FG", item_type="finished_good")
    make_bom(sub, [(steel, "0.75", "4"), (bolt, 1, 0)])
    make_bom(sa, [(sub, 3, 10), (bolt, 4, "2.5")])
    make_bom(fg, [(sa, 2, 0), (box, 1, 0)])
    return fg


def test_three_level_explosion_with_scrap_checked_by_hand():
    fg = three_level_product()
    result = selectors.explosion(fg, Decimal("10"))
    rows = [(r.level, r.parent.code, r.item.code, r.quantity, r.exploded) for r in result.requirements]
    assert rows == [
        (1, "FG", "SA", Decimal("20"), True),         # 10 × 2
        (2, "SA", "SUB", Decimal("67"), True),        # 20 × 3 ÷ 0.9 = 66.67 → 67 whole pieces
        (3, "SUB", "STEEL", Decimal("52.344"), False),  # 67 × 0.75 ÷ 0.96 = 52.34375 → 52.344 kg
        (3, "SUB", "BOLT", Decimal("67"), False),     # 67 × 1
        (2, "SA", "BOLT", Decimal("83"), False),      # 20 × 4 ÷ 0.975 = 82.05 → 83
        (1, "FG", "BOX", Decimal("10"), False),       # 10 × 1
    ]
    totals = {t.item.code: t.quantity for t in result.totals}
    assert totals == {"BOLT": Decimal("150"), "BOX": Decimal("10"), "SA": Decimal("20"), "STEEL": Decimal("52.344"),
                      "SUB": Decimal("67")}
    assert {t.item.code for t in result.purchased} == {"BOLT", "BOX", "STEEL"}


def test_explosion_costs_two_queries_whatever_the_size():
    fg = three_level_product()
    with CaptureQueriesContext(connection) as small:
        selectors.explosion(fg, Decimal("1"))
    wide = made_item("WIDE")
    make_bom(wide, [(make_item(f"R-{n}"), 1, 0) for n in range(30)] + [(fg, 1, 0)])
    with CaptureQueriesContext(connection) as big:
        result = selectors.explosion(wide, Decimal("1"))
    assert len(result.requirements) == 37
    assert len(small.captured_queries) == len(big.captured_queries) == 2


def test_explosion_refuses_a_loop_written_behind_the_services_back():
    a, b, c = made_item("A"), made_item("B"), made_item("C")
    make_bom(a, [(b, 1, 0)])
    make_bom(b, [(c, 1, 0)])
    # A loop that only a direct database write could make: the explosion still stops, naming it.
    bom = BillOfMaterials.objects.create(parent=c, version=1, is_active=True)
    BOMLine.objects.create(bom=bom, position=1, component=a, quantity=1)
    with pytest.raises(BomCycleError) as exc:
        selectors.explosion(a, Decimal("1"))
    assert exc.value.loop == ["A", "B", "C", "A"]
