"""Planning at factory scale (`python bench/run.py planning`): a full reschedule of all open work through
planning.plans.schedule_open_work, and the server time of the Gantt chart and the daily production plan
with that work on screen (Django test Client in this process, as the planner).

build_factory() makes the factory once per bench database with bulk inserts (found again by its codes
PF-…): three calendars (day shift with a break Monday to Friday, two shifts Monday to Saturday with a
Saturday overtime, round the clock; a holiday in the third week), 30 work centers (1–3 units, efficiency
80–110 %), 100 finished items with a 4-operation routing each (20 % of the operations with an alternative
work center, minimum waits on some), and 500 approved orders of one line (10 % rush, due 5–35 days after
the start) with one work order each whose operations are copied from the routing: 2,000 operations, all
open (planned; every fifth order released) and not yet placed. The factory's time starts on Monday
2 March 2026 00:00 (factory time), so runs are comparable whatever the date. When the database already
holds open work from elsewhere, nothing is generated and the rows name the size measured.

Rows:
- full reschedule: schedule_open_work (reads, the scheduler, the placements written back) in a transaction,
  median of 3 after one warm-up run (target < 2 s), and how much of it the scheduler itself took (the rest is
  reading the open work and writing the placements back); the schedule is checked (every operation placed, no
  two on one unit at once);
- Gantt by work center, month view with the work on screen: p50/p95 of the server time (target p95 < 300 ms)
  and its query count;
- daily production plan of the busiest day, all work centers and the busiest one: p50/p95 (target p95
  < 300 ms) and query counts (all centers: the same as for a quiet day);
- the production plan PDF of the busiest day for the busiest work center and for all of them, rendered in this
  process: informative (the document pipeline renders it in the background).
"""

import random
import time
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from .results import Row, ms, percentile

PREFIX = "PF"
CENTERS = 30
ORDERS = 500
OPERATIONS_PER_ORDER = 4
ITEMS = 100
START_DAY = date(2026, 3, 2)  # a Monday
RESCHEDULE_TARGET_S = 2.0
PAGE_P95_TARGET = 0.300
WARMUP = 3


@dataclass(frozen=True)
class Factory:
    start: datetime  # the scheduling "now" of the factory
    orders: int  # orders with open work
    work_orders: int
    operations: int
    centers: int
    generated: bool  # made by this run (False: found in the database)

    @property
    def label(self):
        return f"{self.orders} orders / {self.operations} ops / {self.centers} WCs"


def factory_start():
    return datetime.combine(START_DAY, datetime.min.time(), tzinfo=ZoneInfo(settings.TIME_ZONE))


def build_factory(*, centers=CENTERS, orders=ORDERS, operations_per_order=OPERATIONS_PER_ORDER, items=ITEMS,
                  seed=11, log=print) -> Factory:
    """The factory described in the module docstring, made once with bulk inserts; the open work already in
    the database when there is some. Import it for other planning benchmarks (what-if, promise)."""
    from planning.models import OPEN_WORK_ORDER_STATUSES, WorkOrder

    open_work = WorkOrder.objects.filter(status__in=OPEN_WORK_ORDER_STATUSES)
    if open_work.exists():
        if not open_work.filter(number__startswith=f"{PREFIX}-").exists():
            log("  open work from elsewhere in the bench database: measuring it instead of a new factory")
        return _size(generated=False)
    log(f"  making the planning factory ({orders} orders, {orders * operations_per_order} operations, "
        f"{centers} work centers) ...")
    started = time.monotonic()
    with transaction.atomic():
        _insert_factory(random.Random(seed), centers=centers, orders=orders,
                        operations_per_order=operations_per_order, items=items)
    log(f"  ... made in {time.monotonic() - started:.1f} s")
    return _size(generated=True)


def _size(*, generated):
    from planning.models import OPEN_WORK_ORDER_STATUSES, WorkCenter, WorkOrder, WorkOrderOperation

    open_orders = WorkOrder.objects.filter(status__in=OPEN_WORK_ORDER_STATUSES)
    mine = open_orders.filter(number__startswith=f"{PREFIX}-").exists()
    earliest = open_orders.order_by("earliest_start").values_list("earliest_start", flat=True).first()
    start = factory_start() if mine or earliest is None else earliest
    return Factory(start=start, orders=open_orders.values("order").distinct().count(),
                   work_orders=open_orders.count(),
                   operations=WorkOrderOperation.objects.filter(work_order__in=open_orders,
                                                                status__in=OPEN_WORK_ORDER_STATUSES).count(),
                   centers=WorkCenter.objects.filter(is_active=True).count(), generated=generated)


