"""Framework contracts as people handle them (sales/models/contracts.py):

1. create_contract (sales, managers): customer, period, payment terms, products with agreed prices and
   total quantities; activate_contract makes it usable; terminate_contract ends it early with a reason.
2. place_call_off (sales, the order desk): an order placed against an active contract, within its period:
   a draft order through orders.services.create_order at the agreed prices, each line linked to its
   contract line (ContractCallOff). The contract row is locked first, so two call-offs never both take the
   last quantity. A call-off beyond what is left is refused with a warning saying by how much, unless the
   person acknowledges it; then it is recorded with the excess and the sales manager is alerted.
3. watch_contract_expiry (beat): active contracts past their end expire; those ending within
   EXPIRY_WARNING_DAYS alert sales and the manager once.
"""

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
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
from systemtext.text import Text

from .models import Contract, ContractCallOff, ContractLine, ContractStatus
from .models.contracts import NOT_DRAWING

ADD = "sales.add_contract"
CHANGE = "sales.change_contract"
CALL_OFF = "sales.call_off_contract"
EXPIRY_WARNING_DAYS = 30


@dataclass
class ContractLineInput:
    product: object
    agreed_price: Decimal
    total_quantity: Decimal


class CallOffExceeds(ValidationError):
    """The call-off takes more than is left; placed only when acknowledged."""


def _validate(*, customer, start_date, end_date, lines):
    errors = []
    try:
        order_rules.validate_customer(customer)
    except ValidationError as exc:
        errors.extend(exc.messages)
    if start_date is None or end_date is None:
        errors.append(_("Enter the contract's start and end dates."))
    elif end_date < start_date:
        errors.append(_("The end date is before the start date."))
    if not lines:
        errors.append(_("Add at least one product to the contract."))
    seen = set()
    for number, line in enumerate(lines, start=1):
        problems = []
        for check, args in ((order_rules.validate_product, (line.product,)),
                            (order_rules.validate_quantity, (line.total_quantity, line.product)),
                            (order_rules.validate_unit_price, (line.agreed_price,))):
            try:
                check(*args)
            except ValidationError as exc:
                problems.extend(exc.messages)
        if line.product.pk in seen:
            problems.append(_("%(sku)s is on the contract twice.") % {"sku": line.product.sku})
        seen.add(line.product.pk)
        errors.extend(_("Line %(n)s: %(msg)s") % {"n": number, "msg": m} for m in problems)
    if errors:
        raise ValidationError(errors)


def create_contract(*, actor, customer, title, currency, start_date, end_date, payment_terms, lines,
                    customer_reference="", notes="") -> Contract:
    require(actor, ADD)
    title = visible_strip(title or "")[:200]
    _validate(customer=customer, start_date=start_date, end_date=end_date, lines=lines)
    if not title:
        raise ValidationError(_("Give the contract a title."))
    with transaction.atomic():
        contract = Contract.objects.create(
            number=next_number(series.CONTRACT), customer=customer, title=title, currency=currency,
            start_date=start_date, end_date=end_date, payment_terms=payment_terms, created_by=actor,
            customer_reference=visible_strip(customer_reference or "")[:60], notes=(notes or "").strip())
        ContractLine.objects.bulk_create(
            ContractLine(contract=contract, line_no=i, product=line.product, agreed_price=line.agreed_price,
                         total_quantity=line.total_quantity) for i, line in enumerate(lines, start=1))
        contract.events.record(action="created", actor=actor, to_status=contract.status)
    return contract


def _locked(contract):
    return Contract.objects.select_for_update().select_related("customer").get(pk=contract.pk)


def _refused(current):
    return _("%(number)s is %(status)s; this cannot be done now.") % {
        "number": current.number, "status": current.get_status_display()}


def activate_contract(*, actor, contract) -> Contract:
    require(actor, CHANGE)
    with transaction.atomic():
        current = _locked(contract)
        before = current.status
        take(current.activate, actor=actor, refused=_refused(current),
             unmet=_("Add at least one product to the contract."))
        current.save()
        current.events.record(action="activated", actor=actor, from_status=before, to_status=current.status)
    return current


def terminate_contract(*, actor, contract, reason) -> Contract:
    require(actor, CHANGE)
    reason = visible_strip(reason or "")[:500]
    if not reason:
        raise ValidationError(_("Give the reason the contract ends early."))
    with transaction.atomic():
        current = _locked(contract)
        before = current.status
        take(current.terminate, actor=actor, refused=_refused(current))
        current.status_reason = reason
        current.save()
        current.events.record(action="terminated", actor=actor, from_status=before, to_status=current.status,
                              note=reason)
    return current


def called_off(contract_lines):
    """{contract line id: quantity drawn} by orders that still draw (a cancelled order gives it back)."""
    rows = (ContractCallOff.objects.filter(contract_line__in=contract_lines).exclude(order__status__in=NOT_DRAWING)
            .values("contract_line_id").annotate(total=Sum("quantity")))
    return {row["contract_line_id"]: row["total"] for row in rows}


