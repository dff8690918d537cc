"""Writes on items and bills of materials.

One function per user-visible action, each in one transaction, checking the actor's permission and
the input. Nothing is deleted: an item no longer used is deactivated, and a changed BOM is a new
version (the earlier ones stay). Every change is written to the change log (audit) with old and new
values.

The rules (`item_errors`, `bom_errors`) are shared with the forms and with the CSV/XLSX imports
(inventory.importing): the same rule gives the same message wherever the data comes from.

BOM loops: saving a BOM whose components lead back to its own item (directly, or through the
components' own BOMs at any depth) is refused with the loop named (A-1 → B-2 → A-1). The check runs
inside the saving transaction after locking every item the new BOM reaches, so two planners saving
"A contains B" and "B contains A" at the same time cannot both succeed: one waits for the other and
then sees the loop.
"""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import require
from audit.changes import activate_version, deactivate_versions, record_change, record_new_version, snapshot
from inputs.visible import visible_strip
from orders.masterdata_services import validate_code, validate_lead_time
from record_pages.checks import FieldErrors, name_given
from systemtext.text import Text

from .bom_structure import BomCycleError, find_loop
from .models import MAX_SCRAP_PERCENT, BillOfMaterials, BOMLine, Item, ItemType

ITEM_FIELDS = ("code", "name", "specification", "item_type", "unit", "sourcing", "purchase_lead_time_days",
               "product", "is_active", "purchase_unit", "safety_stock", "reorder_point", "incoming_inspection",
               # MRP planning data (inventory.mrp)
               "make_lead_time_days", "preferred_supplier", "minimum_order_quantity", "order_multiple",
               "reorder_quantity", "make_to_stock",
               "category")
# Quantities are Decimal(12, 3): at most nine digits before the point.
MAX_QUANTITY = Decimal("999999999.999")
MAX_BOM_LINES = 200
BOM_CHILDREN = ("lines",)  # logged with their BOM


def _raise_if(errors):
    if errors:
        raise ValidationError(errors)


# --- items -------------------------------------------------------------------------------------

def item_errors(item, *, check_unique=True, fields=None):
    """Every problem of an item as {field: [messages]} (empty when it may be saved). `fields` limits
    the check to those fields (the import checks what a row gives)."""
    item.code = (item.code or "").strip()
    item.name = (item.name or "").strip()
    errors = FieldErrors(fields)
    check = errors.check

    check("code", lambda: validate_code(item.code))
    check("name", lambda: name_given(item))
    check("purchase_lead_time_days", lambda: validate_lead_time(item.purchase_lead_time_days))
    check("product", lambda: _check_product_link(item))
    if check_unique and "code" not in errors and Item.objects.filter(code=item.code).exclude(pk=item.pk).exists():
        errors["code"] = [_("An item with code %(code)s already exists.") % {"code": item.code}]
    errors.check_model(item, skip={"product"})
    return dict(errors)


def _check_product_link(item):
    if item.product_id is None:
        return
    if item.item_type != ItemType.FINISHED_GOOD:
        raise ValidationError(_("Only a finished good can be linked to a product."))
    taken = Item.objects.filter(product_id=item.product_id).exclude(pk=item.pk).values_list("code", flat=True).first()
    if taken:
        raise ValidationError(_("Product %(sku)s is already made as item %(code)s.")
                              % {"sku": item.product.sku, "code": taken})


def _changed(instance, before, names):
    return [name for name in names if getattr(instance, name) != before.get(name)]


def create_item(*, actor, **fields) -> Item:
    require(actor, "inventory.add_item")
    unknown = set(fields) - set(ITEM_FIELDS)
    if unknown:
        raise TypeError(f"unknown item fields: {sorted(unknown)}")
    item = Item(**fields)
    _raise_if(item_errors(item))
    try:
        with transaction.atomic():
            item.save()
            record_change(item, actor=actor)
    except IntegrityError:
        # Someone else saved the same code (or linked the same product) between our check and our insert.
        raise ValidationError({"code": [_("An item with code %(code)s already exists.") % {"code": item.code}]}
                              ) from None
    return item


def update_item(*, actor, item: Item, **fields) -> Item:
    """Change an item's fields (the code stays: BOMs, routings and documents refer to it)."""
    require(actor, "inventory.change_item")
    unknown = set(fields) - (set(ITEM_FIELDS) - {"code"})
    if unknown:
        raise TypeError(f"item fields that cannot be updated: {sorted(unknown)}")
    with transaction.atomic():
        current = Item.objects.select_for_update().get(pk=item.pk)
        logged = snapshot(current)
        before = {name: getattr(current, name) for name in ITEM_FIELDS}
        for name, value in fields.items():
            setattr(current, name, value)
        errors = item_errors(current)
        if before["is_active"] and not current.is_active:
            errors.update(deactivation_errors(current))
        _raise_if(errors)
        changed = _changed(current, before, ITEM_FIELDS)
        if changed:
            try:
                with transaction.atomic():
                    current.save()
            except IntegrityError:
                # Someone linked the same product to another item between our check and our save.
                raise ValidationError({"product": [_("Product %(sku)s is already made as another item.")
                                                   % {"sku": current.product.sku}]}) from None
            record_change(current, actor=actor, before=logged)
    return current


