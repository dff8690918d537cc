"""NCR dispositions through the real services: rework (order back to production, a released rework
work order with the routing's operations, re-inspection when it is done), scrap (shortfall flagged,
planner alerted), concession (a manager's approval), return to supplier; finished goods into stock;
stock lots quarantined, blocked and released."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from alerts.models import Alert
from inventory.models import Item, Location, Lot, LotStatus, MoveKind, StockBalance, StockMove, Warehouse
from inventory.stock_services import LotInput, find_or_create_lot
from orders.models import Order, OrderEvent, OrderStatus
from orders.services import transition_order
from planning.models import WorkOrder, WorkOrderStatus
from quality import ncr_services, services
from quality.models import IS, NCR, Inspection, Nonconformance
from tests.fixtures.factories import user_with_role

from .setup import PASSWORD, fill, give_plan, made_product, order_awaiting_qc


@pytest.fixture
def qc(db):
    return user_with_role("qc", username="qc1")


@pytest.fixture
def manager(db):
    return user_with_role("manager", username="boss")


@pytest.fixture
def product(qc):
    product = made_product(sku="BRKT-7", name="支架 Bracket")
    give_plan(product, actor=qc)
    return product


def failed(actor, inspection, **fill_options):
    services.start_inspection(actor=actor, inspection=inspection)
    fill(actor, inspection, crack="fail", **fill_options)
    return services.confirm_inspection(actor=actor, inspection=inspection, password=PASSWORD).ncr


@pytest.fixture
def failed_lot(sales, qc, product):
    order, inspection = order_awaiting_qc(sales, product)
    return order, failed(qc, inspection)


def finish_work_order(work_order, admin):
    """The shop floor works the rework order (start, finish) and production finishes the order."""
    work_order.refresh_from_db()
    work_order.start()
    work_order.save()
    work_order.finish()
    work_order.save()
    return transition_order(actor=admin, order=work_order.order, action="finish_production")


@pytest.mark.django_db
def test_rework_sends_the_order_back_with_a_released_rework_work_order_and_reinspects(failed_lot, qc, admin_user):
    order, ncr = failed_lot
    ncr_services.decide_disposition(actor=qc, ncr=ncr, disposition="rework", note="regrind the face")
    ncr.refresh_from_db()
    order.refresh_from_db()
    assert order.status == OrderStatus.IN_PRODUCTION
    event = OrderEvent.objects.get(order=order, action="fail_qc")
    assert ncr.number in event.get_note_display() and event.actor == qc
    work_order = ncr.rework_work_order
    assert work_order.status == WorkOrderStatus.RELEASED and work_order.quantity == Decimal("500")
    assert work_order.order_line == ncr.inspection.order_line and work_order.item.product == ncr.product
    assert [(op.sequence, op.status) for op in work_order.operations.all()] == [(10, "released")]
    assert work_order.planned_start is not None  # scheduled with the open work
    assert ncr.status == NCR.IN_REWORK and ncr.decided_by == qc
    assert list(work_order.events.values_list("action", flat=True)) == ["planned", "release"]

    finish_work_order(work_order, admin_user)
    ncr.refresh_from_db()
    assert ncr.status == NCR.CLOSED and ncr.events.last().action == "rework_done"
    again = Inspection.objects.filter(order=order).order_by("-pk").first()
    assert again.pk != ncr.inspection_id and again.status == IS.OPEN and again.lot_quantity == Decimal("500")
    assert again.lot_number.endswith("-R1") and again.number in ncr.events.last().get_note_display()
    services.start_inspection(actor=qc, inspection=again)
    fill(qc, again)
    services.confirm_inspection(actor=qc, inspection=again, password=PASSWORD)
    assert Order.objects.get(pk=order.pk).status == OrderStatus.QC_PASSED


@pytest.mark.django_db
def test_rework_without_a_routing_is_refused_and_changes_nothing(sales, qc):
    product = made_product(with_routing=False)
    give_plan(product, actor=qc)
    order, inspection = order_awaiting_qc(sales, product)
    ncr = failed(qc, inspection)
    with pytest.raises(ValidationError, match="no active routing"):
        ncr_services.decide_disposition(actor=qc, ncr=ncr, disposition="rework")
    order.refresh_from_db()
    ncr.refresh_from_db()
    assert order.status == OrderStatus.AWAITING_QC and ncr.status == NCR.OPEN and ncr.disposition == ""
    assert not WorkOrder.objects.filter(order=order).exists()


def fg_stock(product):
    """{lot number: quantity} of the product's finished goods in stock."""
    return dict(StockBalance.objects.filter(item__product=product, on_hand__gt=0)
                .values_list("lot__number", "on_hand"))


