"""The material prep sheet through the services and pages: generation (reservations FEFO, picking-walk
order, short lines), issue by scanning (partial, item code, substitutes), every bad input refused with
nothing written, the double scan, production's acceptance moving the order to materials ready, returns,
the order's cancellation, the PDF (rendered in-process and by the real worker, read with pdftotext),
the day's print batch, and two issues of one line at once on PostgreSQL."""

import re
import time as clock
import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from alerts.models import Alert
from documents import services as document_services
from documents.models import DocumentStatus
from documents.tasks import render_document
from inventory import prep_sheet_issuing, prep_sheets, purchasing, requirements, stock_services
from inventory.documents import KIND
from inventory.models import (
    LotStatus,
    MaterialPrepSheet,
    MaterialPrepSheetLine,
    MoveKind,
    PrepSheetMove,
    PurchaseRequest,
    Reservation,
    StockBalance,
    StockMove,
)
from inventory.stock_services import LotInput
from orders import services as order_services
from orders.models import Order, OrderEvent, OrderStatus
from tests.documents.conftest import pdf_text
from tests.fixtures.concurrency import run_together
from tests.fixtures.factories import user_with_role
from tests.fixtures.pdf_text import assert_pdf_keeps, long_chinese, long_latin
from tests.inventory.materialdata import assert_refused, machine_order, make_machine
from tests.inventory.stockdata import keeper, ledger_mismatches, make_location, make_warehouse, receive

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.fixture(autouse=True)
def media_root(request, settings, tmp_path):
    if request.node.get_closest_marker("worker") is None:
        settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def machine():
    return make_machine()


@pytest.fixture
def shelves():
    warehouse = make_warehouse("WH1")
    # Codes and picking walk deliberately in different orders.
    return {code: make_location(code, warehouse=warehouse, pick_sequence=seq)
            for code, seq in [("Z-01", 1), ("A-05", 2), ("M-03", 3), ("B-02", 4)]}


@pytest.fixture
def stocked(machine, shelves):
    """For 1 machine (12 screws, 6 gaskets, 1.306 kg steel): screws and gaskets enough, steel in two
    lots (the one expiring first at the far end of the walk), 0.3 kg short."""
    today = timezone.localdate()
    receive(machine.screw, shelves["B-02"], "50", lot="SC-1")
    receive(machine.gasket, shelves["Z-01"], "20", lot="GK-1")
    receive(machine.steel, shelves["A-05"], "0.5", lot="ST-LATE", expiry=today + timedelta(days=90))
    receive(machine.steel, shelves["M-03"], "0.506", lot="ST-SOON", expiry=today + timedelta(days=10))
    return machine


@pytest.fixture
def planned(stocked):
    return machine_order(stocked, quantity="1", status=OrderStatus.PLANNED, priority="rush",
                         rush_reason="客户停线 line down")


@pytest.fixture
def sheet(planned):
    return prep_sheets.generate_prep_sheet(actor=keeper(), order=planned)


def lines_of(sheet):
    return list(MaterialPrepSheetLine.objects.filter(sheet=sheet).select_related("item", "lot", "location")
                .order_by("line_no"))


def written():
    return (StockMove.objects.count(), PrepSheetMove.objects.count(),
            list(MaterialPrepSheetLine.objects.order_by("pk").values_list("issued_quantity", "returned_quantity",
                                                                          "accepted_quantity")),
            list(MaterialPrepSheet.objects.order_by("pk").values_list("status", flat=True)),
            list(StockBalance.objects.order_by("pk").values_list("on_hand", "reserved")),
            list(Reservation.objects.order_by("pk").values_list("status", "consumed")),
            list(Order.objects.order_by("pk").values_list("status", flat=True)))


def refused(call, *fragments):
    return assert_refused(call, written, *fragments)


def issue(sheet, code, quantity=None, **kwargs):
    return prep_sheet_issuing.issue_prep_sheet_material(actor=keeper(), sheet=sheet, code=code,
                                                        quantity=D(quantity) if quantity else None, **kwargs)


# --- generating --------------------------------------------------------------------------------------

