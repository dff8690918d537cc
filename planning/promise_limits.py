"""Why a promise is not earlier, and what would make it earlier, in words a planner or a seller acts on.

planning.scheduling.insertion says which constraint bound the order's last operation (a Binding); this
module turns it into texts (systemtext.Text: message id + values, so nothing is stored translated and
dates are formatted for the reader):

- material: the bought component that arrives last, with the purchase order that brings it
  ("limited by: RM-FRAG arrives 15 Dec (PO-2026-00012)"), else its purchase lead time; earlier: expedite
  that purchase order (or order the component now);
- booked: the work center whose planned work holds it ("limited by: FILL-1 booked until 18 Dec 14:00");
  earlier: make it a rush order (planned work moves for it), overtime on that work center;
- calendar: a holiday on a work center of its route; earlier: overtime on that day;
- people: the machine is free but the people with the skill it needs are busy or off shift
  ("limited by: 2 × 焊工 welder on shift, busy until 18 Dec 13:00"); earlier: overtime for the crews with that
  skill, or more people with it;
- work: nothing waits, the work itself takes this long; earlier: overtime on the last work center.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext_noop

from inventory.models import PurchaseOrderLine
from inventory.requirements import PO_OPEN, order_requirements
from systemtext.text import Text

from . import work_order_drafts
from .crew_models import Skill
from .scheduling.insertion import Binding, Limit


@dataclass
class Explanation:
    limit: Text
    earlier: list[Text] = field(default_factory=list)
    kind: str = ""


RUSH_HINT = gettext_noop("Make it a rush order: planned work on %(center)s moves for it.")


def drop_rush_hint_unless_faster(normal, rush):
    """The rush suggestion of a normal promise stays only when the rush promise is really earlier (work that
    is released or started does not move for a rush order either)."""
    if normal.ok and rush.ok and rush.finish >= normal.finish:
        normal.earlier = [step for step in normal.earlier if getattr(step, "message", None) != RUSH_HINT]


def explain(binding: Binding, *, order, lines, rush) -> Explanation:
    """The texts for `binding`, the constraint of the order's promise (`rush`: promised as a rush order)."""
    center = binding.center
    if binding.limit == Limit.MATERIAL:
        return _material(binding, order=order, lines=lines)
    if binding.limit == Limit.BOOKED:
        earlier = [] if rush else [Text(RUSH_HINT, center=center)]
        earlier.append(Text(gettext_noop("Overtime on %(center)s."), center=center))
        return Explanation(Text(gettext_noop("%(center)s booked until %(until)s"), center=center, until=binding.until),
                           earlier, Limit.BOOKED)
    if binding.limit == Limit.PEOPLE:
        return _people(binding)
    if binding.limit == Limit.CALENDAR:
        return Explanation(
            Text(gettext_noop("the holiday calendar (%(day)s, %(center)s)"), day=binding.holiday, center=center),
            [Text(gettext_noop("Overtime on %(center)s on %(day)s."), center=center, day=binding.holiday)],
            Limit.CALENDAR)
    return Explanation(Text(gettext_noop("the work itself: nothing else is in its way")),
                       [Text(gettext_noop("Overtime on %(center)s."), center=center)], Limit.WORK)


def _people(binding):
    skill = Skill.objects.filter(code=binding.skill).first()
    name = f"{skill.code} {skill.name}" if skill else binding.skill
    limit = (Text(gettext_noop("%(count)s × %(skill)s on shift, busy until %(until)s"), count=binding.on_shift,
                  skill=name, until=binding.until) if binding.on_shift else
             Text(gettext_noop("no %(skill)s on shift until %(until)s"), skill=name, until=binding.until))
    return Explanation(limit, [Text(gettext_noop("Overtime for the crews with skill %(skill)s."), skill=name),
                               Text(gettext_noop("More people with skill %(skill)s on the crews."), skill=name)],
                       Limit.PEOPLE)


def _material(binding, *, order, lines):
    """The component that arrives last: from the saved order's requirements (stock, reservations, purchase
    orders), or for typed lines the bought component with the longest purchase lead time."""
    arrives = binding.until
    if order.pk is not None:
        requirements = order_requirements(order)
        short = [c for c in requirements.shortages] if not requirements.errors else []
        covered = [c for c in short if c.covered_on is not None]
        if covered and len(covered) == len(short):
            last = max(covered, key=lambda c: (c.covered_on, c.item.code))
            line = (PurchaseOrderLine.objects.filter(item=last.item, expected_date=last.covered_on,
                                                     purchase_order__status__in=PO_OPEN)
                    .select_related("purchase_order").order_by("pk").first())
            if line is not None:
                po = line.purchase_order.number
                return Explanation(
                    Text(gettext_noop("%(item)s arrives %(day)s (%(po)s)"), item=last.item.code, day=last.covered_on,
                         po=po),
                    [Text(gettext_noop("Expedite %(po)s (%(item)s)."), po=po, item=last.item.code)], Limit.MATERIAL)
        uncovered = [c for c in short if c.covered_on is None]
        if uncovered:
            slowest = max(uncovered, key=lambda c: (c.item.purchase_lead_time_days, c.item.code)).item
            return _lead_time(slowest, arrives)
    slowest = _slowest_bought(lines)
    if slowest is None:
        return Explanation(Text(gettext_noop("materials at hand from %(day)s"), day=arrives), [], Limit.MATERIAL)
    return _lead_time(slowest, arrives)


def _lead_time(item, arrives):
    return Explanation(
        Text(gettext_noop("%(item)s arrives %(day)s (purchase lead time %(days)s days)"), item=item.code,
             day=arrives.date(), days=item.purchase_lead_time_days),
        [Text(gettext_noop("Order %(item)s now, or from a supplier with a shorter lead time."), item=item.code)],
        Limit.MATERIAL)


def _slowest_bought(lines):
    drafting = work_order_drafts._Drafting()
    bought = []
    for line in lines:
        item = getattr(line.product, "item", None)
        if item is None:
            continue
        bought += [total.item for total in drafting.explosion(item, line.quantity).purchased]
    return max(bought, key=lambda item: (item.purchase_lead_time_days, item.code), default=None)
