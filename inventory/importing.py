"""CSV/XLSX imports of items and of BOM lines (see the `imports` app for the file rules and the
preview → confirm flow: per-row errors, and nothing written when any row is bad).

Items: one row per item, matched by code (a new code creates an item, a known one updates it).

BOM lines: one row per component of a parent item. The rows of a parent (wherever they are in the
file, in file order) become that parent's new BOM version, replacing its active BOM; parents not in
the file keep theirs. A parent whose rows equal its active BOM is left unchanged. Every rule of the
BOM editor applies (inventory.services), and the loop check sees all the file's BOMs together with
the active ones, so a file that would make any BOM contain itself is refused with the loop named.
"""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from imports.columns import Column, parse_choice
from imports.previews import ModelImport, PlannedEntry, VersionedListImport, cell_texts, named_record
from orders import rules
from orders.importing import ACTIVE_COLUMN, UNIT_COLUMN, parse_days
from orders.models import Product

from . import services
from .bom_structure import find_loop
from .models import BOMLine, Item, ItemType, Sourcing

_CHOICE_FORMAT = gettext_lazy("The code or its name in English or Chinese.")


def parse_number(text, column):
    return rules.parse_decimal(text, field_label=column.label)


# --- items -------------------------------------------------------------------------------------

@dataclass(frozen=True, kw_only=True, eq=False)
class ItemImport(ModelImport):
    def prepare(self, raw_rows, *, lock):
        skus = cell_texts(raw_rows, "product")
        return {"products": {p.sku: p for p in Product.objects.filter(sku__in=skus)}}

    def parse_cell(self, column, text, context):
        if column.field == "product":
            return named_record(context["products"], column, text,
                                _("%(field)s: no product with SKU %(sku)s."), placeholder="sku")
        return super().parse_cell(column, text, context)

    def check_rows(self, columns, raw_rows, *, lock):
        rows = super().check_rows(columns, raw_rows, lock=lock)
        by_product = defaultdict(list)
        for row in rows:
            if "product" not in row.bad_fields and row.values.get("product"):
                by_product[row.values["product"].strip()].append(row)
        for sku, linked in by_product.items():
            if len(linked) > 1:
                for row in linked:
                    row.add_error("product", _("Product %(sku)s is linked on more than one row (rows %(rows)s).")
                                  % {"sku": sku, "rows": ", ".join(str(r.line) for r in linked)})
        return rows


ITEM_IMPORT = ItemImport(
    kind="item", model=Item, key="code", permission="inventory.import_item",
    field_errors=services.item_errors,
    rules=(gettext_lazy("Each row is matched by its code: a code that exists updates that item, a new code creates "
                        "one."), gettext_lazy("A code may appear only once in the file.")),
    columns=(
        Column("code", gettext_lazy("Code"),
               ("code", "item code", "part number", "编码", "物料编码", "料号", "品号"), required=True,
               format=gettext_lazy("Unique, no spaces. An existing code updates that item.")),
        Column("name", gettext_lazy("Name"), ("name", "item name", "名称", "物料名称", "品名"), required=True),
        Column("specification", gettext_lazy("Specification"),
               ("specification", "spec", "规格", "规格型号", "型号")),
        Column("item_type", gettext_lazy("Item type"), ("item type", "type", "类型", "物料类型", "物料类别"),
               parse=parse_choice, choices=tuple(ItemType.choices), format=_CHOICE_FORMAT,
               synonyms=(("raw", "raw_material"), ("原材料", "raw_material"), ("原料", "raw_material"),
                         ("零件", "component"), ("元件", "component"), ("部件", "component"),
                         ("半成品", "sub_assembly"), ("组件", "sub_assembly"), ("subassembly", "sub_assembly"),
                         ("包装", "packaging"), ("包材", "packaging"), ("包装材料", "packaging"),
                         ("成品", "finished_good"), ("finished", "finished_good"))),
        UNIT_COLUMN,
        Column("sourcing", gettext_lazy("Make or buy"),
               ("make or buy", "sourcing", "make/buy", "来源", "自制/外购", "自制或外购"),
               parse=parse_choice, choices=tuple(Sourcing.choices), format=_CHOICE_FORMAT,
               synonyms=(("自制", "make"), ("生产", "make"), ("外购", "buy"), ("采购", "buy"), ("外采", "buy"))),
        Column("purchase_lead_time_days", gettext_lazy("Purchase lead time (days)"),
               ("purchase lead time", "purchase lead time (days)", "purchase_lead_time_days", "lead time",
                "lead time (days)", "采购周期", "采购周期(天)", "采购提前期"),
               parse=parse_days, format=gettext_lazy("A whole number of days, 0 or more.")),
        Column("product", gettext_lazy("Product SKU"), ("product", "product sku", "sku", "产品", "产品编码"),
               format=gettext_lazy("For a finished good: the SKU of the product customers order.")),
        ACTIVE_COLUMN,
    ),
)


# --- BOM lines ---------------------------------------------------------------------------------