def place_call_off(*, actor, contract, requested_date, quantities, customer_po="", acknowledge_excess=False):
    """A draft order against the contract; `quantities`: {contract line id: quantity} (zero or blank lines
    are left out). Returns the order."""
    require(actor, CALL_OFF, "orders.add_order")
    wanted = {int(pk): qty for pk, qty in quantities.items() if qty}
    if not wanted:
        raise ValidationError(_("Enter the quantity of at least one product."))
    with transaction.atomic():
        current = _locked(contract)
        today = timezone.localdate()
        if current.status != ContractStatus.ACTIVE:
            raise ValidationError(_("%(number)s is %(status)s: orders are placed only against an active contract.")
                                  % {"number": current.number, "status": current.get_status_display()})
        if not current.in_period(today):
            raise ValidationError(_("%(number)s runs from %(start)s to %(end)s: today is outside it.")
                                  % {"number": current.number, "start": date_format(current.start_date),
                                     "end": date_format(current.end_date)})
        lines = {line.pk: line for line in current.lines.select_related("product")}
        unknown = [pk for pk in wanted if pk not in lines]
        if unknown:
            raise ValidationError(_("That product is not on contract %(number)s.") % {"number": current.number})
        errors = []
        for pk, quantity in wanted.items():
            try:
                order_rules.validate_quantity(quantity, lines[pk].product)
            except ValidationError as exc:
                errors.extend(f"{lines[pk].product.sku}: {m}" for m in exc.messages)
        if errors:
            raise ValidationError(errors)
        drawn = called_off(list(lines.values()))
        excess = {pk: qty - (lines[pk].total_quantity - drawn.get(pk, Decimal("0"))) for pk, qty in wanted.items()}
        excess = {pk: amount for pk, amount in excess.items() if amount > 0}
        if excess and not acknowledge_excess:
            raise CallOffExceeds([
                _("%(sku)s: %(qty)s ordered but only %(left)s of %(total)s left on the contract (%(over)s over).")
                % {"sku": lines[pk].product.sku, "qty": format_number(wanted[pk]),
                   "left": format_number(max(Decimal("0"), lines[pk].total_quantity - drawn.get(pk, Decimal("0")))),
                   "total": format_number(lines[pk].total_quantity), "over": format_number(amount)}
                for pk, amount in excess.items()])
        chosen = [pk for pk in lines if pk in wanted]  # in the contract's line order
        try:
            order = create_order(
                actor=actor, customer=current.customer, requested_date=requested_date, currency=current.currency,
                lines=[LineInput(product=lines[pk].product, quantity=wanted[pk], unit_price=lines[pk].agreed_price)
                       for pk in chosen],
                customer_po=visible_strip(customer_po or "")[:60],
                internal_notes=current.number)  # the reference itself: no language-bound prose stored
        except OrderActionRefused as exc:
            raise ValidationError(exc.message) from None
        order_lines = list(order.lines.order_by("line_no"))
        ContractCallOff.objects.bulk_create(
            ContractCallOff(contract_line=lines[pk], order=order, order_line=order_line, quantity=wanted[pk],
                            exceeded_by=excess.get(pk, Decimal("0")), created_by=actor)
            for pk, order_line in zip(chosen, order_lines, strict=True))
        current.events.record(action="called_off", actor=actor, from_status=current.status,
                              to_status=current.status, note=Text(gettext_noop("Order %(order)s."), order=order.number))
        if excess:
            _record_excess(actor, current, order, lines, excess)
    return order


def _record_excess(actor, contract, order, lines, excess):
    skus = ", ".join(lines[pk].product.sku for pk in excess)
    contract.events.record(action="exceeded", actor=actor, from_status=contract.status, to_status=contract.status,
                           note=Text(gettext_noop("Order %(order)s goes beyond the agreed quantity of %(skus)s."),
                                     order=order.number, skus=skus))
    create_alert(kind="contract_exceeded",
                 subject=gettext_noop("Contract %(contract)s: order %(order)s goes beyond the agreed quantity"),
                 body=gettext_noop("%(customer)s, %(skus)s."),
                 params={"contract": contract.number, "order": order.number, "customer": contract.customer.name,
                         "skus": skus},
                 link=reverse("sales:contract_detail", args=[contract.pk]), severity="high", roles=["manager"],
                 users=[actor], dedupe_key=f"contract-exceeded:{contract.pk}:{order.pk}")


def watch_contract_expiry(*, today=None):
    """Run by beat: expire active contracts past their end and alert those ending soon (once each).
    Returns (expired, warned)."""
    today = today or timezone.localdate()
    expired = warned = 0
    for pk in Contract.objects.filter(status=ContractStatus.ACTIVE, end_date__lt=today).values_list("pk", flat=True):
        with transaction.atomic():
            current = Contract.objects.select_for_update().select_related("customer").get(pk=pk)
            if current.status != ContractStatus.ACTIVE or current.end_date >= today:
                continue
            current.expire()
            current.save()
            current.events.record(action="expired", actor=None, from_status=ContractStatus.ACTIVE,
                                  to_status=current.status,
                                  note=Text(gettext_noop("Ended on %(date)s."), date=current.end_date))
            _alert_expiry(current, kind="contract_expired",
                          subject=gettext_noop("Contract %(contract)s with %(customer)s has expired (%(date)s)"))
            expired += 1
    soon = today + timedelta(days=EXPIRY_WARNING_DAYS)
    for contract in Contract.objects.filter(status=ContractStatus.ACTIVE, end_date__gte=today,
                                            end_date__lte=soon).select_related("customer"):
        _alert_expiry(contract, kind="contract_expiring",
                      subject=gettext_noop("Contract %(contract)s with %(customer)s ends on %(date)s"))
        warned += 1
    return expired, warned


def _alert_expiry(contract, *, kind, subject):
    with transaction.atomic():
        create_alert(kind=kind, subject=subject,
                     body=gettext_noop("Renew it or agree a new contract before more orders are placed against it."),
                     params={"contract": contract.number, "customer": contract.customer.name,
                             "date": contract.end_date},
                     link=reverse("sales:contract_detail", args=[contract.pk]), severity="high",
                     roles=["sales", "manager"], dedupe_key=f"{kind}:{contract.pk}:{contract.end_date.isoformat()}")