def test_sheet_lists_the_picks_in_walk_order_from_fefo_reservations(sheet, planned):
    assert re.fullmatch(rf"MP-{timezone.localdate().year}-\d{{5}}", sheet.number)
    rows = [(ln.line_no, ln.item.code, ln.required_quantity, ln.lot.number if ln.lot else None,
             ln.location.code if ln.location else None) for ln in lines_of(sheet)]
    # Steel: 1.306 kg; the lot expiring first (ST-SOON, 0.506) is taken first, then ST-LATE 0.5;
    # 0.3 kg is not in stock and comes last. Lines follow the walk: Z-01, A-05, M-03, B-02.
    assert rows == [
        (1, "RM-GASKET", D("6"), "GK-1", "Z-01"),
        (2, "RM-STEEL", D("0.5"), "ST-LATE", "A-05"),
        (3, "RM-STEEL", D("0.506"), "ST-SOON", "M-03"),
        (4, "RM-SCREW", D("12"), "SC-1", "B-02"),
        (5, "RM-STEEL", D("0.3"), None, None),
    ]
    reserved = {(r.item.code, r.lot.number): r.quantity for r in Reservation.objects.filter(order=planned)}
    assert reserved == {("RM-GASKET", "GK-1"): D("6"), ("RM-STEEL", "ST-LATE"): D("0.5"),
                        ("RM-STEEL", "ST-SOON"): D("0.506"), ("RM-SCREW", "SC-1"): D("12")}
    assert list(sheet.events.values_list("action", "to_status")) == [("created", "draft")]
    # One open sheet per order; only planned orders get one.
    refused(lambda: prep_sheets.generate_prep_sheet(actor=keeper(), order=planned), sheet.number)
    approved = machine_order(make_machine(sku="CM-200", prefix="X"), quantity="1")
    refused(lambda: prep_sheets.generate_prep_sheet(actor=keeper(), order=approved), "planned")
    with pytest.raises(PermissionDenied):
        prep_sheets.generate_prep_sheet(actor=user_with_role("sales"), order=planned)


def test_reserve_sets_aside_what_the_order_needs_and_is_free(planned, stocked, client):
    made = prep_sheets.reserve_order_materials(actor=keeper(), order=planned)
    assert {(r.item.code, r.lot.number, r.quantity) for r in made} == {
        ("RM-GASKET", "GK-1", D("6")), ("RM-SCREW", "SC-1", D("12")), ("RM-STEEL", "ST-SOON", D("0.506")),
        ("RM-STEEL", "ST-LATE", D("0.5"))}
    refused(lambda: prep_sheets.reserve_order_materials(actor=keeper(), order=planned), "Nothing to reserve")
    other = machine_order(stocked, quantity="1")
    steel = requirements.order_requirements(other).component(stocked.steel)
    assert (steel.available, steel.shortage) == (0, D("1.306"))  # the free steel went to the first order
    with pytest.raises(PermissionDenied):
        prep_sheets.reserve_order_materials(actor=user_with_role("sales"), order=other)
    client.force_login(keeper())
    response = client.post(reverse("inventory:order_materials_reserve", args=[other.pk]))
    assert response.status_code == 302  # gaskets and screws are still free for it
    assert Reservation.objects.filter(order=other, item=stocked.screw).exists()


def test_the_days_sheets_are_made_for_every_planned_order_without_one(planned, stocked, client):
    second = machine_order(stocked, quantity="1", status=OrderStatus.PLANNED)
    machine_order(stocked, quantity="1")  # approved: no sheet yet
    first_sheet = prep_sheets.generate_prep_sheet(actor=keeper(), order=planned)
    client.force_login(keeper())
    response = client.post(reverse("inventory:prep_sheet_generate_all"))
    assert response.status_code == 302
    assert set(MaterialPrepSheet.objects.values_list("order__number", flat=True)) == {planned.number, second.number}
    assert MaterialPrepSheet.objects.get(order=planned) == first_sheet
    listing = client.get(reverse("inventory:prep_sheet_list"), {"status": "open"}).content.decode()
    assert first_sheet.number in listing and second.number in listing


