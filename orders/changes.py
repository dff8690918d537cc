"""Controlled changes of an order already approved (DESIGN.md §1): a change request shows its impact on
the later stages before approval, and approval applies it in one transaction.

- request_change: sales, the order desk or a manager asks for new line quantities, a new requested date,
  or the cancellation, with a reason. Checked with the entry rules (a quantity above zero, never below
  what was shipped; a date not in the past) and by every stage (stage_hooks CHANGE_CHECK: no
  quantity below what production has started). The impact of every stage is gathered and kept
  (work orders, reserved and issued materials, the schedule's what-if, documents already issued).
- approve_change: who approves depends on the stage reached (APPROVAL_PERMISSION): the order desk while
  the order is in planning, a manager once materials are ready or later. Locks in the order of every
  schedule change (work centers, then the order), refuses a request made against an older revision of the
  order (two changes approved at once: the second is asked to review again), checks again, applies the
  change to the order, lets every stage follow it (stage_hooks CHANGE_APPLY: work orders
  adjusted, reservations made again, schedule updated), keeps the new revision with its diff, reissues
  the order confirmation if one was issued, and tells the people concerned.
- reject_change: with a reason.
"""

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

import django_fsm as fsm
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.permissions import require
from alerts.services import create_alert
from config.transitions import declared_transition, take
from documents.models import Document, DocumentStatus
from documents.services import request_document
from inputs.visible import visible_strip
from systemtext.text import Text, joined, to_json

from . import rules, stage_hooks
from .models import (
    APPROVAL_PERMISSION,
    ChangeKind,
    ChangeRequest,
    Order,
    OrderLine,
    OrderRevision,
    OrderStatus,
    Product,
    line_amount,
    may_reject_change,
)
from .quantities import format_number, parse_typed
from .services import OrderActionRefused, transition_order
from .stage_hooks import Hook

S = OrderStatus
CHANGEABLE = tuple(APPROVAL_PERMISSION)


@dataclass
class ProposedChange:
    """A change as the stages see it: per changed line (old, new) quantities; the old and new date."""

    kind: str
    quantities: dict = field(default_factory=dict)  # OrderLine -> (old, new)
    old_date: date | None = None
    new_date: date | None = None
    line: OrderLine | None = None  # product: the line whose product changes
    product: Product | None = None  # product: the new product; add_line: the product of the new line
    quantity: Decimal | None = None  # add_line

    @property
    def cancels(self):
        return self.kind == ChangeKind.CANCEL


# Who may ask for a change (either permission).
REQUESTER_PERMISSIONS = ("orders.change_order", "orders.review_order")


def current_revision(order):
    return OrderRevision.objects.filter(order=order).order_by("-number").values_list("number", flat=True).first() or 1


def _parse(order, kind, proposed):
    """The ProposedChange of `proposed` (as a form posts it), or ValidationError with every problem."""
    errors, change = [], ProposedChange(kind=kind)
    if kind == ChangeKind.QUANTITY:
        lines = {str(line.line_no): line for line in order.lines.select_related("product")}
        for line_no, text in (proposed.get("lines") or {}).items():
            line = lines.get(str(line_no))
            if line is None:
                errors.append(_("Order %(number)s has no line %(line)s.") % {"number": order.number, "line": line_no})
                continue
            try:
                quantity = parse_typed(text, field_label=_("Line %(n)s") % {"n": line_no})
                rules.validate_quantity(quantity, line.product)
            except (ValidationError, InvalidOperation) as exc:
                errors.extend(_("Line %(n)s: %(msg)s") % {"n": line_no, "msg": m}
                              for m in getattr(exc, "messages", [str(exc)]))
                continue
            if quantity < line.shipped_quantity:
                errors.append(_("Line %(n)s: %(shipped)s are shipped already; the quantity cannot be less.")
                              % {"n": line_no, "shipped": format_number(line.shipped_quantity)})
            elif quantity != line.quantity:
                change.quantities[line] = (line.quantity, quantity)
        if not change.quantities and not errors:
            errors.append(_("Change at least one quantity."))
    elif kind == ChangeKind.DATE:
        try:
            change.new_date = date.fromisoformat(str(proposed.get("requested_date") or ""))
            rules.validate_requested_date(change.new_date)
        except ValueError:
            errors.append(_("Enter the new requested date."))
        except ValidationError as exc:
            errors.extend(exc.messages)
        change.old_date = order.requested_date
        if change.new_date == order.requested_date:
            errors.append(_("The order is already requested for %(date)s.") % {"date": order.requested_date})
    elif kind in (ChangeKind.PRODUCT, ChangeKind.ADD_LINE):
        errors += _parse_product(order, kind, proposed, change)
    elif kind != ChangeKind.CANCEL:
        errors.append(_("Choose what to change."))
    if not errors:
        errors = [message for check in stage_hooks.handlers(Hook.CHANGE_CHECK)
                  for message in check(order, change)]
    if errors:
        raise ValidationError(errors)
    return change


