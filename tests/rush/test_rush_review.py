"""The rush review through the real services: the request with its facts (schedule what-if, materials,
QC load), the three signatures, the manager's decision and what approval does (rush priority, the plan
rescheduled as shown, the moved orders' owners told, the production notice), and every bad input
refused with nothing written."""

import csv as csv_module
import io
import subprocess

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from alerts.models import Alert, AlertRecipient
from documents.models import Document, DocumentStatus
from orders.models import Customer, Order, OrderEvent, OrderStatus
from planning.models import WorkOrderOperation
from rush import services
from rush.models import RushEvent, RushRequest, RushReview, RushStatus
from rush.selectors import board_rows, rush_report
from tests.fixtures.pdf_text import assert_pdf_keeps, long_chinese, long_latin

from .setup import build_shop, in_days, order_of, planned_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(role_users):
    return role_users


@pytest.fixture
def factory(people):
    """A and B planned (not released, so a rush can pass them), R planned too: 30 + 30 + 8 hours on CUT. R
    waiting behind them would finish after the rush date asked for (2 days), so the rush insertion moves
    them (a rush that can wait in free time moves nobody)."""
    shop = build_shop()
    planner = people["planner"]
    a = planned_order(shop, planner, "30", days=5, release=False, username="sales-a")
    b = planned_order(shop, planner, "30", days=6, release=False, username="sales-b")
    r = planned_order(shop, planner, "8", days=20, release=False, username="sales-r")
    return shop, a, b, r


def request(people, order, days=2, reason="客户产线停线 customer line down"):
    return services.request_rush(actor=people["sales"], order=order, requested_date=in_days(days), reason=reason)


def sign_all(people, rush_request, **verdicts):
    for area, role in (("planning", "planner"), ("warehouse", "warehouse"), ("quality", "qc")):
        verdict = verdicts.get(area, "feasible")
        services.sign_review(actor=people[role], request=rush_request, area=area, verdict=verdict,
                             conditions="" if verdict == "feasible" else "overtime on Saturday")


def first_start(order):
    return min(WorkOrderOperation.objects.filter(work_order__order=order).values_list("planned_start", flat=True))


def test_a_request_gathers_the_facts_and_asks_the_reviewers(people, factory):
    _shop, a, b, r = factory
    rush_request = request(people, r)
    assert rush_request.status == RushStatus.REQUESTED and rush_request.number.startswith("RR-")
    schedule = rush_request.facts["schedule"]
    assert schedule["meets_requested"] and schedule["reasons"] == []
    assert {move["order"] for move in schedule["moves"]} == {a.number, b.number}
    # R's 8 working hours go first: each finishes at least 8 hours later (more when a night falls between).
    assert all(move["delay_minutes"] >= 8 * 60 for move in schedule["moves"]), schedule
    assert rush_request.facts["materials"]["shortages"] == []
    assert set(rush_request.facts["quality"]) == {"waiting", "rush_waiting", "inspectors"}
    alert = Alert.objects.get(kind="rush_review_requested")
    assert set(alert.roles) == {"planner", "production", "warehouse", "qc", "manager"}
    assert list(RushEvent.objects.values_list("action", flat=True)) == ["requested"]
    assert Order.objects.get(pk=r.pk).priority == "normal"  # nothing changes before the decision


@pytest.mark.parametrize("days, reason, message", [
    (-1, "line down", "is in the past"),
    (2, "  ", "Give the reason for the rush"),
])
def test_bad_requests_are_refused_and_write_nothing(people, factory, days, reason, message):
    r = factory[3]
    with pytest.raises(ValidationError, match=message):
        request(people, r, days=days, reason=reason)
    assert not RushRequest.objects.exists() and not Alert.objects.filter(kind="rush_review_requested").exists()


def test_a_date_before_the_fastest_route_is_refused_with_the_earliest_date(people, factory):
    shop = factory[0]
    big = order_of(shop, "200", days=40)  # 200 hours: 12.5 working days even as the first job
    with pytest.raises(ValidationError, match="The fastest the factory can make order") as refused:
        request(people, big, days=2)
    assert "Ask for 20" in str(refused.value)  # the earliest date is named
    assert not RushRequest.objects.exists()


