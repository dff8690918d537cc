"""The order state machine as a table: from-state × action × role → allowed or refused.

Every combination is tried through the real service (transition_order); a refused one must raise,
leave the status unchanged and write no event. The orders here are bare (no inspection, no shipment):
the transitions whose conditions are a later stage's records (UNMET) are refused to every role, and a
role that may take them is shown why, in the stage's words; with the records they are allowed
(test_stage_conditions.py, tests/fixtures/stage_records.py)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from accounts.roles import ROLES
from orders import services
from orders.models import CANCELLABLE, HOLDABLE, Order, OrderLine, OrderStatus
from orders.services import OrderActionRefused
from tests.fixtures.factories import CustomerFactory, ProductFactory, user_with_role

S = OrderStatus
DESK = {"order_desk", "manager", "admin"}
HOLDERS = {"order_desk", "planner", "manager", "admin"}

# action -> (states it may be taken from, roles that may take it)
EXPECTED = {
    "submit": ({S.DRAFT, S.REJECTED}, {"sales", "admin"}),
    "approve": ({S.SUBMITTED}, DESK),
    "reject": ({S.SUBMITTED}, DESK),
    # The production department head releases by approving a submitted plan (planning.plan_approval).
    "release_plan": ({S.APPROVED}, {"planner", "production_head", "admin"}),
    # Production's acceptance of the issued material completes it (inventory.prep_sheets).
    "prepare_materials": ({S.PLANNED}, {"warehouse", "production", "admin"}),
    "start_production": ({S.MATERIALS_READY}, {"production", "admin"}),
    "finish_production": ({S.IN_PRODUCTION}, {"production", "admin"}),
    "pass_qc": ({S.AWAITING_QC}, {"qc", "admin"}),
    "fail_qc": ({S.AWAITING_QC}, {"qc", "admin"}),
    "ship": ({S.QC_PASSED}, {"shipping", "admin"}),
    "confirm_delivery": ({S.SHIPPED}, {"shipping", "admin"}),
    "close": ({S.DELIVERED}, DESK),
    "hold": (set(HOLDABLE), HOLDERS),
    "resume": ({S.ON_HOLD}, HOLDERS),
    "cancel": (set(CANCELLABLE), DESK),
    "cancel_held": ({S.ON_HOLD}, DESK),  # held from "approved" here, which may still be cancelled
}
# Transitions conditioned on a later stage's records (orders.stage_hooks TRANSITION_CHECK) → what the
# registry tells a role that may take them on a bare order.
UNMET = {
    "pass_qc": "QC has not accepted every line of order T-awaiting_qc-",
    "fail_qc": "No lot of order T-awaiting_qc-",
    "ship": "Line 1 (P-",
    "close": "3 pcs not shipped.",
}
# Sales may withdraw an order they entered while it is still theirs to edit (the orders here are
# entered by the sales user).
ALSO_ALLOWED = {("cancel", S.DRAFT, "sales"), ("cancel", S.REJECTED, "sales")}
TARGET = {
    "submit": S.SUBMITTED, "approve": S.APPROVED, "reject": S.REJECTED, "release_plan": S.PLANNED,
    "prepare_materials": S.MATERIALS_READY, "start_production": S.IN_PRODUCTION,
    "finish_production": S.AWAITING_QC, "pass_qc": S.QC_PASSED, "fail_qc": S.IN_PRODUCTION, "ship": S.SHIPPED,
    "confirm_delivery": S.DELIVERED, "close": S.CLOSED, "hold": S.ON_HOLD, "resume": S.APPROVED,
    "cancel": S.CANCELLED, "cancel_held": S.CANCELLED,
}


class _Rollback(Exception):
    pass


def _order_in(state, creator):
    customer, product = CustomerFactory(), ProductFactory()
    order = Order.objects.create(
        number=f"T-{state}-{Order.objects.count()}", customer=customer, created_by=creator, status=state,
        requested_date=timezone.localdate() + timedelta(days=30),
        held_from=S.APPROVED if state == S.ON_HOLD else "")
    OrderLine.objects.create(order=order, line_no=1, product=product, quantity=Decimal("3"), unit_price=Decimal("2"))
    return order


def _outcome(order, action, user):
    """'allowed' (and the state it reached) or 'refused'; always rolled back."""
    result = None
    try:
        with transaction.atomic():
            events_before = order.events.count()
            try:
                done = services.transition_order(actor=user, order=order, action=action, note="reason")
            except (OrderActionRefused, PermissionDenied) as exc:
                assert Order.objects.get(pk=order.pk).status == order.status
                assert order.events.count() == events_before
                result = ("refused", getattr(exc, "message", str(exc)))
            else:
                assert order.events.count() == events_before + 1
                event = order.events.latest("id")
                assert (event.from_status, event.to_status, event.actor_id) == (order.status, done.status, user.id)
                result = ("allowed", done.status)
            raise _Rollback
    except _Rollback:
        pass
    return result


@pytest.mark.django_db
@pytest.mark.parametrize("action", sorted(EXPECTED))
def test_transition_table(action, role_users):
    sources, roles = EXPECTED[action]
    mismatches = []
    for state in S.values:
        order = _order_in(state, creator=role_users["sales"])
        for role in ROLES:
            got, reached = _outcome(order, action, role_users[role])
            allowed = (state in sources and role in roles) or (action, state, role) in ALSO_ALLOWED
            if allowed and action in UNMET:
                assert got == "refused" and UNMET[action] in reached, (state, role, reached)
                continue
            expected = "allowed" if allowed else "refused"
            if got != expected:
                mismatches.append((state, role, got, expected))
            elif got == "allowed" and action != "resume":
                assert reached == TARGET[action]
            elif got == "allowed":
                assert reached == S.APPROVED  # resume returns to the state the order was held from
    assert mismatches == []


@pytest.mark.django_db
def test_sales_may_withdraw_own_draft_but_not_others(role_users):
    sales = role_users["sales"]
    other_sales = user_with_role("sales")
    mine, theirs = _order_in(S.DRAFT, sales), _order_in(S.DRAFT, other_sales)
    assert services.cancel_order(actor=sales, order=mine, reason="customer withdrew").status == S.CANCELLED
    with pytest.raises(PermissionDenied):
        services.cancel_order(actor=sales, order=theirs, reason="not mine")
    submitted = _order_in(S.SUBMITTED, sales)
    with pytest.raises(PermissionDenied):
        services.cancel_order(actor=sales, order=submitted, reason="too late for sales")


@pytest.mark.django_db
def test_reason_required_for_reject_hold_cancel(role_users):
    order = _order_in(S.SUBMITTED, role_users["sales"])
    for action in ("reject", "hold", "cancel"):
        with pytest.raises(Exception) as exc:
            services.transition_order(actor=role_users["order_desk"], order=order, action=action, note="  ")
        assert "reason" in str(exc.value).lower()
    assert Order.objects.get(pk=order.pk).status == S.SUBMITTED
    assert order.events.count() == 0


@pytest.mark.django_db
def test_hold_and_resume_returns_to_previous_state(role_users):
    desk = role_users["order_desk"]
    for state in (S.SUBMITTED, S.IN_PRODUCTION, S.QC_PASSED):
        order = _order_in(state, role_users["sales"])
        held = services.hold_order(actor=desk, order=order, reason="customer asked to wait")
        assert (held.status, held.held_from) == (S.ON_HOLD, state)
        resumed = services.resume_order(actor=desk, order=held)
        assert (resumed.status, resumed.held_from) == (state, "")


@pytest.mark.django_db
def test_held_after_production_started_cannot_be_cancelled(role_users):
    desk = role_users["order_desk"]
    order = _order_in(S.IN_PRODUCTION, role_users["sales"])
    held = services.hold_order(actor=desk, order=order, reason="machine down")
    with pytest.raises(OrderActionRefused) as exc:
        services.cancel_order(actor=desk, order=held, reason="no")
    assert "production started" in exc.value.message
    assert Order.objects.get(pk=order.pk).status == S.ON_HOLD


@pytest.mark.django_db
def test_stale_page_is_refused_with_a_clear_message(role_users):
    order = _order_in(S.SUBMITTED, role_users["sales"])
    services.approve_order(actor=role_users["order_desk"], order=order, expected_status=S.SUBMITTED)
    with pytest.raises(OrderActionRefused) as exc:
        services.reject_order(actor=role_users["manager"], order=order, reason="x", expected_status=S.SUBMITTED)
    assert "changed by someone else" in exc.value.message
    assert Order.objects.get(pk=order.pk).status == S.APPROVED
