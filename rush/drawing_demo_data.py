"""Demo rows for the temporary drawings (rush.drawings): part of `manage.py seed_rush_demo`, run after the other
seeds (demo/management/commands/setup_demo.py). Safe to run again (a drawing number is issued once).

- each open rush order being made gets drawing DWG-<order>-A with two copies (production, QC), issued by
  the demo planner through rush.drawings.issue_drawing;
- one complete rush order (QC passed or later) gets a copy held by the production demo user that was due
  back five hours ago, so the rush board, the holder's home page and the overdue alert have something to
  show. Its deadline is written directly (the demo cannot wait 24 hours); the watch then raises the alert."""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from orders.models import Order, Priority

from . import drawings
from .drawing_models import CopyStatus, DrawingCopy, TemporaryDrawing


def _user(username):
    return get_user_model().objects.filter(username=username, is_active=True).first()


def seed_drawing_demo():
    planner, line, qc, keeper = (_user(name) for name in ("planner", "production", "qc", "warehouse"))
    if not all((planner, line, qc, keeper)):
        return {"drawings": 0, "overdue": 0}
    issued = 0
    for order in Order.objects.filter(priority=Priority.RUSH, status__in=drawings.ISSUABLE).order_by("number"):
        number = f"DWG-{order.number[-5:]}"
        if TemporaryDrawing.objects.filter(order=order, number=number).exists():
            continue
        drawing = drawings.issue_drawing(actor=planner, order=order, number=number, revision="A",
                                         title="临时改型图 Modified part",
                                         copies=[(line, "production"), (qc, "quality")])
        # QC signs for its copy; the line's copy waits for its holder's signature.
        drawings.sign_copy(actor=qc, copy=drawing.copies.get(copy_no=2))
        issued += 1
    overdue = 0
    complete = (Order.objects.filter(priority=Priority.RUSH, status__in=drawings.COMPLETE)
                .exclude(temporary_drawings__number="DWG-LATE").order_by("number").first())
    if complete is not None:
        now = timezone.now()
        drawing = TemporaryDrawing.objects.create(order=complete, number="DWG-LATE", revision="C",
                                                  title="工装夹具图 Fixture", issued_by=planner,
                                                  issued_at=now - timedelta(days=4))
        for copy_no, (holder, department) in enumerate([(line, "production"), (keeper, "warehouse")], start=1):
            copy = DrawingCopy.objects.create(drawing=drawing, copy_no=copy_no, holder=holder, department=department,
                                              signed_at=now - timedelta(days=4), due_at=now - timedelta(hours=5))
            copy.events.record(action="issued", actor=planner, to_status=CopyStatus.ISSUED)
        drawings.return_copy(actor=keeper, copy=drawing.copies.get(copy_no=2))
        overdue = drawings.watch_drawing_returns()[1]
    return {"drawings": issued, "overdue": overdue}