def _insert_factory(rng, *, centers, orders, operations_per_order, items):
    from datetime import time as clock

    from inventory.models import Item
    from orders.demo_data import ensure_role_users
    from orders.models import Customer, Order, OrderLine, OrderStatus, Priority, Product
    from planning.models import (
        CalendarException,
        CalendarShift,
        Routing,
        RoutingOperation,
        WorkCalendar,
        WorkCenter,
        WorkOrder,
        WorkOrderOperation,
        WorkOrderStatus,
    )

    users = ensure_role_users()
    start = factory_start()

    def shifts(days, windows):
        return [(day, clock.fromisoformat(a), clock.fromisoformat(b)) for day in days for a, b in windows]

    specs = [(f"{PREFIX} day shift", shifts(range(5), [("08:00", "12:00"), ("13:00", "17:00")])),
             (f"{PREFIX} two shifts", shifts(range(6), [("06:00", "14:00"), ("14:00", "22:00")])),
             (f"{PREFIX} round the clock", shifts(range(7), [("06:00", "14:00"), ("14:00", "22:00"),
                                                             ("22:00", "06:00")]))]
    calendars = WorkCalendar.objects.bulk_create([WorkCalendar(name=name) for name, _week in specs])
    CalendarShift.objects.bulk_create([CalendarShift(calendar=calendar, weekday=day, start=a, end=b)
                                       for calendar, (_name, week) in zip(calendars, specs, strict=True)
                                       for day, a, b in week])
    holiday = START_DAY + timedelta(days=16)
    CalendarException.objects.bulk_create(
        [CalendarException(calendar=calendars[0], date=holiday, kind="holiday"),
         CalendarException(calendar=calendars[1], date=holiday, kind="holiday"),
         CalendarException(calendar=calendars[0], date=START_DAY + timedelta(days=5), kind="overtime",
                           start=clock(8), end=clock(16))])
    work_centers = WorkCenter.objects.bulk_create([
        WorkCenter(code=f"{PREFIX}-WC{c + 1:02d}", name=f"Bench work center {c + 1}", calendar=calendars[c % 3],
                   parallel_units=rng.choice([1, 1, 2, 3]), efficiency_percent=Decimal(rng.choice([80, 90, 100, 110])))
        for c in range(centers)])

    products = Product.objects.bulk_create([
        Product(sku=f"{PREFIX}-P{i + 1:03d}", name=f"计划基准产品 {i + 1}", unit="pcs", list_price=Decimal("10.00"),
                standard_lead_time_days=14) for i in range(items)])
    made = Item.objects.bulk_create([
        Item(code=f"{PREFIX}-F{i + 1:03d}", name=f"计划基准产品 {i + 1}", item_type="finished_good", sourcing="make",
             product=product) for i, product in enumerate(products)])
    routings = Routing.objects.bulk_create([
        Routing(item=item, version=1, is_active=True, valid_from=START_DAY, created_by=users["planner"])
        for item in made])
    steps = []
    for routing in routings:
        for k in range(operations_per_order):
            center = rng.randrange(centers)
            alternative = work_centers[(center + 1) % centers] if rng.random() < 0.2 else None
            steps.append(RoutingOperation(
                routing=routing, sequence=(k + 1) * 10, work_center=work_centers[center],
                alternative_work_center=alternative,
                run_minutes_per_unit=Decimal(rng.choice(["0.5", "1", "1.5", "2"])),
                setup_minutes=Decimal(rng.choice([0, 15, 30, 60])),
                min_wait_minutes=Decimal(rng.choice([0, 0, 0, 30, 240])),
                description=f"工序 {k + 1}"))
    RoutingOperation.objects.bulk_create(steps)
    steps_of = {}
    for step in steps:
        steps_of.setdefault(step.routing_id, []).append(step)

    customer = Customer.objects.create(code=f"{PREFIX}-CUST", name="计划基准客户有限公司",
                                       name_en="Planning bench customer Ltd.", credit_limit=Decimal("0"))
    chosen = [rng.randrange(items) for _n in range(orders)]
    quantities = [Decimal(rng.randint(10, 120)) for _n in range(orders)]
    rush = [rng.random() < 0.1 for _n in range(orders)]
    order_rows = Order.objects.bulk_create([
        Order(number=f"{PREFIX}-2026-{n + 1:05d}", customer=customer, status=OrderStatus.APPROVED,
              requested_date=START_DAY + timedelta(days=rng.randint(5, 35)),
              priority=Priority.RUSH if rush[n] else Priority.NORMAL, rush_reason="bench rush" if rush[n] else "",
              total_amount=quantities[n] * Decimal("10.00"), created_by=users["sales"],
              approved_at=start - timedelta(days=1), search_text=f"{PREFIX}-2026-{n + 1:05d}")
        for n in range(orders)])
    lines = OrderLine.objects.bulk_create([
        OrderLine(order=order, line_no=1, product=products[chosen[n]], quantity=quantities[n],
                  unit_price=Decimal("10.00")) for n, order in enumerate(order_rows)])
    work_orders = WorkOrder.objects.bulk_create([
        WorkOrder(number=f"{PREFIX}-WO-{n + 1:05d}", batch_number=f"{PREFIX}-WO-{n + 1:05d}", order=order,
                  order_line=lines[n], item=made[chosen[n]], quantity=quantities[n], routing=routings[chosen[n]],
                  earliest_start=start + timedelta(hours=rng.randint(0, 120)), created_by=users["planner"],
                  status=WorkOrderStatus.RELEASED if n % 5 == 0 else WorkOrderStatus.PLANNED)
        for n, order in enumerate(order_rows)])
    WorkOrderOperation.objects.bulk_create([
        WorkOrderOperation(work_order=work_order, sequence=step.sequence, routing_operation=step,
                           work_center_id=step.work_center_id,
                           alternative_work_center_id=step.alternative_work_center_id,
                           setup_minutes=step.setup_minutes, run_minutes_per_unit=step.run_minutes_per_unit,
                           min_wait_minutes=step.min_wait_minutes, description=step.description,
                           quantity=work_order.quantity, status=work_order.status)
        for work_order in work_orders for step in steps_of[work_order.routing_id]], batch_size=1000)


