"""One more released work order for an order line, outside the order's plan: a rework or a make-up of
scrapped goods (quality.ncr_services), or the extra quantity of an approved change (planning.change_hooks).
Made with planning's own building blocks (build_work_order, numbering.services.next_number,
work_order.events.record, schedule_open_work): the line's item with the operations of its active routing,
released so that the shop floor can work it, and scheduled with the open work."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from config.transitions import take_in_update
from inventory.models import Item
from numbering import series
from numbering.services import next_number

from .models import Routing, WorkOrderOperation, WorkOrderStatus
from .plans import schedule_open_work
from .work_order_drafts import build_work_order


@dataclass
class ExtraDraft:
    """What planning.work_order_drafts.build_work_order needs to know about the work order to make."""

    item: Item
    quantity: object
    routing: Routing
    operations: list
    line: object
    parent: object = None
    created: object = None


def create_extra_work_order(*, actor, order, line, quantity, note=""):
    """A released work order for `quantity` of the line's item (ValidationError when the item
    cannot be made: no item, bought, no active routing, an inactive work center)."""
    item = Item.objects.filter(product_id=line.product_id).first()
    if item is None or not item.is_made:
        raise ValidationError(_("Product %(sku)s has no item made in house: no work order can be made for it.")
                              % {"sku": line.product.sku})
    routing = (Routing.objects.filter(item=item, is_active=True)
               .prefetch_related("operations__work_center", "operations__alternative_work_center").first())
    operations = sorted(routing.operations.all(), key=lambda op: op.sequence) if routing else []
    if not operations:
        raise ValidationError(_("Item %(item)s has no active routing: enter its routing first.") % {"item": item.code})
    inactive = [op.work_center.code for op in operations if not op.work_center.is_active]
    if inactive:
        raise ValidationError(_("The routing of %(item)s uses inactive work centers: %(codes)s.")
                              % {"item": item.code, "codes": ", ".join(inactive)})
    draft = ExtraDraft(item=item, quantity=quantity, routing=routing, operations=operations, line=line)
    work_order, rows = build_work_order(draft, order=order, number=next_number(series.WORK_ORDER),
                                        earliest_start=timezone.now(), actor=actor)
    work_order.save(force_insert=True)
    WorkOrderOperation.objects.bulk_create(rows)
    work_order.events.record(action="planned", actor=actor, to_status=WorkOrderStatus.PLANNED,
                             note=note)
    work_order.release()
    work_order.save()
    take_in_update(WorkOrderOperation.objects.filter(work_order=work_order), "release")
    work_order.events.record(action="release", actor=actor, from_status=WorkOrderStatus.PLANNED,
                             to_status=WorkOrderStatus.RELEASED, note=note)
    scheduling_problem = ""
    try:
        with transaction.atomic():  # a plan that cannot be made leaves the work order unscheduled, not lost
            schedule_open_work()
    except ValidationError as exc:
        scheduling_problem = " ".join(exc.messages)
    return work_order, scheduling_problem
