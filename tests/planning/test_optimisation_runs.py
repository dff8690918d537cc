"""The "Optimise" button: runs requested, computed by the Celery task (a real worker on PostgreSQL and Redis,
and eagerly in-process), compared, accepted or discarded; refusals; the sweep; the pages and their rights.

The small factory (build_poor_plan): one round-the-clock work center, closed today (a holiday), so all work
starts at W = tomorrow 00:00 whenever the test runs. Four orders of one item (1 min per unit), all due at the
end of tomorrow (D = W + 1440 min): rush 30 units, "long" 1400, "short1" 60, "short2" 60. The built-in
scheduler's dispatch rule puts the rush order first and then, the due dates being equal, the job with the
most work remaining: rush [W, W+30], long [W+30, W+1430], short1 [W+1430, W+1490], short2 [W+1490, W+1550].
Tardiness by hand: short1 1490 − 1440 = 50, short2 1550 − 1440 = 110, the others on time: 160 minutes, two
late orders. The best order puts long last: short1 ends at W+90, short2 at W+150, long at W+1550, late by
110: 110 minutes, one late order; the rush order stays first (its tardiness counts first) and on time.
"""

import time as clock
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.roles import ROLES
from orders.models import OrderStatus, Priority
from planning import adjustments, optimisation, optimisation_selectors, plans
from planning import services as planning_services
from planning.models import ExceptionKind, OptimisationRun, WorkOrder, WorkOrderEvent, WorkOrderOperation
from planning.models import OptimisationStatus as RS
from planning.tasks import optimise_schedule, sweep_optimisation_runs
from tests.fixtures.concurrency import run_together
from tests.fixtures.factories import ProductFactory, make_order, user_with_role
from tests.inventory.masterdata import make_calendar, make_item, make_routing, make_work_center

ROUND_THE_CLOCK = [(day, start, end) for day in range(7) for start, end in (("00:00", "12:00"), ("12:00", "00:00"))]
WORKER_TIMEOUT = 90


@dataclass
class Factory:
    planner: object
    orders: dict
    start: datetime  # W: when the work center opens

    def minute(self, n):
        return self.start + timedelta(minutes=n)

    def work_order(self, name):
        return WorkOrder.objects.get(order=self.orders[name])


def build_poor_plan():
    admin, sales, planner = user_with_role("admin"), user_with_role("sales"), user_with_role("planner")
    calendar = make_calendar("Round the clock", shifts=ROUND_THE_CLOCK)
    today = timezone.localdate()
    planning_services.add_calendar_exception(actor=admin, calendar=calendar, date=today, kind=ExceptionKind.HOLIDAY)
    center = make_work_center("OPT-1", calendar=calendar)
    product = ProductFactory(sku="OPT-PASTE", name="Paste")
    item = make_item("FG-OPT", item_type="finished_good", sourcing="make", product=product)
    make_routing(item, [(10, center, 0, 1)])
    orders = {}
    for name, quantity, priority in (("rush", 30, Priority.RUSH), ("long", 1400, Priority.NORMAL),
                                     ("short1", 60, Priority.NORMAL), ("short2", 60, Priority.NORMAL)):
        orders[name] = make_order(creator=sales, status=OrderStatus.APPROVED, products=[product],
                                  quantities=[str(quantity)], priority=priority,
                                  rush_reason="line down" if priority == Priority.RUSH else "",
                                  requested_in_days=1, admin=admin)
    for order in orders.values():
        plans.plan_order(actor=planner, order=order)
    start = datetime.combine(today + timedelta(days=1), time(0), tzinfo=ZoneInfo(settings.TIME_ZONE))
    return Factory(planner=planner, orders=orders, start=start)


def placement(work_order):
    op = work_order.operations.get()
    return op.planned_start, op.planned_end