# --- measuring -------------------------------------------------------------------------------------

def reschedule(factory):
    """Schedule all open work from the factory's start, in a transaction (as plan_order does)."""
    from planning.plans import schedule_open_work

    with transaction.atomic():
        return schedule_open_work(now=factory.start)


@contextmanager
def _engine_timed(timings):
    """Time planning.scheduling.engine.schedule as schedule_open_work calls it, to tell the scheduler's share
    of a reschedule from the database's."""
    from planning import plans

    original = plans.schedule

    def timed(*args, **kwargs):
        started = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            timings.append(time.perf_counter() - started)

    plans.schedule = timed
    try:
        yield
    finally:
        plans.schedule = original


def schedule_problems():
    """Operations without a placement, and pairs on one unit of a work center that overlap."""
    from planning.models import OPEN_WORK_ORDER_STATUSES, WorkOrderOperation

    ops = list(WorkOrderOperation.objects.filter(status__in=OPEN_WORK_ORDER_STATUSES,
                                                 work_order__status__in=OPEN_WORK_ORDER_STATUSES)
               .values_list("planned_work_center_id", "planned_unit", "planned_start", "planned_end"))
    unplaced = sum(1 for op in ops if op[2] is None)
    overlaps, last_end = 0, {}
    for center, unit, begin, end in sorted(op for op in ops if op[2] is not None):
        if last_end.get((center, unit)) and begin < last_end[(center, unit)]:
            overlaps += 1
        last_end[(center, unit)] = max(end, last_end.get((center, unit), end))
    return unplaced, overlaps


def _timed_get(client, url, params, requests):
    def get():
        response = client.get(url, params)
        if response.status_code != 200:
            raise RuntimeError(f"GET {url} {params} answered {response.status_code}")
        return response

    for _i in range(WARMUP):
        get()
    timings = []
    for _i in range(requests):
        started = time.perf_counter()
        get()
        timings.append(time.perf_counter() - started)
    with CaptureQueriesContext(connection) as queries:
        response = get()
    return percentile(timings, 0.50), percentile(timings, 0.95), len(queries), response