def test_one_open_request_per_order_and_not_for_a_rush_or_finished_order(people, factory):
    shop, a, _b, r = factory
    request(people, r)
    with pytest.raises(ValidationError, match="under rush review already"):
        request(people, r)
    rush = order_of(shop, "1", days=10)
    Order.objects.filter(pk=rush.pk).update(priority="rush", rush_reason="x")
    with pytest.raises(ValidationError, match="is a rush order already"):
        request(people, Order.objects.get(pk=rush.pk))
    closed = order_of(shop, "1", status=OrderStatus.CLOSED)
    with pytest.raises(ValidationError, match="cannot be made a rush order now"):
        request(people, closed)
    with pytest.raises(PermissionDenied):
        services.request_rush(actor=people["warehouse"], order=a, requested_date=in_days(3), reason="x")
    assert RushRequest.objects.count() == 1


def test_reviews_are_signed_only_by_their_area_once_with_conditions_when_not_plainly_feasible(people, factory):
    rush_request = request(people, factory[3])
    with pytest.raises(PermissionDenied, match="sign the planning and production review"):
        services.sign_review(actor=people["warehouse"], request=rush_request, area="planning", verdict="feasible")
    with pytest.raises(PermissionDenied):
        services.sign_review(actor=people["sales"], request=rush_request, area="warehouse", verdict="feasible")
    with pytest.raises(ValidationError, match="Write the conditions"):
        services.sign_review(actor=people["qc"], request=rush_request, area="quality", verdict="conditional")
    services.sign_review(actor=people["production"], request=rush_request, area="planning", verdict="feasible")
    with pytest.raises(ValidationError, match="signed already"):
        services.sign_review(actor=people["planner"], request=rush_request, area="planning", verdict="feasible")
    assert list(RushReview.objects.values_list("area", "reviewer__username")) == [("planning", "production")]


def test_approval_needs_a_manager_every_review_and_no_not_feasible(people, factory):
    r = factory[3]
    rush_request = request(people, r)
    services.sign_review(actor=people["planner"], request=rush_request, area="planning", verdict="feasible")
    with pytest.raises(PermissionDenied):
        services.approve_rush(actor=people["planner"], request=rush_request)
    with pytest.raises(ValidationError, match="Reviews still to be signed: Warehouse"):
        services.approve_rush(actor=people["manager"], request=rush_request)
    services.sign_review(actor=people["warehouse"], request=rush_request, area="warehouse", verdict="feasible")
    services.sign_review(actor=people["qc"], request=rush_request, area="quality", verdict="not_feasible",
                         conditions="no inspector free before Monday")
    with pytest.raises(ValidationError, match="judged it not feasible"):
        services.approve_rush(actor=people["manager"], request=rush_request)
    rush_request.refresh_from_db()
    assert rush_request.status == RushStatus.REQUESTED and Order.objects.get(pk=r.pk).priority == "normal"
    with pytest.raises(ValidationError, match="reason for the rejection"):
        services.reject_rush(actor=people["manager"], request=rush_request, reason=" ")
    services.reject_rush(actor=people["manager"], request=rush_request, reason="QC cannot take it")
    assert RushRequest.objects.get(pk=rush_request.pk).status == RushStatus.REJECTED
    assert Alert.objects.filter(kind="rush_rejected", recipients__user=people["sales"]).exists()
    with pytest.raises(ValidationError, match="cannot be changed now"):
        services.approve_rush(actor=people["manager"], request=rush_request)