def assert_dispatch_plan(factory):
    """The current plan is the dispatch rule's, as worked out in the module docstring."""
    expected = {"rush": (0, 30), "long": (30, 1430), "short1": (1430, 1490), "short2": (1490, 1550)}
    for name, (begin, end) in expected.items():
        assert placement(factory.work_order(name)) == (factory.minute(begin), factory.minute(end)), name


def assert_optimised_plan(factory):
    assert placement(factory.work_order("rush")) == (factory.minute(0), factory.minute(30))
    assert placement(factory.work_order("long")) == (factory.minute(150), factory.minute(1550))
    shorts = sorted([placement(factory.work_order("short1")), placement(factory.work_order("short2"))])
    assert shorts == [(factory.minute(30), factory.minute(90)), (factory.minute(90), factory.minute(150))]


def assert_proposal_as_worked_out(run):
    assert run.status == RS.DONE, run.error
    assert run.progress_percent == 100
    assert run.proposal["current"] == {"rush_tardiness": 0, "normal_tardiness": 160, "late_orders": 2,
                                       "makespan": run.current_makespan_minutes}
    assert run.proposal["proposed"] == {"rush_tardiness": 0, "normal_tardiness": 110, "late_orders": 1,
                                        "makespan": run.proposed_makespan_minutes}
    assert (run.current_tardiness_minutes, run.proposed_tardiness_minutes) == (160, 110)
    # Both end at W + 1550; the makespan counts from the run's start.
    start = datetime.fromisoformat(run.proposal["start"])
    assert run.current_makespan_minutes == run.proposed_makespan_minutes
    assert start + timedelta(minutes=run.current_makespan_minutes) == datetime.fromisoformat(
        max(row["end"] for row in run.proposal["operations"]))


def assert_placements_are_the_proposal(run):
    rows = run.proposal["operations"]
    assert len(rows) == WorkOrderOperation.objects.filter(status="planned").count() == 4
    for row in rows:
        op = WorkOrderOperation.objects.select_related("planned_work_center", "work_order").get(pk=row["id"])
        assert (op.work_order.number, op.sequence) == (row["work_order"], row["sequence"])
        assert (op.planned_work_center.code, op.planned_unit) == (row["center"], row["unit"])
        assert (op.planned_start, op.planned_end) == (datetime.fromisoformat(row["start"]),
                                                      datetime.fromisoformat(row["end"]))
        assert (op.work_order.planned_start, op.work_order.planned_end) == (op.planned_start, op.planned_end)


def request_and_run(django_capture_on_commit_callbacks, planner, seconds=5):
    """Request a run; the task runs eagerly in-process when the request commits."""
    with django_capture_on_commit_callbacks(execute=True):
        run = optimisation.request_optimisation(actor=planner, time_limit_seconds=seconds)
    run.refresh_from_db()
    return run


# --- the real worker ---------------------------------------------------------------------------------------