# --- issuing -----------------------------------------------------------------------------------------

def test_scanning_issues_what_each_line_needs_and_the_order_holds_it(sheet, planned, shelves, stocked):
    result = issue(sheet, "GK-1")  # a lot number: the line and the quantity follow from it
    assert (result.move.line.line_no, result.move.quantity, result.duplicate) == (1, D("6"), False)
    sheet.refresh_from_db()
    assert sheet.status == "partially_issued"
    issue(sheet, "ST-SOON", "0.2")  # part of line 3
    issue(sheet, "ST-SOON")  # the rest of it: 0.306
    issue(sheet, "rm-screw")  # an item code: its suggested lot and bin
    issue(sheet, "ST-LATE")
    lines = lines_of(sheet)
    assert [(ln.line_no, ln.net_issued, ln.to_issue) for ln in lines] == [
        (1, D("6"), 0), (2, D("0.5"), 0), (3, D("0.506"), 0), (4, D("12"), 0), (5, 0, D("0.3"))]
    moves = StockMove.objects.filter(kind=MoveKind.ISSUE, order=planned)
    assert {m.document_number for m in moves} == {sheet.number}
    assert StockBalance.objects.get(item=stocked.screw).on_hand == D("38")
    # The reservations were consumed by the issues; the order holds what was issued.
    assert not Reservation.objects.filter(order=planned, status="active").exists()
    steel = requirements.order_requirements(planned).component(stocked.steel)
    assert (steel.issued, steel.reserved, steel.shortage) == (D("1.006"), 0, D("0.3"))
    # The short line is issued once stock arrives, from the lot scanned.
    receive(stocked.steel, shelves["B-02"], "1", lot="ST-NEW")
    issue(sheet, "ST-NEW")
    sheet.refresh_from_db()
    assert sheet.status == "issued"
    assert list(sheet.events.values_list("action", flat=True)) == ["created"] + ["issued"] * 6
    assert ledger_mismatches() == []


def test_issuing_from_another_lot_gives_back_the_reservation_not_needed(sheet, planned, shelves, stocked):
    receive(stocked.gasket, shelves["A-05"], "10", lot="GK-2")
    issue(sheet, "GK-2", "4")
    gasket = Reservation.objects.get(order=planned, item=stocked.gasket, status="active")
    assert (gasket.lot.number, gasket.quantity) == ("GK-1", D("2"))  # 6 reserved − 4 issued elsewhere
    assert StockBalance.objects.get(item=stocked.gasket, lot__number="GK-1").reserved == D("2")
    issue(sheet, "GK-1")
    assert not Reservation.objects.filter(order=planned, item=stocked.gasket, status="active").exists()


def test_the_same_scan_submitted_twice_posts_once(sheet):
    key = uuid.uuid4()
    first = issue(sheet, "GK-1", "2", entry_key=key)
    again = issue(sheet, "GK-1", "2", entry_key=key)
    assert again.duplicate and again.move == first.move
    assert StockMove.objects.filter(kind=MoveKind.ISSUE).count() == 1
    assert lines_of(sheet)[0].issued_quantity == D("2")


