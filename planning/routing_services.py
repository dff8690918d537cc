"""Writes on routings: the operations an item is made by, kept as versions (a change is a new version,
earlier versions are kept), and the maximum batch size of the active version.

One function per user-visible action, each in one transaction, checking the actor's permission and the
input, like planning.services (calendars and work centers). `routing_errors` is shared with the routing
form and the CSV/XLSX import (planning.importing).
"""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import require
from audit.changes import activate_version, deactivate_versions, record_change, record_new_version, snapshot
from inventory.models import Item
from orders.models import Unit
from systemtext.text import Text

from .models import Routing, RoutingOperation, Skill, WorkCenter
from .services import decimal_places

# Minutes are Decimal(10, 3): at most seven digits before the point (about 19 years).
MAX_MINUTES = Decimal("9999999.999")
MAX_OPERATIONS = 100
MAX_PEOPLE = 99  # people one operation may need


@dataclass(frozen=True)
class OperationInput:
    """One operation of a routing as the user wants it (times in minutes)."""

    sequence: int
    work_center: WorkCenter
    run_minutes_per_unit: Decimal
    setup_minutes: Decimal = Decimal("0")
    min_wait_minutes: Decimal = Decimal("0")
    alternative_work_center: WorkCenter | None = None
    description: str = ""
    skill: Skill | None = None  # people with this skill, besides the machine (planning.crew_models)
    people_required: int = 0


def _minutes_message(value, *, label, positive):
    if value is None:
        return _("%(field)s: enter a number of minutes.") % {"field": label}
    if positive and value <= 0:
        return _("%(field)s must be greater than zero.") % {"field": label}
    if value < 0:
        return _("%(field)s cannot be negative.") % {"field": label}
    if value > MAX_MINUTES or decimal_places(value) > 3:
        return _("%(field)s: at most 7 digits before and 3 after the decimal point.") % {"field": label}
    return None


def operation_messages(op: OperationInput, *, prefix):
    """The problems of one operation on its own; `prefix` names it in the messages."""
    messages = []
    if op.sequence is None or op.sequence < 1:
        messages.append(_("%(op)s: the sequence number must be 1 or more.") % {"op": prefix})
    checks = [(op.setup_minutes, _("Setup time"), False), (op.run_minutes_per_unit, _("Run time per unit"), True),
              (op.min_wait_minutes, _("Minimum transfer/wait time"), False)]
    for value, label, positive in checks:
        message = _minutes_message(value, label=label, positive=positive)
        if message:
            messages.append(_("%(op)s: %(problem)s") % {"op": prefix, "problem": message})
    if op.work_center is None:
        messages.append(_("%(op)s: choose a work center.") % {"op": prefix})
    elif not op.work_center.is_active:
        messages.append(_("%(op)s: work center %(code)s is inactive.") % {"op": prefix, "code": op.work_center.code})
    alternative = op.alternative_work_center
    if alternative is not None and op.work_center is not None:
        if alternative.pk == op.work_center.pk:
            messages.append(_("%(op)s: the alternative work center must differ from the work center (%(code)s).")
                            % {"op": prefix, "code": alternative.code})
        elif not alternative.is_active:
            messages.append(_("%(op)s: alternative work center %(code)s is inactive.")
                            % {"op": prefix, "code": alternative.code})
    messages.extend(_people_messages(op, prefix))
    if len(op.description or "") > RoutingOperation._meta.get_field("description").max_length:
        messages.append(_("%(op)s: the description is too long.") % {"op": prefix})
    return messages


def _people_messages(op, prefix):
    people = op.people_required
    if people is None or people < 0 or people > MAX_PEOPLE:
        return [_("%(op)s: people required must be a whole number from 0 to %(max)s.")
                % {"op": prefix, "max": MAX_PEOPLE}]
    if people and op.skill is None:
        return [_("%(op)s: choose the skill of the %(n)s people it needs.") % {"op": prefix, "n": people}]
    if op.skill is not None and not people:
        return [_("%(op)s: enter how many people with skill %(skill)s it needs, or no skill.")
                % {"op": prefix, "skill": op.skill.code}]
    if op.skill is not None and not op.skill.is_active:
        return [_("%(op)s: skill %(skill)s is inactive.") % {"op": prefix, "skill": op.skill.code}]
    return []