def wait_for(run, statuses, timeout=WORKER_TIMEOUT, on_poll=None):
    deadline = clock.monotonic() + timeout
    while clock.monotonic() < deadline:
        run.refresh_from_db()
        if on_poll:
            on_poll(run)
        if run.status in statuses:
            return run
        clock.sleep(0.2)
    raise AssertionError(f"run {run.pk} still {run.status} after {timeout} s")


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_optimises_and_the_planner_accepts(live_celery_worker, client):
    factory = build_poor_plan()
    assert_dispatch_plan(factory)
    client.force_login(factory.planner)
    response = client.post(reverse("planning:optimise"), {"time_limit_seconds": "5"})
    run = OptimisationRun.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("planning:optimisation_run", args=[run.pk])
    assert run.requested_by == factory.planner and run.time_limit_seconds == 5 and len(run.basis) == 64

    panels = []
    wait_for(run, {RS.DONE, RS.FAILED},
             on_poll=lambda r: panels.append(client.get(reverse("planning:optimisation_panel", args=[r.pk]))))
    assert_proposal_as_worked_out(run)
    started, finished, proposal = run.started_at, run.finished_at, run.proposal
    # While queued or running the panel asks to be polled every second; done, it no longer does.
    assert all(p.status_code == 200 for p in panels)
    polled = [p for p in panels if 'data-status="queued"' in p.content.decode()
              or 'data-status="running"' in p.content.decode()]
    assert all('hx-trigger="every 1s"' in p.content.decode() for p in polled)
    html = client.get(reverse("planning:optimisation_run", args=[run.pk])).content.decode()
    assert 'hx-trigger="every 1s"' not in html and 'data-status="done"' in html
    assert 'value="100"' in html and 'data-testid="accept-button"' in html
    for name in ("long", "short1", "short2"):  # their finishes change; the rush order's does not
        assert f'data-order="{factory.orders[name].number}"' in html
    assert f'data-order="{factory.orders["rush"].number}"' not in html

    # A second delivery of the same task does nothing.
    assert optimise_schedule(run.pk) == RS.DONE
    run.refresh_from_db()
    assert (run.started_at, run.finished_at, run.proposal) == (started, finished, proposal)

    response = client.post(reverse("planning:optimisation_accept", args=[run.pk]))
    assert response.status_code == 302
    run.refresh_from_db()
    assert run.status == RS.APPLIED and run.decided_by == factory.planner and run.decided_at is not None
    assert_placements_are_the_proposal(run)
    assert_optimised_plan(factory)
    events = WorkOrderEvent.objects.filter(action="optimised")
    assert sorted(e.work_order.order.number for e in events) == sorted(
        factory.orders[name].number for name in ("long", "short1", "short2"))
    assert all(e.actor == factory.planner and f"Optimisation {run.pk}" in e.get_note_display() for e in events)


def build_job_shop():
    """Sixteen orders of four items through four work centers in different orders, due over three days: too
    hard for CP-SAT to prove optimal in five seconds, so the run searches for its whole time limit."""
    admin, sales, planner = user_with_role("admin"), user_with_role("sales"), user_with_role("planner")
    calendar = make_calendar("Round the clock", shifts=ROUND_THE_CLOCK)
    centers = [make_work_center(f"JS-{n}", calendar=calendar) for n in range(4)]
    routes = [(0, 1, 2, 3), (1, 3, 0, 2), (2, 0, 3, 1), (3, 2, 1, 0)]
    products = []
    for n, route in enumerate(routes):
        product = ProductFactory(sku=f"JS-P{n}")
        item = make_item(f"FG-JS{n}", item_type="finished_good", sourcing="make", product=product)
        make_routing(item, [(10 * (k + 1), centers[c], 5 * (k + 1), 0.5 + 0.25 * ((n + k) % 4))
                            for k, c in enumerate(route)])
        products.append(product)
    orders = [make_order(creator=sales, status=OrderStatus.APPROVED, products=[products[n % 4]],
                         quantities=[str(120 + 70 * ((n * 7) % 9))], requested_in_days=1 + n % 3, admin=admin)
              for n in range(16)]
    for order in orders:
        plans.plan_order(actor=planner, order=order)
    return planner


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_progress_is_written_while_the_solver_searches(live_celery_worker):
    planner = build_job_shop()
    run = optimisation.request_optimisation(actor=planner, time_limit_seconds=5)
    seen = []
    wait_for(run, {RS.DONE, RS.FAILED}, on_poll=lambda r: seen.append((r.status, r.progress_percent)))
    assert run.status == RS.DONE, run.error
    running = [percent for status, percent in seen if status == RS.RUNNING]
    assert any(0 < percent < 100 for percent in running), seen
    assert running == sorted(running)  # it only goes up
    assert run.progress_percent == 100 and run.proposal["solver"]["status"] == "feasible"


# --- the service logic (tasks run eagerly) ----------------------------------------------------------------