def test_bad_scans_are_refused_with_a_clear_message_and_nothing_written(sheet, planned, shelves, stocked):
    today = timezone.localdate()
    stock_services.receive_stock(actor=keeper(), item=stocked.gasket, location=shelves["Z-01"], quantity=D("5"),
                                 lot_input=LotInput(number="GK-Q", status=LotStatus.QUARANTINE))
    receive(stocked.gasket, shelves["Z-01"], "5", lot="GK-OLD", expiry=today - timedelta(days=1))
    other = make_machine(sku="CM-300", prefix="Y")
    receive(other.screw, shelves["B-02"], "5", lot="YSC-1")
    refused(lambda: issue(sheet, "GK-Q"), "GK-Q", "quarantine")
    refused(lambda: issue(sheet, "GK-OLD"), "GK-OLD", "expired")
    refused(lambda: issue(sheet, "YSC-1"), "YSC-1", "YRM-SCREW", "not on prep sheet")
    refused(lambda: issue(sheet, "YRM-SCREW"), "YRM-SCREW", "not on prep sheet")
    refused(lambda: issue(sheet, "NO-SUCH-CODE"), "NO-SUCH-CODE")
    refused(lambda: issue(sheet, " "), "Scan or type")
    refused(lambda: issue(sheet, "GK-1", "7"), "needs only 6")
    refused(lambda: issue(sheet, "GK-1", "-1"), "greater than zero")
    refused(lambda: issue(sheet, "GK-1", "0.5"), "Issue 0.5 pcs: RM-GASKET is counted in pcs with at most 0 decimals")
    with pytest.raises(PermissionDenied):
        prep_sheet_issuing.issue_prep_sheet_material(actor=user_with_role("production"), sheet=sheet, code="GK-1")
    # An order on hold or cancelled gets nothing.
    order_services.hold_order(actor=user_with_role("order_desk"), order=planned, reason="customer query")
    refused(lambda: issue(sheet, "GK-1"), f"Order {planned.number} is on hold: no material is issued for it until it "
                                          "is resumed.")
    order_services.resume_order(actor=user_with_role("order_desk"), order=planned)
    order_services.cancel_order(actor=user_with_role("order_desk"), order=planned, reason="customer withdrew")
    refused(lambda: issue(sheet, "GK-1"), planned.number, "cancelled")


def test_a_substitute_needs_an_approval_with_a_reason_and_is_recorded(sheet, shelves, stocked):
    from tests.inventory.masterdata import make_item

    alt = make_item("RM-GASKET-B", name="密封圈 B 型", specification="Ø40 氟橡胶")
    receive(alt, shelves["Z-01"], "10", lot="GKB-1")
    line = lines_of(sheet)[0]
    refused(lambda: issue(sheet, "GKB-1"), "not on prep sheet")
    with pytest.raises(PermissionDenied):
        prep_sheets.approve_substitution(actor=keeper(), line=line, substitute=alt, reason="GK-1 damaged")
    planner = user_with_role("planner")
    with pytest.raises(ValidationError, match="reason"):
        prep_sheets.approve_substitution(actor=planner, line=line, substitute=alt, reason=" ")
    steel_alt = make_item("RM-STEEL-B", unit="kg")
    with pytest.raises(ValidationError, match="same unit"):
        prep_sheets.approve_substitution(actor=planner, line=line, substitute=steel_alt, reason="try")
    prep_sheets.approve_substitution(actor=planner, line=line, substitute=alt, reason="GK-1 damaged in transit")
    result = issue(sheet, "GKB-1")
    assert (result.move.item, result.move.quantity, result.move.line) == (alt, D("6"), line)
    line.refresh_from_db()
    assert (line.substitute_item, line.substitute_approved_by, line.to_issue) == (alt, planner, 0)
    # The reservation on the original gaskets is given back.
    assert StockBalance.objects.get(item=stocked.gasket).reserved == 0
    notes = " ".join(event.get_note_display() for event in sheet.events.all())
    assert "RM-GASKET-B" in notes and "GK-1 damaged in transit" in notes


# --- acceptance, returns, cancellation ---------------------------------------------------------------

def _issue_the_rest(sheet, shelves, stocked):
    receive(stocked.steel, shelves["B-02"], "1", lot="ST-NEW")
    for code in ("ST-LATE", "ST-SOON", "SC-1", "ST-NEW"):
        issue(sheet, code)