def busiest_day_and_center():
    """The factory day with the most planned operations, and the work center busiest on it."""
    from django.db.models.functions import Coalesce, TruncDate

    from planning.models import WO, WorkOrderOperation

    tz = ZoneInfo(settings.TIME_ZONE)
    by_day = (WorkOrderOperation.objects.exclude(status=WO.CANCELLED).filter(planned_start__isnull=False)
              .annotate(day=TruncDate("planned_start", tzinfo=tz),
                        center=Coalesce("planned_work_center__code", "work_center__code"))
              .values("day", "center").annotate(n=Count("id")))
    per_day, per_center = {}, {}
    for row in by_day:
        per_day[row["day"]] = per_day.get(row["day"], 0) + row["n"]
        per_center[(row["day"], row["center"])] = row["n"]
    day = max(per_day, key=lambda d: (per_day[d], -d.toordinal()))
    center = max((c for d, c in per_center if d == day), key=lambda c: per_center[(day, c)])
    return day, center


PLAN_ROW = 'data-testid="plan-row"'
GANTT_BAR = '<rect class="gantt-bar'


def _count(response, marker):
    """How many times `marker` is in the page (the test Client has no template context outside tests)."""
    return response.content.decode().count(marker)


def page_rows(factory, *, requests=30, log=print):
    from orders.demo_data import ensure_role_users

    planner = Client()
    planner.force_login(ensure_role_users()["planner"])
    rows = []
    day, center = busiest_day_and_center()

    log("  Gantt (month view) ...")
    p50, p95, queries, response = _timed_get(planner, reverse("planning:gantt"),
                                             {"date": factory.start.date().isoformat(), "zoom": "month"}, requests)
    name = f"Gantt by work center, month, {_count(response, GANTT_BAR)} ops on screen"
    rows += [Row(name, "p50/p95 ms", f"{ms(p50)} / {ms(p95)}", f"p95 < {ms(PAGE_P95_TARGET)}", p95 < PAGE_P95_TARGET),
             Row(name, "queries", str(queries))]

    log("  daily production plan ...")
    url = reverse("planning:daily_plan")
    p50, p95, queries, response = _timed_get(planner, url, {"day": day.isoformat()}, requests)
    busy_ops = _count(response, PLAN_ROW)
    quiet_queries = _timed_get(planner, url, {"day": (factory.start - timedelta(days=7)).date().isoformat()}, 1)[2]
    name = f"daily plan {day.isoformat()}, all {factory.centers} WCs, {busy_ops} ops"
    rows += [Row(name, "p50/p95 ms", f"{ms(p50)} / {ms(p95)}", f"p95 < {ms(PAGE_P95_TARGET)}", p95 < PAGE_P95_TARGET),
             Row(f"daily plan queries: {busy_ops} ops vs an empty day", "queries", f"{queries} vs {quiet_queries}",
                 "<= empty day + 0", queries <= quiet_queries)]
    p50, p95, queries, response = _timed_get(planner, url, {"day": day.isoformat(), "center": center}, requests)
    name = f"daily plan {day.isoformat()}, {center}, {_count(response, PLAN_ROW)} ops"
    rows += [Row(name, "p50/p95 ms", f"{ms(p50)} / {ms(p95)}", f"p95 < {ms(PAGE_P95_TARGET)}", p95 < PAGE_P95_TARGET),
             Row(name, "queries", str(queries))]
    return rows, day, center


def pdf_rows(day, center_code, *, samples=3, log=print):
    """The production plan PDF of `day` for the busiest work center (what a machine gets) and for all of them,
    rendered in this process: informative (the pipeline renders it in the background)."""
    from documents.rendering import render_pdf
    from planning.documents import DailyPlanSheet, build_production_plan
    from planning.models import WorkCenter

    log("  production plan PDF ...")
    rows = []
    center = WorkCenter.objects.get(code=center_code)
    for sheet, label in [(DailyPlanSheet(day, center), center_code), (DailyPlanSheet(day), "all WCs")]:
        timings = []
        for _i in range(samples + 1):
            started = time.perf_counter()
            content = build_production_plan(sheet, "zh-hans")
            pdf = render_pdf(content.template_name, content.context, "zh-hans")
            timings.append(time.perf_counter() - started)
        rows.append(Row(f"production plan PDF {day.isoformat()}, {label} (in process, zh-hans)", "p50 s",
                        f"{percentile(timings[1:], 0.5):.2f} ({len(pdf) // 1024} KiB)"))
    return rows