def test_approval_makes_it_rush_reschedules_as_shown_tells_the_moved_and_issues_the_notice(
        people, factory, settings, tmp_path, django_capture_on_commit_callbacks):
    settings.MEDIA_ROOT = tmp_path
    _shop, a, b, r = factory
    assert first_start(r) > first_start(a)  # before: R waits behind A and B
    rush_request = request(people, r)
    shown = {move["order"]: move["new_finish"] for move in rush_request.facts["schedule"]["moves"]}
    sign_all(people, rush_request, quality="conditional")
    with django_capture_on_commit_callbacks(execute=True):  # the notice is rendered once the approval commits
        services.approve_rush(actor=people["manager"], request=rush_request, note="key customer")

    rush_request.refresh_from_db()
    r.refresh_from_db()
    assert rush_request.status == RushStatus.APPROVED and rush_request.decided_by == people["manager"]
    assert (r.priority, r.promised_date, r.rush_reason) == ("rush", in_days(2), rush_request.reason)
    assert OrderEvent.objects.filter(order=r, action="rush_approved", actor=people["manager"]).exists()
    # The plan now starts with R, and A and B finish where the what-if said.
    assert first_start(r) < first_start(a) < first_start(b)
    for order in (a, b):
        finish = max(WorkOrderOperation.objects.filter(work_order__order=order).values_list("planned_end", flat=True))
        assert timezone.localtime(finish).isoformat(timespec="minutes") == shown[order.number]
    # The owners of A and B are told their new finish; everyone concerned hears of the rush.
    for order, owner in ((a, "sales-a"), (b, "sales-b")):
        assert AlertRecipient.objects.filter(alert__kind="rush_moved_order", user__username=owner,
                                             alert__params__order=order.number).exists()
    assert "planner" in Alert.objects.get(kind="rush_approved").roles
    # The production notice was rendered (eagerly here) and says what it must.
    notice = Document.objects.get(kind="production_notice", object_id=rush_request.pk)
    assert notice.status == DocumentStatus.READY, notice.error
    text = subprocess.run(["pdftotext", "-layout", notice.file.path, "-"], capture_output=True, text=True,
                          check=True).stdout
    for value in ("生产通知单", "RUSH / 急单", rush_request.number, r.number, "overtime on Saturday",
                  rush_request.reason):
        assert value in text, value
    assert list(rush_request.events.values_list("action", flat=True)) == [
        "requested", "reviewed", "reviewed", "reviewed", "approved"]


def test_the_board_shows_each_open_rush_order_with_its_next_step_and_prediction(people, factory, client):
    _shop, a, _b, r = factory
    rush_request = request(people, r)
    sign_all(people, rush_request)
    services.approve_rush(actor=people["manager"], request=rush_request)
    rows = {row.order.number: row for row in board_rows()}
    assert list(rows) == [r.number]
    row = rows[r.number]
    assert row.total_operations == 1 and row.done_operations == 0 and row.owner_role == "planner"
    assert row.predicted_finish is not None and not row.predicted_late
    client.force_login(people["production"])
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("rush:board"))
    assert page.status_code == 200 and r.number in page.content.decode()
    # Each row links to its order's page.
    assert f'<a href="{reverse("orders:detail", args=[r.pk])}">{r.number}</a>' in page.content.decode()
    baseline = len(queries)
    # More rush orders cost no more queries.
    for order in (a,):
        Order.objects.filter(pk=order.pk).update(priority="rush", rush_reason="x")
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("rush:board"))
    assert len(queries) == baseline


def test_the_watch_flags_a_late_rush_order_once_a_day_and_clears_it_when_on_time(people, factory):
    _shop, a, _b, r = factory
    rush_request = request(people, r)
    sign_all(people, rush_request)
    services.approve_rush(actor=people["manager"], request=rush_request)
    Order.objects.filter(pk=r.pk).update(promised_date=in_days(-1))  # its date has passed: predicted late
    assert services.watch_rush_orders() == ([r.number], [])
    r.refresh_from_db()
    assert r.at_risk and r.get_at_risk_reason_display().startswith(services.LATE_MARK)
    assert services.watch_rush_orders() == ([], [])
    assert Alert.objects.filter(kind="rush_at_risk").count() == 1  # once a day
    Order.objects.filter(pk=r.pk).update(promised_date=in_days(5))
    assert services.watch_rush_orders() == ([], [r.number])
    assert not Order.objects.get(pk=r.pk).at_risk
    assert list(OrderEvent.objects.filter(order=r, action__in=["at_risk", "at_risk_cleared"])
                .values_list("action", flat=True)) == ["at_risk", "at_risk_cleared"]


def test_the_report_counts_decisions_review_time_and_the_delay_caused(people, factory, client):
    shop, _a, _b, r = factory
    approved = request(people, r)
    sign_all(people, approved)
    services.approve_rush(actor=people["manager"], request=approved)
    other = order_of(shop, "1", days=10)
    rejected = request(people, other)
    services.reject_rush(actor=people["manager"], request=rejected, reason="no")
    report = rush_report(in_days(-1), in_days(0))
    assert (report.count, report.approved, report.rejected, report.under_review) == (2, 1, 1, 0)
    approved.refresh_from_db()
    caused = approved.decision_facts["schedule"]["total_delay_minutes"]
    assert report.orders_moved == 2 and caused >= 2 * 8 * 60 and report.delay_caused_hours == round(caused / 60, 1)
    assert report.median_review_hours is not None
    client.force_login(people["manager"])
    csv = client.get(reverse("rush:report_export", args=["csv"])).content.decode("utf-8-sig")
    assert approved.number in csv and rejected.number in csv
    # The shared exporter: a cell a spreadsheet would run as a formula is neutralised; XLSX too.
    Customer.objects.filter(pk=approved.order.customer_id).update(name="=HYPERLINK(\"http://x\")")
    text = client.get(reverse("rush:report_export", args=["csv"])).content.decode("utf-8-sig")
    customers = {row[1]: row[2] for row in csv_module.reader(io.StringIO(text))}
    assert customers[approved.order.number] == "'=HYPERLINK(\"http://x\")"
    xlsx = client.get(reverse("rush:report_export", args=["xlsx"]))
    sheet = load_workbook(io.BytesIO(xlsx.content), read_only=True).active
    cells = [cell for row in sheet.iter_rows(values_only=True) for cell in row]
    assert approved.number in cells and rejected.number in cells