def set_item_active(*, actor, item: Item, active: bool) -> Item:
    """Deactivate (it can no longer be put on a BOM; history is kept) or reactivate an item."""
    return update_item(actor=actor, item=item, is_active=active)


def deactivation_errors(item):
    """{"is_active": [message]} when active BOMs still use the item (it cannot be deactivated then)."""
    parents = list(BillOfMaterials.objects.filter(is_active=True, lines__component=item)
                   .order_by("parent__code").values_list("parent__code", flat=True)[:10])
    if not parents:
        return {}
    return {"is_active": [_("%(code)s is a component of the active BOM of %(parents)s: change those BOMs "
                            "before deactivating it.") % {"code": item.code, "parents": ", ".join(parents)}]}


# --- bills of materials ------------------------------------------------------------------------

@dataclass(frozen=True)
class BomLineInput:
    """One line of a BOM as the user wants it."""

    component: Item
    quantity: Decimal
    scrap_percent: Decimal = Decimal("0")
    note: str = ""


def _decimals(value):
    return max(0, -value.as_tuple().exponent) if value.is_finite() else 0


def bom_line_messages(line: BomLineInput, *, where):
    """The problems of one line on its own; `where` names the line in the messages ("Line 2 (BOLT)")."""
    messages = []
    if line.quantity is None or line.quantity <= 0:
        messages.append(_("%(where)s: the quantity per unit must be greater than zero.") % {"where": where})
    elif line.quantity > MAX_QUANTITY or _decimals(line.quantity) > 3:
        messages.append(_("%(where)s: the quantity can have at most 9 digits before and 3 after the decimal point.")
                        % {"where": where})
    scrap = line.scrap_percent
    if scrap is None or scrap < 0 or scrap >= MAX_SCRAP_PERCENT:
        messages.append(_("%(where)s: scrap %% must be at least 0 and less than 100.") % {"where": where})
    elif _decimals(scrap) > 2:
        messages.append(_("%(where)s: scrap %% can have at most 2 decimals.") % {"where": where})
    if not line.component.is_active:
        messages.append(_("%(where)s: the item is inactive.") % {"where": where})
    if len(line.note or "") > BOMLine._meta.get_field("note").max_length:
        messages.append(_("%(where)s: the note is too long.") % {"where": where})
    return messages


def bought_item_message(item):
    return _("%(code)s is bought, not made: only items made in house have a bill of materials. Set “make or buy” "
             "to make first.") % {"code": item.code}


def bom_errors(item: Item, lines):
    """Every problem of `lines` as the BOM of `item`, without the loop check (which needs the other
    BOMs, see save_bom): a list of messages, empty when the BOM may be saved."""
    lines = list(lines)
    messages = []
    if not item.is_made:
        messages.append(bought_item_message(item))
    if not lines:
        messages.append(_("A bill of materials needs at least one component."))
    if len(lines) > MAX_BOM_LINES:
        messages.append(_("A bill of materials can have at most %(n)s lines.") % {"n": MAX_BOM_LINES})
    positions = defaultdict(list)
    for number, line in enumerate(lines, start=1):
        positions[line.component.pk].append(number)
        if line.component.pk == item.pk:
            messages.append(str(BomCycleError([item.code, item.code]).message))
        where = _("Line %(n)s (%(code)s)") % {"n": number, "code": line.component.code}
        messages.extend(bom_line_messages(line, where=where))
    for numbers in positions.values():
        if len(numbers) > 1:
            code = lines[numbers[0] - 1].component.code
            messages.append(_("%(code)s is on lines %(lines)s: put each component on one line.")
                            % {"code": code, "lines": ", ".join(str(n) for n in numbers)})
    return messages


def active_bom_graph(*, replacing=None):
    """{parent id: [component ids]} of the active BOMs (one query); `replacing` ({parent id: [component
    ids]}) stands in for those parents' active BOMs."""
    children = defaultdict(list)
    for parent_id, component_id in BOMLine.objects.filter(bom__is_active=True).values_list("bom__parent_id",
                                                                                         "component_id"):
        children[parent_id].append(component_id)
    children.update(replacing or {})
    return children