def _parse_product(order, kind, proposed, change):
    errors = []
    sku = str(proposed.get("product") or "").strip()
    change.product = Product.objects.filter(sku=sku).first()
    if change.product is None:
        return [_("No product with SKU %(sku)s.") % {"sku": sku or "—"}]
    try:
        rules.validate_product(change.product)
    except ValidationError as exc:
        errors.extend(exc.messages)
    if kind == ChangeKind.PRODUCT:
        line_no = str(proposed.get("line") or "")
        change.line = (order.lines.select_related("product").filter(line_no=int(line_no)).first()
                       if line_no.isdigit() else None)
        if change.line is None:
            errors.append(_("Choose the line whose product changes."))
        elif change.line.shipped_quantity > 0:
            errors.append(_("Line %(n)s is partly shipped: its product cannot change.") % {"n": change.line.line_no})
        elif change.line.product_id == change.product.pk:
            errors.append(_("Line %(n)s is %(sku)s already.") % {"n": change.line.line_no, "sku": sku})
    else:
        try:
            change.quantity = parse_typed(proposed.get("quantity") or "", field_label=_("Quantity"))
            rules.validate_quantity(change.quantity, change.product)
        except (ValidationError, InvalidOperation) as exc:
            errors.extend(getattr(exc, "messages", [str(exc)]))
    return errors


def proposed_json(change):
    if change.kind == ChangeKind.QUANTITY:
        return {"lines": {str(line.line_no): format(new.normalize(), "f") for line, (_old, new) in
                          change.quantities.items()}}
    if change.kind == ChangeKind.DATE:
        return {"requested_date": change.new_date.isoformat()}
    if change.kind == ChangeKind.PRODUCT:
        return {"line": str(change.line.line_no), "product": change.product.sku}
    if change.kind == ChangeKind.ADD_LINE:
        return {"product": change.product.sku, "quantity": format(change.quantity.normalize(), "f")}
    return {}


def impact_of(order, change):
    """The impact of every stage, kept with the change request: titles and lines as stored texts (read in
    each reader's language, see systemtext), the time as ISO 8601 (shown in the reader's format)."""
    sections = ([section for fn in stage_hooks.handlers(Hook.CHANGE_IMPACT) for section in fn(order, change)]
                + _issued_documents(order, change))
    return {"gathered_at": timezone.localtime().isoformat(timespec="minutes"),
            "sections": [{"title": to_json(section["title"]), "rows": [to_json(row) for row in section["rows"]]}
                         for section in sections]}


def _issued_documents(order, change):
    """The order's own documents already issued, and what happens to them."""
    issued = (Document.objects.filter(content_type=ContentType.objects.get_for_model(Order), object_id=order.pk,
                                      status=DocumentStatus.READY).order_by("kind", "-rendered_at"))
    rows = []
    for document in issued:
        name, when = document.filename or document.kind, document.rendered_at
        rows.append(Text(gettext_noop("%(name)s issued %(when)s: a new revision is issued after the change."),
                         name=name, when=when)
                    if not change.cancels else
                    Text(gettext_noop("%(name)s issued %(when)s: the customer is told of the cancel."),
                         name=name, when=when))
    return [{"title": Text(gettext_noop("Documents issued")), "rows": rows}] if rows else []


