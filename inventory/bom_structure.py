"""The structure of the BOMs as a graph: finding loops, and exploding an item into its requirements.

Pure functions over plain data (no queries): the callers load what they need once
(inventory.selectors for the explosion, inventory.services for the loop check on save).

Requirement formula (per BOM line, level by level from the top):

    required = parent quantity × quantity per unit ÷ (1 − scrap % / 100)

rounded UP to the component's unit precision (whole pieces, sets and boxes; 3 decimals for kg, 2
for m, ...: orders.models.Unit.decimals). Scrap % is the share of the component lost in making, so
10 % scrap on 9 pieces needed means 9 ÷ 0.9 = 10 pieces issued. That is why scrap must stay below
100 %. A sub-assembly's rounded requirement is what its own BOM is exploded for (you make whole
sub-assemblies). Only items made in house are exploded further; a bought item with a BOM on record
is bought as a whole.
"""

from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from orders.models import Unit

HUNDRED = Decimal("100")


class BomCycleError(ValidationError):
    """The BOMs contain a loop; `loop` is the item codes along it, first and last the same."""

    def __init__(self, loop_codes):
        self.loop = list(loop_codes)
        super().__init__(_("A bill of materials cannot contain itself: %(loop)s.") % {"loop": " → ".join(self.loop)},
                         code="bom_cycle")


def find_loop(children, start):
    """A path start → … → start through `children` ({item id: iterable of component ids}), or None.
    Iterative depth-first search, so deep BOMs cannot exhaust the stack."""
    seen = set()
    stack = [(start, iter(children.get(start, ())))]
    path = [start]
    while stack:
        node, pending = stack[-1]
        child = next(pending, None)
        if child is None:
            stack.pop()
            path.pop()
            continue
        if child == start:
            return [*path, start]
        if child in seen:
            continue
        seen.add(child)
        stack.append((child, iter(children.get(child, ()))))
        path.append(child)
    return None


def gross_quantity(parent_quantity, quantity_per, scrap_percent, unit):
    """What one BOM line requires for `parent_quantity` of its parent (see the module docstring)."""
    need = parent_quantity * quantity_per / (1 - scrap_percent / HUNDRED)
    return need.quantize(Decimal(1).scaleb(-Unit.decimals(unit)), rounding=ROUND_CEILING)


@dataclass(frozen=True)
class LineData:
    component_id: int
    quantity: Decimal
    scrap_percent: Decimal


@dataclass(frozen=True)
class Requirement:
    """One line of an explosion: `item` needed for `parent` at `level` (1 = a direct component)."""

    level: int
    parent: object
    item: object
    quantity_per: Decimal
    scrap_percent: Decimal
    quantity: Decimal  # for the exploded quantity, scrap included, rounded up to the unit
    exploded: bool  # the item is made in house and its own BOM follows below it


@dataclass(frozen=True)
class Total:
    item: object
    quantity: Decimal


@dataclass(frozen=True)
class Explosion:
    item: object
    quantity: Decimal
    requirements: list[Requirement]  # depth first, in BOM line order
    totals: list[Total]  # per item over all levels, in item code order

    @property
    def purchased(self):
        """The totals of what is not made in house: what the stores must provide."""
        return [total for total in self.totals if not total.item.is_made]


def explode(item, quantity, *, lines_by_parent, items_by_id):
    """Multi-level requirements of `quantity` of `item`. `lines_by_parent`: {item id: [LineData]} of
    the active BOMs; `items_by_id`: every item those lines name. Raises BomCycleError on a loop."""
    requirements = []
    totals = defaultdict(Decimal)
    # (parent, quantity, level, path of item ids from the top, line iterator): explicit stack, no recursion.
    stack = [(item, quantity, 1, (item.pk,), iter(_lines_of(item, lines_by_parent)))]
    while stack:
        parent, parent_quantity, level, path, lines = stack[-1]
        line = next(lines, None)
        if line is None:
            stack.pop()
            continue
        component = items_by_id[line.component_id]
        if component.pk in path:
            loop = [*path[path.index(component.pk):], component.pk]
            raise BomCycleError([items_by_id[pk].code if pk != item.pk else item.code for pk in loop])
        required = gross_quantity(parent_quantity, line.quantity, line.scrap_percent, component.unit)
        children = _lines_of(component, lines_by_parent)
        requirements.append(Requirement(level=level, parent=parent, item=component, quantity_per=line.quantity,
                                        scrap_percent=line.scrap_percent, quantity=required,
                                        exploded=bool(children)))
        totals[component.pk] += required
        if children:
            stack.append((component, required, level + 1, (*path, component.pk), iter(children)))
    ordered = sorted(totals.items(), key=lambda pair: items_by_id[pair[0]].code)
    return Explosion(item=item, quantity=quantity, requirements=requirements,
                     totals=[Total(item=items_by_id[pk], quantity=qty) for pk, qty in ordered])


def _lines_of(item, lines_by_parent):
    return lines_by_parent.get(item.pk, ()) if item.is_made else ()
