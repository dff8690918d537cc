"""MRP runs and the purchase plan (采购计划): the write use-cases.

- `run_mrp` computes the plan (inventory.mrp, with the forecasts of inventory.forecasting) and records it
  as an MrpRun with its lines, their demands and the forecasts, in one transaction. The computation reads
  without locks before the transaction: a run is a snapshot, and the next one sees what changed since.
- `queue_mrp_run` is the "run MRP now" button: the run is made by a Celery task (inventory.tasks), queued
  when the transaction commits; the nightly beat entry runs it as nobody (started_by empty).
- `approve_plan_lines` turns the planner's ticked purchase lines of the newest run into purchase
  requests through the purchase-request service (approved at once when the planner may approve them).
  All or nothing: one bad line refuses the whole selection with its reason and nothing is written. A line
  with a request cannot be approved again (checked under the line's row lock, and a one-to-one column).
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from accounts.permissions import require

from . import forecasting, purchasing
from .models import MrpForecast, MrpLine, MrpLineDemand, MrpRun
from .mrp import DEFAULT_HORIZON_DAYS, MAX_HORIZON_DAYS, compute_mrp

MAX_LINES_PER_APPROVAL = 200
RUN_MRP = "inventory.run_mrp"
APPROVE_LINES = "inventory.approve_mrpline"


def clean_horizon(horizon_days):
    if not isinstance(horizon_days, int) or isinstance(horizon_days, bool) or not 1 <= horizon_days <= MAX_HORIZON_DAYS:
        raise ValidationError({"horizon_days": [_("The horizon is a whole number of days from 1 to %(n)s.")
                                                % {"n": MAX_HORIZON_DAYS}]})
    return horizon_days


def run_mrp(*, actor, horizon_days=DEFAULT_HORIZON_DAYS, include_forecast=True, today=None) -> MrpRun:
    """Plan and record one MRP run. `actor` None: the nightly run, which needs no permission."""
    if actor is not None:
        require(actor, RUN_MRP)
    horizon_days = clean_horizon(horizon_days)
    started = timezone.now()
    plan_date = today or timezone.localdate()
    forecasts = []
    if include_forecast:
        weeks = -(-horizon_days // 7)
        forecasts = forecasting.forecast_items(forecasting.make_to_stock_items(), weeks=weeks, today=plan_date)
    result = compute_mrp(plan_date=plan_date, horizon_days=horizon_days,
                         forecasts={f.item.pk: f.forecast for f in forecasts} if include_forecast else None)
    with transaction.atomic():
        run = MrpRun.objects.create(started_by=actor, started_at=started, plan_date=plan_date,
                                    horizon_days=horizon_days, include_forecast=include_forecast,
                                    orders_planned=result.orders_planned)
        lines = MrpLine.objects.bulk_create(
            MrpLine(run_id=run.pk, kind=p.kind, item_id=p.item.pk, supplier_id=p.supplier_id, need_date=p.need_date,
                    release_date=p.release_date, net_quantity=p.net_quantity, quantity=p.quantity,
                    reorder_point=p.reorder_point, projected_stock=p.projected_stock) for p in result.lines)
        MrpLineDemand.objects.bulk_create(
            MrpLineDemand(line_id=line.pk, order_id=order_id, forecast_week=week, quantity=quantity)
            for line, planned in zip(lines, result.lines, strict=True)
            for order_id, week, quantity in _merged(planned.demands))
        MrpForecast.objects.bulk_create(
            MrpForecast(run_id=run.pk, item_id=item_id, week=week, quantity=quantity)
            for item_id, weeks in result.forecasts.items() for week, quantity in weeks)
        run.finished_at = timezone.now()
        run.save(update_fields=["finished_at"])
    return run


def _merged(demands):
    """One demand row per order or forecast week of a line (an order with two lines of one item is one)."""
    merged = {}
    for order_id, week, quantity in demands:
        key = (order_id, week)
        merged[key] = merged.get(key, Decimal("0")) + quantity
    return [(order_id, week, quantity) for (order_id, week), quantity in merged.items()]


def queue_mrp_run(*, actor, horizon_days=DEFAULT_HORIZON_DAYS):
    """The "run MRP now" button: a Celery task runs it once the request's transaction commits."""
    require(actor, RUN_MRP)
    horizon_days = clean_horizon(horizon_days)
    # cycle: inventory.tasks imports this module to run the plan.
    from . import tasks

    transaction.on_commit(lambda: tasks.run_mrp.delay(actor_id=actor.pk, horizon_days=horizon_days))


def latest_run():
    return MrpRun.objects.filter(finished_at__isnull=False).order_by("-started_at", "-id").first()


def _line_errors(line, newest):
    where = _("%(code)s needed on %(date)s") % {"code": line.item.code, "date": _date(line.need_date)}
    if newest is None or line.run_id != newest.pk:
        return [_("%(where)s: this plan was replaced by a newer MRP run; approve from the newest plan.")
                % {"where": where}]
    if line.purchase_request_id is not None:
        return [_("%(where)s: already approved into purchase request %(number)s.")
                % {"where": where, "number": line.purchase_request.number}]
    if not line.is_approvable:
        return [_("%(where)s: planned production becomes work orders in planning, not a purchase request.")
                % {"where": where}]
    if not line.item.is_active:
        return [_("%(where)s: the item is inactive.") % {"where": where}]
    return []


def _date(day):
    return formats.date_format(day, "SHORT_DATE_FORMAT")


def approve_plan_lines(*, actor, line_ids) -> list:
    """Purchase requests for the plan lines `line_ids` of the newest run (see the module docstring)."""
    require(actor, APPROVE_LINES, "inventory.add_purchaserequest")
    try:
        ids = sorted({int(pk) for pk in line_ids})
    except (TypeError, ValueError):
        raise ValidationError(_("Tick the plan lines to approve.")) from None
    if not ids:
        raise ValidationError(_("Tick the plan lines to approve."))
    if len(ids) > MAX_LINES_PER_APPROVAL:
        raise ValidationError(_("Approve at most %(n)s lines at a time.") % {"n": MAX_LINES_PER_APPROVAL})
    may_approve = actor.has_perm("inventory.approve_purchaserequest")
    today = timezone.localdate()
    with transaction.atomic():
        newest = latest_run()
        lines = list(MrpLine.objects.select_for_update(of=("self",)).select_related("item", "purchase_request")
                     .filter(pk__in=ids).order_by("pk"))
        errors = [_("Plan line %(n)s does not exist.") % {"n": pk} for pk in sorted(set(ids) - {x.pk for x in lines})]
        for line in lines:
            errors.extend(_line_errors(line, newest))
        if errors:
            raise ValidationError(errors)
        requests = []
        for line in lines:
            request = purchasing.create_purchase_request(actor=actor, item=line.item, quantity=line.quantity,
                                                         needed_by=max(line.need_date, today))
            if may_approve:
                request = purchasing.approve_purchase_request(actor=actor, request=request)
            line.purchase_request, line.approved_by, line.approved_at = request, actor, timezone.now()
            line.save(update_fields=["purchase_request", "approved_by", "approved_at"])
            requests.append(request)
    return requests