def run(*, requests=30, log=print):
    factory = build_factory(log=log)
    if not factory.operations:
        return [Row("planning at factory scale", "-", "n/a (no open work)")]
    log(f"  full reschedule ({factory.label}) ...")
    reschedule(factory)  # warm-up: the first run also places the new factory's work
    timings, engine = [], []
    with _engine_timed(engine):
        for _i in range(3):
            started = time.perf_counter()
            reschedule(factory)
            timings.append(time.perf_counter() - started)
    seconds = percentile(timings, 0.5)
    engine_seconds = percentile(engine, 0.5)
    unplaced, overlaps = schedule_problems()
    rows = [Row(f"full reschedule, schedule_open_work ({factory.label})", "s", f"{seconds:.2f}",
                f"< {RESCHEDULE_TARGET_S:.0f}", seconds < RESCHEDULE_TARGET_S),
            Row("  of which the scheduler (engine.schedule) / reads and writes", "s",
                f"{engine_seconds:.2f} / {seconds - engine_seconds:.2f}"),
            Row("reschedule check: unplaced / overlapping operations", "count", f"{unplaced} / {overlaps}", "0 / 0",
                unplaced == 0 and overlaps == 0)]
    page, day, center = page_rows(factory, requests=requests, log=log)
    rows += page
    try:
        rows += pdf_rows(day, center, samples=1, log=log)
    except OSError as exc:  # WeasyPrint's libraries or the font missing on this machine
        rows.append(Row("production plan PDF", "p50 s", f"n/a ({type(exc).__name__})"))
    return rows


# --- due-date promise (`python bench/run.py promise`) ---------------------------------------------

PROMISE_P95_TARGET = 0.150
PROMISE_CPU_TARGET = 0.100
WHAT_IF_P95_TARGET = 0.500
RUSH_MOVED_SHARE_TARGET = 0.05
RELEASED_SHARE = 0.8


def _timed_call(function, calls):
    """(p50, p95) of the wall time and the p50 and p95 of this process's CPU time, which a machine busy with
    other jobs inflates less: read it beside the wall time then."""
    for _i in range(WARMUP):
        function()
    timings, cpu = [], []
    for _i in range(calls):
        started, started_cpu = time.perf_counter(), time.process_time()
        function()
        timings.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    _timed_call.cpu_p95 = percentile(cpu, 0.95)
    return percentile(timings, 0.50), percentile(timings, 0.95), percentile(cpu, 0.50)


def _promise_product():
    """A product of the factory that planning can make (an item with an active routing)."""
    from orders.models import Product

    products = Product.objects.filter(item__routings__is_active=True).order_by("sku").distinct()
    return products.filter(sku__startswith=f"{PREFIX}-").first() or products.first()