def routing_errors(item: Item, operations):
    """Every problem of `operations` as the routing of `item`: a list of messages (empty when it may
    be saved). Operations run in sequence order, each after the one before: no cycle is possible."""
    operations = list(operations)
    messages = []
    if not item.is_made:
        messages.append(_("%(code)s is bought, not made: only items made in house have a routing. Set “make or "
                          "buy” to make first.") % {"code": item.code})
    if not operations:
        messages.append(_("A routing needs at least one operation."))
    if len(operations) > MAX_OPERATIONS:
        messages.append(_("A routing can have at most %(n)s operations.") % {"n": MAX_OPERATIONS})
    numbers = defaultdict(int)
    for op in operations:
        numbers[op.sequence] += 1
        messages.extend(operation_messages(op, prefix=_("Operation %(n)s") % {"n": op.sequence}))
    for sequence, count in sorted(numbers.items(), key=lambda pair: pair[0] or 0):
        if count > 1:
            messages.append(_("Sequence number %(n)s is used %(count)s times: each operation needs its own.")
                            % {"n": sequence, "count": count})
    return messages


def _ref(op, name):
    """The pk of a related row: from a stored operation's `<name>_id` (no query), or an input's object."""
    if hasattr(op, f"{name}_id"):
        return getattr(op, f"{name}_id")
    related = getattr(op, name, None)
    return related.pk if related is not None else None


def operation_key(op):
    """What makes two operations the same (to tell whether a routing changed)."""
    return (op.sequence, _ref(op, "work_center"), _ref(op, "alternative_work_center"), op.setup_minutes,
            op.run_minutes_per_unit, op.min_wait_minutes, (op.description or "").strip(), _ref(op, "skill"),
            op.people_required or 0)


def same_operations(routing, operations):
    if routing is None:
        return False
    current = [(o.sequence, o.work_center_id, o.alternative_work_center_id, o.setup_minutes, o.run_minutes_per_unit,
                o.min_wait_minutes, o.description, o.skill_id, o.people_required)
               for o in routing.operations.order_by("sequence")]
    return current == sorted(operation_key(op) for op in operations)


def write_routing_version(*, actor, item, operations, valid_from=None, note=""):
    """A new active routing version of `item` (checked by the caller, in its transaction)."""
    last = Routing.objects.filter(item=item).aggregate(last=Max("version"))["last"] or 0
    # The maximum batch size is set apart from the operations (set_routing_batch_size): a new version keeps it.
    previous = Routing.objects.filter(item=item, is_active=True).first()
    Routing.objects.filter(item=item, is_active=True).update(is_active=False)
    routing = Routing.objects.create(item=item, version=last + 1, is_active=True,
                                     valid_from=valid_from or timezone.localdate(),
                                     note=note if isinstance(note, Text) else (note or "").strip(),
                                     max_batch_size=previous and previous.max_batch_size, created_by=actor)
    RoutingOperation.objects.bulk_create([
        RoutingOperation(routing=routing, sequence=op.sequence, work_center=op.work_center,
                         alternative_work_center=op.alternative_work_center, setup_minutes=op.setup_minutes,
                         run_minutes_per_unit=op.run_minutes_per_unit, min_wait_minutes=op.min_wait_minutes,
                         description=(op.description or "").strip(), skill=op.skill,
                         people_required=op.people_required or 0)
        for op in sorted(operations, key=lambda o: o.sequence)])
    record_new_version(routing, actor=actor, previous=previous, children=("operations",))
    return routing


