"""Temporary drawings and engineering documents of a rush order (临时图纸/工程资料, seed 003; the models are
in rush/drawing_models.py):

1. issue_drawing: the technical department (planners, engineering) records a drawing of a rush order
   (number, revision, title, PDF/image attachments checked by content through inputs.uploads) and its
   paper copies, each issued to a person of a department. Refused, writing nothing: an
   order that is not a rush order or is finished; no number or revision; the same number and revision
   twice; no copy; a holder who is not an active user; an unknown department; a bad attachment.
2. sign_copy: the holder confirms receipt of their copy on its page (their home page lists the copies
   waiting for their signature); who and when are kept, as an event. Only the holder signs, once.
3. return_copy: the copy comes back; the person who records it is who received it (the warehouse's
   finished-goods receiver or the technical head: "由仓库成品收料人员收回,统一交技术课负责人").
4. void_copy: a copy that is lost or replaced is voided, with the reason.
5. watch_drawing_returns (beat, rush.tasks): once the order is complete (finished goods received into
   stock: its latest finished-goods receipt, inventory.finished_goods, with the order at QC passed or
   later) every copy still out is due back 24 hours later ("订单完成24小时内交回"); at the deadline the
   holder and the head of their department are alerted (alert kind "drawing_overdue", once per copy),
   and the rule of that kind (alerts.defaults) escalates it to the manager and then the general
   manager's office while nobody acknowledges it and the copy is still out (rush.alert_subjects).
"""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.departments import INTERNAL_DEPARTMENTS
from accounts.permissions import require
from alerts.services import create_alert
from config.transitions import take
from inputs.uploads import (
    IMAGE_FORMATS,
    PDF_KIND,
    image_kind,
    is_pdf,
    size_limited,
    sized_upload_name,
    too_large_message,
)
from inputs.visible import visible_strip
from inventory.models import FinishedGoodsReceipt
from orders.models import Order, OrderStatus
from systemtext.text import Text, joined

from .drawing_models import (
    CopyStatus,
    Department,
    DrawingAttachment,
    DrawingCopy,
    TemporaryDrawing,
    head_roles,
)

ISSUE = "rush.add_temporarydrawing"
VIEW = "rush.view_temporarydrawing"
RETURN = "rush.return_drawingcopy"
VOID = "rush.void_drawingcopy"
RETURN_WITHIN = timedelta(hours=24)
# Drawings go out with the production notice while the order is being made; none once it is finished.
ISSUABLE = (OrderStatus.APPROVED, OrderStatus.PLANNED, OrderStatus.MATERIALS_READY, OrderStatus.IN_PRODUCTION,
            OrderStatus.AWAITING_QC, OrderStatus.ON_HOLD)
# The order is complete for the drawings once its finished goods are in stock and it passed QC.
COMPLETE = (OrderStatus.QC_PASSED, OrderStatus.SHIPPED, OrderStatus.DELIVERED, OrderStatus.CLOSED)
MAX_COPIES = 20
ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
ATTACHMENT_MAX_COUNT = 5
ATTACHMENT_MAX_PIXELS = 50_000_000
ACCEPT = "application/pdf,image/jpeg,image/png,image/webp"
# Installs the upload size limit (inputs.uploads) as request.drawing_size_limit.
uploads_limited = size_limited(lambda: ATTACHMENT_MAX_BYTES, "drawing_size_limit")


def too_large(name):
    return too_large_message(name, ATTACHMENT_MAX_BYTES)


def _attachment_kind(upload):
    name = sized_upload_name(upload, max_bytes=ATTACHMENT_MAX_BYTES, too_large=too_large)
    if is_pdf(upload):
        return PDF_KIND
    kind = image_kind(upload, IMAGE_FORMATS, max_pixels=ATTACHMENT_MAX_PIXELS)
    if kind is None:
        raise ValidationError(_("%(name)s is neither a PDF nor a JPEG, PNG or WebP image.") % {"name": name})
    return kind


def _copy_errors(copies):
    errors, users = [], []
    if not copies:
        errors.append(_("Issue at least one copy: name who holds it and their department."))
    if len(copies) > MAX_COPIES:
        errors.append(_("At most %(n)s copies of one drawing.") % {"n": MAX_COPIES})
    active = get_user_model().objects.filter(is_active=True)
    for number, (holder, department) in enumerate(copies, start=1):
        if holder is None or not active.filter(pk=getattr(holder, "pk", None)).exists():
            errors.append(_("Copy %(n)s: choose the person who holds it.") % {"n": number})
        if department not in dict(INTERNAL_DEPARTMENTS):
            errors.append(_("Copy %(n)s: choose the holder's department.") % {"n": number})
        users.append(holder)
    return errors


