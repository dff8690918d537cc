"""Quotations as people handle them (sales/models/quotes.py has the machine):

1. create_quotation / update_quotation (sales): lines of product, quantity (a quantity break) and price; a
   line without a price takes the price list's price for the customer's grade and currency (sales.pricing);
   every line gets its delivery lead time from the factory's promise for that quantity (planning.promise,
   the capable-to-promise order entry uses), else the product's standard lead time. The discount rule in
   force is applied: the deepest line discount against the price list is kept with the threshold.
2. request_approval → approve_discount / return_quotation (the sales manager, the manager role).
3. send_quotation (refused while a discount above the threshold is not approved), then accept_quotation or
   lose_quotation (with the reason); expire_quotations (beat) ends those past their validity.
4. revise_quotation: version n+1 as a draft with the same lines; the old version is kept, superseded,
   read-only.
5. convert_to_order: an accepted quotation becomes a draft order through orders.services.create_order,
   with the quoted prices, referencing the quotation (Quotation.order; the order's internal note).
"""

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.permissions import require
from alerts.services import create_alert
from config.transitions import take
from inputs.visible import visible_strip
from numbering import series
from numbering.services import next_number
from orders import rules as order_rules
from orders.quantities import format_number
from orders.services import LineInput, OrderActionRefused, create_order
from planning.promise import promise_for_lines
from systemtext.text import Text

from . import pricing
from .models import DiscountRule, Quotation, QuotationLine, QuotationStatus
from .models.quotes import discount_percent

ADD = "sales.add_quotation"
CHANGE = "sales.change_quotation"
SEND = "sales.send_quotation"
APPROVE = "sales.approve_quotation"
MAX_LINES = 100


@dataclass
class QuoteLineInput:
    product: object
    quantity: Decimal
    unit_price: Decimal | None = None  # None: the price list's price


def threshold_in_force(on=None):
    """The discount (%) above which approval is needed today, or None when no rule is set."""
    day = on or timezone.localdate()
    rule = DiscountRule.objects.filter(valid_from__lte=day).order_by("-valid_from", "-id").first()
    return rule.threshold_percent if rule is not None else None


def lead_time_days(product, quantity, *, today=None):
    """Days from today to the factory's earliest promise for `quantity` of `product` (as order entry's
    promise computes it), or the product's standard lead time when no promise can be made."""
    today = today or timezone.localdate()
    promise = promise_for_lines([(product, quantity)])
    if promise.ok and promise.earliest_date is not None:
        return max(0, (promise.earliest_date - today).days)
    return product.standard_lead_time_days


def _validated_lines(customer, currency, lines):
    errors, priced = [], []
    if not lines:
        errors.append(_("Add at least one quotation line."))
    if len(lines) > MAX_LINES:
        errors.append(_("A quotation has at most %(n)s lines.") % {"n": MAX_LINES})
    for number, line in enumerate(lines, start=1):
        problems = []
        for check, args in ((order_rules.validate_product, (line.product,)),
                            (order_rules.validate_quantity, (line.quantity, line.product))):
            try:
                check(*args)
            except ValidationError as exc:
                problems.extend(exc.messages)
        list_price = None
        if not problems:
            list_price = pricing.list_price_for(customer=customer, product=line.product, currency=currency,
                                                quantity=line.quantity)
        price = line.unit_price if line.unit_price is not None else list_price
        if price is None and not problems:
            problems.append(_("%(sku)s has no price in %(currency)s for this customer: enter the price.")
                            % {"sku": line.product.sku, "currency": currency})
        elif price is not None:
            try:
                order_rules.validate_unit_price(price)
            except ValidationError as exc:
                problems.extend(exc.messages)
        errors.extend(_("Line %(n)s: %(msg)s") % {"n": number, "msg": m} for m in problems)
        if not problems:
            priced.append((line, price, list_price if list_price is not None else price))
    if errors:
        raise ValidationError(errors)
    return priced