def test_production_accepts_and_the_order_becomes_materials_ready(sheet, planned, shelves, stocked):
    production = user_with_role("production")
    refused(lambda: prep_sheets.accept_prep_sheet(actor=production, sheet=sheet, accepted=[lines_of(sheet)[0].pk]),
            "Nothing has been issued")
    issue(sheet, "GK-1")
    first, *rest = lines_of(sheet)
    refused(lambda: prep_sheets.accept_prep_sheet(actor=production, sheet=sheet, accepted=[rest[0].pk]),
            "Line 2", "nothing issued")
    refused(lambda: prep_sheets.accept_prep_sheet(actor=production, sheet=sheet, discrepancies={first.pk: " "}),
            "describe the discrepancy")
    refused(lambda: prep_sheets.accept_prep_sheet(actor=production, sheet=sheet, accepted=[first.pk],
                                                  discrepancies={first.pk: "x"}), "not both")
    with pytest.raises(PermissionDenied):
        prep_sheets.accept_prep_sheet(actor=keeper(), sheet=sheet, accepted=[first.pk])
    # A discrepancy alerts the warehouse.
    prep_sheets.accept_prep_sheet(actor=production, sheet=sheet,
                                  discrepancies={first.pk: "只收到 5 个 only 5 received"})
    alert = Alert.objects.get(kind="prep_sheet_discrepancy")
    assert "only 5 received" in alert.rendered_body() and alert.severity == "high"
    assert keeper().username in set(alert.recipients.values_list("user__username", flat=True))
    # The bare "Materials ready" action is refused while the sheet is open.
    with pytest.raises(ValidationError, match=sheet.number):
        order_services.transition_order(actor=keeper(), order=planned, action="prepare_materials")

    _issue_the_rest(sheet, shelves, stocked)
    result = prep_sheets.accept_prep_sheet(actor=production, sheet=sheet, accepted=[ln.pk for ln in lines_of(sheet)])
    assert result.order_ready
    planned.refresh_from_db()
    sheet.refresh_from_db()
    assert (planned.status, sheet.status, sheet.accepted_by) == ("materials_ready", "accepted", production)
    event = OrderEvent.objects.filter(order=planned, action="prepare_materials").get()
    assert (event.actor, event.from_status, event.to_status) == (production, "planned", "materials_ready")
    assert sheet.number in event.get_note_display()
    assert all(ln.discrepancy_note == "" and ln.accepted_by == production for ln in lines_of(sheet))


def test_unused_material_is_returned_to_stock(sheet, planned, shelves, stocked):
    issue(sheet, "SC-1")
    line = next(ln for ln in lines_of(sheet) if ln.item == stocked.screw)
    refused(lambda: prep_sheet_issuing.return_prep_sheet_material(actor=keeper(), line=line, quantity=D("13"),
                                                                  reason="left over"), "Only 12 pcs")
    refused(lambda: prep_sheet_issuing.return_prep_sheet_material(actor=keeper(), line=line, quantity=D("2"),
                                                                  reason=""), "reason")
    move = prep_sheet_issuing.return_prep_sheet_material(actor=keeper(), line=line, quantity=D("2"), reason="left over")
    assert (move.kind, move.lot.number, move.location.code) == ("return", "SC-1", "B-02")
    line.refresh_from_db()
    assert (line.net_issued, line.to_issue) == (D("10"), D("2"))
    assert StockBalance.objects.get(item=stocked.screw).on_hand == D("40")
    assert StockMove.objects.get(kind=MoveKind.RETURN).order == planned
    assert requirements.order_requirements(planned).component(stocked.screw).issued == D("10")


def test_the_same_return_form_sent_three_times_returns_once(client, sheet, planned, stocked):
    issue(sheet, "SC-1")
    line = next(ln for ln in lines_of(sheet) if ln.item == stocked.screw)
    client.force_login(keeper())
    page = client.get(reverse("inventory:prep_sheet_detail", args=[sheet.pk])).content.decode()
    form_html = re.search(rf'data-testid="return-{line.line_no}">.*?</form>', page, re.S).group(0)
    key = re.search(r'name="entry_key" value="([^"]+)"', form_html).group(1)
    url = reverse("inventory:prep_sheet_return", args=[sheet.pk, line.pk])
    for _ in range(3):
        client.post(url, {"quantity": "2", "location": "", "reason": "left over", "entry_key": key})
    assert StockMove.objects.filter(kind=MoveKind.RETURN).count() == 1
    assert PrepSheetMove.objects.filter(kind="return").count() == 1
    line.refresh_from_db()
    assert line.returned_quantity == D("2")