@pytest.mark.django_db
def test_request_run_accept_in_process(django_capture_on_commit_callbacks):
    factory = build_poor_plan()
    run = request_and_run(django_capture_on_commit_callbacks, factory.planner)
    assert_proposal_as_worked_out(run)
    assert_dispatch_plan(factory)  # nothing is applied before the planner accepts

    review = optimisation_selectors.run_review(run)
    assert review.better and review.can_apply and not review.stale
    changes = {change.number: change for change in review.changed_orders}
    long, short1 = changes[factory.orders["long"].number], changes[factory.orders["short1"].number]
    assert (long.delta_minutes, long.late_before, long.late_after) == (120, False, True)
    assert (short1.delta_minutes, short1.late_before, short1.late_after) == (-1400, True, False)
    assert factory.orders["rush"].number not in changes

    applied = optimisation.apply_optimisation(actor=factory.planner, run=run)
    assert applied.status == RS.APPLIED and applied.decided_by == factory.planner
    assert_placements_are_the_proposal(applied)
    assert_optimised_plan(factory)
    with pytest.raises(ValidationError, match="Only a finished optimisation can be applied; this one is Applied"):
        optimisation.apply_optimisation(actor=factory.planner, run=run)

    # Run again on the optimised plan: nothing better to find, so nothing can be applied.
    again = request_and_run(django_capture_on_commit_callbacks, factory.planner)
    assert again.status == RS.DONE and again.proposal["proposed"]["normal_tardiness"] == 110
    assert not optimisation_selectors.run_review(again).better
    with pytest.raises(ValidationError, match="not better than the current plan"):
        optimisation.apply_optimisation(actor=factory.planner, run=again)
    again.refresh_from_db()
    assert again.status == RS.DONE
    assert_optimised_plan(factory)


@pytest.mark.django_db
def test_a_duplicate_task_does_nothing(django_capture_on_commit_callbacks):
    factory = build_poor_plan()
    run = request_and_run(django_capture_on_commit_callbacks, factory.planner)
    before = (run.status, run.started_at, run.finished_at, run.proposal, run.basis)
    optimise_schedule.delay(run.pk)
    assert optimisation.run_optimisation(run.pk).pk == run.pk
    run.refresh_from_db()
    assert (run.status, run.started_at, run.finished_at, run.proposal, run.basis) == before


@pytest.mark.django_db
@pytest.mark.parametrize("change", ["lock", "new order", "down time"])
def test_a_stale_proposal_is_refused(django_capture_on_commit_callbacks, change):
    factory = build_poor_plan()
    run = request_and_run(django_capture_on_commit_callbacks, factory.planner)
    if change == "lock":
        op = factory.work_order("short2").operations.get()
        adjustments.set_operation_lock(actor=factory.planner, operation=op, locked=True,
                                       expected_version=adjustments.operation_version(op))
    elif change == "new order":
        order = make_order(creator=user_with_role("sales"), status=OrderStatus.APPROVED,
                           products=[factory.orders["long"].lines.get().product], quantities=["10"],
                           requested_in_days=5)
        plans.plan_order(actor=factory.planner, order=order)
    else:
        from planning.models import WorkCenter

        WorkCenter.objects.filter(code="OPT-1").update(down_until=factory.minute(60))
    placements = sorted(WorkOrderOperation.objects.values_list("pk", "planned_start", "planned_end"))
    assert optimisation_selectors.run_review(run).stale
    with pytest.raises(ValidationError, match="The plan changed since this optimisation ran; run it again."):
        optimisation.apply_optimisation(actor=factory.planner, run=run)
    run.refresh_from_db()
    assert run.status == RS.DONE and run.decided_at is None
    assert sorted(WorkOrderOperation.objects.values_list("pk", "planned_start", "planned_end")) == placements
    assert not WorkOrderEvent.objects.filter(action="optimised").exists()


@pytest.mark.django_db
def test_an_old_proposal_is_refused(django_capture_on_commit_callbacks):
    factory = build_poor_plan()
    run = request_and_run(django_capture_on_commit_callbacks, factory.planner)
    OptimisationRun.objects.filter(pk=run.pk).update(finished_at=timezone.now() - timedelta(hours=2))
    with pytest.raises(ValidationError, match="more than an hour old"):
        optimisation.apply_optimisation(actor=factory.planner, run=run)
    assert_dispatch_plan(factory)


