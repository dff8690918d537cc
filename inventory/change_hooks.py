"""How the warehouse follows a controlled change of an order (orders.changes; the CHANGE_*
reactions listed in orders.stage_hooks.REACTIONS):

- impact: what is reserved and issued for the order now, and its open prep sheet;
- apply: after new quantities, a new product or a new line, the order's reservations are released and
  made again for what it now needs (when the approver may reserve; otherwise the warehouse is alerted
  with the change and reserves on the materials page), and a prep sheet not issued from yet is cancelled
  so the warehouse makes a new one. Material already issued stays issued: what is no longer needed is
  returned on the prep sheet.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from orders.models import ChangeKind
from systemtext.text import Text

from .models import MaterialPrepSheet
from .prep_sheets import S, _reserve_missing, _set_status
from .requirements import order_requirements
from .reservations import release_order_reservations
from .units import quantity_text


def impact(order, change):
    """The impact lines as stored texts (see planning.change_hooks.impact)."""
    if change.kind in (ChangeKind.DATE, ChangeKind.CANCEL):
        return []
    requirements = order_requirements(order)
    rows = [Text(gettext_noop("%(item)s: needs %(required)s now, %(reserved)s reserved, %(issued)s issued"),
                 item=c.item.code, required=quantity_text(c.required, c.item.unit),
                 reserved=quantity_text(c.reserved, c.item.unit), issued=quantity_text(c.issued, c.item.unit))
            for c in requirements.components if c.reserved or c.issued]
    if rows:
        rows.append(Text(gettext_noop("The reservations are released and made again for the new quantities; issued "
                                      "material stays issued (what is no longer needed is returned on the prep "
                                      "sheet).")))
    for sheet in MaterialPrepSheet.objects.filter(order=order, status__in=[S.DRAFT, S.PARTIALLY_ISSUED, S.ISSUED]):
        rows.append(Text(gettext_noop("Prep sheet %(sheet)s (%(status)s) is cancelled; the warehouse makes a new "
                                      "one."), sheet=sheet.number, status=S(sheet.status).label)
                    if sheet.status == S.DRAFT else
                    Text(gettext_noop("Prep sheet %(sheet)s (%(status)s) stays: material was issued from it."),
                         sheet=sheet.number, status=S(sheet.status).label))
    return [{"title": Text(gettext_noop("Materials")), "rows": rows}] if rows else []


def apply(*, actor, order, change):
    if change.kind in (ChangeKind.DATE, ChangeKind.CANCEL):
        return
    reason = Text(gettext_noop("order %(number)s changed"), number=order.number)
    released = release_order_reservations(actor=actor, order=order, reason=reason)
    if released and actor.has_perm("inventory.add_reservation"):
        requirements = order_requirements(order)
        if not requirements.errors:
            _reserve_missing(actor, order, requirements)
    for sheet in MaterialPrepSheet.objects.select_for_update().filter(order=order, status=S.DRAFT):
        _set_status(actor, sheet, "cancel", "cancelled", Text(gettext_noop("order %(number)s changed"),
                                                              number=order.number),
                    refused=_("Prep sheet %(number)s is %(status)s: it cannot be cancelled.")
                    % {"number": sheet.number, "status": sheet.get_status_display()}, by_system=True)