def test_cancelling_the_order_releases_its_reservations_or_asks_for_returns_first(sheet, planned, stocked):
    desk = user_with_role("order_desk")
    purchasing.request_order_shortages(actor=keeper(), order=planned)
    issue(sheet, "SC-1", "3")
    with pytest.raises(ValidationError, match="3 pcs RM-SCREW"):
        order_services.cancel_order(actor=desk, order=planned, reason="customer withdrew")
    planned.refresh_from_db()
    assert planned.status == "planned"
    line = next(ln for ln in lines_of(sheet) if ln.item == stocked.screw)
    prep_sheet_issuing.return_prep_sheet_material(actor=keeper(), line=line, quantity=D("3"), reason="order cancelled")
    order_services.cancel_order(actor=desk, order=planned, reason="customer withdrew")
    assert not Reservation.objects.filter(order=planned, status="active").exists()
    assert not StockBalance.objects.filter(reserved__gt=0).exists()
    sheet.refresh_from_db()
    assert sheet.status == "cancelled"
    assert set(PurchaseRequest.objects.filter(order=planned).values_list("status", flat=True)) == {"cancelled"}


# --- pages -------------------------------------------------------------------------------------------

def test_sheet_page_scans_and_shows_errors_and_refuses_other_roles(client, sheet, planned):
    client.force_login(keeper())
    url = reverse("inventory:prep_sheet_detail", args=[sheet.pk])
    page = client.get(url)
    assert page.status_code == 200 and sheet.number in page.content.decode()
    key = str(uuid.uuid4())
    issue_url = reverse("inventory:prep_sheet_issue", args=[sheet.pk])
    response = client.post(issue_url, {"code": "GK-1", "quantity": "", "entry_key": key})
    assert response.status_code == 302
    client.post(issue_url, {"code": "GK-1", "quantity": "", "entry_key": key})  # the scanner sent Enter twice
    assert PrepSheetMove.objects.count() == 1
    bad = client.post(issue_url, {"code": "NOPE", "quantity": "", "entry_key": str(uuid.uuid4())})
    assert bad.status_code == 400 and "NOPE" in bad.content.decode()
    client.force_login(user_with_role("sales"))
    assert client.get(url).status_code == 403
    assert client.post(issue_url, {"code": "SC-1", "entry_key": str(uuid.uuid4())}).status_code == 403
    assert client.get(reverse("inventory:order_materials", args=[planned.pk])).status_code == 200


def test_issuing_on_an_order_put_on_hold_shows_why_on_the_page(client, sheet, planned):
    """The page was open when the order desk put the order on hold: the scan is refused with a message the
    warehouse sees (in their language), not a bare 400 with the scan form hidden."""
    order_services.hold_order(actor=user_with_role("order_desk"), order=planned, reason="customer query")
    client.force_login(keeper())
    session = client.session
    session["orderflow_language"] = "zh-hans"
    session.save()
    response = client.post(reverse("inventory:prep_sheet_issue", args=[sheet.pk]),
                           {"code": "GK-1", "quantity": "", "entry_key": str(uuid.uuid4())})
    assert response.status_code == 400
    box = re.search(r'<div class="msg msg-error" role="alert" data-testid="scan-errors">(.*?)</div>\s*(?:<div|$)',
                    response.content.decode(), re.S)
    assert box and f"订单 {planned.number} 已暂停：恢复前不为其发料。" in box.group(1)
    assert PrepSheetMove.objects.count() == 0


def test_sheet_page_query_count_does_not_grow_with_lines(client, planned, shelves, stocked):
    client.force_login(keeper())
    small = prep_sheets.generate_prep_sheet(actor=keeper(), order=planned)

    def count(sheet):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("inventory:prep_sheet_detail", args=[sheet.pk])).status_code == 200
        return len(captured)

    issue(small, "GK-1")
    baseline = count(small)
    big_order = machine_order(stocked, quantity="3", status=OrderStatus.PLANNED)
    for n in range(6):  # expiring lots come first (FEFO): one line each
        receive(stocked.screw, shelves["Z-01"], "3", lot=f"SC-X{n}",
                expiry=timezone.localdate() + timedelta(days=n + 5))
    big = prep_sheets.generate_prep_sheet(actor=keeper(), order=big_order)
    issue(big, "GK-1")
    assert MaterialPrepSheetLine.objects.filter(sheet=big).count() > MaterialPrepSheetLine.objects.filter(
        sheet=small).count()
    assert count(big) == baseline