def issue_drawing(*, actor, order, number, revision, title="", copies=(), uploads=()) -> TemporaryDrawing:
    """Record a temporary drawing of a rush order and issue its copies, `copies` being (holder,
    department) pairs: copy 1, 2, …, each waiting for its holder's signature (sign_copy)."""
    require(actor, ISSUE)
    number, revision, title = (visible_strip(v or "") for v in (number, revision, title))
    copies, uploads = list(copies), list(uploads)
    errors = []
    if not number:
        errors.append(_("Enter the drawing number."))
    elif len(number) > 40:
        errors.append(_("The drawing number is too long (at most 40 characters)."))
    if not revision:
        errors.append(_("Enter the drawing's revision."))
    elif len(revision) > 10:
        errors.append(_("The revision is too long (at most 10 characters)."))
    if len(title) > 200:
        errors.append(_("The title is too long (at most 200 characters)."))
    errors += _copy_errors(copies)
    if len(uploads) > ATTACHMENT_MAX_COUNT:
        errors.append(_("A drawing can have at most %(n)s attachments.") % {"n": ATTACHMENT_MAX_COUNT})
    kinds = []
    for upload in uploads:
        try:
            kinds.append(_attachment_kind(upload))
        except ValidationError as exc:
            errors.extend(exc.messages)
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    with transaction.atomic():
        current = Order.objects.select_for_update().get(pk=order.pk)
        if not current.is_rush:
            raise ValidationError(_("Order %(number)s is not a rush order: temporary drawings are issued with a "
                                    "rush order's production notice.") % {"number": current.number})
        if current.status not in ISSUABLE:
            raise ValidationError(_("Order %(number)s is %(status)s: no drawings are issued for it now.")
                                  % {"number": current.number, "status": current.get_status_display()})
        try:
            with transaction.atomic():
                drawing = TemporaryDrawing.objects.create(order=current, number=number, revision=revision,
                                                          title=title, issued_by=actor, issued_at=now)
        except IntegrityError:
            raise ValidationError(_("Drawing %(number)s revision %(revision)s is issued for this order already.")
                                  % {"number": number, "revision": revision}) from None
        for upload, (content_type, _suffix) in zip(uploads, kinds, strict=True):
            DrawingAttachment.objects.create(drawing=drawing, file=upload, content_type=content_type,
                                             size=upload.size, original_name=(upload.name or "")[:200],
                                             uploaded_by=actor)
        for copy_no, (holder, department) in enumerate(copies, start=1):
            copy = DrawingCopy.objects.create(drawing=drawing, copy_no=copy_no, holder=holder, department=department)
            copy.events.record(action="issued", actor=actor, to_status=CopyStatus.ISSUED,
                               note=Text(gettext_noop("Issued to %(holder)s (%(department)s); waiting for their "
                                                      "signature."),
                                         holder=holder.get_full_name() or holder.username,
                                         department=Department(department).label))
    return drawing


def _locked_copy(copy):
    return DrawingCopy.objects.select_for_update().select_related("drawing__order").get(pk=copy.pk)


def _refused(current):
    return _("Copy %(copy)s is %(status)s already.") % {"copy": current.label,
                                                      "status": current.get_status_display().lower()}


def sign_copy(*, actor, copy) -> DrawingCopy:
    """The holder confirms they received their copy. Refused (nothing written) for anyone but the holder, a
    copy signed for already, or one that is back or voided."""
    with transaction.atomic():
        current = _locked_copy(copy)
        if current.holder_id != actor.pk:
            raise ValidationError(_("Only the holder of copy %(copy)s signs for it.") % {"copy": current.label})
        if current.status != CopyStatus.ISSUED:
            raise ValidationError(_refused(current))
        if current.signed_at is not None:
            raise ValidationError(_("You signed for copy %(copy)s already.") % {"copy": current.label})
        current.signed_at = timezone.now()
        current.save(update_fields=["signed_at"])
        current.events.record(action="signed", actor=actor, from_status=current.status, to_status=current.status,
                              note=Text(gettext_noop("Received and signed for by %(holder)s."),
                                        holder=actor.get_full_name() or actor.username))
    return current


