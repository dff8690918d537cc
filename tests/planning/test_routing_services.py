"""Routings through the services: versions, and every bad input refused with nothing written."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from planning import routing_services, services
from planning.models import Routing, RoutingOperation
from planning.routing_services import OperationInput
from tests.inventory.masterdata import made_item, make_item, make_routing, make_work_center

pytestmark = pytest.mark.django_db


@pytest.fixture
def planner(role_users):
    return role_users["planner"]


@pytest.fixture
def centers():
    return make_work_center("LATHE"), make_work_center("MILL")


def op(sequence, center, run="1.5", setup="10", wait="0", alternative=None):
    return OperationInput(sequence=sequence, work_center=center, alternative_work_center=alternative,
                          setup_minutes=Decimal(setup), run_minutes_per_unit=Decimal(run),
                          min_wait_minutes=Decimal(wait))


def test_routing_versions(planner, centers):
    lathe, mill = centers
    shaft = made_item("SHAFT")
    v1 = routing_services.save_routing(actor=planner, item=shaft, operations=[op(10, lathe), op(20, mill, run="0.25")])
    same = [op(20, mill, run="0.250"), op(10, lathe)]
    assert routing_services.save_routing(actor=planner, item=shaft, operations=same) == v1
    changed = [op(10, lathe, alternative=mill, wait="30")]
    v2 = routing_services.save_routing(actor=planner, item=shaft, operations=changed)
    v1.refresh_from_db()
    assert (v1.is_active, v2.version, v2.is_active) == (False, 2, True)
    operation = v2.operations.get()
    assert (operation.alternative_work_center, operation.min_wait_minutes) == (mill, Decimal("30"))
    routing_services.activate_routing(actor=planner, routing=v1)
    assert list(Routing.objects.filter(is_active=True)) == [v1]
    assert v1.operations.count() == 2


@pytest.mark.parametrize("operations, message", [
    (lambda lathe, mill: [op(10, lathe, run="0")], "Operation 10: Run time per unit must be greater than zero."),
    (lambda lathe, mill: [op(10, lathe, run="-1")], "Operation 10: Run time per unit must be greater than zero."),
    (lambda lathe, mill: [op(10, lathe, setup="-5")], "Operation 10: Setup time cannot be negative."),
    (lambda lathe, mill: [op(10, lathe, wait="-1")], "Operation 10: Minimum transfer/wait time cannot be negative."),
    (lambda lathe, mill: [op(10, lathe, run="0.0001")],
     "Operation 10: Run time per unit: at most 7 digits before and 3 after the decimal point."),
    (lambda lathe, mill: [op(10, lathe, alternative=lathe)],
     "Operation 10: the alternative work center must differ from the work center (LATHE)."),
    (lambda lathe, mill: [op(10, lathe), op(10, mill)],
     "Sequence number 10 is used 2 times: each operation needs its own."),
    (lambda lathe, mill: [op(0, lathe)], "Operation 0: the sequence number must be 1 or more."),
    (lambda lathe, mill: [], "A routing needs at least one operation."),
], ids=["run-zero", "run-negative", "setup-negative", "wait-negative", "run-decimals", "alternative-same",
        "duplicate-sequence", "sequence-zero", "no-operations"])
def test_bad_routings_are_refused_and_nothing_is_written(planner, centers, operations, message):
    with pytest.raises(ValidationError) as exc:
        routing_services.save_routing(actor=planner, item=made_item("SHAFT"), operations=operations(*centers))
    assert exc.value.messages == [message]
    assert not Routing.objects.exists() and not RoutingOperation.objects.exists()


def test_a_routing_without_operations_cannot_be_activated(planner, centers):
    shaft = make_routing(made_item("SHAFT"), [(10, centers[0], 5, 1)])
    empty = Routing.objects.create(item=shaft.item, version=2)  # e.g. left behind by an old data load
    with pytest.raises(ValidationError) as exc:
        routing_services.activate_routing(actor=planner, routing=empty)
    assert exc.value.messages == ["Routing version 2 of SHAFT has no operations and cannot be made active."]
    assert list(Routing.objects.filter(is_active=True)) == [shaft]


def test_bought_items_and_inactive_work_centers_are_refused(planner, centers):
    lathe, mill = centers
    with pytest.raises(ValidationError) as exc:
        routing_services.save_routing(actor=planner, item=make_item("BOLT"), operations=[op(10, lathe)])
    assert exc.value.messages == ["BOLT is bought, not made: only items made in house have a routing. Set “make or "
                                  "buy” to make first."]
    services.set_work_center_active(actor=planner, center=mill, active=False)
    mill.refresh_from_db()
    with pytest.raises(ValidationError) as exc:
        routing_services.save_routing(actor=planner, item=made_item("SHAFT"),
                                      operations=[op(10, lathe, alternative=mill)])
    assert exc.value.messages == ["Operation 10: alternative work center MILL is inactive."]
    assert not Routing.objects.exists()


def test_only_planners_change_routings(role_users, centers):
    for role in ("warehouse", "production", "manager"):
        with pytest.raises(PermissionDenied):
            routing_services.save_routing(actor=role_users[role], item=made_item(), operations=[op(10, centers[0])])
    assert not Routing.objects.exists()