@pytest.mark.django_db
@pytest.mark.parametrize("limit", [4, 301, 0, -5, "", "  ", "abc", "10.5", None, True])
def test_bad_time_limits_are_refused(limit):
    factory = build_poor_plan()
    with pytest.raises(ValidationError, match="Enter a time limit of 5 to 300 seconds."):
        optimisation.request_optimisation(actor=factory.planner, time_limit_seconds=limit)
    assert not OptimisationRun.objects.exists()


@pytest.mark.django_db
def test_the_limits_themselves_are_accepted():
    assert optimisation.parse_time_limit("5") == 5 and optimisation.parse_time_limit(300) == 300


@pytest.mark.django_db
def test_one_run_at_a_time(client):
    factory = build_poor_plan()
    first = optimisation.request_optimisation(actor=factory.planner, time_limit_seconds=10)  # stays queued here
    assert first.status == RS.QUEUED
    with pytest.raises(ValidationError, match="already queued or running"):
        optimisation.request_optimisation(actor=factory.planner, time_limit_seconds=10)
    OptimisationRun.objects.filter(pk=first.pk).update(status=RS.RUNNING, started_at=timezone.now())
    with pytest.raises(ValidationError, match="already queued or running"):
        optimisation.request_optimisation(actor=user_with_role("planner"), time_limit_seconds=10)
    client.force_login(factory.planner)
    response = client.post(reverse("planning:optimise"), {"time_limit_seconds": "10"})
    assert response.status_code == 400
    assert "already queued or running" in response.content.decode()
    assert OptimisationRun.objects.count() == 1


@pytest.mark.django_db
def test_nothing_to_optimise_is_refused():
    with pytest.raises(ValidationError, match="no open work"):
        optimisation.request_optimisation(actor=user_with_role("planner"), time_limit_seconds=10)


@pytest.mark.django_db
def test_discard(django_capture_on_commit_callbacks):
    factory = build_poor_plan()
    run = request_and_run(django_capture_on_commit_callbacks, factory.planner)
    other = user_with_role("planner")
    discarded = optimisation.discard_optimisation(actor=other, run=run)
    assert discarded.status == RS.DISCARDED and discarded.decided_by == other
    with pytest.raises(ValidationError, match="this one is Discarded"):
        optimisation.apply_optimisation(actor=factory.planner, run=run)
    with pytest.raises(ValidationError, match="this one is Discarded"):
        optimisation.discard_optimisation(actor=factory.planner, run=run)
    assert_dispatch_plan(factory)


@pytest.mark.django_db
def test_a_failed_run_shows_its_error(django_capture_on_commit_callbacks, client):
    factory = build_poor_plan()
    # An operation without a place in the plan (as an import that skipped scheduling would leave it).
    op = factory.work_order("short1").operations.get()
    WorkOrderOperation.objects.filter(pk=op.pk).update(planned_start=None, planned_end=None)
    run = request_and_run(django_capture_on_commit_callbacks, factory.planner)
    assert run.status == RS.FAILED and run.finished_at is not None
    assert run.error == f"Operation 10 of work order {op.work_order.number} has no place in the current plan."
    client.force_login(factory.planner)
    html = client.get(reverse("planning:optimisation_run", args=[run.pk])).content.decode()
    assert 'data-testid="run-error"' in html and run.error in html and "hx-trigger" not in html
    assert 'data-testid="accept-button"' not in html
    # A failed run does not block the next request.
    assert optimisation.request_optimisation(actor=factory.planner, time_limit_seconds=5).status == RS.QUEUED