@pytest.mark.django_db
def test_scrap_accepts_the_rest_and_re_plans_the_shortfall_with_a_make_up_work_order(failed_lot, qc, admin_user,
                                                                                     fg_location):
    order, ncr = failed_lot
    for bad in (None, Decimal("0"), Decimal("501"), Decimal("2.5")):
        with pytest.raises(ValidationError):
            ncr_services.decide_disposition(actor=qc, ncr=ncr, disposition="scrap", scrap_quantity=bad)
    assert Nonconformance.objects.get(pk=ncr.pk).status == NCR.OPEN
    assert not WorkOrder.objects.filter(order=order).exists()
    ncr_services.decide_disposition(actor=qc, ncr=ncr, disposition="scrap", scrap_quantity=Decimal("40"),
                                    note="cracked parts sorted out")
    ncr.refresh_from_db()
    order.refresh_from_db()
    assert ncr.status == NCR.CLOSED and ncr.scrap_quantity == Decimal("40")
    assert ncr.inspection.accepted_quantity == Decimal("460")
    # The good part is in stock now; the 40 short are made again by a released, scheduled work order.
    assert fg_stock(ncr.product) == {ncr.inspection.lot_number: Decimal("460")}
    make_up = ncr.replacement_work_order
    assert make_up.status == WorkOrderStatus.RELEASED and make_up.quantity == Decimal("40")
    assert make_up.order_line == ncr.inspection.order_line and make_up.planned_start is not None
    assert ncr.events.filter(action="make_up", note_values__wo=make_up.number).exists()
    assert order.status == OrderStatus.IN_PRODUCTION
    assert ncr.number in OrderEvent.objects.get(order=order, action="fail_qc").get_note_display()
    reason = order.get_at_risk_reason_display()
    assert order.at_risk and f"40 of BRKT-7 scrapped, made again by {make_up.number}" in reason
    alert = Alert.objects.get(kind="quality_scrap_shortfall")
    assert alert.roles == ["planner"] and alert.params["qty"] == "40" and alert.params["wo"] == make_up.number

    # Production makes the 40; their lot is inspected on its own and the order passes with all 500.
    finish_work_order(make_up, admin_user)
    order.refresh_from_db()
    assert order.status == OrderStatus.AWAITING_QC and not order.at_risk
    assert OrderEvent.objects.filter(order=order, action="at_risk_cleared").count() == 1
    again = Inspection.objects.filter(order=order).order_by("-pk").first()
    assert again.pk != ncr.inspection_id and again.lot_quantity == Decimal("40") and again.status == IS.OPEN
    assert make_up.number in again.events.get(action="opened").get_note_display()
    services.start_inspection(actor=qc, inspection=again)
    fill(qc, again)
    services.confirm_inspection(actor=qc, inspection=again, password=PASSWORD)
    assert Order.objects.get(pk=order.pk).status == OrderStatus.QC_PASSED
    assert fg_stock(ncr.product) == {ncr.inspection.lot_number: Decimal("460"), again.lot_number: Decimal("40")}


@pytest.mark.django_db
def test_scrapping_everything_makes_the_whole_lot_again(failed_lot, qc):
    order, ncr = failed_lot
    ncr_services.decide_disposition(actor=qc, ncr=ncr, disposition="scrap", scrap_quantity=Decimal("500"))
    order.refresh_from_db()
    ncr.refresh_from_db()
    assert order.status == OrderStatus.IN_PRODUCTION and order.at_risk
    assert ncr.replacement_work_order.quantity == Decimal("500")
    assert fg_stock(ncr.product) == {}