def _validate_header(*, customer, currency, valid_until):
    errors = []
    try:
        order_rules.validate_customer(customer)
    except ValidationError as exc:
        errors.extend(exc.messages)
    if valid_until is None:
        errors.append(_("Enter the date the quotation is valid until."))
    elif valid_until < timezone.localdate():
        errors.append(_("The validity date %(date)s is in the past.") % {"date": date_format(valid_until)})
    if not currency:
        errors.append(_("Choose the currency."))
    return errors


def _write_lines(quotation, priced):
    quotation.lines.all().delete()
    rows = QuotationLine.objects.bulk_create(
        QuotationLine(quotation=quotation, line_no=i, product=line.product, quantity=line.quantity,
                      list_price=list_price, unit_price=price,
                      lead_time_days=lead_time_days(line.product, line.quantity))
        for i, (line, price, list_price) in enumerate(priced, start=1))
    quotation.total_amount = sum((row.amount for row in rows), Decimal("0"))
    quotation.max_discount_percent = max((discount_percent(row.list_price, row.unit_price) for row in rows),
                                         default=Decimal("0"))
    quotation.threshold_percent = threshold_in_force()


def _clean(text, limit):
    return visible_strip(text or "")[:limit]


def create_quotation(*, actor, customer, currency, valid_until, lines, customer_reference="", notes="") -> Quotation:
    require(actor, ADD)
    errors = _validate_header(customer=customer, currency=currency, valid_until=valid_until)
    try:
        priced = _validated_lines(customer, currency, lines) if customer is not None else []
    except ValidationError as exc:
        errors.extend(exc.messages)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        quotation = Quotation.objects.create(number=next_number(series.QUOTATION), customer=customer,
                                             currency=currency, valid_until=valid_until, created_by=actor,
                                             customer_reference=_clean(customer_reference, 60),
                                             notes=(notes or "").strip())
        _write_lines(quotation, priced)
        quotation.save()
        quotation.events.record(action="created", actor=actor, to_status=quotation.status,
                                note=_discount_note(quotation))
    return quotation


def _discount_note(quotation):
    if not quotation.needs_approval:
        return ""
    return Text(gettext_noop("Largest discount %(discount)s%% is above the %(threshold)s%% the rule allows: "
                             "the sales manager approves it."),
                discount=quotation.max_discount_percent, threshold=quotation.threshold_percent)


def _locked(quotation):
    return Quotation.objects.select_for_update().select_related("customer").get(pk=quotation.pk)


def _refused(current):
    return _("%(number)s is %(status)s; this cannot be done now.") % {
        "number": current.reference, "status": current.get_status_display()}


def update_quotation(*, actor, quotation, currency, valid_until, lines, customer_reference="", notes="") -> Quotation:
    """Change a draft's header and lines (a quotation sent or awaiting approval is revised instead)."""
    require(actor, CHANGE)
    errors = _validate_header(customer=quotation.customer, currency=currency, valid_until=valid_until)
    try:
        priced = _validated_lines(quotation.customer, currency, lines)
    except ValidationError as exc:
        errors.extend(exc.messages)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        current = _locked(quotation)
        if not current.is_editable:
            raise ValidationError(_("%(number)s is %(status)s: only a draft is changed. Revise it for a new version.")
                                  % {"number": current.reference, "status": current.get_status_display()})
        current.currency, current.valid_until = currency, valid_until
        current.customer_reference, current.notes = _clean(customer_reference, 60), (notes or "").strip()
        current.approved_by, current.approved_at = None, None
        _write_lines(current, priced)
        current.save()
        current.events.record(action="edited", actor=actor, from_status=current.status, to_status=current.status,
                              note=_discount_note(current))
    return current


