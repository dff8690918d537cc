"""Reads of the temporary drawings (rush/drawing_models.py): a rush order's drawings with their copies,
the overdue copies (rush board), and the copies a person holds (their home page). Fixed query counts."""

from django.db.models import Prefetch
from django.utils import timezone

from orders.selectors import orders_visible_to

from .drawing_models import CopyStatus, DrawingAttachment, DrawingCopy, DrawingEvent, TemporaryDrawing


def order_drawings(order):
    copies = Prefetch("copies", queryset=DrawingCopy.objects.select_related("holder", "received_by", "voided_by")
                      .prefetch_related(Prefetch("events", queryset=DrawingEvent.objects.select_related("actor")))
                      .order_by("copy_no"))
    return list(TemporaryDrawing.objects.filter(order=order).select_related("issued_by")
                .prefetch_related(copies, "attachments").order_by("number", "revision"))


def overdue_copies(now=None, *, holder=None):
    """Copies past their return deadline and still out, the longest overdue first."""
    copies = (DrawingCopy.objects.filter(status=CopyStatus.ISSUED, due_at__lte=now or timezone.now())
              .select_related("drawing__order__customer", "holder").order_by("due_at", "pk"))
    return copies.filter(holder=holder) if holder is not None else copies


def held_copies(user):
    """The copies `user` holds (still out), the earliest deadline first (none set yet last)."""
    return (DrawingCopy.objects.filter(holder=user, status=CopyStatus.ISSUED)
            .select_related("drawing__order__customer").order_by("due_at", "pk"))


def visible_copy(user, pk):
    if not user.has_perm("rush.view_temporarydrawing"):
        return None
    return DrawingCopy.objects.select_related("drawing").filter(pk=pk).first()


def visible_attachment(user, pk):
    """A drawing's attachment, if the user may see the drawings of its order or holds a copy of it; else None."""
    attachment = DrawingAttachment.objects.select_related("drawing").filter(pk=pk).first()
    if attachment is None:
        return None
    if attachment.drawing.copies.filter(holder=user).exists():
        return attachment
    if not user.has_perm("rush.view_temporarydrawing"):
        return None
    if not orders_visible_to(user).filter(pk=attachment.drawing.order_id).exists():
        return None
    return attachment


def copies_to_sign(user):
    """The copies issued to `user` that they have not signed for yet, the oldest first."""
    return (DrawingCopy.objects.filter(holder=user, status=CopyStatus.ISSUED, signed_at__isnull=True)
            .select_related("drawing__order__customer", "drawing__issued_by").order_by("drawing__issued_at", "pk"))


def copy_to_sign(user, pk):
    """A copy held by `user` (their signing page), with its drawing's attachments; else None."""
    return (DrawingCopy.objects.filter(pk=pk, holder=user)
            .select_related("drawing__order__customer", "drawing__issued_by", "holder")
            .prefetch_related("drawing__attachments",
                              Prefetch("events", queryset=DrawingEvent.objects.select_related("actor"))).first())