def test_pages_answer_by_role(people, factory, client):
    r = factory[3]
    rush_request = request(people, r)
    client.force_login(people["planner"])
    page = client.get(reverse("rush:detail", args=[rush_request.pk])).content.decode()
    assert 'data-testid="sign-planning"' in page and 'data-testid="sign-warehouse"' not in page
    assert 'data-testid="approve-rush"' not in page
    client.force_login(people["manager"])
    assert 'data-testid="approve-rush"' in client.get(reverse("rush:detail", args=[rush_request.pk])).content.decode()
    client.force_login(people["warehouse"])
    assert client.post(reverse("rush:approve", args=[rush_request.pk])).status_code == 403
    assert client.get(reverse("rush:request", args=[r.pk])).status_code == 403
    client.force_login(people["sales"])
    panel = client.get(reverse("rush:order_panel", args=[r.pk])).content.decode()
    assert rush_request.number in panel
    anonymous = client.__class__()
    assert anonymous.get(reverse("rush:board")).status_code == 302


def test_orders_planned_after_their_date_raise_the_order_late_alert_once_a_day(people, factory):
    from planning.late_orders import alert_late_orders

    _shop, a, b, _r = factory
    assert alert_late_orders() == []
    Order.objects.filter(pk=b.pk).update(promised_date=in_days(-1))
    assert alert_late_orders() == [b.number]
    assert alert_late_orders() == [b.number]  # the same day: still one alert
    alert = Alert.objects.get(kind="order_late")
    assert set(alert.recipients.values_list("user__username", flat=True)) >= {"sales-b", "planner", "order_desk"}
    assert alert.next_escalation_at is not None  # the default rule escalates it


def test_long_text_on_the_production_notice_wraps_and_every_character_is_printed(
        people, factory, settings, tmp_path, django_capture_on_commit_callbacks):
    """200-character Chinese and space-less Latin values in every text field the notice prints."""
    from documents import services as document_services
    from documents.tasks import render_document
    from orders.models import Product

    settings.MEDIA_ROOT = tmp_path
    _shop, _a, _b, r = factory
    rush_request = request(people, r)
    sign_all(people, rush_request)
    with django_capture_on_commit_callbacks(execute=True):
        services.approve_rush(actor=people["manager"], request=rush_request)
    values = [long_chinese("客户名称"), long_latin("PO", 60), long_chinese("急单原因", 300)]
    Customer.objects.filter(pk=r.customer_id).update(name=values[0])
    Order.objects.filter(pk=r.pk).update(customer_po=values[1])
    RushRequest.objects.filter(pk=rush_request.pk).update(reason=values[2])
    for n, line in enumerate(r.lines.all()):
        product = {"sku": long_latin(f"P{n}SKU", 37), "name": long_chinese(f"品名{n}"),
                   "specification": long_latin(f"P{n}SPEC", 300)}
        Product.objects.filter(pk=line.product_id).update(**product)
        values += product.values()
    for n, review in enumerate(RushReview.objects.filter(request=rush_request)):
        conditions = long_chinese(f"条件{n}") + long_latin(f"COND{n}")
        RushReview.objects.filter(pk=review.pk).update(conditions=conditions)
        values.append(conditions)
    for language in ("zh-hans", "en"):
        document = document_services.request_document(actor=people["manager"], kind="production_notice",
                                                      obj=RushRequest.objects.get(pk=rush_request.pk),
                                                      language=language)
        render_document(document.pk)
        document.refresh_from_db()
        assert document.status == DocumentStatus.READY, document.error
        assert_pdf_keeps(document.file.path, *values)