def _step(*, actor, quotation, method, action, permission, note="", unmet=None, before_save=None, after=None):
    require(actor, permission)
    with transaction.atomic():
        current = _locked(quotation)
        before = current.status
        take(getattr(current, method), actor=actor, refused=_refused(current), unmet=unmet(current) if unmet else None)
        if before_save is not None:
            before_save(current)
        current.save()
        current.events.record(action=action, actor=actor, from_status=before, to_status=current.status, note=note)
        if after is not None:
            after(current)
    return current


def request_approval(*, actor, quotation) -> Quotation:
    if not quotation.needs_approval:
        raise ValidationError(_("No line is discounted beyond the rule: send the quotation, no approval is needed."))
    return _step(actor=actor, quotation=quotation, method="request_approval", action="approval_requested",
                 permission=CHANGE, note=_discount_note(quotation),
                 unmet=lambda q: _("Add at least one quotation line."), after=_ask_the_manager)


def _ask_the_manager(quotation):
    create_alert(kind="quotation_approval_requested",
                 subject=gettext_noop("Quotation %(number)s: discount of %(discount)s%% to approve"),
                 body=gettext_noop("%(customer)s, total %(total)s %(currency)s. The rule allows %(threshold)s%%."),
                 params={"number": quotation.reference, "discount": quotation.max_discount_percent,
                         "customer": quotation.customer.name, "total": quotation.total_amount,
                         "currency": quotation.currency, "threshold": quotation.threshold_percent},
                 link=reverse("sales:quotation_detail", args=[quotation.pk]), severity="high", roles=["manager"],
                 dedupe_key=f"quotation-approval:{quotation.pk}:{quotation.events.count()}")


def approve_discount(*, actor, quotation, note="") -> Quotation:
    def stamp(current):
        current.approved_by, current.approved_at = actor, timezone.now()

    return _step(actor=actor, quotation=quotation, method="approve", action="approved", permission=APPROVE,
                 note=_clean(note, 500), before_save=stamp)


def return_quotation(*, actor, quotation, reason) -> Quotation:
    reason = _clean(reason, 500)
    if not reason:
        raise ValidationError(_("Say what should change before it is approved."))
    return _step(actor=actor, quotation=quotation, method="return_to_draft", action="returned", permission=APPROVE,
                 note=reason)


def _send_unmet(current):
    if not current.lines.exists():
        return _("Add at least one quotation line.")
    return _("The largest discount (%(discount)s%%) is above the %(threshold)s%% the rule allows: ask the sales "
             "manager's approval first.") % {"discount": format_number(current.max_discount_percent),
                                                "threshold": format_number(current.threshold_percent)}


def send_quotation(*, actor, quotation) -> Quotation:
    if quotation.valid_until < timezone.localdate():
        raise ValidationError(_("The quotation was valid until %(date)s: revise it with a new validity date.")
                              % {"date": date_format(quotation.valid_until)})

    def stamp(current):
        current.sent_at = timezone.now()

    return _step(actor=actor, quotation=quotation, method="send", action="sent", permission=SEND,
                 unmet=_send_unmet, before_save=stamp)


def accept_quotation(*, actor, quotation, note="") -> Quotation:
    return _step(actor=actor, quotation=quotation, method="accept", action="accepted", permission=SEND,
                 note=_clean(note, 500))


def lose_quotation(*, actor, quotation, reason) -> Quotation:
    reason = _clean(reason, 500)
    if not reason:
        raise ValidationError(_("Give the reason the quotation was lost (price, lead time, competitor, ...)."))

    def keep(current):
        current.lost_reason = reason

    return _step(actor=actor, quotation=quotation, method="lose", action="lost", permission=SEND, note=reason,
                 before_save=keep)


