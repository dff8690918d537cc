"""Inspections through the real services: opened when the order reaches awaiting_qc, the sampling plan
from GB/T 2828.1, values recorded and refused, the verdict per class, signing and approvals."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from alerts.models import Alert
from orders.models import Order, OrderEvent, OrderStatus
from orders.services import OrderActionRefused, transition_order
from quality import services
from quality.models import (
    IS,
    Inspection,
    InspectionClassPlan,
    Measurement,
    Nonconformance,
    SamplingState,
    Verdict,
)
from quality.plan_services import CharacteristicInput
from tests.fixtures.factories import user_with_role

from .setup import CRACK, DIAMETER, PASSWORD, VISUAL, fill, give_plan, made_product, order_awaiting_qc


@pytest.fixture
def qc(db):
    return user_with_role("qc", username="qc1", first_name="Li", last_name="Wei")


@pytest.fixture
def manager(db):
    return user_with_role("manager", username="boss")


@pytest.fixture
def product(qc):
    product = made_product(sku="VALVE-10", name="阀门 Valve")
    give_plan(product, actor=qc)
    return product


@pytest.fixture
def started(sales, qc, product):
    order, inspection = order_awaiting_qc(sales, product)
    return order, services.start_inspection(actor=qc, inspection=inspection)


def plans(inspection):
    return {row.defect_class: (row.sample_size, row.acceptance, row.rejection)
            for row in InspectionClassPlan.objects.filter(inspection=inspection)}


@pytest.mark.django_db
def test_an_order_reaching_awaiting_qc_opens_one_inspection_per_line(sales, product):
    order, inspection = order_awaiting_qc(sales, product, quantity="500")
    assert inspection.status == IS.OPEN
    assert inspection.lot_quantity == Decimal("500") and inspection.order_line.order_id == order.pk
    assert inspection.number.startswith("QI-") and len(inspection.number) == len("QI-2026-00001")
    assert inspection.lot_number == f"{order.number}-1"
    assert inspection.events.get().action == "opened"
    assert Alert.objects.filter(kind="inspection_due").exists()


@pytest.mark.django_db
def test_starting_fixes_the_plan_version_and_the_sampling_plan_per_class(started):
    _order, inspection = started
    assert inspection.status == IS.IN_PROGRESS and inspection.code_letter == "H" and inspection.severity == "normal"
    # lot 500, level II → H (n 50): critical 0.25 → Ac 0, major 1.0 → Ac 1, minor 4.0 → Ac 5
    assert plans(inspection) == {"critical": (50, 0, 1), "major": (50, 1, 2), "minor": (50, 5, 6)}


@pytest.mark.django_db
def test_starting_without_a_plan_is_refused_and_changes_nothing(sales, qc):
    product = made_product()
    _order, inspection = order_awaiting_qc(sales, product)
    with pytest.raises(ValidationError, match="no active inspection plan"):
        services.start_inspection(actor=qc, inspection=inspection)
    inspection.refresh_from_db()
    assert inspection.status == IS.OPEN and not InspectionClassPlan.objects.filter(inspection=inspection).exists()


@pytest.mark.parametrize(("raw", "message"), [
    ("12.5mm", "carries a unit: enter the number only (in mm)"),
    ("10.01 mm", "carries a unit"),
    ("abc", "is not a number"),
    ("12,5", "use a decimal point"),
    ("1e3", "is not a number"),
    ("10.00001", "more than 4 decimals"),
])
@pytest.mark.django_db
def test_a_value_that_is_not_a_plain_number_is_refused_with_a_clear_message(started, qc, raw, message):
    _order, inspection = started
    diameter = inspection.plan.characteristics.get(position=1)
    with pytest.raises(ValidationError) as caught:
        services.record_value(actor=qc, inspection=inspection, characteristic=diameter, sample_no=1, raw=raw)
    assert message in " ".join(caught.value.messages)
    assert "Sample 1, Diameter 直径" in " ".join(caught.value.messages)
    assert not Measurement.objects.filter(inspection=inspection).exists()


@pytest.mark.django_db
def test_values_are_decimals_and_out_of_tolerance_is_flagged(started, qc):
    _order, inspection = started
    diameter = inspection.plan.characteristics.get(position=1)
    inside = services.record_value(actor=qc, inspection=inspection, characteristic=diameter, sample_no=1, raw="10.05")
    outside = services.record_value(actor=qc, inspection=inspection, characteristic=diameter, sample_no=2,
                                    raw="10.051")
    full_width = services.record_value(actor=qc, inspection=inspection, characteristic=diameter, sample_no=3,
                                       raw="９．９６")
    assert inside.value == Decimal("10.05") and not inside.is_defect
    assert outside.is_defect
    assert full_width.value == Decimal("9.96") and not full_width.is_defect
    cleared = services.record_value(actor=qc, inspection=inspection, characteristic=diameter, sample_no=2, raw="")
    assert cleared is None and Measurement.objects.filter(inspection=inspection).count() == 2


@pytest.mark.django_db
def test_a_sample_above_the_lot_size_is_refused(sales, qc, product):
    _order, inspection = order_awaiting_qc(sales, product, quantity="5")
    inspection = services.start_inspection(actor=qc, inspection=inspection)
    # lot 5: code letter A; critical 0.25 ↓ H (n 50) and major 1.0 ↓ E (n 13) are cut to the lot (every
    # item inspected); minor 4.0 ↓ B samples 3
    assert plans(inspection) == {"critical": (5, 0, 1), "major": (5, 0, 1), "minor": (3, 0, 1)}
    diameter = inspection.plan.characteristics.get(position=1)
    with pytest.raises(ValidationError, match="Sample 6 is beyond the lot of 5 items"):
        services.record_value(actor=qc, inspection=inspection, characteristic=diameter, sample_no=6, raw="10")
    with pytest.raises(ValidationError, match="beyond the lot of 5 items"):
        services.save_values(actor=qc, inspection=inspection, entries={(diameter, 1): "10", (diameter, 7): "10"})
    assert not Measurement.objects.filter(inspection=inspection).exists()


@pytest.mark.django_db
def test_a_sample_beyond_the_class_sample_is_refused(sales, qc):
    product = made_product()
    give_plan(product, actor=qc, critical="0.10")  # lot 500: critical 0.10 → K (n 125); major/minor n 50
    _order, inspection = order_awaiting_qc(sales, product)
    inspection = services.start_inspection(actor=qc, inspection=inspection)
    assert plans(inspection)["critical"] == (125, 0, 1)
    diameter = inspection.plan.characteristics.get(position=1)
    with pytest.raises(ValidationError, match="only 50 samples are inspected for Major defects"):
        services.record_value(actor=qc, inspection=inspection, characteristic=diameter, sample_no=51, raw="10")
    crack = inspection.plan.characteristics.get(position=3)
    assert services.record_value(actor=qc, inspection=inspection, characteristic=crack, sample_no=125, raw="pass")


@pytest.mark.django_db
def test_saving_a_page_is_all_or_nothing(started, qc):
    _order, inspection = started
    diameter = inspection.plan.characteristics.get(position=1)
    with pytest.raises(ValidationError) as caught:
        services.save_values(actor=qc, inspection=inspection,
                             entries={(diameter, 1): "10.00", (diameter, 2): "10.2cm", (diameter, 3): "x"})
    assert len(caught.value.messages) == 2
    assert not Measurement.objects.filter(inspection=inspection).exists()


@pytest.mark.django_db
def test_signing_needs_the_password_and_every_value(started, qc):
    order, inspection = started
    with pytest.raises(ValidationError, match="password is not correct"):
        services.confirm_inspection(actor=qc, inspection=inspection, password="wrong")
    with pytest.raises(ValidationError, match="values are still missing"):
        services.confirm_inspection(actor=qc, inspection=inspection, password=PASSWORD)
    inspection.refresh_from_db()
    assert inspection.status == IS.IN_PROGRESS and inspection.signed_by is None


@pytest.mark.django_db
def test_accepted_with_defects_up_to_ac_and_the_order_passes_qc(started, qc):
    order, inspection = started
    # one major defect (Ac 1), five minor (Ac 5): accepted
    overrides = {(1, 7): "10.06", **{(2, n): "fail" for n in (1, 2, 3, 4, 5)}}
    fill(qc, inspection, overrides=overrides)
    signed = services.confirm_inspection(actor=qc, inspection=inspection, password=PASSWORD)
    assert signed.status == IS.PASSED and signed.verdict == Verdict.ACCEPT
    assert {row.defect_class: row.defects for row in signed.class_plans.all()} == {"critical": 0, "major": 1,
                                                                                   "minor": 5}
    assert signed.signed_by == qc and signed.signed_at is not None
    order.refresh_from_db()
    assert order.status == OrderStatus.QC_PASSED
    event = OrderEvent.objects.filter(order=order, action="pass_qc").get()
    assert event.actor == qc and inspection.number in event.get_note_display()
    # minor (Ac 5): 5 defects would not pass AQL 2.5, one step tighter (Ac 3), so the switching score resets
    assert SamplingState.objects.get(product=inspection.product).switching_score == 0


@pytest.mark.django_db
def test_defects_at_re_in_any_class_reject_the_lot_and_open_an_ncr(started, qc):
    order, inspection = started
    fill(qc, inspection, overrides={(1, 3): "9.90", (1, 9): "10.10"})  # two major defects: Re 2
    signed = services.confirm_inspection(actor=qc, inspection=inspection, password=PASSWORD)
    assert signed.status == IS.FAILED and signed.verdict == Verdict.REJECT
    ncr = Nonconformance.objects.get(inspection=signed)
    assert ncr.number.startswith("NCR-") and ncr.status == "open" and ncr.quantity == Decimal("500")
    assert "Major: 2 (Ac 1, Re 2)" in ncr.description
    alert = Alert.objects.get(kind="inspection_failed")
    assert set(alert.roles) == {"qc", "planner", "manager"} and alert.severity == "info"
    order.refresh_from_db()
    assert order.status == OrderStatus.AWAITING_QC  # the disposition decides what happens next


@pytest.mark.django_db
def test_a_rush_order_failure_alerts_with_high_severity(sales, qc, product):
    _order, inspection = order_awaiting_qc(sales, product, priority="rush", rush_reason="line down",
                                           requested_in_days=3)
    services.start_inspection(actor=qc, inspection=inspection)
    fill(qc, inspection, crack="fail")
    services.confirm_inspection(actor=qc, inspection=inspection, password=PASSWORD)
    assert Alert.objects.get(kind="inspection_failed").severity == "high"


@pytest.mark.django_db
def test_two_defects_of_one_class_in_one_sample_count_as_one_nonconforming_item(sales, qc):
    product = made_product()
    second = CharacteristicInput(position=4, name="Length 长度", kind="measured", defect_class="major",
                                 nominal=Decimal("50"), lower_tolerance=Decimal("-0.1"), upper_tolerance=Decimal("0.1"),
                                 unit="mm")
    give_plan(product, actor=qc, characteristics=[DIAMETER, VISUAL, CRACK, second])
    _order, inspection = order_awaiting_qc(sales, product)
    services.start_inspection(actor=qc, inspection=inspection)
    fill(qc, inspection, overrides={(1, 4): "10.2", (4, 4): "50.5"}, others={4: "50"})
    signed = services.confirm_inspection(actor=qc, inspection=inspection, password=PASSWORD)
    major = signed.class_plans.get(defect_class="major")
    assert major.defects == 1 and signed.status == IS.PASSED  # sample 4 is one nonconforming item (Ac 1)


@pytest.mark.django_db
def test_above_aql_10_every_nonconformity_counts(sales, qc):
    product = made_product()
    give_plan(product, actor=qc, minor="25")  # per 100 items: lot 500, H at 25 → Ac 21
    _order, inspection = order_awaiting_qc(sales, product)
    services.start_inspection(actor=qc, inspection=inspection)
    inspection = fill(qc, inspection, overrides={(2, n): "fail" for n in range(1, 22)})
    signed = services.confirm_inspection(actor=qc, inspection=inspection, password=PASSWORD)
    assert signed.class_plans.get(defect_class="minor").defects == 21 and signed.status == IS.PASSED


@pytest.mark.django_db
def test_a_second_signature_is_refused_and_changes_nothing(started, qc):
    _order, inspection = started
    fill(qc, inspection)
    services.confirm_inspection(actor=qc, inspection=inspection, password=PASSWORD)
    with pytest.raises(ValidationError, match="already signed by Li Wei"):
        services.confirm_inspection(actor=qc, inspection=inspection, password=PASSWORD)
    diameter = inspection.plan.characteristics.get(position=1)
    with pytest.raises(ValidationError, match="already signed"):
        services.record_value(actor=qc, inspection=inspection, characteristic=diameter, sample_no=1, raw="11")
    assert Measurement.objects.get(inspection=inspection, characteristic=diameter, sample_no=1).value == Decimal(
        "10.01")
    assert Inspection.objects.get(pk=inspection.pk).events.filter(action="passed").count() == 1


@pytest.mark.django_db
def test_a_verdict_against_ac_re_needs_a_managers_approval(started, qc, manager):
    order, inspection = started
    fill(qc, inspection, overrides={(1, 3): "9.90", (1, 9): "10.10"})  # rejected by Ac/Re
    with pytest.raises(ValidationError, match="Give the reason"):
        services.confirm_inspection(actor=qc, inspection=inspection, password=PASSWORD, forced_verdict="accept")
    asked = services.confirm_inspection(actor=qc, inspection=inspection, password=PASSWORD, forced_verdict="accept",
                                        reason="gauge out of calibration; re-measured OK")
    assert asked.status == IS.PENDING_APPROVAL and asked.computed_verdict == Verdict.REJECT
    assert Alert.objects.filter(kind="inspection_verdict_approval", roles=["manager"]).exists()
    order.refresh_from_db()
    assert order.status == OrderStatus.AWAITING_QC
    with pytest.raises(PermissionDenied):
        services.decide_forced_verdict(actor=qc, inspection=inspection, approve=True)
    approved = services.decide_forced_verdict(actor=manager, inspection=inspection, approve=True, note="ok")
    assert approved.status == IS.PASSED and approved.verdict == Verdict.ACCEPT and approved.approved_by == manager
    assert Order.objects.get(pk=order.pk).status == OrderStatus.QC_PASSED


@pytest.mark.django_db
def test_a_declined_verdict_goes_back_to_the_inspector(started, qc, manager):
    _order, inspection = started
    fill(qc, inspection)
    services.confirm_inspection(actor=qc, inspection=inspection, password=PASSWORD, forced_verdict="reject",
                                reason="smell")
    with pytest.raises(ValidationError, match="reason for declining"):
        services.decide_forced_verdict(actor=manager, inspection=inspection, approve=False)
    back = services.decide_forced_verdict(actor=manager, inspection=inspection, approve=False, note="no evidence")
    assert back.status == IS.IN_PROGRESS and back.signed_by is None and back.forced_verdict == ""


@pytest.mark.django_db
def test_roles_without_the_permission_cannot_inspect(started, sales):
    _order, inspection = started
    diameter = inspection.plan.characteristics.get(position=1)
    with pytest.raises(PermissionDenied):
        services.record_value(actor=sales, inspection=inspection, characteristic=diameter, sample_no=1, raw="10")
    with pytest.raises(PermissionDenied):
        services.confirm_inspection(actor=sales, inspection=inspection, password=PASSWORD)


@pytest.mark.django_db
def test_two_rejected_lots_switch_the_product_to_tightened_inspection(sales, qc, product):
    for _ in range(2):
        _order, inspection = order_awaiting_qc(sales, product)
        services.start_inspection(actor=qc, inspection=inspection)
        fill(qc, inspection, crack="fail")
        services.confirm_inspection(actor=qc, inspection=inspection, password=PASSWORD)
    state = SamplingState.objects.get(product=product)
    assert state.severity == "tightened"
    assert product.sampling_events.get().reason == "two_of_five_rejected"
    _order, inspection = order_awaiting_qc(sales, product)
    inspection = services.start_inspection(actor=qc, inspection=inspection)
    # tightened, H: critical 0.25 → ↓ J (n 80, Ac 0); major 1.0 → ↓ J (n 80, Ac 1); minor 4.0 → H Ac 3
    assert inspection.severity == "tightened"
    assert plans(inspection) == {"critical": (80, 0, 1), "major": (80, 1, 2), "minor": (50, 3, 4)}


@pytest.mark.django_db
def test_no_way_around_the_inspection_passes_qc_while_it_is_open(sales, product):
    """pass_qc is a condition on quality's records (quality.hooks.lines_not_accepted): not even an
    administrator passes the order while its inspection is open, and the inspection stays in the queue."""
    order, inspection = order_awaiting_qc(sales, product)
    with pytest.raises(OrderActionRefused) as refused:
        transition_order(actor=user_with_role("admin"), order=order, action="pass_qc")
    assert f"line 1: {inspection.number} is open" in refused.value.message
    assert Order.objects.get(pk=order.pk).status == OrderStatus.AWAITING_QC
    assert Inspection.objects.get(pk=inspection.pk).status == IS.OPEN


@pytest.mark.django_db
def test_a_cancelled_inspection_needs_a_reason_and_not_while_the_order_waits_for_it(started, qc, product):
    _order, inspection = started
    with pytest.raises(ValidationError, match="Give a reason"):
        services.cancel_inspection(actor=qc, inspection=inspection, reason=" ")
    with pytest.raises(ValidationError, match="waiting for this inspection"):
        services.cancel_inspection(actor=qc, inspection=inspection, reason="mistake")
    receipt = services.create_receipt_inspection(actor=qc, product=product, lot_quantity=Decimal("10"))
    assert services.cancel_inspection(actor=qc, inspection=receipt, reason="wrong product").status == IS.CANCELLED