def request_change(*, actor, order, kind, proposed, reason) -> ChangeRequest:
    require(actor, *REQUESTER_PERMISSIONS, any_of=True)
    reason = visible_strip(reason or "")
    if not reason:
        raise ValidationError(_("Give the reason for the change."))
    with transaction.atomic():
        current = Order.objects.select_for_update().get(pk=order.pk)
        if current.status not in CHANGEABLE:
            raise ValidationError(_("Order %(number)s is %(status)s: it is changed on its page while not approved, "
                                    "and not at all once shipped or closed.")
                                  % {"number": current.number, "status": current.get_status_display()})
        change = _parse(current, kind, proposed)
        count = ChangeRequest.objects.filter(order=current).count()
        request = ChangeRequest.objects.create(
            order=current, number=f"{current.number}-C{count + 1}", kind=kind, proposed=proposed_json(change),
            reason=reason[:500], base_revision=current_revision(current), impact=impact_of(current, change),
            requested_by=actor)
        current.events.record(action="change_requested", actor=actor, from_status=current.status,
                              to_status=current.status,
                              note=Text(gettext_noop("%(number)s: %(kind)s — %(reason)s"), number=request.number,
                                        kind=ChangeKind(kind).label, reason=reason))
        create_alert(kind="order_change_requested",
                     subject=gettext_noop("Change %(number)s of order %(order)s awaits approval"),
                     body=gettext_noop("%(kind)s. Reason: %(reason)s"),
                     params={"number": request.number, "order": current.number,
                             "kind": ChangeKind(request.kind).label, "reason": reason},
                     link=reverse("orders:change_detail", args=[request.pk]),
                     roles=["order_desk"] if APPROVAL_PERMISSION[current.status] == "orders.approve_change"
                     else ["manager"], dedupe_key=f"change-requested:{request.pk}")
    return request


def _snapshot(order):
    lines = order.lines.select_related("product").order_by("line_no")
    return {"status": order.status, "requested_date": order.requested_date.isoformat(),
            "promised_date": order.promised_date.isoformat() if order.promised_date else None,
            "total_amount": format(order.total_amount, "f"),
            "lines": [{"line": line.line_no, "sku": line.product.sku,
                       "quantity": format(line.quantity.normalize(), "f"), "unit_price": format(line.unit_price, "f")}
                      for line in lines]}


def _diff(before, after):
    """[{field, old, new}] between two snapshots, lines compared by line number."""
    rows = [{"field": name, "old": before.get(name), "new": after.get(name)}
            for name in ("status", "requested_date", "promised_date", "total_amount")
            if before.get(name) != after.get(name)]
    old_lines = {row["line"]: row for row in before.get("lines", [])}
    for row in after.get("lines", []):
        old = old_lines.get(row["line"], {})
        if not old:
            rows.append({"field": f"line {row['line']}", "old": None, "new": f"{row['sku']} × {row['quantity']}"})
            continue
        if old.get("sku") != row["sku"]:
            rows.append({"field": f"line {row['line']} product", "old": old.get("sku"), "new": row["sku"]})
        if old.get("quantity") != row["quantity"]:
            rows.append({"field": f"line {row['line']} {row['sku']} quantity", "old": old.get("quantity"),
                         "new": row["quantity"]})
    return rows


DIFF_FIELDS = {"status": gettext_noop("Status"), "requested_date": gettext_noop("Requested date"),
               "promised_date": gettext_noop("Promised date"), "total_amount": gettext_noop("Total")}


def _diff_value(name, value):
    if value in (None, ""):
        return "—"
    if name == "status" and value in OrderStatus.values:
        return OrderStatus(value).label
    if name.endswith("_date"):
        try:
            return date.fromisoformat(value)
        except (TypeError, ValueError):
            return value
    return value


# The line rows of _diff: "line 2", "line 2 product", "line 2 <sku> quantity".
LINE_FIELD = re.compile(r"line (?P<n>\d+)(?: (?P<product>product)| (?P<sku>\S+) quantity)?")