@pytest.mark.django_db
def test_the_sweep_fails_stuck_runs_and_resends_lost_ones(client):
    factory = build_poor_plan()
    now = timezone.now()
    stuck = OptimisationRun.objects.create(requested_by=factory.planner, time_limit_seconds=30, status=RS.RUNNING,
                                           started_at=now - timedelta(seconds=30) - optimisation.STUCK_AFTER
                                           - timedelta(seconds=1))
    assert optimisation.fail_stuck_runs() == 1
    stuck.refresh_from_db()
    assert stuck.status == RS.FAILED and "did not finish within its time limit" in stuck.error
    assert stuck.error_values == {}  # a system text: read in the reader's language
    client.force_login(factory.planner)
    html = client.get(reverse("planning:optimisation_run", args=[stuck.pk])).content.decode()
    assert stuck.error in html

    still_searching = OptimisationRun.objects.create(requested_by=factory.planner, time_limit_seconds=300,
                                                     status=RS.RUNNING, started_at=now - timedelta(seconds=200))
    forgotten = OptimisationRun.objects.create(requested_by=factory.planner, status=RS.QUEUED,
                                               created_at=now - optimisation.QUEUED_GIVE_UP - timedelta(minutes=1))
    assert optimisation.fail_stuck_runs() == 1
    forgotten.refresh_from_db()
    still_searching.refresh_from_db()
    assert forgotten.status == RS.FAILED and "No worker started" in forgotten.error
    assert still_searching.status == RS.RUNNING

    OptimisationRun.objects.filter(pk=still_searching.pk).update(status=RS.FAILED)
    lost = OptimisationRun.objects.create(requested_by=factory.planner, time_limit_seconds=5, status=RS.QUEUED,
                                          basis="x", created_at=now - timedelta(minutes=2))
    fresh = OptimisationRun.objects.create(requested_by=factory.planner, time_limit_seconds=5, status=RS.QUEUED)
    assert optimisation.lost_run_ids() == [lost.pk]
    sweep_optimisation_runs()  # eager: the lost run's task runs now
    lost.refresh_from_db()
    fresh.refresh_from_db()
    assert lost.status == RS.DONE and lost.proposal["proposed"]["normal_tardiness"] == 110
    assert fresh.status == RS.QUEUED


# --- races (PostgreSQL) ------------------------------------------------------------------------------------

@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_requests_at_once_make_one_run(postgres_only):
    factory = build_poor_plan()
    other = user_with_role("planner")
    results = run_together(lambda: optimisation.request_optimisation(actor=factory.planner, time_limit_seconds=5),
                           lambda: optimisation.request_optimisation(actor=other, time_limit_seconds=5))
    runs = [r for r in results if isinstance(r, OptimisationRun)]
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(runs) == 1 and len(refused) == 1, results
    assert "already queued or running" in refused[0].messages[0]
    assert OptimisationRun.objects.count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_accept_clicked_twice_applies_once(postgres_only):
    factory = build_poor_plan()
    run = optimisation.request_optimisation(actor=factory.planner, time_limit_seconds=5)  # eager on commit
    run.refresh_from_db()
    assert run.status == RS.DONE, run.error
    results = run_together(*[lambda: optimisation.apply_optimisation(actor=factory.planner, run=run)] * 2)
    assert sum(isinstance(r, OptimisationRun) for r in results) == 1, results
    assert any(isinstance(r, ValidationError) and "this one is Applied" in r.messages[0] for r in results), results
    assert_optimised_plan(factory)
    assert WorkOrderEvent.objects.filter(action="optimised").count() == 3