def _reachable(children, starts):
    seen, todo = set(), list(starts)
    while todo:
        node = todo.pop()
        if node not in seen:
            seen.add(node)
            todo.extend(children.get(node, ()))
    return seen


def lock_bom_structure(new_children):
    """Lock the items the new BOMs ({parent id: [component ids]}) reach, and return the graph as it is
    once they are locked. Two saves that together would close a loop share an item on it, so the second
    waits for the first and then sees its BOM. Locks in id order (no deadlock between two savers)."""
    locked = set()
    while True:
        children = active_bom_graph(replacing=new_children)
        wanted = _reachable(children, new_children)
        if wanted <= locked:
            return children
        list(Item.objects.select_for_update().filter(pk__in=sorted(wanted - locked)).order_by("pk").values_list("pk"))
        locked |= wanted


def loop_message(children, start, codes):
    loop = find_loop(children, start)
    if loop is None:
        return None
    return BomCycleError([codes[pk] for pk in loop]).message


def _item_codes(ids):
    return dict(Item.objects.filter(pk__in=ids).values_list("pk", "code"))


def _same_lines(bom, lines):
    if bom is None:
        return False
    current = [(ln.component_id, ln.quantity, ln.scrap_percent, ln.note) for ln in bom.lines.order_by("position")]
    wanted = [(ln.component.pk, ln.quantity, ln.scrap_percent, ln.note.strip()) for ln in lines]
    return current == wanted


def _stripped(note):
    """A typed note trimmed; a system text (imports) as it is."""
    return note if isinstance(note, Text) else visible_strip(note or "")


def write_bom_version(*, actor, item, lines, valid_from=None, note=""):
    """A new active BOM version of `item` with `lines` (checked by the caller, in its transaction)."""
    last = BillOfMaterials.objects.filter(parent=item).aggregate(last=Max("version"))["last"] or 0
    previous = BillOfMaterials.objects.filter(parent=item, is_active=True).first()
    BillOfMaterials.objects.filter(parent=item, is_active=True).update(is_active=False)
    bom = BillOfMaterials.objects.create(parent=item, version=last + 1, is_active=True,
                                         valid_from=valid_from or timezone.localdate(), note=_stripped(note),
                                         created_by=actor)
    BOMLine.objects.bulk_create([
        BOMLine(bom=bom, position=number, component=line.component, quantity=line.quantity,
                scrap_percent=line.scrap_percent, note=line.note.strip())
        for number, line in enumerate(lines, start=1)])
    record_new_version(bom, actor=actor, previous=previous, children=BOM_CHILDREN)
    return bom


def save_bom(*, actor, item: Item, lines, valid_from=None, note="") -> BillOfMaterials:
    """Make `lines` the BOM of `item`: a new active version (the previous one is kept, inactive).
    When the lines equal the active version's, nothing is written and that version is returned."""
    require(actor, "inventory.change_billofmaterials")
    lines = list(lines)
    messages = bom_errors(item, lines)
    if messages:
        raise ValidationError(messages)
    with transaction.atomic():
        children = lock_bom_structure({item.pk: [line.component.pk for line in lines]})
        message = loop_message(children, item.pk, _item_codes(_reachable(children, [item.pk])))
        if message:
            raise ValidationError(message, code="bom_cycle")
        current = BillOfMaterials.objects.select_for_update().filter(parent=item, is_active=True).first()
        if _same_lines(current, lines) and note.strip() == current.note:
            return current
        return write_bom_version(actor=actor, item=item, lines=lines, valid_from=valid_from, note=note)


def activate_bom(*, actor, bom: BillOfMaterials) -> BillOfMaterials:
    """Make an earlier version the active one again (checked like a new BOM: loops, inactive items)."""
    require(actor, "inventory.change_billofmaterials")
    lines = [BomLineInput(component=ln.component, quantity=ln.quantity, scrap_percent=ln.scrap_percent,
                          note=ln.note) for ln in bom.lines.select_related("component").order_by("position")]
    messages = bom_errors(bom.parent, lines)
    if messages:
        raise ValidationError(messages)
    with transaction.atomic():
        children = lock_bom_structure({bom.parent_id: [line.component.pk for line in lines]})
        message = loop_message(children, bom.parent_id, _item_codes(_reachable(children, [bom.parent_id])))
        if message:
            raise ValidationError(message, code="bom_cycle")
        current = BillOfMaterials.objects.select_for_update().get(pk=bom.pk)
        activate_version(current, actor=actor, versions=BillOfMaterials.objects.filter(parent_id=bom.parent_id))
    return current


def deactivate_bom(*, actor, item: Item):
    """The item no longer has an active BOM (its versions are kept)."""
    require(actor, "inventory.change_billofmaterials")
    with transaction.atomic():
        deactivate_versions(BillOfMaterials.objects.filter(parent=item), actor=actor)