def return_copy(*, actor, copy, note="") -> DrawingCopy:
    """The copy is back; `actor` received it."""
    note = visible_strip(note or "")
    if len(note) > 300:
        raise ValidationError(_("The note is too long (at most 300 characters)."))
    with transaction.atomic():
        current = _locked_copy(copy)
        before = current.status
        take(current.take_back, actor=actor, refused=_refused(current))
        current.returned_at, current.received_by = timezone.now(), actor
        current.save()
        late = current.due_at is not None and current.returned_at > current.due_at
        message = (gettext_noop("Returned late; received by %(person)s.") if late
                   else gettext_noop("Returned; received by %(person)s."))
        current.events.record(action="returned", actor=actor, from_status=before, to_status=current.status,
                              note=joined(Text(message, person=actor.get_full_name() or actor.username), note))
    return current


def void_copy(*, actor, copy, reason) -> DrawingCopy:
    """Void a copy (lost, damaged, replaced by a new revision) with the reason."""
    reason = visible_strip(reason or "")
    if not reason:
        raise ValidationError(_("Give the reason for voiding the copy."))
    if len(reason) > 300:
        raise ValidationError(_("The reason is too long (at most 300 characters)."))
    with transaction.atomic():
        current = _locked_copy(copy)
        before = current.status
        take(current.void, actor=actor, refused=_refused(current))
        current.voided_at, current.voided_by, current.void_reason = timezone.now(), actor, reason
        current.save()
        current.events.record(action="voided", actor=actor, from_status=before, to_status=current.status, note=reason)
    return current


def _set_due_dates(now):
    """Copies still out of complete orders get their deadline: the latest finished-goods receipt + 24 h."""
    completed = (FinishedGoodsReceipt.objects.filter(order__status__in=COMPLETE, received_at__lte=now)
                 .values("order").annotate(last=Max("received_at")))
    finished = {row["order"]: row["last"] for row in completed.filter(
        order__temporary_drawings__copies__status=CopyStatus.ISSUED,
        order__temporary_drawings__copies__due_at__isnull=True)}
    count = 0
    for order_id, received_at in finished.items():
        due = received_at + RETURN_WITHIN
        with transaction.atomic():
            for copy in (DrawingCopy.objects.select_for_update()
                         .filter(drawing__order_id=order_id, status=CopyStatus.ISSUED, due_at__isnull=True)):
                copy.due_at = due
                copy.save(update_fields=["due_at"])
                copy.events.record(action="due", actor=None,
                                   note=Text(gettext_noop("Order complete: due back by %(due)s."), due=due))
                count += 1
    return count


def _alert_overdue(copy, now):
    order = copy.drawing.order
    create_alert(kind="drawing_overdue",
                 subject=gettext_noop("Temporary drawing %(copy)s of rush order %(order)s not returned"),
                 body=gettext_noop("Held by %(holder)s (%(department)s); it was due back by %(due)s. "
                                   "Return it to the warehouse's finished-goods receiver."),
                 params={"copy": copy.label, "order": order.number, "due": copy.due_at,
                         "holder": copy.holder.get_full_name() or copy.holder.username,
                         "department": Department(copy.department).label},
                 link=reverse("rush:drawing_copy", args=[copy.pk]), severity="high", rush=True,
                 users=[copy.holder], roles=head_roles(copy.department), dedupe_key=f"drawing-overdue:{copy.pk}")
    copy.overdue_alerted_at = now
    copy.save(update_fields=["overdue_alerted_at"])
    copy.events.record(action="overdue", actor=None, note=Text(gettext_noop("Not back by %(due)s."), due=copy.due_at))


def watch_drawing_returns(now=None):
    """Beat: set the deadlines of complete orders' copies; alert (once) those past it. Returns (deadlines
    set, alerts raised)."""
    now = now or timezone.now()
    set_count = _set_due_dates(now)
    raised = 0
    overdue = list(DrawingCopy.objects.filter(status=CopyStatus.ISSUED, due_at__lte=now,
                                              overdue_alerted_at__isnull=True).values_list("pk", flat=True))
    for pk in overdue:
        with transaction.atomic():
            copy = (DrawingCopy.objects.select_for_update(skip_locked=True, of=("self",))
                    .select_related("drawing__order", "holder")
                    .filter(pk=pk, status=CopyStatus.ISSUED, overdue_alerted_at__isnull=True).first())
            if copy is None:
                continue
            _alert_overdue(copy, now)
            raised += 1
    return set_count, raised