def test_order_page_materials_panel_shows_short_and_actions(client, planned, stocked):
    client.force_login(keeper())
    html = client.get(reverse("inventory:order_materials", args=[planned.pk])).content.decode()
    assert 'data-state="short"' in html and "RM-STEEL" in html and "generate-prep-sheet" in html
    order_page = client.get(reverse("orders:detail", args=[planned.pk])).content.decode()
    assert reverse("inventory:order_materials", args=[planned.pk]) in order_page
    response = client.post(reverse("inventory:order_materials_request", args=[planned.pk]))
    assert response.status_code == 302
    assert PurchaseRequest.objects.filter(order=planned, item=stocked.steel).exists()


# --- the PDF -----------------------------------------------------------------------------------------

def _assert_sheet_pdf(text, sheet, order):
    for value in [sheet.number, order.number, "RM-GASKET", "RM-STEEL", "RM-SCREW", "密封圈 Gasket", "钢板 Steel sheet",
                  "螺钉 Screw", "M4×12 不锈钢", "0.506", "0.3", "12", "ST-SOON", "Z-01", "急单"]:
        assert value in text, value
    # Picking-walk order on paper too.
    assert text.index("Z-01") < text.index("A-05") < text.index("M-03") < text.index("B-02")


def test_prep_sheet_pdf_in_chinese(sheet, planned):
    document = document_services.request_document(actor=keeper(), kind=KIND, obj=sheet, language="zh-hans")
    render_document(document.pk)
    document.refresh_from_db()
    assert document.status == DocumentStatus.READY, document.error
    assert document.filename == f"{sheet.number}-material-prep-sheet.pdf"
    text = pdf_text(document)
    _assert_sheet_pdf(text, sheet, planned)
    # The quantity column is the quantity needed (需求数量), not "required field" (必填).
    assert "需求数量" in text and "必填" not in text


def test_prep_sheet_pages_in_chinese_head_the_quantity_column_as_the_quantity_needed(client, sheet, planned):
    client.force_login(keeper())
    headers = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
    for url in (reverse("inventory:prep_sheet_detail", args=[sheet.pk]),
                reverse("inventory:order_materials", args=[planned.pk])):
        html = client.get(url, **headers).content.decode()
        assert '<th class="num">需求数量</th>' in html and "<th class=\"num\">必填" not in html, url


def test_long_text_on_the_prep_sheet_wraps_and_every_character_is_printed(sheet, planned):
    """200-character Chinese and space-less Latin values in every text field the prep sheet prints."""
    from inventory.models import Item, Location, Lot
    from orders.models import Customer, Product

    values = [long_chinese("客户名称"), long_latin("RUSHREASON", 300), long_chinese("备料说明", 300)]
    Customer.objects.filter(pk=planned.customer_id).update(name=values[0])
    Order.objects.filter(pk=planned.pk).update(rush_reason=values[1])
    MaterialPrepSheet.objects.filter(pk=sheet.pk).update(note=values[2])
    for n, line in enumerate(planned.lines.all()):
        product = {"sku": long_latin(f"P{n}SKU", 40), "name": long_chinese(f"产品{n}"),
                   "specification": long_latin(f"P{n}SPEC", 300)}
        Product.objects.filter(pk=line.product_id).update(**product)
        values += product.values()
    for n, item_id in enumerate({line.item_id for line in lines_of(sheet)}):
        item = {"code": long_latin(f"I{n}CODE", 40), "name": long_chinese(f"物料{n}"),
                "specification": long_latin(f"I{n}SPEC", 300)}
        Item.objects.filter(pk=item_id).update(**item)
        values += item.values()
    for n, line in enumerate(lines_of(sheet)):
        if line.lot_id:
            Lot.objects.filter(pk=line.lot_id).update(number=long_latin(f"L{n}LOT", 60))
            values.append(long_latin(f"L{n}LOT", 60))
        if line.location_id:
            Location.objects.filter(pk=line.location_id).update(code=long_latin(f"B{n}BIN", 40))
            values.append(long_latin(f"B{n}BIN", 40))
    for language in ("zh-hans", "en"):
        document = document_services.request_document(actor=keeper(), kind=KIND, obj=sheet, language=language)
        render_document(document.pk)
        document.refresh_from_db()
        assert document.status == DocumentStatus.READY, document.error
        assert_pdf_keeps(document.file.path, *values)