@dataclass(frozen=True, kw_only=True, eq=False)
class BomImport(VersionedListImport):
    def default_display(self, column):
        return "0" if column.field == "scrap_percent" else ""

    def prepare(self, raw_rows, *, lock):
        codes = cell_texts(raw_rows, "parent", "component")
        return {"items": {item.code: item for item in Item.objects.filter(code__in=codes)}}

    def parse_cell(self, column, text, context):
        if column.field in ("parent", "component"):
            return named_record(context["items"], column, text,
                                _("%(field)s: no item with code %(code)s."), placeholder="code")
        return super().parse_cell(column, text, context)

    def check_rows(self, columns, raw_rows, *, lock):
        rows, groups = [], defaultdict(list)  # parent id -> [(row, BomLineInput or None)]
        parents = {}
        for row, parsed in self.read_rows(raw_rows, columns, lock=lock):
            rows.append(row)
            parent, component = parsed.get("parent"), parsed.get("component")
            if parent is None:
                continue
            parents[parent.pk] = parent
            line = None
            if component is not None and "quantity" in parsed and "scrap_percent" not in row.bad_fields:
                line = services.BomLineInput(component=component, quantity=parsed["quantity"],
                                             scrap_percent=parsed.get("scrap_percent", Decimal("0")),
                                             note=parsed.get("note", ""))
                for message in services.bom_line_messages(line, where=component.code):
                    row.add_error("component", message)
            groups[parent.pk].append((row, line))
        self._check_groups(parents, groups)
        self._check_loops(parents, groups, lock=lock)
        self._decide_actions(parents, groups)
        return rows

    def _check_groups(self, parents, groups):
        for parent_id, members in groups.items():
            parent = parents[parent_id]
            by_component = defaultdict(list)
            for row, line in members:
                if not parent.is_made:
                    row.add_error("parent", services.bought_item_message(parent))
                if line is None:
                    continue
                by_component[line.component.pk].append(row)
                if line.component.pk == parent_id:
                    row.add_error("component", _("A bill of materials cannot contain itself: %(loop)s.")
                                  % {"loop": f"{parent.code} → {parent.code}"})
            for same in by_component.values():
                if len(same) > 1:
                    for row in same:
                        row.add_error("component", _("%(code)s appears more than once in the BOM of %(parent)s "
                                                     "(rows %(rows)s).")
                                      % {"code": row.values.get("component", ""), "parent": parent.code,
                                         "rows": ", ".join(str(r.line) for r in same)})
            if len(members) > services.MAX_BOM_LINES:
                members[0][0].add_error("parent", _("A bill of materials can have at most %(n)s lines.")
                                        % {"n": services.MAX_BOM_LINES})

    def _check_loops(self, parents, groups, *, lock):
        """Loops through the file's BOMs together with the active ones (the file's replace theirs)."""
        new_children = {parent_id: [line.component.pk for _row, line in members if line is not None]
                        for parent_id, members in groups.items()}
        if lock:
            children = services.lock_bom_structure(new_children)
        else:
            children = services.active_bom_graph(replacing=new_children)
        loops = {parent_id: find_loop(children, parent_id) for parent_id in new_children}
        loops = {parent_id: loop for parent_id, loop in loops.items() if loop and len(loop) > 2}
        if not loops:
            return
        codes = dict(Item.objects.filter(pk__in={pk for loop in loops.values() for pk in loop})
                     .values_list("pk", "code"))
        for parent_id, loop in loops.items():
            message = _("A bill of materials cannot contain itself: %(loop)s.") % {
                "loop": " → ".join(codes[pk] for pk in loop)}
            for row, line in groups[parent_id]:
                if line is not None and line.component.pk == loop[1]:
                    row.add_error("component", message)

    def _decide_actions(self, parents, groups):
        current = defaultdict(list)
        for parent_id, component_id, quantity, scrap, note in (
                BOMLine.objects.filter(bom__is_active=True, bom__parent_id__in=list(groups))
                .order_by("position").values_list("bom__parent_id", "component_id", "quantity", "scrap_percent",
                                                  "note")):
            current[parent_id].append((component_id, quantity, scrap, note))
        for parent_id, members in groups.items():
            wanted = [(line.component.pk, line.quantity, line.scrap_percent, line.note.strip())
                      for _row, line in members if line is not None]
            if parent_id not in current:
                action = "create"
            elif current[parent_id] == wanted:
                action = "unchanged"
            else:
                action = "update"
            for row, line in members:
                row.action = action
                row.instance = PlannedEntry(parent=parents[parent_id], entry=line)

    def write_version(self, *, actor, parent, entries, note):
        services.write_bom_version(actor=actor, item=parent, lines=entries, note=note)


BOM_IMPORT = BomImport(
    kind="bom", model=BOMLine, permission="inventory.import_billofmaterials",
    action_labels={"create": gettext_lazy("New BOM"), "update": gettext_lazy("New version"),
                   "unchanged": gettext_lazy("Unchanged")},
    rules=(gettext_lazy("One row per component. The rows of a parent item become its new BOM version and replace its "
                        "active BOM; parent items not in the file keep theirs."),
           gettext_lazy("A parent whose rows equal its active BOM is left unchanged. A parent may list a component "
                        "only once."),
           gettext_lazy("The counts after confirming are of BOMs, not of rows.")),
    columns=(
        Column("parent", gettext_lazy("Parent item"),
               ("parent", "parent code", "parent item", "assembly", "父项", "父项编码", "父件", "上级物料"),
               required=True, format=gettext_lazy("The code of an item made in house.")),
        Column("component", gettext_lazy("Component"),
               ("component", "component code", "child", "子项", "子项编码", "子件", "组件编码"), required=True,
               format=gettext_lazy("The code of an active item.")),
        Column("quantity", gettext_lazy("Quantity per unit"),
               ("quantity", "qty", "quantity per unit", "用量", "单位用量", "数量"), parse=parse_number,
               required=True, format=gettext_lazy("Greater than zero, at most 3 decimals, in the component's unit.")),
        Column("scrap_percent", gettext_lazy("Scrap %"),
               ("scrap", "scrap %", "scrap percent", "scrap_percent", "损耗率", "损耗率(%)", "损耗%", "报废率"),
               parse=parse_number, format=gettext_lazy("0 up to (not including) 100, at most 2 decimals.")),
        Column("note", gettext_lazy("Note"), ("note", "remark", "备注")),
    ),
)

IMPORTS = {spec.kind: spec for spec in (ITEM_IMPORT, BOM_IMPORT)}