def _promise_scenario(factory, product, label, calls, *, entry_client=None):
    from planning.models import OPEN_WORK_ORDER_STATUSES, WorkOrderOperation
    from planning.promise import promise_for_lines

    lines = [(product, Decimal("50"))]
    requested = factory.start.date() + timedelta(days=14)
    planned = WorkOrderOperation.objects.filter(status="planned",
                                                work_order__status__in=OPEN_WORK_ORDER_STATUSES).count()
    where = f"{factory.label}, {planned} planned{label}"
    rows = []
    p50, p95, cpu = _timed_call(lambda: promise_for_lines(lines, now=factory.start, requested_date=requested), calls)
    rows.append(Row(f"promise_for_lines ({where})", "p50/p95 ms", f"{ms(p50)} / {ms(p95)} (cpu {ms(cpu)})",
                    f"p95 < {ms(PROMISE_P95_TARGET)}", p95 < PROMISE_P95_TARGET))
    cpu_p95 = _timed_call.cpu_p95
    rows.append(Row(f"  promise CPU time ({where})", "p50/p95 ms", f"{ms(cpu)} / {ms(cpu_p95)}",
                    f"p95 < {ms(PROMISE_CPU_TARGET)}", cpu_p95 < PROMISE_CPU_TARGET))
    explained = promise_for_lines(lines, now=factory.start, requested_date=requested)
    rows.append(Row("  the promise names its limit", "text", str(explained.limit) if explained.ok else "-"))
    if entry_client is not None:
        # The view answers for normal and rush from one read, at the real time (not the factory's start).
        data = {"requested_date": (date.today() + timedelta(days=14)).isoformat(), "priority": "normal",
                "lines-TOTAL_FORMS": "1",
                "lines-INITIAL_FORMS": "0", "lines-0-product": product.sku, "lines-0-quantity": "50"}
        url = reverse("planning:entry_promise")

        def post():
            response = entry_client.post(url, data)
            if response.status_code != 200 or b"promise-date" not in response.content:
                raise RuntimeError(f"POST {url} answered {response.status_code} without a date")

        p50, p95, cpu = _timed_call(post, calls)
        rows.append(Row(f"entry panel POST, normal + rush ({where})", "p50/p95 ms",
                        f"{ms(p50)} / {ms(p95)} (cpu {ms(cpu)})"))
    p50, p95, cpu = _timed_call(lambda: promise_for_lines(lines, now=factory.start, requested_date=requested,
                                                          rush=True, impact=True), calls)
    rows.append(Row(f"what-if: insert 1 rush order + impact ({where})", "p50/p95 ms",
                    f"{ms(p50)} / {ms(p95)} (cpu {ms(cpu)})", f"p95 < {ms(WHAT_IF_P95_TARGET)}",
                    p95 < WHAT_IF_P95_TARGET))
    checked = promise_for_lines(lines, now=factory.start, requested_date=requested, rush=True, impact=True)
    rows.append(Row(f"  the rush order moves{label}", "orders (newly late)",
                    f"{len(checked.moves)} ({len(checked.newly_late)})" if checked.ok else "; ".join(checked.reasons)))
    if checked.ok and checked.operations:
        share = checked.moved_operations / checked.operations
        delays = sorted(move.delay_minutes for move in checked.moves) or [0]
        rows.append(Row(f"  rush insertion moves operations{label}", "moved / all",
                        f"{checked.moved_operations} / {checked.operations} ({share:.1%}); order delay median "
                        f"{delays[len(delays) // 2]} min, max {delays[-1]} min",
                        f"<= {RUSH_MOVED_SHARE_TARGET:.0%}", share <= RUSH_MOVED_SHARE_TARGET))
    return rows


def promise_rows(factory, *, calls=30, log=print):
    """planning.promise on the factory, from its start: as it is (most of its work planned, so placed anew by
    every promise, as plan_order does), and with 80 % of the orders' work released (a fixed plan with the newest
    approvals waiting; made in a transaction that is rolled back). p50/p95 of 30 calls after 3 warm-up calls."""
    from django.db.models import Min

    from orders.demo_data import ensure_role_users
    from planning.models import OPEN_WORK_ORDER_STATUSES, WorkOrder, WorkOrderOperation
    from planning.promise import promise_for_lines

    product = _promise_product()
    if product is None or not factory.operations:
        return [Row("due-date promise", "-", "n/a (no product with a routing, or no open work)")]
    if schedule_problems()[0]:
        log("  placing the open work first (the current schedule the promise works around) ...")
        reschedule(factory)
    sales = Client()
    sales.force_login(ensure_role_users()["sales"])
    log("  promise on the factory as it is ...")
    rows = _promise_scenario(factory, product, "", calls, entry_client=sales)
    with CaptureQueriesContext(connection) as queries:
        promise_for_lines([(product, Decimal("5"))], now=factory.start, requested_date=factory.start.date(),
                          impact=True)
    rows.append(Row("promise with impact: queries (fixed, whatever the open work)", "queries", str(len(queries))))
    log("  promise with 80 % of the work released (rolled back) ...")
    with transaction.atomic():
        orders = list(WorkOrder.objects.filter(status__in=OPEN_WORK_ORDER_STATUSES).values("order")
                      .annotate(first=Min("pk")).order_by("first").values_list("order", flat=True))
        released = orders[:int(len(orders) * RELEASED_SHARE)]
        WorkOrder.objects.filter(order__in=released, status="planned").update(status="released")
        WorkOrderOperation.objects.filter(work_order__order__in=released, status="planned").update(status="released")
        rows += _promise_scenario(factory, product, ", 80 % released", max(5, calls // 3))
        transaction.set_rollback(True)
    return rows