# --- pages -------------------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_pages_for_the_planner(client, django_capture_on_commit_callbacks, django_assert_max_num_queries):
    factory = build_poor_plan()
    client.force_login(factory.planner)
    assert 'href="/planning/optimise/"' in client.get(reverse("planning:plan_list")).content.decode()
    page = client.get(reverse("planning:optimise"))
    assert page.status_code == 200 and 'data-testid="optimise-button"' in page.content.decode()

    response = client.post(reverse("planning:optimise"), {"time_limit_seconds": "301"})
    assert response.status_code == 400
    assert "Enter a time limit of 5 to 300 seconds." in response.content.decode()
    assert not OptimisationRun.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("planning:optimise"), {"time_limit_seconds": "5"})
    run = OptimisationRun.objects.get()
    assert response["Location"] == reverse("planning:optimisation_run", args=[run.pk])
    with django_assert_max_num_queries(14):
        html = client.get(reverse("planning:optimisation_run", args=[run.pk])).content.decode()
    assert 'data-testid="comparison"' in html and 'data-testid="accept-button"' in html
    assert html.count('data-testid="changed-order"') == 3
    # The two mini Gantt charts: the four operations each, linking to their orders' plans.
    assert 'data-testid="chart-current"' in html and 'data-testid="chart-proposed"' in html
    assert html.count('class="gantt-bar') == 8
    assert html.count(f'href="{reverse("planning:plan_detail", args=[factory.orders["long"].pk])}"') >= 3

    listing = client.get(reverse("planning:optimise"), {"status": "done"}).content.decode()
    assert listing.count('data-testid="optimisation-run-row"') == 1
    assert client.get(reverse("planning:optimise"), {"status": "failed"}).content.decode().count(
        'data-testid="optimisation-run-row"') == 0

    response = client.post(reverse("planning:optimisation_discard", args=[run.pk]), follow=True)
    assert "was discarded" in response.content.decode()
    run.refresh_from_db()
    assert run.status == RS.DISCARDED
    response = client.post(reverse("planning:optimisation_accept", args=[run.pk]), follow=True)
    assert "this one is Discarded" in response.content.decode()
    assert client.get(reverse("planning:optimisation_accept", args=[run.pk])).status_code == 405


@pytest.mark.django_db
def test_other_roles_get_403_on_every_view():
    from django.test import Client

    factory = build_poor_plan()
    run = OptimisationRun.objects.create(requested_by=factory.planner, status=RS.DONE)
    views = [("get", reverse("planning:optimise")), ("post", reverse("planning:optimise")),
             ("get", reverse("planning:optimisation_run", args=[run.pk])),
             ("get", reverse("planning:optimisation_panel", args=[run.pk])),
             ("post", reverse("planning:optimisation_accept", args=[run.pk])),
             ("post", reverse("planning:optimisation_discard", args=[run.pk]))]
    others = [role for role in ROLES if not user_with_role(role).has_perm("orders.plan_order")]
    assert "sales" in others and "warehouse" in others
    for role in others:
        client = Client()
        client.force_login(user_with_role(role))
        for method, url in views:
            assert getattr(client, method)(url, {"time_limit_seconds": "5"}).status_code == 403, (role, url)
        with pytest.raises(PermissionDenied, match="Your role may not do this"):
            optimisation.apply_optimisation(actor=user_with_role(role), run=run)
    assert not OptimisationRun.objects.exclude(pk=run.pk).exists()
    run.refresh_from_db()
    assert run.status == RS.DONE


# --- in a real browser -------------------------------------------------------------------------------------

@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_planner_optimises_in_the_browser(page, live_server, login):
    from playwright.sync_api import expect

    factory = build_poor_plan()
    login(page, live_server, factory.planner.username, "pw-OrderFlow-2026")
    page.goto(f"{live_server.url}{reverse('planning:plan_list')}")
    page.get_by_test_id("optimise-link").click()
    page.locator("#id_time_limit_seconds").fill("5")
    page.get_by_test_id("optimise-button").click()  # the task runs in-process here (no broker)
    expect(page.get_by_test_id("run-status")).to_have_text("Done", timeout=30_000)
    expect(page.get_by_test_id("changed-order")).to_have_count(3)
    expect(page.get_by_test_id("figure-late-orders").locator("td")).to_have_text(["2", "1"])
    page.screenshot(path="/tmp/optimisation-run.png", full_page=True)
    page.get_by_test_id("accept-button").click()
    expect(page.get_by_test_id("run-status")).to_have_text("Applied")
    expect(page.get_by_test_id("accept-button")).to_have_count(0)
    assert_optimised_plan(factory)