def _field_text(name):
    if name in DIFF_FIELDS:
        return Text(DIFF_FIELDS[name])
    line = LINE_FIELD.fullmatch(name)
    if line is None:
        return name
    if line["product"]:
        return Text(gettext_noop("Line %(n)s product"), n=line["n"])
    if line["sku"]:
        return Text(gettext_noop("Line %(n)s %(sku)s quantity"), n=line["n"], sku=line["sku"])
    return Text(gettext_noop("Line %(n)s"), n=line["n"])


def _diff_text(row):
    """One row of a revision's diff for the event note: "; Status: Planned → Cancelled", read in the
    reader's language (field names and statuses are not stored translated)."""
    name = row["field"]
    field = _field_text(name)
    return Text(gettext_noop("; %(field)s: %(old)s → %(new)s"), field=field, old=_diff_value(name, row["old"]),
                new=_diff_value(name, row["new"]))


def _decided_already(request):
    return _("%(number)s is %(status)s already.") % {"number": request.number,
                                                     "status": request.get_status_display().lower()}


def _locked(request):
    return ChangeRequest.objects.select_for_update().select_related("order").get(pk=request.pk)


def approve_change(*, actor, request, note="") -> ChangeRequest:
    with transaction.atomic():
        for lock in stage_hooks.handlers(Hook.CHANGE_LOCK):  # work centers first, as every change to the schedule
            lock()
        order = Order.objects.select_for_update().get(pk=request.order_id)
        current = _locked(request)
        transition = declared_transition(current, "apply")
        if transition is None:
            raise ValidationError(_decided_already(current))
        permission = APPROVAL_PERMISSION.get(order.status)
        if permission is None:  # the transition's condition, refused in words
            raise ValidationError(_("Order %(number)s is %(status)s now: the change cannot be applied.")
                                  % {"number": order.number, "status": order.get_status_display()})
        if not transition.has_perm(current, actor):
            raise PermissionDenied(_("At this stage (%(status)s) only a manager approves changes of the order.")
                                   % {"status": order.get_status_display()} if permission.endswith("late_change")
                                   else _("Your role may not approve changes of orders."))
        if current_revision(order) != current.base_revision:
            raise ValidationError(_("Order %(number)s was changed since %(change)s was asked for (now revision "
                                    "%(revision)s): reject it and ask again, so its impact is seen again.")
                                  % {"number": order.number, "change": current.number,
                                     "revision": current_revision(order)})
        current.apply()  # before _apply: a cancellation moves the order out of the states that take changes
        change = _parse(order, current.kind, current.proposed)
        before = _snapshot(order)
        if not OrderRevision.objects.filter(order=order).exists():
            OrderRevision.objects.create(order=order, number=1, snapshot=before, created_by=order.created_by,
                                         created_at=order.approved_at or order.created_at)
        _apply(actor, order, current, change)
        order.refresh_from_db()
        after = _snapshot(order)
        revision = OrderRevision.objects.create(order=order, number=current.base_revision + 1, snapshot=after,
                                                diff=_diff(before, after), change_request=current, created_by=actor)
        current.decided_by, current.decided_at = actor, timezone.now()
        current.decision_note = visible_strip(note or "")[:500]
        current.save()
        order.events.record(action="change_applied", actor=actor, from_status=before["status"],
                            to_status=order.status,
                            note=Text(gettext_noop("%(number)s → revision %(n)s%(changes)s"), number=current.number,
                                      n=revision.number,
                                      changes=joined("", *(_diff_text(row) for row in revision.diff), sep="")))
        _reissue_confirmation(actor, order)
        create_alert(kind="order_changed", subject=gettext_noop("Order %(order)s changed (%(number)s): %(kind)s"),
                     body=gettext_noop("Revision %(revision)s. Reason: %(reason)s"),
                     params={"order": order.number, "number": current.number, "kind": ChangeKind(current.kind).label,
                             "revision": revision.number, "reason": current.reason},
                     link=reverse("orders:revisions", args=[order.pk]),
                     roles=["planner", "warehouse", "production", "qc", "shipping"], users=[order.created_by],
                     dedupe_key=f"change-applied:{current.pk}", rush=order.is_rush)
    return current


