"""What planning an order makes: a work order per order line (split into batches by the routing's
maximum batch size) and per made-in-house sub-assembly, with the operations of the item's active routing,
and when they may start. plan_order (planning.plans) saves these drafts; the due-date promise
(planning.promise) schedules them in memory. The rules are in planning.plans's docstring.
"""

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils.translation import gettext as _

from inventory.bom_structure import BomCycleError
from inventory.models import Item
from inventory.requirements import material_ready_date
from inventory.selectors import explosion
from orders.quantities import format_number

from .models import Routing, WorkOrder, WorkOrderOperation


@dataclass
class _Draft:
    item: Item
    quantity: object
    routing: Routing
    operations: list
    line: object = None
    parent: "_Draft | None" = None
    created: WorkOrder | None = None


def _routing_for(item, routings, errors):
    if item.pk not in routings:
        routing = (Routing.objects.filter(item=item, is_active=True)
                   .prefetch_related("operations__work_center", "operations__alternative_work_center",
                                     "operations__skill").first())
        operations = sorted(routing.operations.all(), key=lambda op: op.sequence) if routing else []
        routings[item.pk] = (routing, operations)
        if routing is None or not operations:
            errors.append(_("Item %(item)s has no active routing: enter its routing first.") % {"item": item.code})
        for op in operations:
            if not op.work_center.is_active:
                errors.append(_("The routing of %(item)s uses work center %(center)s, which is inactive.")
                              % {"item": item.code, "center": op.work_center.code})
    return routings[item.pk]


MAX_BATCHES = 500  # per item and quantity: more is a typing error in the routing's maximum batch size


def batch_quantities(quantity, max_batch_size):
    """`quantity` in batches of at most `max_batch_size`, full ones first: 250 at most 100 → [100, 100, 50].
    No maximum (None), or a quantity not above it: one batch."""
    if max_batch_size is None or quantity <= max_batch_size:
        return [quantity]
    full, rest = divmod(quantity, max_batch_size)
    return [max_batch_size] * int(full) + ([rest] if rest else [])


@dataclass
class _Drafting:
    """What _drafts collects: the drafts in creation order, and the routings and explosions read so far."""

    drafts: list = field(default_factory=list)
    errors: list = field(default_factory=list)
    routings: dict = field(default_factory=dict)
    explosions: dict = field(default_factory=dict)

    def explosion(self, item, quantity):
        # Batches of one size share one explosion (each explosion reads the BOMs).
        key = (item.pk, quantity)
        if key not in self.explosions:
            self.explosions[key] = explosion(item, quantity)
        return self.explosions[key]

    def add_batches(self, item, quantity, *, line=None, parent=None):
        """Drafts for `quantity` of `item` (split into batches by its routing), each followed by its
        sub-assemblies (parents are created before their sub-assemblies)."""
        routing, operations = _routing_for(item, self.routings, self.errors)
        sizes = batch_quantities(quantity, routing.max_batch_size if routing is not None else None)
        if len(sizes) > MAX_BATCHES:
            self.errors.append(
                _("%(quantity)s of %(item)s at most %(size)s per batch would make %(count)s work orders (at most "
                  "%(max)s): raise the maximum batch size of its routing.")
                % {"quantity": format_number(quantity), "item": item.code,
                   "size": format_number(routing.max_batch_size), "count": len(sizes),
                   "max": MAX_BATCHES})
            return
        for size in sizes:
            draft = _Draft(item=item, quantity=size, routing=routing, operations=operations, line=line, parent=parent)
            self.drafts.append(draft)
            for requirement in self.explosion(item, size).requirements:
                if requirement.level == 1 and requirement.item.is_made:
                    self.add_batches(requirement.item, requirement.quantity, parent=draft)


def _drafts(order, lines):
    """The work orders the order needs (parents before their sub-assemblies), the longest purchase
    lead time in days, and the problems found (nothing is written while there are any)."""
    drafting, lead_days = _Drafting(), 0
    errors = drafting.errors
    items = {item.product_id: item for item in Item.objects.filter(product_id__in=[line.product_id for line in lines])}
    for line in lines:
        item = items.get(line.product_id)
        if item is None:
            errors.append(_("Line %(line)s: product %(sku)s has no item to make; link it to an item first.")
                          % {"line": line.line_no, "sku": line.product.sku})
            continue
        if not item.is_made:
            errors.append(_("Line %(line)s: item %(item)s is bought, not made in house; it needs no work order.")
                          % {"line": line.line_no, "item": item.code})
            continue
        try:
            # The whole line's explosion finds BOM loops (before any batch is drafted) and the bought parts.
            exploded = drafting.explosion(item, line.quantity)
        except BomCycleError as exc:
            _routing_for(item, drafting.routings, errors)
            errors.extend(exc.messages)
            continue
        lead_days = max([lead_days] + [total.item.purchase_lead_time_days for total in exploded.purchased])
        drafting.add_batches(item, line.quantity, line=line)
    return drafting.drafts, lead_days, errors


def earliest_start(order, lead_days, now):
    """When inventory keeps stock data, the day the order's materials can be at hand
    (inventory.requirements.material_ready_date: stock, reservations and purchase orders; today + lead
    time for uncovered shortages), from the start of that day. Otherwise bought material is ordered on
    approval (now, for an order not approved yet) and arrives after the longest purchase lead time.
    Nothing starts before now."""
    # An order still being typed (the entry form's promise) has no saved lines to read requirements from.
    ready = material_ready_date(order) if order.pk is not None else None
    if ready is not None:
        return max(now, datetime.combine(ready, time(0), tzinfo=ZoneInfo(settings.TIME_ZONE)))
    return max(now, (order.approved_at or now) + timedelta(days=lead_days))


def build_work_order(draft, *, order, number, earliest_start, actor, pk=None):
    """The work order and operations `draft` becomes, unsaved: plan_order saves them, the due-date
    promise (planning.promise) schedules them in memory under a temporary `pk`."""
    work_order = WorkOrder(
        pk=pk, number=number, order=order, order_line=draft.line,
        parent=draft.parent.created if draft.parent else None, item=draft.item, quantity=draft.quantity,
        batch_number=number, routing=draft.routing, earliest_start=earliest_start, created_by=actor)
    operations = [
        WorkOrderOperation(work_order=work_order, sequence=op.sequence, routing_operation=op,
                           work_center=op.work_center, alternative_work_center=op.alternative_work_center,
                           setup_minutes=op.setup_minutes, run_minutes_per_unit=op.run_minutes_per_unit,
                           min_wait_minutes=op.min_wait_minutes, description=op.description, quantity=draft.quantity,
                           skill=op.skill, people_required=op.people_required)
        for op in draft.operations]
    draft.created = work_order
    return work_order, operations