@pytest.mark.django_db
def test_a_shortfall_that_cannot_be_made_again_is_flagged_and_the_rest_passes(sales, qc):
    product = made_product(with_routing=False)
    give_plan(product, actor=qc)
    order, inspection = order_awaiting_qc(sales, product)
    ncr = failed(qc, inspection)
    ncr_services.decide_disposition(actor=qc, ncr=ncr, disposition="scrap", scrap_quantity=Decimal("40"))
    order.refresh_from_db()
    ncr.refresh_from_db()
    assert ncr.replacement_work_order is None and not WorkOrder.objects.filter(order=order).exists()
    assert order.status == OrderStatus.QC_PASSED
    assert order.at_risk and "to be re-planned" in order.get_at_risk_reason_display()
    alert = Alert.objects.get(kind="quality_scrap_shortfall")
    assert "no active routing" in alert.params["why"]


@pytest.mark.django_db
def test_a_concession_needs_a_managers_approval(failed_lot, qc, manager):
    order, ncr = failed_lot
    with pytest.raises(ValidationError, match="Explain why"):
        ncr_services.decide_disposition(actor=qc, ncr=ncr, disposition="concession")
    ncr_services.decide_disposition(actor=qc, ncr=ncr, disposition="concession", note="customer accepts hairlines")
    ncr.refresh_from_db()
    order.refresh_from_db()
    assert ncr.status == NCR.AWAITING_APPROVAL and order.status == OrderStatus.AWAITING_QC
    assert Alert.objects.filter(kind="quality_concession_approval", roles=["manager"]).exists()
    with pytest.raises(PermissionDenied):
        ncr_services.decide_concession(actor=qc, ncr=ncr, approve=True)
    assert Order.objects.get(pk=order.pk).status == OrderStatus.AWAITING_QC
    ncr_services.decide_concession(actor=manager, ncr=ncr, approve=True, note="ok for this customer")
    ncr.refresh_from_db()
    order.refresh_from_db()
    assert ncr.status == NCR.CLOSED and ncr.approved_by == manager
    assert order.status == OrderStatus.QC_PASSED
    event = OrderEvent.objects.get(order=order, action="pass_qc")
    assert event.actor == qc and "approved by boss" in event.get_note_display()
    assert [e.action for e in ncr.events.all()] == ["opened", "concession_proposed", "concession_approved"]


@pytest.mark.django_db
def test_a_declined_concession_reopens_the_ncr(failed_lot, qc, manager):
    _order, ncr = failed_lot
    ncr_services.decide_disposition(actor=qc, ncr=ncr, disposition="concession", note="looks fine")
    with pytest.raises(ValidationError, match="reason for declining"):
        ncr_services.decide_concession(actor=manager, ncr=ncr, approve=False)
    ncr_services.decide_concession(actor=manager, ncr=ncr, approve=False, note="safety part")
    ncr.refresh_from_db()
    assert ncr.status == NCR.OPEN and ncr.disposition == ""
    with pytest.raises(ValidationError, match="cannot be done now"):
        ncr_services.decide_concession(actor=manager, ncr=ncr, approve=True)


@pytest.mark.django_db
def test_return_to_supplier_only_for_received_goods(failed_lot, qc):
    _order, ncr = failed_lot
    with pytest.raises(ValidationError, match="Only received goods"):
        ncr_services.decide_disposition(actor=qc, ncr=ncr, disposition="return")
    with pytest.raises(PermissionDenied):
        ncr_services.decide_disposition(actor=user_with_role("planner"), ncr=ncr, disposition="scrap",
                                        scrap_quantity=Decimal("1"))


@pytest.fixture
def fg_location(db):
    warehouse = Warehouse.objects.create(code="WH1", name="成品库")
    return Location.objects.create(warehouse=warehouse, code="FG", zone="FG")