def revise_quotation(*, actor, quotation) -> Quotation:
    """Version n+1, a draft with the same lines; the old version stays as it was, superseded."""
    require(actor, CHANGE)
    with transaction.atomic():
        current = _locked(quotation)
        before = current.status
        take(current.supersede, actor=actor, refused=_refused(current))
        current.save()
        revision = Quotation.objects.create(
            number=current.number, version=current.version + 1, previous=current, customer=current.customer,
            currency=current.currency, valid_until=max(current.valid_until, timezone.localdate()),
            customer_reference=current.customer_reference, notes=current.notes, created_by=actor,
            threshold_percent=current.threshold_percent, max_discount_percent=current.max_discount_percent,
            total_amount=current.total_amount)
        QuotationLine.objects.bulk_create(
            QuotationLine(quotation=revision, line_no=line.line_no, product_id=line.product_id,
                          quantity=line.quantity, list_price=line.list_price, unit_price=line.unit_price,
                          lead_time_days=line.lead_time_days) for line in current.lines.all())
        current.events.record(action="superseded", actor=actor, from_status=before, to_status=current.status,
                              note=Text(gettext_noop("Version %(version)s takes its place."),
                                        version=revision.version))
        revision.events.record(action="revised", actor=actor, to_status=revision.status,
                               note=Text(gettext_noop("Revision of version %(version)s."), version=current.version))
    return revision


def convert_to_order(*, actor, quotation, requested_date, line_ids=None):
    """A draft order from an accepted quotation with its prices. `line_ids`: the lines the customer took
    (all by default); one quantity break per product."""
    require(actor, SEND, "orders.add_order")
    with transaction.atomic():
        current = _locked(quotation)
        if current.status != QuotationStatus.ACCEPTED:
            raise ValidationError(_("Only an accepted quotation becomes an order (%(number)s is %(status)s).")
                                  % {"number": current.reference, "status": current.get_status_display()})
        if current.order_id is not None:
            raise ValidationError(_("%(number)s became order %(order)s already.")
                                  % {"number": current.reference, "order": current.order.number})
        lines = list(current.lines.select_related("product").order_by("line_no"))
        if line_ids is not None:
            wanted = {int(pk) for pk in line_ids}
            lines = [line for line in lines if line.pk in wanted]
        if not lines:
            raise ValidationError(_("Choose the lines the customer ordered."))
        skus = [line.product.sku for line in lines]
        doubled = sorted({sku for sku in skus if skus.count(sku) > 1})
        if doubled:
            raise ValidationError(_("Choose one quantity break per product (%(skus)s is quoted at several).")
                                  % {"skus": ", ".join(doubled)})
        try:
            order = create_order(
                actor=actor, customer=current.customer, requested_date=requested_date, currency=current.currency,
                lines=[LineInput(product=line.product, quantity=line.quantity, unit_price=line.unit_price)
                       for line in lines],
                customer_po=current.customer_reference,
                internal_notes=current.reference,  # the reference itself: no language-bound prose stored
                customer_notes=current.notes)
        except OrderActionRefused as exc:
            raise ValidationError(exc.message) from None
        current.order = order
        current.save()
        current.events.record(action="ordered", actor=actor, from_status=current.status, to_status=current.status,
                              note=Text(gettext_noop("Order %(order)s."), order=order.number))
    return order


def expire_quotations(*, today=None):
    """Run by beat: every open quotation past its validity expires (idempotent); how many did."""
    today = today or timezone.localdate()
    expired = 0
    for pk in Quotation.objects.filter(status__in=[QuotationStatus.DRAFT, QuotationStatus.AWAITING_APPROVAL,
                                                   QuotationStatus.APPROVED, QuotationStatus.SENT],
                                       valid_until__lt=today).values_list("pk", flat=True):
        with transaction.atomic():
            current = Quotation.objects.select_for_update().get(pk=pk)
            if not current.is_open or current.valid_until >= today:
                continue
            before = current.status
            current.expire()
            current.save()
            current.events.record(action="expired", actor=None, from_status=before, to_status=current.status,
                                  note=Text(gettext_noop("Valid until %(date)s."), date=current.valid_until))
            expired += 1
    return expired