def test_a_days_sheets_are_printed_as_a_batch_with_progress(client, sheet, planned):
    client.force_login(keeper())
    response = client.post(reverse("inventory:prep_sheet_batch_create"),
                           {"day": timezone.localdate().isoformat(), "language": "en"})
    assert response.status_code == 302
    batch_url = response["Location"]
    page = client.get(batch_url).content.decode()
    assert sheet.number in page and "<progress" in page
    progress = client.get(batch_url + "progress/").content.decode()
    assert 'data-done="false"' in progress and "0 of 1 PDFs ready" in progress and "hx-get" in progress
    from inventory.models import PrepSheetPrintBatch

    [document] = PrepSheetPrintBatch.objects.get().documents.all()
    render_document(document.pk)  # what the worker does once the request commits
    progress = client.get(batch_url + "progress/").content.decode()
    assert 'data-done="true"' in progress and "1 of 1 PDFs ready" in progress and "hx-trigger" not in progress.split(
        "<table")[0]
    empty = client.post(reverse("inventory:prep_sheet_batch_create"),
                        {"day": (timezone.localdate() - timedelta(days=3)).isoformat()})
    assert empty.status_code == 302 and empty["Location"] == reverse("inventory:prep_sheet_list")


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_renders_the_prep_sheet(live_celery_worker, shelves, stocked):
    order = machine_order(stocked, quantity="1", status=OrderStatus.PLANNED, priority="rush", rush_reason="急")
    sheet = prep_sheets.generate_prep_sheet(actor=keeper(), order=order)
    document = document_services.request_document(actor=keeper(), kind=KIND, obj=sheet, language="zh-hans")
    deadline = clock.monotonic() + 60
    while clock.monotonic() < deadline:
        document.refresh_from_db()
        if document.status in (DocumentStatus.READY, DocumentStatus.FAILED):
            break
        clock.sleep(0.5)
    assert document.status == DocumentStatus.READY, f"{document.status}: {document.error}"
    _assert_sheet_pdf(pdf_text(document), sheet, order)
    document.file.storage.delete(document.file.name)  # the worker wrote into the shared MEDIA_ROOT


# --- races -------------------------------------------------------------------------------------------

@pytest.mark.django_db(transaction=True)
def test_two_issues_of_one_line_at_once_post_once(postgres_only, shelves, stocked):
    order = machine_order(stocked, quantity="1", status=OrderStatus.PLANNED)
    sheet = prep_sheets.generate_prep_sheet(actor=keeper(), order=order)
    warehouse = keeper()

    def scan(key=None):
        return lambda: prep_sheet_issuing.issue_prep_sheet_material(actor=warehouse, sheet=sheet, code="GK-1",
                                                                    entry_key=key)

    results = run_together(scan(), scan())
    posted = [r for r in results if isinstance(r, prep_sheet_issuing.IssueResult)]
    refusals = [r for r in results if isinstance(r, ValidationError)]
    assert len(posted) == 1 and len(refusals) == 1, results
    assert "already issued" in " ".join(refusals[0].messages)
    # The same scan twice at once (one key) also posts once.
    key = uuid.uuid4()
    results = run_together(scan(key), scan(key))
    assert all(isinstance(r, (prep_sheet_issuing.IssueResult, ValidationError)) for r in results), results
    assert StockMove.objects.filter(kind=MoveKind.ISSUE, item=stocked.gasket).count() == 1
    assert StockBalance.objects.get(item=stocked.gasket).on_hand == D("14")
    assert ledger_mismatches() == []
