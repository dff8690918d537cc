"""Per-order payment terms (issue 18 item 3, seed 001 "付款条件"): an order is invoiced under its customer's
payment terms unless the order has its own, which sales or the order desk set with the reason written down
(an OrderEvent keeps who, when, from which terms to which, and why). Setting the customer's own terms again
takes the override away."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.permissions import require
from inputs.visible import visible_strip
from systemtext.text import Text

from .models import Order, OrderStatus, PaymentTerms

SET_TERMS = ("orders.add_order", "orders.review_order")
MAX_REASON = 300
FINAL = [OrderStatus.CLOSED, OrderStatus.CANCELLED]


def set_payment_terms(*, actor, order, terms, reason="") -> Order:
    require(actor, *SET_TERMS, any_of=True)
    reason = visible_strip(reason or "")
    errors = []
    if terms not in PaymentTerms.values:
        errors.append(_("Choose payment terms from the list."))
    if len(reason) > MAX_REASON:
        errors.append(_("The reason has at most 300 characters."))
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        current = Order.objects.select_for_update().select_related("customer").get(pk=order.pk)
        if current.status in FINAL:
            raise ValidationError(_("Order %(number)s is %(status)s: its payment terms cannot change.")
                                  % {"number": current.number, "status": current.get_status_display().lower()})
        own = "" if terms == current.customer.payment_terms else terms
        if own and not reason:
            raise ValidationError(_("Give the reason why this order differs from the customer's payment terms "
                                    "(%(terms)s).") % {"terms": current.customer.get_payment_terms_display()})
        before = current.effective_payment_terms
        if (own, reason if own else "") == (current.payment_terms, current.payment_terms_reason):
            return current
        current.payment_terms, current.payment_terms_reason = own, reason if own else ""
        current.save(update_fields=["payment_terms", "payment_terms_reason", "updated_at"])
        note = Text(gettext_noop("Payment terms %(before)s → %(after)s."), before=PaymentTerms(before).label,
                    after=PaymentTerms(terms).label)
        current.events.record(action="payment_terms_set", actor=actor, from_status=current.status,
                              to_status=current.status,
                              note=note + reason if own else note + Text(gettext_noop("The customer's terms.")))
    return current