def save_routing(*, actor, item: Item, operations, valid_from=None, note="") -> Routing:
    """Make `operations` the routing of `item`: a new active version (the previous one is kept,
    inactive). When nothing changed, nothing is written and the active version is returned."""
    require(actor, "planning.change_routing")
    operations = list(operations)
    messages = routing_errors(item, operations)
    if messages:
        raise ValidationError(messages)
    with transaction.atomic():
        Item.objects.select_for_update().filter(pk=item.pk).values_list("pk").first()  # one saver at a time
        current = Routing.objects.filter(item=item, is_active=True).first()
        if same_operations(current, operations) and (note or "").strip() == current.note:
            return current
        return write_routing_version(actor=actor, item=item, operations=operations, valid_from=valid_from,
                                     note=note)


MAX_BATCH_SIZE = Decimal("999999999.999")  # QTY: 12 digits, 3 decimals


def batch_size_errors(item: Item, max_batch_size):
    """What is wrong with `max_batch_size` (a Decimal, or None for no splitting) for `item`'s routing."""
    if max_batch_size is None:
        return []
    if not max_batch_size.is_finite() or max_batch_size <= 0:
        return [_("The maximum batch size must be more than zero; leave it empty to make any quantity in one "
                  "work order.")]
    if max_batch_size > MAX_BATCH_SIZE:
        return [_("The maximum batch size is too large.")]
    decimals = Unit.decimals(item.unit)
    if decimal_places(max_batch_size) > decimals:
        if decimals == 0:
            return [_("%(code)s is counted in whole %(unit)s: the maximum batch size cannot have decimals.")
                    % {"code": item.code, "unit": item.get_unit_display()}]
        return [_("The maximum batch size in %(unit)s can have at most %(n)s decimals.")
                % {"unit": item.get_unit_display(), "n": decimals}]
    return []


def set_routing_batch_size(*, actor, item: Item, max_batch_size) -> Routing:
    """Set the maximum batch size of `item`'s active routing (None: no splitting). It applies when an
    order is next planned (planning.plans splits quantities into batches); planned work is not moved.
    The active version is changed in place: the operations, which versions record, stay the same."""
    require(actor, "planning.change_routing")
    messages = batch_size_errors(item, max_batch_size)
    if messages:
        raise ValidationError(messages)
    with transaction.atomic():
        routing = Routing.objects.select_for_update().filter(item=item, is_active=True).first()
        if routing is None:
            raise ValidationError(_("%(code)s has no active routing: save its operations first.") % {"code": item.code})
        if routing.max_batch_size != max_batch_size:
            logged = snapshot(routing)
            routing.max_batch_size = max_batch_size
            routing.save(update_fields=["max_batch_size"])
            record_change(routing, actor=actor, before=logged)
    return routing


def activate_routing(*, actor, routing: Routing) -> Routing:
    """Make an earlier version the active one again. A routing without operations cannot be active."""
    require(actor, "planning.change_routing")
    with transaction.atomic():
        Item.objects.select_for_update().filter(pk=routing.item_id).values_list("pk").first()
        current = Routing.objects.select_related("item").get(pk=routing.pk)
        operations = [OperationInput(sequence=o.sequence, work_center=o.work_center,
                                     alternative_work_center=o.alternative_work_center,
                                     setup_minutes=o.setup_minutes, run_minutes_per_unit=o.run_minutes_per_unit,
                                     min_wait_minutes=o.min_wait_minutes, description=o.description,
                                     skill=o.skill, people_required=o.people_required)
                      for o in current.operations.select_related("work_center", "alternative_work_center", "skill")]
        if not operations:
            raise ValidationError(_("Routing version %(version)s of %(code)s has no operations and cannot be made "
                                    "active.") % {"version": current.version, "code": current.item.code},
                                  code="no_operations")
        messages = routing_errors(current.item, operations)
        if messages:
            raise ValidationError(messages)
        activate_version(current, actor=actor, versions=Routing.objects.filter(item_id=current.item_id))
    return current


def deactivate_routing(*, actor, item: Item):
    """The item no longer has an active routing (its versions are kept)."""
    require(actor, "planning.change_routing")
    with transaction.atomic():
        deactivate_versions(Routing.objects.filter(item=item), actor=actor)