def _apply(actor, order, request, change):
    if change.cancels:
        try:
            transition_order(actor=actor, order=order, action="cancel", note=f"{request.number}: {request.reason}")
        except OrderActionRefused as exc:
            raise ValidationError(exc.message) from None
        return
    if change.kind == ChangeKind.QUANTITY:
        for line, (_old, new) in change.quantities.items():
            OrderLine.objects.filter(pk=line.pk).update(quantity=new)
        _retotal(order)
    elif change.kind == ChangeKind.PRODUCT:
        OrderLine.objects.filter(pk=change.line.pk).update(product=change.product,
                                                           unit_price=change.product.list_price)
        change.line.refresh_from_db()
        _retotal(order)
    elif change.kind == ChangeKind.ADD_LINE:
        last = order.lines.order_by("-line_no").values_list("line_no", flat=True).first() or 0
        change.line = OrderLine.objects.create(order=order, line_no=last + 1, product=change.product,
                                               quantity=change.quantity, unit_price=change.product.list_price)
        _retotal(order)
    elif change.kind == ChangeKind.DATE:
        order.requested_date = change.new_date
        fields = ["requested_date", "updated_at"]
        if order.promised_date is not None and order.promised_date < change.new_date:
            order.promised_date = change.new_date  # a later date the customer asks for is the new promise
            fields.append("promised_date")
        order.save(update_fields=fields)
    for fn in stage_hooks.handlers(Hook.CHANGE_APPLY):
        fn(actor=actor, order=order, change=change)


def _retotal(order):
    lines = list(order.lines.select_related("product"))
    order.total_amount = sum((line_amount(line.quantity, line.unit_price) for line in lines), Decimal("0"))
    order.refresh_search_text([line.product for line in lines])
    order.save(update_fields=["total_amount", "search_text", "search_grams", "updated_at"])


def _reissue_confirmation(actor, order):
    """A new order confirmation when one was issued: the customer gets the order as it now stands."""
    issued = Document.objects.filter(kind="order_confirmation", object_id=order.pk,
                                     content_type=ContentType.objects.get_for_model(Order)).exists()
    if issued and order.status != S.CANCELLED:
        try:
            request_document(actor=actor, kind="order_confirmation", obj=order)
        except (ValidationError, PermissionDenied):
            pass  # the approver may not see documents; the order desk issues it from the order page


def reject_change(*, actor, request, reason) -> ChangeRequest:
    reason = visible_strip(reason or "")
    if not reason:
        raise ValidationError(_("Give the reason for the rejection."))
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=request.order_id)
        current = _locked(request)
        if not may_reject_change(current, actor):  # the transition's permission, checked before its state
            raise PermissionDenied(_("Your role may not decide on changes of orders."))
        take(current.reject, actor=actor, refused=_decided_already(current))
        current.decided_by, current.decided_at = actor, timezone.now()
        current.decision_note = reason[:500]
        current.save()
        order.events.record(action="change_rejected", actor=actor, from_status=order.status,
                            to_status=order.status, note=f"{current.number}: {reason}")
        create_alert(kind="order_change_rejected",
                     subject=gettext_noop("Change %(number)s of order %(order)s was rejected"),
                     body=gettext_noop("Reason: %(reason)s"),
                     params={"number": current.number, "order": order.number, "reason": reason},
                     link=reverse("orders:change_detail", args=[current.pk]), users=[current.requested_by],
                     dedupe_key=f"change-rejected:{current.pk}")
    return current


def proposed_from_form(kind, data, lines):
    """What the change form posted for `kind`, as request_change takes it (checked there). `lines`: the
    order's lines, for the quantity form's qty-<line_no> fields (only those filled in)."""
    if kind == ChangeKind.QUANTITY:
        return {"lines": {str(line.line_no): data.get(f"qty-{line.line_no}", "").strip()
                          for line in lines if data.get(f"qty-{line.line_no}", "").strip()}}
    fields = {ChangeKind.DATE: ["requested_date"], ChangeKind.PRODUCT: ["line", "product"],
              ChangeKind.ADD_LINE: ["product", "quantity"]}.get(kind, [])
    return {name: data.get(name, "") for name in fields}


def may_decide(user, request) -> bool:
    """Whether the change's page offers `user` the approve and reject buttons (approve_change checks again)."""
    return fsm.has_transition_perm(request.apply, user)