@pytest.mark.django_db
def test_a_passed_lot_goes_into_stock_as_a_finished_goods_lot(sales, qc, product, fg_location):
    order, inspection = order_awaiting_qc(sales, product)
    services.start_inspection(actor=qc, inspection=inspection)
    fill(qc, inspection)
    services.confirm_inspection(actor=qc, inspection=inspection, password=PASSWORD)
    move = StockMove.objects.get(kind=MoveKind.PRODUCTION_OUTPUT)
    inspection.refresh_from_db()
    assert move.quantity == Decimal("500") and move.location == fg_location and move.order_id == order.pk
    # The move names the finished-goods receipt (成品入库单) that received the lot (inventory.finished_goods).
    assert move.lot.number == inspection.lot_number and move.document_number.startswith("FGR-")
    assert inspection.inventory_lot == move.lot and "FG" in inspection.get_stock_note_display()
    assert StockBalance.objects.get(location=fg_location, lot=move.lot).on_hand == Decimal("500")
    assert Order.objects.get(pk=order.pk).status == OrderStatus.QC_PASSED


@pytest.mark.django_db
def test_without_a_finished_goods_location_the_pass_says_so_and_alerts_the_warehouse(sales, qc, product):
    order, inspection = order_awaiting_qc(sales, product)
    services.start_inspection(actor=qc, inspection=inspection)
    fill(qc, inspection)
    services.confirm_inspection(actor=qc, inspection=inspection, password=PASSWORD)
    inspection.refresh_from_db()
    assert "no active finished-goods location FG" in inspection.get_stock_note_display()
    assert Alert.objects.get(kind="quality_stock_not_posted").roles == ["warehouse"]
    assert not StockMove.objects.exists() and Order.objects.get(pk=order.pk).status == OrderStatus.QC_PASSED


@pytest.fixture
def received_lot(product, qc):
    item = Item.objects.get(product=product)
    return find_or_create_lot(actor=qc, item=item, data=LotInput(number="SUP-2026-001"))


@pytest.mark.django_db
def test_an_incoming_lot_is_quarantined_blocked_on_failure_and_returned(qc, product, received_lot):
    inspection = services.create_receipt_inspection(actor=qc, product=product, lot_quantity=Decimal("80"),
                                                    lot_number="SUP-2026-001", supplier="苏州供应商",
                                                    inventory_lot=received_lot)
    assert Lot.objects.get(pk=received_lot.pk).status == LotStatus.QUARANTINE
    ncr = failed(qc, inspection)
    assert Lot.objects.get(pk=received_lot.pk).status == LotStatus.BLOCKED
    ncr_services.decide_disposition(actor=qc, ncr=ncr, disposition="return", note="wrong alloy")
    ncr.refresh_from_db()
    assert ncr.status == NCR.CLOSED and "苏州供应商" in ncr.events.last().get_note_display()
    assert Lot.objects.get(pk=received_lot.pk).status == LotStatus.BLOCKED  # the warehouse posts the return


@pytest.mark.django_db
def test_an_incoming_lot_that_passes_is_released(qc, product, received_lot):
    inspection = services.create_receipt_inspection(actor=qc, product=product, lot_quantity=Decimal("80"),
                                                    inventory_lot=received_lot)
    services.start_inspection(actor=qc, inspection=inspection)
    fill(qc, inspection)
    assert services.confirm_inspection(actor=qc, inspection=inspection, password=PASSWORD).status == IS.PASSED
    assert Lot.objects.get(pk=received_lot.pk).status == LotStatus.AVAILABLE


@pytest.mark.django_db
def test_a_receipt_inspection_needs_a_positive_lot_and_the_permission(qc, product):
    with pytest.raises(ValidationError, match="more than zero"):
        services.create_receipt_inspection(actor=qc, product=product, lot_quantity=Decimal("0"))
    with pytest.raises(PermissionDenied):
        services.create_receipt_inspection(actor=user_with_role("sales"), product=product, lot_quantity=Decimal("5"))
    assert not Inspection.objects.exists()


def test_an_open_ncr_is_a_reason_not_to_close_the_order(failed_lot):
    from orders import stage_hooks

    order, ncr = failed_lot
    assert any(ncr.number in problem for problem in stage_hooks.transition_problems(order, "close"))
    Nonconformance.objects.filter(pk=ncr.pk).update(status=NCR.CLOSED)
    assert not [problem for problem in stage_hooks.transition_problems(order, "close") if "Nonconformance" in problem]
