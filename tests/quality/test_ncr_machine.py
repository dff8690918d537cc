"""The NCR's state machine as a table (states × actions × roles); its conditions refuse a rework without
an order, a return to supplier of goods that were not received, closing a rework that is not done, and
a concession approved or declined by the one who proposed it (or by nobody), whatever calls the transition."""

from decimal import Decimal

import django_fsm as fsm
import pytest
from django.core.exceptions import ValidationError

from accounts.roles import ROLES
from config.transitions import take
from orders.models import OrderStatus
from planning.models import Routing, WorkOrder, WorkOrderStatus
from quality import ncr_services
from quality.models import IS, NCR, Inspection, InspectionSource, Nonconformance
from tests.fixtures.factories import ProductFactory, make_order
from tests.fixtures.state_machines import check_table
from tests.inventory.masterdata import made_item

pytestmark = pytest.mark.django_db

QC = {"qc", "admin"}
MANAGERS = {"manager", "admin"}
EVERYONE = set(ROLES)
EXPECTED = {
    "rework": ({NCR.OPEN}, QC, NCR.IN_REWORK), "scrap": ({NCR.OPEN}, QC, NCR.CLOSED),
    "propose_concession": ({NCR.OPEN}, QC, NCR.AWAITING_APPROVAL),
    "return_to_supplier": ({NCR.OPEN}, QC, NCR.CLOSED),
    "approve_concession": ({NCR.AWAITING_APPROVAL}, MANAGERS, NCR.CLOSED),
    "decline_concession": ({NCR.AWAITING_APPROVAL}, MANAGERS, NCR.OPEN),
    # Taken when production finishes the rework, by whoever finishes it.
    "close_reworked": ({NCR.IN_REWORK}, EVERYONE, NCR.CLOSED),
}


@pytest.fixture
def make_ncr(role_users):
    product = ProductFactory()
    order = make_order(creator=role_users["sales"], status=OrderStatus.AWAITING_QC, products=[product])

    def make(state, *, order=order, source=InspectionSource.RECEIPT, rework_work_order=None):
        inspection = Inspection.objects.create(number=f"QI-T-{Inspection.objects.count()}", source=source,
                                               order=order, product=product, lot_quantity=Decimal("5"),
                                               status=IS.FAILED, created_by=role_users["qc"])
        return Nonconformance.objects.create(number=f"NCR-T-{inspection.pk}", inspection=inspection, order=order,
                                             product=product, quantity=Decimal("5"), status=state,
                                             disposition="concession", rework_work_order=rework_work_order)
    return make


def _approve_as(row, action, user):
    """As decide_concession takes it: the approver is set first, for the transition's condition."""
    current = Nonconformance.objects.select_for_update().get(pk=row.pk)
    current.approved_by = user
    take(current.approve_concession, actor=user, refused="refused")
    current.save()


def _decline_as(row, action, user):
    """As decide_concession takes it: the one declining is set first, for the transition's condition."""
    current = Nonconformance.objects.select_for_update().get(pk=row.pk)
    current.concession_declined_by = user
    take(current.decline_concession, actor=user, refused="refused")
    current.save()


def test_ncr_table(make_ncr, role_users):
    check_table(make_ncr, EXPECTED, NCR.values, users=role_users,
                calls={"approve_concession": _approve_as, "decline_concession": _decline_as})


def _refused(ncr, action):
    fresh = Nonconformance.objects.get(pk=ncr.pk)
    assert not fsm.can_proceed(getattr(fresh, action))
    with pytest.raises(fsm.TransitionNotAllowed):
        getattr(fresh, action)()


def test_conditions(make_ncr, role_users):
    _refused(make_ncr(NCR.OPEN, order=None), "rework")
    _refused(make_ncr(NCR.OPEN, source=InspectionSource.PRODUCTION), "return_to_supplier")
    item = made_item()
    work_order = WorkOrder.objects.create(number="WO-N-1", order=make_ncr(NCR.OPEN).order, item=item, quantity=1,
                                          routing=Routing.objects.create(item=item, version=1, is_active=True),
                                          status=WorkOrderStatus.IN_PROGRESS, created_by=role_users["qc"])
    in_rework = make_ncr(NCR.IN_REWORK, rework_work_order=work_order)
    _refused(in_rework, "close_reworked")
    WorkOrder.objects.filter(pk=work_order.pk).update(status=WorkOrderStatus.DONE)
    fresh = Nonconformance.objects.get(pk=in_rework.pk)
    fresh.close_reworked()
    assert fresh.status == NCR.CLOSED and fresh.closed_at is not None


def test_declining_a_concession_clears_the_disposition(make_ncr, role_users):
    ncr = make_ncr(NCR.AWAITING_APPROVAL)
    ncr.concession_declined_by = role_users["manager"]
    ncr.decline_concession()
    assert (ncr.status, ncr.disposition) == (NCR.OPEN, "") and ncr.concession_declined_at is not None


def test_the_proposer_cannot_approve_the_concession_even_calling_the_transition(make_ncr, role_users):
    proposer, other = role_users["manager"], role_users["admin"]
    ncr = make_ncr(NCR.AWAITING_APPROVAL)
    Nonconformance.objects.filter(pk=ncr.pk).update(decided_by=proposer)
    _refused(ncr, "approve_concession")  # no approver named: refused too
    own = Nonconformance.objects.get(pk=ncr.pk)
    own.approved_by = proposer
    with pytest.raises(fsm.TransitionNotAllowed):
        own.approve_concession()
    with pytest.raises(ValidationError, match="The person who proposed the concession cannot approve it too."):
        ncr_services.decide_concession(actor=proposer, ncr=ncr, approve=True)
    assert Nonconformance.objects.get(pk=ncr.pk).status == NCR.AWAITING_APPROVAL
    fresh = Nonconformance.objects.get(pk=ncr.pk)
    fresh.approved_by = other
    fresh.approve_concession()
    assert fresh.status == NCR.CLOSED


def test_the_proposer_cannot_decline_the_concession_even_calling_the_transition(make_ncr, role_users):
    proposer, other = role_users["manager"], role_users["admin"]
    ncr = make_ncr(NCR.AWAITING_APPROVAL)
    Nonconformance.objects.filter(pk=ncr.pk).update(decided_by=proposer)
    _refused(ncr, "decline_concession")  # nobody named as declining: refused too
    own = Nonconformance.objects.get(pk=ncr.pk)
    own.concession_declined_by = proposer
    assert not fsm.can_proceed(own.decline_concession)
    with pytest.raises(fsm.TransitionNotAllowed):
        own.decline_concession()
    with pytest.raises(ValidationError, match="The person who proposed the concession cannot decline it."):
        ncr_services.decide_concession(actor=proposer, ncr=ncr, approve=False, note="not like this")
    fresh = Nonconformance.objects.get(pk=ncr.pk)
    assert (fresh.status, fresh.concession_declined_by_id, fresh.events.count()) == (NCR.AWAITING_APPROVAL, None, 0)
    ncr_services.decide_concession(actor=other, ncr=ncr, approve=False, note="not like this")
    fresh = Nonconformance.objects.get(pk=ncr.pk)
    assert (fresh.status, fresh.concession_declined_by, fresh.disposition) == (NCR.OPEN, other, "")
    assert fresh.concession_declined_at is not None
